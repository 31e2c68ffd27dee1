from odoo import models
from odoo.tools.misc import formatLang

from .dental_loyalty_reward import _LIMIT_PERIODS


class DentalLoyaltyReward(models.Model):
    """The catalog as the front desk sees it: every reward, each with why the
    patient cannot have it, in a few queries for the whole catalog."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.reward"  # pylint: disable=consider-merging-classes-inherited

    def _refusals_for(self, wallet, today, patient=None):
        """``{reward: why the patient cannot get it today, or None}`` for the
        rewards of ``self``; points are not looked at. The limits per patient
        are counted in one query for all of them."""
        patient = patient or wallet.partner_id
        taken = self._vouchers_taken(patient, today)
        return {
            reward: reward._refusal(
                wallet, today, patient, taken=taken.get(reward.id, 0)
            )
            for reward in self
        }

    def _vouchers_taken(self, patient, today):
        """``{reward id: vouchers of the patient counting for its limit}``, for
        the rewards of ``self`` that have a limit, as ``_vouchers_in_period``
        counts them one by one."""
        limited = self.filtered("limit_per_patient")
        if not limited:
            return {}
        # The reward's limit counts every voucher of the patient, whoever reads.
        vouchers = (
            self.env["dental.loyalty.voucher"]
            .sudo()
            .search_fetch(
                [
                    ("reward_id", "in", limited.ids),
                    ("partner_id", "=", patient.id),
                    ("state", "!=", "cancelled"),
                ],
                ["reward_id", "issue_date"],
            )
        )
        taken = {}
        for reward in limited:
            period = _LIMIT_PERIODS.get(reward.limit_period)
            since = period and today - period
            taken[reward.id] = len(
                vouchers.filtered(
                    lambda voucher, reward=reward, since=since: (
                        voucher.reward_id == reward
                        and (not since or voucher.issue_date > since)
                    )
                )
            )
        return taken

    def _desk_refusal(self, refusal, spendable):
        """The sentence the catalog shows under a reward: ``refusal``, else
        the points missing, else None."""
        self.ensure_one()
        if refusal:
            return refusal
        if spendable < self.points_cost:
            return self.env._(
                "Not enough points: %(reward)s costs %(cost)s, the patient has "
                "%(spendable)s spendable.",
                reward=self.name,
                cost=formatLang(self.env, self.points_cost, digits=0),
                spendable=formatLang(self.env, max(spendable, 0), digits=0),
            )
        return None
