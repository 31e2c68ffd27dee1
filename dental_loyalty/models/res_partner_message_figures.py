from odoo import api, models

# event: the ledger kind whose latest line a message without an event reads.
LATEST_LINE = {
    "earned": "earn",
    "spent": "spend",
    "recall": "recall",
    "birthday": "birthday",
    "anniversary": "anniversary",
    "referral": "referral",
}


# One concern of res.partner per file, as core splits a model across files.
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    """A message's figures read from the patient's own records, for when a
    template is rendered with no event (its preview, Contacts > Send email or
    SMS): what the event would have passed, as the patient's ledger says."""

    _inherit = "res.partner"

    @api.model
    def _dental_loyalty_may_read_figures(self):
        """Whether a message rendered now may carry patients' figures: for
        loyalty users and the engine (superuser), who may read them anyway."""
        return self.env.su or self.env.user.has_group(
            "dental_loyalty.group_dental_loyalty_user"
        )

    def _dental_loyalty_message_figures(self, event, company=None):
        """The values ``event``'s message would carry for this patient in
        ``company`` (the current one by default), read from their wallet and
        ledger, names in the environment's language; an empty dict for a
        non-member. Only plain values, as the dispatcher passes them."""
        self.ensure_one()
        self.check_access("read")
        if not self._dental_loyalty_may_read_figures():
            return {}
        company = company or self.env.company
        # The figures are the engine's: the caller may read the patient and
        # their loyalty figures (above).
        Wallet = self.env["dental.loyalty.wallet"].sudo()
        own = Wallet.search(
            [("partner_id", "=", self.id), ("company_id", "=", company.id)], limit=1
        )
        if not own:
            return {}
        payer = own._paying_wallet()
        values = dict(self._dental_loyalty_statement_values(own)[own.id])
        values["total"] = values["spendable"] + values["pending"]
        lots = values.get("expiring_lots") or ()
        if event == "expiry_warning":
            values.update(points=values["expiring"], date=lots and lots[0][0])
        in_company = self.with_company(company).sudo()
        values["tier"] = in_company.loyalty_tier_id.name or ""
        values["missing"] = in_company.loyalty_next_tier or ""
        if event == "tier_change":
            values.update(self._dental_loyalty_last_tier_change(own))
        if event == "dormant":
            values["months"] = company.dental_loyalty_dormant_months
        kind = LATEST_LINE.get(event)
        if kind:
            values.update(self._dental_loyalty_latest_line(payer, kind))
        return values

    def _dental_loyalty_last_tier_change(self, wallet):
        History = self.env["dental.loyalty.tier.history"].sudo()
        change = History.search(
            [("wallet_id", "=", wallet.id), ("previous_tier_id", "!=", False)],
            order="date desc, id desc",
            limit=1,
        )
        if not change:
            return {}
        return {
            "tier": change.tier_id.name,
            "previous_tier": change.previous_tier_id.name,
            "up": change.tier_id.threshold > change.previous_tier_id.threshold,
        }

    def _dental_loyalty_latest_line(self, wallet, kind):
        """points, order, available_date (and patient, for a referral) of the
        patient's latest ledger line of ``kind`` on ``wallet``."""
        Ledger = self.env["dental.loyalty.ledger"].sudo()
        domain = [("wallet_id", "=", wallet.id), ("kind", "=", kind)]
        if wallet.partner_id != self:
            domain.append(("member_id", "=", self.id))
        line = Ledger.search(domain, order="date desc, id desc", limit=1)
        if not line:
            return {"points": 0}
        points = abs(line.points)
        if kind == "earn" and line.pos_order_id:
            # The earning rules' points were earned on the same visit.
            points += sum(
                Ledger.search(
                    [
                        ("wallet_id", "=", wallet.id),
                        ("pos_order_id", "=", line.pos_order_id.id),
                        ("kind", "=", "rule"),
                    ]
                ).mapped("points")
            )
        values = {
            "points": points,
            "order": line.pos_order_id.name or line.origin or "",
            # Only worth saying when the points still wait, as the event says.
            "available_date": not line.is_released and line.available_date,
        }
        if kind == "referral":
            referral = (
                self.env["dental.loyalty.referral"]
                .sudo()
                .search([("referrer_id", "=", self.id)], order="id desc", limit=1)
            )
            values["patient"] = referral.referred_id.name or ""
        return values
