import {Component} from "@odoo/owl";
import {Dialog} from "@web/core/dialog/dialog";
import {formatPoints} from "@dental_loyalty/app/points_payment";

/**
 * The clinic's rewards, as the server listed them: each with its cost and the
 * points left after it; those the patient cannot have now come after, greyed
 * out with the server's reason (the limit, the tier, the stock, the dates, the
 * points). Its payload is the chosen reward.
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

    /** Those the patient can have first, each group in the catalog's order. */
    get rewards() {
        return [
            ...this.props.rewards.filter((reward) => reward.affordable),
            ...this.props.rewards.filter((reward) => !reward.affordable),
        ];
    }

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
