from odoo import api, models


class PosOrderDesk(models.Model):
    """What the register's buttons show the moment a patient is on the bill:
    the rewards they can have now and their vouchers, in one call."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def dental_loyalty_patient_offers(self, config_id, partner_id):
        """``{"claimable": rewards the patient can have now, "vouchers": their
        own vouchers a bill can use today}``, and for a member the catalog as
        ``dental_loyalty_rewards`` answers it (``spendable``, ``rewards``): the
        register shows it when Rewards is tapped soon after, without asking
        again (the hold checks again under the wallet's lock). A patient
        outside the programme has no rewards, and no refusal for it: the
        buttons only stay quiet."""
        config = self._dental_loyalty_register(config_id)
        # As a points payment's reserve: the programme read first with what the
        # patient's access check reads of the company, which else fetched every
        # one of the company's columns.
        self._dental_loyalty_read_programme(config.company_id)
        patient = self._dental_loyalty_patient(partner_id)
        answer = {"claimable": 0}
        # A preview, asked whenever a patient is chosen (by mistake too): the
        # wallet's figures are read with it, and it joins nobody, where the
        # clinic enrols every new patient at their first paid visit.
        wallet = patient._dental_loyalty_member_wallet(
            config.company_id, with_figures=True, open_new=False
        )
        if wallet:
            answer.update(self._dental_loyalty_rewards_cue(wallet, patient))
        answer["vouchers"] = self._dental_loyalty_patient_vouchers(config, patient)
        return answer

    @api.model
    def _dental_loyalty_rewards_cue(self, wallet, patient, spendable=None):
        """The Rewards button's cue and the catalog behind it: ``spendable``,
        the points the patient may spend on rewards (given when the caller
        knows them from the holds it read); ``rewards``, every reward of the
        clinic with its cost, the points left after it and, when the patient
        cannot have it now, why (``refusal``: the limit, the tier, the stock,
        the dates or the points); ``claimable``, how many they can have."""
        spendable, refusals = self._dental_loyalty_catalog(wallet, patient, spendable)
        rewards = []
        for reward, refusal in refusals.items():
            refusal = reward._desk_refusal(refusal, spendable)
            rewards.append(
                {
                    "id": reward.id,
                    "name": reward.name,
                    "description": reward.description or "",
                    "kind": reward.kind,
                    "points_cost": reward.points_cost,
                    "points_after": spendable - reward.points_cost,
                    "affordable": not refusal,
                    "refusal": refusal or "",
                }
            )
        return {
            "spendable": spendable,
            "rewards": rewards,
            "claimable": sum(1 for reward in rewards if reward["affordable"]),
        }

    @api.model
    def _dental_loyalty_catalog(self, wallet, patient, spendable=None):
        """The points the patient may spend on rewards (``spendable`` when the
        caller knows them), and every reward of the wallet's clinic with why
        the patient cannot have it (or None)."""
        # The catalog and the holds are the engine's: the caller checked the
        # register and that the cashier may read the patient.
        if spendable is None:
            spendable, _own, _others = (
                self.env["dental.loyalty.reservation"]
                .sudo()
                ._spendable_for(wallet, False)
            )
        Reward = self.env["dental.loyalty.reward"].sudo()
        rewards = Reward.search_fetch(
            [("company_id", "=", wallet.company_id.id)], Reward._engine_fields()
        )._shown_to(patient)
        today = wallet.company_id._dental_loyalty_today()
        return spendable, rewards._refusals_for(wallet, today, patient)

    @api.model
    def dental_loyalty_referrer_of(self, config_id, partner_id):
        """The name of who referred the patient in the register's clinic (a
        pending or rewarded referral), or False: the register confirms it when
        the customer editor saves."""
        config = self._dental_loyalty_register(config_id)
        patient = self._dental_loyalty_patient(partner_id)
        # Referrals are the engine's records: the cashier named a patient they
        # may read, and learns only who brought them.
        referral = (
            self.env["dental.loyalty.referral"]
            .sudo()
            .search(
                [
                    ("referred_id", "=", patient.id),
                    ("company_id", "=", config.company_id.id),
                    ("state", "in", ("pending", "rewarded")),
                ],
                limit=1,
            )
        )
        return referral.referrer_id.name or False
