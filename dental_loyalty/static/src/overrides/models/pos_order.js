import {patch} from "@web/core/utils/patch";
import {formatDate} from "@web/core/l10n/dates";
import {PosOrder} from "@point_of_sale/app/models/pos_order";
import {earnPreview, formatPoints} from "@dental_loyalty/app/points_payment";

const {DateTime} = luxon;

patch(PosOrder.prototype, {
    /** The points the server posted for this order, once it is synced, in the
     * programme's words: the patient's total before and after the visit, what
     * it earned and spent (vouchers bought on the visit included), what is
     * spendable now and what is pending, each batch with its day. */
    get dentalLoyaltySummary() {
        const posted =
            this.dental_loyalty_tier_name ||
            this.dental_loyalty_points_earned ||
            this.dental_loyalty_points_spent;
        if (!this.get_partner() || !posted) {
            return null;
        }
        const pendingDate = this.dental_loyalty_pending_date;
        const spent =
            (this.dental_loyalty_points_spent || 0) +
            (this.dental_loyalty_voucher_points || 0);
        return {
            before: formatPoints(this.dental_loyalty_points_before),
            earned: formatPoints(this.dental_loyalty_points_earned),
            spent: spent ? formatPoints(spent) : "",
            voucherSpent: this.dental_loyalty_voucher_points
                ? formatPoints(this.dental_loyalty_voucher_points)
                : "",
            recall:
                this.dental_loyalty_recall_points > 0
                    ? `+${formatPoints(this.dental_loyalty_recall_points)}`
                    : "",
            referral:
                this.dental_loyalty_referral_points > 0
                    ? `+${formatPoints(this.dental_loyalty_referral_points)}`
                    : "",
            after: formatPoints(this.dental_loyalty_points_total),
            balance: formatPoints(this.dental_loyalty_balance),
            pending: this.dental_loyalty_pending
                ? formatPoints(this.dental_loyalty_pending)
                : "",
            pendingBatches: this.dental_loyalty_pending_batches || "",
            pendingDate: pendingDate ? formatDate(DateTime.fromSQL(pendingDate)) : "",
            tier: this.dental_loyalty_tier_name || "",
        };
    },

    /** What this order will earn if paid as it stands: a preview, the server
     * decides. An empty bill says nothing (not "+0"). */
    dentalLoyaltyEarnPreviewText(pos) {
        if (
            !this.get_partner()?.dentalLoyaltyEarns ||
            this.finalized ||
            !this.get_orderlines().length
        ) {
            return "";
        }
        return formatPoints(earnPreview(pos, this));
    },

    /** Who treated the patient, as ``{id, name}``, kept in the order's state and
     * sent with the order: the register loads no employees (pos_hr loads only
     * those who may log in), so the field has no record to point to. */
    get dentalLoyaltyPractitioner() {
        return this.uiState.dentalLoyaltyPractitioner || null;
    },

    setDentalLoyaltyPractitioner(practitioner) {
        this.uiState.dentalLoyaltyPractitioner = practitioner
            ? {id: practitioner.id, name: practitioner.name}
            : null;
    },

    serialize() {
        const data = super.serialize(...arguments);
        const practitioner = this.uiState?.dentalLoyaltyPractitioner;
        if (practitioner !== undefined) {
            data.dental_loyalty_practitioner_id = practitioner?.id || false;
        }
        return data;
    },

    export_for_printing() {
        return {
            ...super.export_for_printing(...arguments),
            dentalLoyalty: this.dentalLoyaltySummary,
            // The patient's own code, to hand to those they bring to the clinic.
            dentalLoyaltyReferralCode: this.get_partner()?.dental_referral_code || "",
        };
    },
});
