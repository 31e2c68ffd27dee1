import {Component, useState} from "@odoo/owl";
import {Dialog} from "@web/core/dialog/dialog";

/**
 * Reception joins the patient to the programme, with what they agree to hear
 * from it: emails, SMS, both or neither. Its payload is the two choices.
 */
export class JoinLoyaltyDialog extends Component {
    static template = "dental_loyalty.JoinLoyaltyDialog";
    static components = {Dialog};
    static props = {
        title: String,
        getPayload: Function,
        close: Function,
    };

    setup() {
        this.state = useState({mail: false, sms: false});
    }

    join() {
        this.props.getPayload({mail: this.state.mail, sms: this.state.sms});
        this.props.close();
    }
}
