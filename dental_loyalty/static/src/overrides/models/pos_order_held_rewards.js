import {patch} from "@web/core/utils/patch";
import {PosOrder} from "@point_of_sale/app/models/pos_order";

patch(PosOrder.prototype, {
    /** A voucher's line taken off the bill: the register gives its reward
     * back if the server held it for this order (releaseRemovedRewards). */
    removeOrderline(line) {
        const code = line.dental_loyalty_voucher_code;
        const removed = super.removeOrderline(...arguments);
        if (code && removed !== false) {
            this.uiState.dentalLoyaltyRemovedCodes = [
                ...(this.uiState.dentalLoyaltyRemovedCodes || []),
                code,
            ];
        }
        return removed;
    },
});
