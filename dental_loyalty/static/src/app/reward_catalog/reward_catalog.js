import {Component} from "@odoo/owl";
import {Dialog} from "@web/core/dialog/dialog";
import {formatPoints} from "@dental_loyalty/app/points_payment";

/**
 * The rewards a patient may get, as the server listed them: each with its cost
 * and the points left after it; those the patient cannot afford are shown
 * greyed out with the reason. Its payload is the chosen reward.
 */
export class RewardCatalog extends Component {
    static template = "dental_loyalty.RewardCatalog";
    static components = {Dialog};
    static props = {
        title: String,
        spendable: Number,
        rewards: Array,
        getPayload: Function,
        close: Function,
    };

    formatPoints(points) {
        return formatPoints(points);
    }

    choose(reward) {
        if (!reward.affordable) {
            return;
        }
        this.props.getPayload(reward);
        this.props.close();
    }
}
