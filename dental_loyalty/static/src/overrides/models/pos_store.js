import {_t} from "@web/core/l10n/translation";
import {patch} from "@web/core/utils/patch";
import {AlertDialog} from "@web/core/confirmation_dialog/confirmation_dialog";
import {PosStore} from "@point_of_sale/app/store/pos_store";
import {pointsPaymentLines, releasePoints} from "@dental_loyalty/app/points_payment";
import {repriceVouchers} from "@dental_loyalty/app/vouchers";

patch(PosStore.prototype, {
    async selectPartner() {
        const order = this.get_order();
        const before = order?.get_partner();
        const result = await super.selectPartner(...arguments);
        if (order && order.get_partner() !== before) {
            this.dentalLoyaltyPartnerChanged(order);
        }
        return result;
    },

    /** Points held for the previous patient are neither theirs to spend nor
     * the new patient's: drop the points line and free the hold. */
    dentalLoyaltyPartnerChanged(order) {
        const lines = pointsPaymentLines(order);
        for (const line of lines) {
            order.remove_paymentline(line);
        }
        return releasePoints(this, order, lines.length > 0);
    },

    removeOrder(order) {
        if (!order.finalized) {
            releasePoints(this, order, pointsPaymentLines(order).length > 0);
        }
        return super.removeOrder(...arguments);
    },

    /** The bill may have changed since its vouchers were priced: the server
     * prices them again before the money is taken. */
    async pay() {
        const order = this.get_order();
        const refusal = order && (await repriceVouchers(this, order));
        if (refusal) {
            this.dialog.add(AlertDialog, {title: _t("Voucher refused"), body: refusal});
            return;
        }
        return super.pay(...arguments);
    },

    postSyncAllOrders(orders) {
        super.postSyncAllOrders(...arguments);
        // The server's figures after each order replace what the partner list shows.
        for (const order of orders) {
            const partner = order.get_partner();
            if (partner && order.dentalLoyaltySummary) {
                // Points were posted: the patient is a member (or just joined).
                partner.loyalty_is_member = true;
                partner.loyalty_points_available = order.dental_loyalty_balance;
                // The sync moved more than points (a voucher used, a limit
                // reached): the cue counted at a hold no longer stands.
                partner.clearDentalLoyaltyCue();
                partner.loyalty_points_pending = order.dental_loyalty_pending;
                partner.loyalty_tier_name = order.dental_loyalty_tier_name;
            }
        }
    },
});
