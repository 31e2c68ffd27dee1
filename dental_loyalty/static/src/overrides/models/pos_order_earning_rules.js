import {patch} from "@web/core/utils/patch";
import {PosOrder} from "@point_of_sale/app/models/pos_order";
import {earnPreviewDetail, formatPoints} from "@dental_loyalty/app/points_payment";

patch(PosOrder.prototype, {
    /** The earning rules this order will earn by if paid as it stands, each
     * with its points: "Whitening month x2", "+120". A preview: the server decides. */
    dentalLoyaltyEarnRules(pos) {
        if (!this.get_partner()?.dentalLoyaltyEarns || this.finalized) {
            return [];
        }
        return earnPreviewDetail(pos, this).rules.map((award) => ({
            id: award.ruleId,
            name: award.name,
            points: `+${formatPoints(award.points)}`,
        }));
    },

    /** The receipt names the rules that gave points, as the server posted them. */
    get dentalLoyaltySummary() {
        const summary = super.dentalLoyaltySummary;
        if (!summary) {
            return summary;
        }
        return {
            ...summary,
            rules: (this.dental_loyalty_rule_lines || []).map((line) => ({
                id: line.ruleId,
                name: line.name,
                points: `${line.points > 0 ? "+" : ""}${formatPoints(line.points)}`,
            })),
        };
    },
});
