import {_t} from "@web/core/l10n/translation";
import {Component, onMounted, useState} from "@odoo/owl";
import {Dialog} from "@web/core/dialog/dialog";
import {ConnectionLostError, RPCError} from "@web/core/network/rpc";

/**
 * The patient reads a code on their phone and the cashier types it: the dialog
 * asks the server to send it when it opens (and again on demand), and to check
 * what was typed. Refusals (wrong, expired, used, too many tries, too many
 * codes) stay in the dialog until the cashier acts. Its payload is true once
 * the server confirmed the code. The code is for the spend the server named
 * (``points``): the SMS says how many points, and a larger spend needs another.
 */
export class SpendCodeDialog extends Component {
    static template = "dental_loyalty.SpendCodeDialog";
    static components = {Dialog};
    static props = {
        pos: Object,
        orderUuid: String,
        partnerId: Number,
        reason: String,
        points: Number,
        getPayload: Function,
        close: Function,
    };

    setup() {
        this.state = useState({
            code: "",
            sentTo: "",
            minutes: 0,
            message: "",
            busy: false,
        });
        onMounted(() => this.send());
    }

    get sentText() {
        return _t(
            "A code was sent by SMS to %(number)s; it holds for %(minutes)s minutes. Points it spends at most: %(points)s. Ask the patient to read it to you.",
            {
                points: this.props.points,
                number: this.state.sentTo,
                minutes: this.state.minutes,
            }
        );
    }

    async _ask(method, extra = []) {
        this.state.busy = true;
        try {
            return await this.props.pos.data.call("pos.order", method, [
                this.props.pos.config.id,
                this.props.orderUuid,
                this.props.partnerId,
                ...extra,
            ]);
        } catch (error) {
            if (error instanceof ConnectionLostError) {
                this.state.message = _t("The code needs the register to be online.");
                return null;
            }
            if (error instanceof RPCError) {
                this.state.message = error.data.message;
                return null;
            }
            throw error;
        } finally {
            this.state.busy = false;
        }
    }

    async send() {
        this.state.message = "";
        const answer = await this._ask("dental_loyalty_send_spend_code", [
            this.props.points,
        ]);
        if (answer) {
            this.state.sentTo = answer.sent_to;
            this.state.minutes = answer.minutes;
            this.state.code = "";
        }
    }

    async confirm() {
        this.state.message = "";
        const answer = await this._ask("dental_loyalty_check_spend_code", [
            this.state.code,
        ]);
        if (!answer) {
            return;
        }
        if (!answer.verified) {
            this.state.message = answer.message;
            this.state.code = "";
            return;
        }
        this.props.getPayload(true);
        this.props.close();
    }
}
