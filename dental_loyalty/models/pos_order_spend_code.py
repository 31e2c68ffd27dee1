from odoo import api, models
from odoo.exceptions import UserError

from ..rules import points_for_amount
from .dental_loyalty_input import MAX_POINTS


class PosOrderSpendCode(models.Model):
    """The code by SMS before a large spend: the register asks the server to
    send it and to check what the cashier typed; the sync refuses a large spend
    of an order no code confirmed, whatever the register sent."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def dental_loyalty_send_spend_code(self, config_id, order_uuid, partner_id, points):
        """Send a new one-time code to the patient's mobile for this order, to
        spend ``points`` (what the refusal named: the order's whole spend),
        which the SMS tells the patient; the code confirms no larger spend.
        Returns where it went (masked) and how long it holds: never the code."""
        config, patient, wallet = self._dental_loyalty_spend_code_args(
            config_id, order_uuid, partner_id
        )
        if (
            isinstance(points, bool)
            or not isinstance(points, int)
            or not 0 < points <= MAX_POINTS
        ):
            raise UserError(
                self.env._("The points the code is for are not a number of points.")
            )
        # Codes are the engine's bookkeeping: cashiers have no rights on them;
        # the register, patient and wallet were checked above.
        return (
            self.env["dental.loyalty.spend.code"]
            .sudo()
            ._send_code(wallet, patient, order_uuid, config, points)
        )

    @api.model
    def dental_loyalty_check_spend_code(self, config_id, order_uuid, partner_id, code):
        """Check the code the cashier typed for this order: ``{"verified":
        True}``, or ``{"verified": False, "message": why}``."""
        _config, _patient, wallet = self._dental_loyalty_spend_code_args(
            config_id, order_uuid, partner_id
        )
        # Codes are the engine's bookkeeping; see dental_loyalty_send_spend_code.
        return (
            self.env["dental.loyalty.spend.code"]
            .sudo()
            ._verify(wallet, order_uuid, code)
        )

    @api.model
    def _dental_loyalty_redeem(self, config, patient, wallet, reward, order_uuid):
        """A reward redeemed at once at the register, for the bill
        ``order_uuid``: from the clinic's threshold, only with a code confirmed
        for that bill, and each such reward takes its confirmation along.
        ``dental_loyalty_redeem_reward`` checked the register, the patient, the
        wallet and the reward before."""
        wallet._lock_for_update()
        # A code confirms what its bill spends in all: what the bill holds
        # already, the rewards redeemed for it before, and this reward. Holds,
        # codes and vouchers are the engine's bookkeeping: cashiers have no
        # rights on them.
        Code = self.env["dental.loyalty.spend.code"].sudo()
        held = 0
        if order_uuid:
            Hold = self.env["dental.loyalty.reservation"].sudo()
            held = sum(
                Hold._live_holds_of_bill(wallet, order_uuid).mapped("points")
            ) + Code._redeemed_for_order(wallet, order_uuid)
        Code._check_spend(
            wallet,
            order_uuid,
            reward.points_cost,
            consume=True,
            config=config,
            patient=patient,
            confirm=held + reward.points_cost,
        )
        voucher = super()._dental_loyalty_redeem(
            config, patient, wallet, reward, order_uuid
        )
        if order_uuid and Code._threshold(wallet):
            voucher.sudo().redeemed_order_uuid = order_uuid
        return voucher

    @api.model
    def _dental_loyalty_spend_code_args(self, config_id, order_uuid, partner_id):
        config = self._dental_loyalty_register(config_id, order_uuid)
        patient = self._dental_loyalty_patient(partner_id)
        wallet = self._dental_loyalty_member_wallet(
            patient, config, self.env._("they cannot spend points.")
        )
        return config, patient, wallet

    def _dental_loyalty_settle_sale(self):
        self._dental_loyalty_check_spend_code()
        result = super()._dental_loyalty_settle_sale()
        if self.company_id.dental_loyalty_spend_code_points:
            # The bill is paid: the code confirmed for it confirms nothing more
            # (codes are the engine's bookkeeping: cashiers have no rights on them).
            Code = self.env["dental.loyalty.spend.code"].sudo()
            Code._consume_confirmations(self.uuid)
        return result

    def _dental_loyalty_check_spend_code(self):
        """Refuse the sync of an order that spends, with its points payment and
        the rewards it holds, more points than the clinic lets go without a
        code, when no code was confirmed for it: the register's word is not
        enough."""
        self.ensure_one()
        # A clinic that asks for no code: no wallet to look up (the sale's
        # settlement looks it up again).
        if not self.company_id.dental_loyalty_spend_code_points:
            return
        wallet = self.partner_id and self.partner_id._dental_loyalty_member_wallet(
            self.company_id
        )
        if not wallet:
            return
        points_amount = self._dental_loyalty_points_paid()
        points = 0
        if self.currency_id.compare_amounts(points_amount, 0) > 0:
            points = points_for_amount(
                points_amount, self.company_id.dental_loyalty_point_value
            )
        # Holds are the engine's bookkeeping: cashiers have no rights on them.
        holds = (
            self.env["dental.loyalty.reservation"]
            .sudo()
            .search([("order_uuid", "=", self.uuid), ("wallet_id", "=", wallet.id)])
        )
        if "voucher_id" in holds._fields:
            # The rewards this order holds are spent with it.
            points += sum(holds.filtered("voucher_id").mapped("points"))
        if points and sum(holds.mapped("points")) >= points:
            # The server granted this spend, with a code if the clinic asked for
            # one then: a granted bill is never refused, so a queue never blocks.
            return
        # Codes are the engine's bookkeeping too. A code confirms the bill's
        # rewards redeemed at once for it with what it pays.
        Code = self.env["dental.loyalty.spend.code"].sudo()
        Code._check_spend(
            wallet,
            self.uuid,
            points,
            error=self._dental_loyalty_sync_refusal,
            config=self.config_id,
            patient=self.partner_id,
            confirm=points + Code._redeemed_for_order(wallet, self.uuid),
        )

    def _dental_loyalty_sync_refusal(self, reason, _points=None):
        return UserError(
            self.env._(
                "%(order)s was refused: %(reason)s",
                order=self._dental_loyalty_label(),
                reason=reason,
            )
        )
