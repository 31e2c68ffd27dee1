import {patch} from "@web/core/utils/patch";
import {ResPartner} from "@point_of_sale/app/models/res_partner";
import {formatPoints} from "@dental_loyalty/app/points_payment";

patch(ResPartner.prototype, {
    get dentalLoyaltyPointsText() {
        return formatPoints(this.loyalty_points_available);
    },

    /**
     * The points the server says the patient may spend now, after it moved
     * them (a reward held or given back), with the Rewards cue it counted
     * for them: the buttons show that cue without asking again.
     *
     * @param {{spendable: number, claimable: number}} answer
     */
    setDentalLoyaltySpendable({spendable, claimable}) {
        this.dentalLoyaltyCue = {points: spendable, claimable};
        this.loyalty_points_available = spendable;
    },

    /** The Rewards cue the server counted for the patient's points as they
     * are now, if it did (else undefined: the register asks). */
    get dentalLoyaltyClaimable() {
        const cue = this.dentalLoyaltyCue;
        return cue?.points === this.loyalty_points_available
            ? cue.claimable
            : undefined;
    },

    get dentalLoyaltyPendingText() {
        return formatPoints(this.loyalty_points_pending);
    },

    /** How the clinic enrols: "auto" (every new patient at their first paid
     * visit) or "ask" (reception asks at the desk). */
    get dentalLoyaltyEnrolment() {
        return this.models["res.company"].getFirst()?.dental_loyalty_enrolment;
    },

    /** A member, or a person who joins at this first paid visit where the
     * clinic enrols every new patient: the server decides at sync. */
    get dentalLoyaltyEarns() {
        return Boolean(
            this.loyalty_is_member ||
                (this.dentalLoyaltyEnrolment === "auto" &&
                    this.company_type !== "company")
        );
    },

    /** Reception asks this patient to join (a clinic that asks; companies too:
     * a loyalty user may enrol one by hand). */
    get dentalLoyaltyMayJoin() {
        return !this.loyalty_is_member && this.dentalLoyaltyEnrolment === "ask";
    },
});
