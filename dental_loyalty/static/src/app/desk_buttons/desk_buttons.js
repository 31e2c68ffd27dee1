import {_t} from "@web/core/l10n/translation";
import {Component, useEffect, useState} from "@odoo/owl";
import {usePos} from "@point_of_sale/app/store/pos_hook";
import {
    openRewards,
    openVouchers,
    patientOffers,
    vouchersNotOnBill,
} from "@dental_loyalty/app/desk";

/**
 * Rewards and Vouchers on the product screen, in sight, each with a cue when
 * the bill's patient can claim something: the rewards they can have now and
 * their unused vouchers not yet on the bill.
 */
export class DeskButtons extends Component {
    static template = "dental_loyalty.DeskButtons";
    static props = {};

    setup() {
        this.pos = usePos();
        this.offers = useState({partnerId: null, claimable: 0, vouchers: []});
        // Asked again when the patient's spendable points move on this
        // register (a reward held or given back, a sync): what they can
        // have moves with them.
        useEffect(
            (partnerId) => {
                this.refresh(partnerId);
            },
            () => [this.partner?.id, this.partner?.loyalty_points_available]
        );
    }

    get partner() {
        return this.pos.get_order()?.get_partner();
    }

    /** What is shown is the current patient's, never the previous one's. */
    get current() {
        return this.partner && this.offers.partnerId === this.partner.id;
    }

    get claimable() {
        return this.current ? this.offers.claimable : 0;
    }

    get vouchers() {
        return this.current
            ? vouchersNotOnBill(this.pos.get_order(), this.offers.vouchers)
            : [];
    }

    get rewardsCueTitle() {
        return _t("Rewards the patient can have now: %s", this.claimable);
    }

    get vouchersCueTitle() {
        return _t("Unused vouchers of the patient: %s", this.vouchers.length);
    }

    async refresh(partnerId = this.partner?.id) {
        const partner = this.partner;
        if (!partnerId || partner?.id !== partnerId) {
            Object.assign(this.offers, {partnerId: null, claimable: 0, vouchers: []});
            return;
        }
        const claimable = partner.dentalLoyaltyClaimable;
        if (this.current && claimable !== undefined) {
            // The server counted it when it moved the points (a hold or a
            // release): the vouchers shown are still the patient's.
            this.offers.claimable = claimable;
            return;
        }
        const points = partner.loyalty_points_available;
        const offers = await patientOffers(this.pos, partner);
        if (this.partner?.id === partnerId) {
            Object.assign(this.offers, {
                partnerId,
                claimable: offers.claimable,
                vouchers: offers.vouchers,
            });
            if (offers.rewards && partner.loyalty_points_available === points) {
                // Counted for the points the register still shows: Rewards
                // tapped soon after lists this catalog without asking again.
                partner.setDentalLoyaltyCue(offers);
            }
        }
    }

    async clickRewards() {
        const partner = this.partner;
        const spendable = partner?.loyalty_points_available;
        const chosen = await openRewards(this.pos);
        if (chosen?.claimable !== undefined) {
            if (this.current && this.partner === partner) {
                this.offers.claimable = chosen.claimable;
            }
        } else if (
            chosen &&
            this.partner === partner &&
            partner.loyalty_points_available === spendable
        ) {
            // A reward asked for that moved no points: a free one's hold
            // counted the cue; a refusal's limit or stock may have moved since
            // the cue was counted, the server says.
            if (!chosen.held) {
                partner.clearDentalLoyaltyCue();
            }
            await this.refresh();
        }
    }

    async clickVouchers() {
        // A tap right after the patient was chosen must not find the list empty.
        if (!this.current) {
            await this.refresh();
        }
        // A voucher put on the bill leaves the cue by itself (vouchersNotOnBill);
        // one of another patient changes the patient, which asks again.
        await openVouchers(this.pos, this.vouchers);
    }
}
