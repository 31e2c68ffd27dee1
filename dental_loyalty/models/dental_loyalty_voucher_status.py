from odoo import api, fields, models
from odoo.osv import expression


class DentalLoyaltyVoucher(models.Model):
    """What a voucher is today, as people read it: a valid voucher past its
    date reads Expired at once, everywhere, while the nightly job still
    writes its state when it runs."""

    _inherit = "dental.loyalty.voucher"

    status = fields.Selection(
        selection="_selection_status",
        compute="_compute_status",
        search="_search_status",
        help="The voucher's state as of today: a valid voucher past its date is "
        "expired, before the nightly job marks it so.",
    )

    @api.model
    def _selection_status(self):
        return self._fields["state"]._description_selection(self.env)

    @api.depends("state", "expiry_date")
    @api.depends_context("tz")
    def _compute_status(self):
        today = fields.Date.context_today(self)
        for voucher in self:
            voucher.status = (
                "expired" if voucher._is_past_date(today) else voucher.state
            )

    def _is_past_date(self, today):
        self.ensure_one()
        return (
            self.state == "valid"
            and bool(self.expiry_date)
            and self.expiry_date < today
        )

    @api.model
    def _search_status(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            return NotImplemented
        values = {value} if operator in ("=", "!=") else set(value or ())
        today = fields.Date.context_today(self)
        past = [("state", "=", "valid"), ("expiry_date", "<", today)]
        domains = [[("state", "in", list(values - {"valid", "expired"}))]]
        if "expired" in values:
            domains += [[("state", "=", "expired")], past]
        if "valid" in values:
            domains.append(
                [
                    ("state", "=", "valid"),
                    "|",
                    ("expiry_date", "=", False),
                    ("expiry_date", ">=", today),
                ]
            )
        domain = expression.OR(domains)
        if operator in ("!=", "not in"):
            return ["!", *expression.normalize_domain(domain)]
        return domain
