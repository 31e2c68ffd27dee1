import { patch } from "@web/core/utils/patch";
import { PosStore } from "@point_of_sale/app/store/pos_store";

patch(PosStore.prototype, {
    postSyncAllOrders(orders) {
        super.postSyncAllOrders(...arguments);
        // The server's figures after each order replace what the partner list shows.
        for (const order of orders) {
            const partner = order.get_partner();
            if (partner && order.dentalLoyaltySummary) {
                partner.loyalty_points_available = order.dental_loyalty_balance;
                partner.loyalty_tier_name = order.dental_loyalty_tier_name;
            }
        }
    },
});
