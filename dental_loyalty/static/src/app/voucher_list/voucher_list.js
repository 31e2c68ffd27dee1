import {Component, useState} from "@odoo/owl";
import {Dialog} from "@web/core/dialog/dialog";
import {deserializeDate, formatDate} from "@web/core/l10n/dates";

/**
 * The patient's unused vouchers, one tap to put one on the bill, and a field
 * for a code typed or scanned (a voucher of someone else, a transferable one).
 * Its payload is the code.
 */
export class VoucherList extends Component {
    static template = "dental_loyalty.VoucherList";
    static components = {Dialog};
    static props = {
        title: String,
        vouchers: Array,
        getPayload: Function,
        close: Function,
    };

    setup() {
        this.state = useState({code: ""});
    }

    validUntil(voucher) {
        return formatDate(deserializeDate(voucher.expiry_date));
    }

    choose(code) {
        if (!code?.trim()) {
            return;
        }
        this.props.getPayload(code);
        this.props.close();
    }

    onKeydown(event) {
        if (event.key === "Enter") {
            this.choose(this.state.code);
        }
    }
}
