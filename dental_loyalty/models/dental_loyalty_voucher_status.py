import re

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

# Text operators on the status: matched against each status's key and label.
LIKE = {"like", "ilike", "=like", "=ilike", "not like", "not ilike"}


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
    def _compute_status(self):
        for voucher in self:
            today = voucher.company_id._dental_loyalty_today()
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
        if operator == "=?":
            if not value:
                return expression.TRUE_DOMAIN
            operator = "="
        if operator in LIKE:
            operator, value = self._status_like(operator, value)
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(
                self.env._(
                    "Vouchers cannot be searched by status with the operator %s.",
                    operator,
                )
            )
        values = (
            list(value)
            if operator in ("in", "not in") and isinstance(value, (list, tuple))
            else [value]
        )
        if not all(isinstance(each, str) or each in (False, None) for each in values):
            raise UserError(
                self.env._(
                    "Vouchers are searched by status with status names, not %s.",
                    value,
                )
            )
        # A name no status has matches no voucher: it is not sent to the
        # database (which takes no NUL in a string, say).
        known = set(self._fields["state"].get_values(self.env))
        values = {each for each in values if each in known or not each}
        # Each voucher against its own clinic's day, as the nightly job.
        Company = self.env["res.company"]
        past = [
            ("state", "=", "valid"),
            *Company._dental_loyalty_day_domain("expiry_date", "<"),
        ]
        domains = [[("state", "in", list(values - {"valid", "expired"}))]]
        if "expired" in values:
            domains += [[("state", "=", "expired")], past]
        if "valid" in values:
            domains.append(
                [
                    ("state", "=", "valid"),
                    "|",
                    ("expiry_date", "=", False),
                    *Company._dental_loyalty_day_domain("expiry_date", ">="),
                ]
            )
        domain = expression.OR(domains)
        if operator in ("!=", "not in"):
            return ["!", *expression.normalize_domain(domain)]
        return domain

    @api.model
    def _status_like(self, operator, value):
        """``operator`` ``value`` on the status as text, turned into the
        statuses (key or label) that match it: ``in`` or ``not in`` them."""
        text = str(value or "")
        positive = operator.removeprefix("not ")
        if positive.startswith("="):
            # The SQL pattern: % for any signs, _ for one.
            pattern = "".join(
                ".*" if sign == "%" else "." if sign == "_" else re.escape(sign)
                for sign in text
            )
        else:
            pattern = f".*{re.escape(text)}.*"
        flags = re.IGNORECASE if "ilike" in positive else 0
        statuses = [
            key
            for key, label in self._selection_status()
            if re.fullmatch(pattern, key, flags | re.DOTALL)
            or re.fullmatch(pattern, label, flags | re.DOTALL)
        ]
        return ("not in" if operator.startswith("not ") else "in"), statuses
