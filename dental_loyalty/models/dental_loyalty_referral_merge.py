# The model is split by concern on purpose (one file each), as Odoo core does.
# pylint: disable=consider-merging-classes-inherited

from odoo import api, models

from .dental_loyalty_referral import _LIVE_STATES
from .pos_order import PAID_STATES


class DentalLoyaltyReferral(models.Model):
    _inherit = "dental.loyalty.referral"

    # ------------------------------------------------------------------
    # Merging contacts: one patient, whatever their contacts were
    # ------------------------------------------------------------------

    @api.model
    def _merge_partners(self, src_partners, dst_partner):
        """Odoo's contact merge joins ``src_partners`` into ``dst_partner``:
        one person. A referral between them, a referral of a contact merged
        with someone who had come to the clinic before its first visit, and
        a second referral of the one patient in a company keep no bonus:
        refused when pending, reversed when rewarded. Runs before Odoo points
        the referrals at the kept contact, while each contact's visits are
        still their own."""
        merged = src_partners | dst_partner
        # The engine's bookkeeping: whoever merges contacts settles referrals.
        referrals = (
            self.sudo()
            .search([("referred_id", "in", merged.ids), ("state", "in", _LIVE_STATES)])
            .sorted(lambda referral: (referral.state != "rewarded", referral.id))
        )
        names = ", ".join(merged.mapped("display_name"))
        kept = {}
        for referral in referrals:
            patient = referral.referred_id
            if referral.referrer_id in merged:
                why = self.env._(
                    "%(patient)s and %(referrer)s were merged into one contact: a "
                    "patient cannot refer themselves",
                    patient=patient.display_name,
                    referrer=referral.referrer_id.display_name,
                )
            elif referral.company_id in kept:
                why = self.env._(
                    "%(patient)s was merged with a contact already referred by "
                    "%(referrer)s: a patient has one referrer",
                    patient=patient.display_name,
                    referrer=kept[referral.company_id].referrer_id.display_name,
                )
            elif visitor := next(
                (
                    other
                    for other in merged - patient
                    if referral._visited_before_reward(other)
                ),
                None,
            ):
                why = self.env._(
                    "%(patient)s was merged with %(other)s, who had already come "
                    "to the clinic",
                    patient=patient.display_name,
                    other=visitor.display_name,
                )
            else:
                kept[referral.company_id] = referral
                continue
            if referral.state == "pending":
                referral._refuse(why)
            else:
                referral._reverse(self.env._("merging %s", names), why)

    def _visited_before_reward(self, partner):
        """Whether ``partner`` had a paid visit in the referral's company
        before its first visit was rewarded (at any time, while it is
        pending). Told by the server's order of records, not by dates."""
        self.ensure_one()
        if self.state != "rewarded":
            return self._has_visited(partner, self.company_id)
        order_domain = [
            ("partner_id", "=", partner.id),
            ("company_id", "=", self.company_id.id),
            ("state", "in", PAID_STATES),
            ("amount_total", ">", 0),
        ]
        if self.pos_order_id:
            order_domain.append(("id", "<", self.pos_order_id.id))
        Ledger = self.env["dental.loyalty.ledger"].sudo()
        line_domain = [
            ("member_id", "=", partner.id),
            ("company_id", "=", self.company_id.id),
            ("kind", "in", Ledger._visit_kinds()),
        ]
        bonuses = self.line_ids.filtered(lambda line: line.kind == "referral")
        if bonuses:
            line_domain.append(("id", "<", min(bonuses.ids)))
        return bool(
            self.env["pos.order"].sudo().search_count(order_domain, limit=1)
            or Ledger.search_count(line_domain, limit=1)
        )
