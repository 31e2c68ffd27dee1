import {patch} from "@web/core/utils/patch";
import {PosOrder} from "@point_of_sale/app/models/pos_order";
import {formatPoints} from "@dental_loyalty/app/points_payment";
import {refundFigures, returnedLines} from "@dental_loyalty/app/refund_preview";

patch(PosOrder.prototype, {
    /** A refund earns nothing: what it takes back and gives back is said
     * instead (dentalLoyaltyRefundText). */
    dentalLoyaltyEarnPreviewText(pos) {
        const returned = returnedLines(this).length;
        if (returned && returned === this.get_orderlines().length) {
            return "";
        }
        return super.dentalLoyaltyEarnPreviewText(...arguments);
    },

    /** What the refund being rung up takes back and gives back, in the
     * server's figures; a refusal as the server said it; null while asked. */
    dentalLoyaltyRefundText(pos) {
        const known = refundFigures(pos, this);
        if (!known) {
            return null;
        }
        if (!known.figures) {
            return {message: known.message};
        }
        const {take_back, give_back_points, give_back_amount} = known.figures;
        if (!take_back && !give_back_points) {
            return null; // the sale moved no points
        }
        return {
            takeBack: formatPoints(take_back),
            giveBack: formatPoints(give_back_points),
            giveBackAmount: pos.env.utils.formatCurrency(give_back_amount),
        };
    },

    /** A refund's block of the receipt, in the server's figures once synced:
     * the points taken and given back, the vouchers valid again. */
    get dentalLoyaltyRefundSummary() {
        const taken = this.dental_loyalty_points_taken_back;
        const given = this.dental_loyalty_points_given_back;
        const vouchersBack = this.dental_loyalty_vouchers_back || "";
        if (!returnedLines(this).length || !(taken || given || vouchersBack)) {
            return null;
        }
        return {
            // Only a refund that sells nothing reads in these words alone.
            only: returnedLines(this).length === this.get_orderlines().length,
            takenBack: taken ? formatPoints(taken) : "",
            givenBack: given ? formatPoints(given) : "",
            givenBackAmount: given ? this.dental_loyalty_amount_given_back : 0,
            vouchersBack,
        };
    },

    export_for_printing() {
        return {
            ...super.export_for_printing(...arguments),
            dentalLoyaltyRefund: this.dentalLoyaltyRefundSummary,
        };
    },
});
