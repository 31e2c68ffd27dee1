# The model is split by concern on purpose (one file each), as Odoo core does.
# pylint: disable=consider-merging-classes-inherited

from odoo import api, models
from odoo.tools.misc import formatLang


class DentalLoyaltyReferral(models.Model):
    _inherit = "dental.loyalty.referral"

    # ------------------------------------------------------------------
    # Rewarding the first paid visit
    # ------------------------------------------------------------------

    @api.model
    def _reward_first_visit(self, order, visit_date, paid, label):
        """The POS adapter's call after settling a paid sale: a pending referral
        of the order's patient is rewarded on this first paid visit, or refused
        by the rules that may have changed since it was marked. One query when
        the patient has no pending referral. The adapter hands over the figures:
        the day of the visit, what was ``paid`` with money, the receipt's
        ``label``; ``order`` is read for its patient, company and currency."""
        if not order.partner_id or order.currency_id.compare_amounts(paid, 0) <= 0:
            # Not a visit paid with money: the referral waits for one.
            return self.browse()
        # The engine settles referrals for whoever takes the payment.
        referral = self.sudo().search(
            [
                ("referred_id", "=", order.partner_id.id),
                ("company_id", "=", order.company_id.id),
                ("state", "=", "pending"),
            ],
            limit=1,
        )
        if not referral:
            return referral
        if self.sudo()._has_visited(referral.referred_id, order.company_id, order):
            referral._refuse(
                self.env._(
                    "%s had already come to the clinic before this visit.",
                    referral.referred_id.display_name,
                )
            )
            return referral
        minimum = self._minimum_visit(order.company_id, order.currency_id)
        if order.currency_id.compare_amounts(paid, minimum) < 0:
            referral._refuse(
                self.env._(
                    "The first paid visit of %(patient)s, %(visit)s, came to "
                    "%(paid)s, less than the clinic's minimum of %(minimum)s for a "
                    "referral.",
                    patient=referral.referred_id.display_name,
                    visit=label,
                    paid=formatLang(self.env, paid, currency_obj=order.currency_id),
                    minimum=formatLang(
                        self.env, minimum, currency_obj=order.currency_id
                    ),
                )
            )
            return referral
        referral._reward(order, visit_date, label)
        return referral

    @api.model
    def _minimum_visit(self, company, currency):
        """The company's minimum first visit, in ``currency``."""
        minimum = company.dental_loyalty_referral_min_visit
        if currency == company.currency_id:
            return minimum
        return company.currency_id._convert(
            minimum, currency, company, self.env.company._dental_loyalty_today()
        )

    def _reward(self, order=None, visit_date=None, label=False):
        """Post both bonuses for the first paid visit (``order`` of
        ``visit_date``, named ``label``; or none for a visit that did not go
        through the register, today), after checking again what may have
        changed since the referral was marked: the phone numbers and addresses,
        and the referrer's yearly limit (rewarded referrals count)."""
        self.ensure_one()
        refusal = (
            self._contact_refusal(self.referrer_id, self.referred_id, self.company_id)
            or self._family_refusal(self.referrer_id, self.referred_id, self.company_id)
            or self._limit_refusal(
                self.referrer_id, self.company_id, self.date, states=("rewarded",)
            )
        )
        if refusal:
            self._refuse(refusal)
            return self.env["dental.loyalty.ledger"]
        company = self.company_id
        visit = visit_date or self.env.company._dental_loyalty_today()
        points = {
            "referrer": max(company.dental_loyalty_referrer_points, 0),
            "referred": max(company.dental_loyalty_referred_points, 0),
        }
        reasons = {
            "referrer": self.env._("Referred %s", self.referred_id.display_name),
            "referred": self.env._("Referred by %s", self.referrer_id.display_name),
        }
        partners = {"referrer": self.referrer_id, "referred": self.referred_id}
        lines = self.env["dental.loyalty.wallet"]._post_lines(
            [
                {
                    # Always the wallet the engine names for the patient (a
                    # family member's is the family's).
                    "wallet_id": partners[role]._dental_loyalty_wallet(company).id,
                    "member_id": partners[role].id,
                    "kind": "referral",
                    "points": points[role],
                    # Posted today: the bonus waits from the sync, not the visit.
                    "unique_key": f"referral:{self.id}:{role}",
                    "res_model": self._name,
                    "res_id": self.id,
                    # The referred patient's bonus is the visit's: its receipt
                    # counts it; the referrer's is another patient's.
                    "pos_order_id": order.id if order and role == "referred" else False,
                    "origin": label,
                    "reason": reasons[role],
                }
                for role in ("referrer", "referred")
                if points[role]
            ]
        )
        # The engine's bookkeeping: nobody writes a referral's state or points.
        self.sudo().write(
            {
                "state": "rewarded",
                "reward_date": visit,
                "pos_order_id": order.id if order else False,
                "referrer_points": points["referrer"],
                "referred_points": points["referred"],
            }
        )
        if points["referrer"]:
            # Posted first: the referrer's line leads.
            bonus = lines[0]
            self.env["dental.loyalty.dispatcher"]._notify(
                self.referrer_id,
                "referral",
                company,
                points=bonus.points,
                patient=self.referred_id.name,
                # Only worth saying when the points still wait.
                available_date=not bonus.is_released and bonus.available_date,
            )
        values = {
            "referrer": self.referrer_id.display_name,
            "referrer_points": points["referrer"],
            "referred": self.referred_id.display_name,
            "referred_points": points["referred"],
        }
        self._message_log(
            body=self.env._(
                "Rewarded on the first paid visit, %(visit)s: bonus of %(referrer)s, "
                "points: %(referrer_points)s; bonus of %(referred)s, points: "
                "%(referred_points)s.",
                visit=label,
                **values,
            )
            if label
            else self.env._(
                "Rewarded on the first paid visit: bonus of %(referrer)s, points: "
                "%(referrer_points)s; bonus of %(referred)s, points: "
                "%(referred_points)s.",
                **values,
            )
        )
        return lines
