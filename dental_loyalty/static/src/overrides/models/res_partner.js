import {patch} from "@web/core/utils/patch";
import {ResPartner} from "@point_of_sale/app/models/res_partner";
import {formatPoints} from "@dental_loyalty/app/points_payment";

// How long a catalog the server listed is shown as it is when Rewards is
// tapped: the time a patient stands at the desk. The hold checks again anyway.
const CATALOG_SHOWN_MS = 5 * 60 * 1000;

patch(ResPartner.prototype, {
    get dentalLoyaltyPointsText() {
        return formatPoints(this.loyalty_points_available);
    },

    /**
     * The points the server says the patient may spend now, after it moved
     * them (a reward held or given back), with the Rewards cue and catalog it
     * counted for them: the buttons show them without asking again.
     *
     * @param {{spendable: number, claimable: number, rewards: Object[]}} answer
     */
    setDentalLoyaltySpendable(answer) {
        this.loyalty_points_available = answer.spendable;
        this.setDentalLoyaltyCue(answer);
    },

    /**
     * The Rewards cue and catalog the server counted for the patient's points
     * as this register knows them now (the offers' answer).
     *
     * @param {{spendable: number, claimable: number, rewards?: Object[]}} answer
     */
    setDentalLoyaltyCue({spendable, claimable, rewards}) {
        this.dentalLoyaltyCue = {
            points: this.loyalty_points_available,
            spendable,
            claimable,
            rewards,
            at: Date.now(),
        };
    },

    /** The points moved in a way the server did not count a cue for. */
    clearDentalLoyaltyCue() {
        this.dentalLoyaltyCue = undefined;
    },

    /** The Rewards cue the server counted for the patient's points as they
     * are now, if it did (else undefined: the register asks). */
    get dentalLoyaltyClaimable() {
        const cue = this.dentalLoyaltyCue;
        return cue?.points === this.loyalty_points_available
            ? cue.claimable
            : undefined;
    },

    /** The catalog the server listed with that cue, while it is recent
     * (else undefined: the register asks). */
    get dentalLoyaltyCatalog() {
        const cue = this.dentalLoyaltyCue;
        if (
            cue?.rewards &&
            cue.points === this.loyalty_points_available &&
            Date.now() - cue.at < CATALOG_SHOWN_MS
        ) {
            return {spendable: cue.spendable, rewards: cue.rewards};
        }
        return undefined;
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
