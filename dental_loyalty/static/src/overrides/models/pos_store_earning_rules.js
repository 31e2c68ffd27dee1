import {patch} from "@web/core/utils/patch";
import {PosStore} from "@point_of_sale/app/store/pos_store";

patch(PosStore.prototype, {
    postSyncAllOrders(orders) {
        super.postSyncAllOrders(...arguments);
        // The next bill of the same patient is no first visit, and what the
        // rules gave counts towards their caps, until the patient is read again.
        for (const order of orders) {
            const partner = order.get_partner();
            const figures = partner?.dental_loyalty_rule_figures;
            if (!figures || !order.dentalLoyaltySummary) {
                continue;
            }
            const used = {...(figures.used || {})};
            for (const line of order.dental_loyalty_rule_lines || []) {
                if (line.ruleId in used || this.dentalLoyaltyRuleCapped(line.ruleId)) {
                    used[line.ruleId] = (used[line.ruleId] || 0) + line.points;
                }
            }
            partner.dental_loyalty_rule_figures = {...figures, firstVisit: false, used};
        }
    },

    /** Whether the rule's cap spans more than one bill. */
    dentalLoyaltyRuleCapped(ruleId) {
        const rule = this.models["dental.loyalty.earning.rule"].get(ruleId)?.pos_rule;
        return Boolean(rule?.capPoints && rule.capPeriod !== "bill");
    },
});
