import { patch } from "@web/core/utils/patch";
import { formatDate } from "@web/core/l10n/dates";
import { PosOrder } from "@point_of_sale/app/models/pos_order";

const { DateTime } = luxon;

patch(PosOrder.prototype, {
    /** The points the server posted for this order, once it is synced. */
    get dentalLoyaltySummary() {
        const posted =
            this.dental_loyalty_tier_name ||
            this.dental_loyalty_points_earned ||
            this.dental_loyalty_points_spent;
        if (!this.get_partner() || !posted) {
            return null;
        }
        const pendingDate = this.dental_loyalty_pending_date;
        return {
            earned: this.dental_loyalty_points_earned || 0,
            spent: this.dental_loyalty_points_spent || 0,
            balance: this.dental_loyalty_balance || 0,
            pending: this.dental_loyalty_pending || 0,
            pendingDate: pendingDate ? formatDate(DateTime.fromSQL(pendingDate)) : "",
            tier: this.dental_loyalty_tier_name || "",
        };
    },

    export_for_printing() {
        return { ...super.export_for_printing(...arguments), dentalLoyalty: this.dentalLoyaltySummary };
    },
});
