# The model is split by concern on purpose (one file each), as Odoo core does.
# pylint: disable=consider-merging-classes-inherited

from odoo import api, models
from odoo.exceptions import AccessError, UserError

from .dental_loyalty_input import check_record_ids


class DentalLoyaltyVoucher(models.Model):
    _inherit = "dental.loyalty.voucher"

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def _check_door(self):
        """Buttons act on the ids a browser sends: only on vouchers the user
        reads (their companies' record rule), of the companies they work in now."""
        check_record_ids(self)
        self.check_access("read")
        if self.company_id - self.env.companies:
            raise AccessError(
                self.env._("These vouchers belong to a clinic you do not work in.")
            )

    def action_cancel(self):
        """Cancel unused vouchers and give their points back."""
        if not self.env.user.has_group("dental_loyalty.group_dental_loyalty_manager"):
            raise AccessError(self.env._("Only loyalty managers cancel vouchers."))
        self._check_door()
        # Vouchers have no write right for anyone: the engine changes them,
        # on the records checked just above.
        for voucher in self.sudo():
            if voucher.state != "valid":
                raise UserError(
                    self.env._(
                        "Voucher %s is not valid: only an unused voucher can be "
                        "cancelled.",
                        voucher.code_hint,
                    )
                )
            # Back where the patient spends now: a voucher taken from their own
            # wallet before they joined a family gives its points to the family
            # (their own wallet stays empty while they belong to it).
            wallet = voucher.wallet_id._paying_wallet()
            wallet._lock_for_update()
            voucher.state = "cancelled"
            # What its redeem line took: a held reward whose points went while
            # its bill was being paid took less than its cost.
            taken = voucher._points_taken()
            if taken:
                self.env["dental.loyalty.wallet"]._post_lines(
                    [voucher._ledger_vals("redeem_return", taken, wallet)]
                )
            if voucher.reward_id.has_stock:
                voucher.reward_id.stock_left += 1
        return True

    def _points_taken(self):
        """The points this voucher's redeem line took from the ledger."""
        self.ensure_one()
        lines = (
            self.env["dental.loyalty.ledger"]
            .sudo()  # The engine reads its own lines for a checked voucher.
            .search(
                [
                    ("kind", "=", "redeem"),
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                ]
            )
        )
        return min(-sum(lines.mapped("points")), self.points_cost)

    def action_mark_handed(self):
        """The gift of the voucher was handed to the patient at the desk."""
        if not self.env.user.has_group("dental_loyalty.group_dental_loyalty_user"):
            raise AccessError(self.env._("Only the front desk hands gifts over."))
        self._check_door()
        today = self.env.company._dental_loyalty_today()
        # Vouchers have no write right for anyone: the engine changes them,
        # on the records checked just above.
        for voucher in self.sudo():
            if voucher.kind != "gift":
                raise UserError(
                    self.env._(
                        "Voucher %s is used on a bill, not handed over.",
                        voucher.code_hint,
                    )
                )
            refusal = voucher._refusal(voucher.partner_id, today, on_bill=False)
            if refusal:
                raise UserError(refusal)
            voucher.write(
                {
                    "state": "used",
                    "used_date": today,
                    "used_amount": voucher.reward_id.product_id.lst_price,
                }
            )
            voucher._message_log(
                body=self.env._("Gift handed over by %s.", self.env.user.name)
            )
        return True

    def action_print(self):
        self._check_printable()
        # A printed code is cash handed out: the voucher says who printed it.
        for voucher in self.sudo():
            voucher._message_log(body=self.env._("Printed by %s.", self.env.user.name))
        return self.env.ref(
            "dental_loyalty.action_report_dental_loyalty_voucher"
        ).report_action(self)

    def _check_printable(self):
        """A printed voucher shows its code: managers print any of their
        clinics' vouchers; the front desk only those it issued itself (to hand
        the patient the paper), not a colleague's."""
        self._check_door()
        if self._may_read_codes():
            return
        if self.filtered(lambda voucher: voucher.create_uid != self.env.user):
            raise AccessError(
                self.env._(
                    "Only loyalty managers print vouchers issued by someone else: "
                    "a voucher's code is as good as cash."
                )
            )

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------

    _CRON_BATCH = 1000

    @api.model
    def _cron_expire_vouchers(self, batch_size=_CRON_BATCH):
        """Daily: mark valid vouchers past their date as expired; their points are
        not given back. Returns how many are left for the next call."""
        domain = [
            ("state", "=", "valid"),
            # Each clinic's vouchers on its own day.
            *self.env["res.company"]._dental_loyalty_day_domain("expiry_date", "<"),
        ]
        # The nightly job acts for every clinic: no user's companies limit it.
        due = self.sudo().search(domain, limit=batch_size, order="id")
        due.write({"state": "expired"})
        remaining = self.sudo().search_count(domain) if len(due) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(due), remaining=remaining)
        return remaining
