import {patch} from "@web/core/utils/patch";
import {OrderSummary} from "@point_of_sale/app/screens/product_screen/order_summary/order_summary";
import {releaseRemovedRewards} from "@dental_loyalty/app/held_rewards";

patch(OrderSummary.prototype, {
    /** A held reward's line taken off with the numpad: everything comes back. */
    async updateSelectedOrderline() {
        const result = await super.updateSelectedOrderline(...arguments);
        await releaseRemovedRewards(this.pos, this.currentOrder);
        return result;
    },
});
