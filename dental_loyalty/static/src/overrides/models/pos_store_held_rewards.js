import {patch} from "@web/core/utils/patch";
import {PosStore} from "@point_of_sale/app/store/pos_store";
import {
    releaseHeldRewards,
    releaseRemovedRewards,
} from "@dental_loyalty/app/held_rewards";
import {voucherLines} from "@dental_loyalty/app/vouchers";

patch(PosStore.prototype, {
    /** Rewards held for the previous patient are not the new patient's: their
     * lines go, and the server gives them all back at once. */
    dentalLoyaltyPartnerChanged(order) {
        const heldCodes = order.uiState.dentalLoyaltyHeldCodes || [];
        for (const line of voucherLines(order)) {
            if (heldCodes.includes(line.dental_loyalty_voucher_code)) {
                order.removeOrderline(line);
            }
        }
        if (heldCodes.length) {
            releaseHeldRewards(this, order);
        }
        return super.dentalLoyaltyPartnerChanged(...arguments);
    },

    removeOrder(order) {
        // Any voucher line may be a reward held for this order (after a reload
        // the register no longer knows which): the server releases those.
        if (!order.finalized && voucherLines(order).length) {
            releaseHeldRewards(this, order);
        }
        return super.removeOrder(...arguments);
    },

    async pay() {
        const order = this.get_order();
        if (order) {
            await releaseRemovedRewards(this, order);
        }
        return super.pay(...arguments);
    },
});
