from odoo import models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date


class VoucherOfAnotherPatient(UserError):
    """A voucher typed at the register belongs to a patient who is not on the
    bill: the register offers to choose that patient (``context``: their id
    and name). Raised only to whoever typed the voucher's exact code."""

    def __init__(self, message, owner):
        super().__init__(message)
        self.context = {"partner_id": owner.id, "partner_name": owner.display_name}


class DentalLoyaltyVoucher(models.Model):
    """How the front desk hears a voucher refused."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.voucher"  # pylint: disable=consider-merging-classes-inherited

    def _desk_refusal_error(self, partner, refusal, today):
        """The error for ``refusal`` of this voucher on ``partner``'s bill (no
        patient: an empty recordset): a voucher its own patient could use
        today, of a patient the cashier may read, offers to choose them."""
        self.ensure_one()
        owner = self.partner_id
        if (
            owner
            and partner != owner
            and not self.reward_id.transferable
            # The cashier is told whose voucher it is only if they may read them.
            and owner.sudo(False).has_access("read")
            and not self._refusal(owner, today)
        ):
            message = self.env._(
                "Voucher %(code)s belongs to %(owner)s, who is not the patient of "
                "this bill. Choose %(owner)s as the patient to use it.",
                code=self.code_hint,
                owner=owner.display_name,
            )
            return VoucherOfAnotherPatient(message, owner)
        return UserError(refusal)

    def _used_refusal(self, code):
        """ "Already used", with the day and the order it was used on."""
        self.ensure_one()
        # The order's name, which the cashier may read or not: the voucher
        # was found by its code, the engine names where it went.
        order = self.sudo().pos_order_id
        if order and self.used_date:
            return self.env._(
                "Voucher %(code)s was already used on %(date)s, on order %(order)s.",
                code=code,
                date=format_date(self.env, self.used_date),
                order=order.name,
            )
        if self.used_date:
            return self.env._(
                "Voucher %(code)s was already used on %(date)s.",
                code=code,
                date=format_date(self.env, self.used_date),
            )
        return self.env._("Voucher %s was already used.", code)
