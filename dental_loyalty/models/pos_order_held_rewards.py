from odoo import api, models
from odoo.exceptions import UserError

from .dental_loyalty_input import MAX_AMOUNT, is_finite_number, is_record_id

# A bill of a clinic has a few lines; a register sending more is not a register.
_MAX_BILL_LINES = 300


class PosOrderHeldRewards(models.Model):
    """A reward chosen at the register is a line of the bill whose points are
    held until the bill is paid: the register asks for the hold, and gives it
    back when the line, the order or its patient goes."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    # The register calls it with positional arguments over RPC.
    def dental_loyalty_hold_reward(  # noqa: PLR0917
        self,
        config_id,
        order_uuid,
        partner_id,
        reward_id,
        bill_total,
        covered=0.0,
        bill_lines=None,
    ):
        """Hold ``reward_id`` for the patient on the order ``order_uuid`` and
        answer with the line to add to its bill (``"held": True``); raises a
        UserError saying which rule refused."""
        config = self._dental_loyalty_register(config_id, order_uuid)
        self._dental_loyalty_check_unpaid(order_uuid)
        # As a points payment's reserve: the programme read first with what the
        # patient's access check reads of the company, which else fetched every
        # one of the company's columns.
        self._dental_loyalty_read_programme(config.company_id)
        patient = self._dental_loyalty_patient(partner_id)
        # The engine prices a reward in the company's money (the voucher's
        # currency), as it decides a points payment: the register's amounts
        # are rounded to it too, not to its journal's, a read more per call.
        currency = config.company_id.currency_id
        bill_total = self._dental_loyalty_check_amount(bill_total, currency)
        covered = self._dental_loyalty_check_amount(covered, currency)
        reward = self._dental_loyalty_reward(reward_id)
        # The bill's lines count only toward a reward's scope: for one without,
        # their shape is checked and no product is read for nothing.
        bill_lines = self._dental_loyalty_check_bill_lines(
            bill_lines, config, currency, products=reward._has_scope()
        )
        # A hold locks the wallet: the patient's own one is found by its lock,
        # one statement where a search and the lock were two (the lock also
        # catches it up, so the hold's lock costs nothing more), as a points
        # payment's reserve does. A family's wallet, or a patient with none
        # (who may join now), is found as before and locked by the hold.
        wallet, _referral_pending = self.env["dental.loyalty.wallet"]._lock_own_wallet(
            patient, config.company_id
        )
        wallet = wallet or self._dental_loyalty_member_wallet(
            patient, config, self.env._("they have no points for rewards.")
        )
        Voucher = self.env["dental.loyalty.voucher"]
        voucher, spendable = Voucher._hold_reward(
            wallet,
            reward,
            patient=patient,
            order_uuid=order_uuid,
            config=config,
            bill_total=bill_total,
        )
        line = voucher._line_for_bill(bill_total, covered, patient, bill_lines)
        # The Rewards cue and catalog after the hold, with it: the register
        # need not ask again because the patient's points moved. The points
        # left are known from the holds read under the lock.
        return {
            **line,
            **self._dental_loyalty_rewards_cue(wallet, patient, spendable),
            "held": True,
            # How long the hold lasts: the register prices the line again at
            # Pay (which renews it) only when it is close to lapsing.
            "hold_seconds": voucher._hold_seconds(),
        }

    @api.model
    def dental_loyalty_release_reward(self, config_id, order_uuid, code):
        """The reward's line went away from the bill: its points, its stock and
        the patient's limit are given back at once."""
        config = self._dental_loyalty_register(config_id, order_uuid)
        voucher = self.env["dental.loyalty.voucher"]._from_code(code, config.company_id)
        # The answer is the patient's points and catalog: only for a patient
        # the cashier may read, as when the reward was held.
        self._dental_loyalty_patient(voucher.partner_id.id)
        # The voucher's hold and order are the engine's: read to check the
        # register.
        if (
            voucher.state == "cancelled"
            and voucher.sudo().hold_order_uuid == order_uuid
        ):
            # Given back already: the register asks again when it did not hear
            # the answer, which stands.
            return self._dental_loyalty_left_after_release(voucher)
        if (
            voucher.state != "held"
            or voucher.sudo().hold_order_uuid != order_uuid
            or voucher.sudo().hold_ids.config_id not in (config, config.browse())
        ):
            raise UserError(
                self.env._("Voucher %s is not held on this bill.", voucher.code_hint)
            )
        voucher._release_hold(
            self.env._("Taken off the bill before it was paid: points given back.")
        )
        return self._dental_loyalty_left_after_release(voucher)

    @api.model
    def dental_loyalty_release_points(self, config_id, order_uuid):
        """The order or its patient went: the rewards held on it go too."""
        released = super().dental_loyalty_release_points(config_id, order_uuid)
        config = self._dental_loyalty_register(config_id, order_uuid)
        held = self.env["dental.loyalty.voucher"]._release_order_holds(
            order_uuid, config
        )
        return bool(released or held)

    @api.model
    def _dental_loyalty_left_after_release(self, voucher):
        """What the register shows once a reward was given back: whose points
        came back, what they may spend now, and the Rewards cue and catalog
        with it (the patient's offers need not be asked again)."""
        return {
            "partner_id": voucher.partner_id.id,
            **self._dental_loyalty_rewards_cue(voucher.wallet_id, voucher.partner_id),
        }

    @api.model
    def _dental_loyalty_check_bill_lines(
        self, bill_lines, config, currency=None, products=True
    ):
        """The bill's sold lines a register sends, ``[{"product_id": int,
        "amount": float}]``, as pairs of product and amount: products the
        register may sell, amounts finite and within range (rounded to
        ``currency``, the register's by default), a few hundred at most. None
        stays None (the register did not say), and so do lines checked
        without their ``products`` (their shape only: nothing reads them)."""
        if bill_lines is None:
            return None
        currency = currency or config.currency_id
        refusal = UserError(
            self.env._("The bill's lines sent by the register are not a bill.")
        )
        if not isinstance(bill_lines, list) or len(bill_lines) > _MAX_BILL_LINES:
            raise refusal
        pairs = []
        for item in bill_lines:
            if not isinstance(item, dict) or set(item) != {"product_id", "amount"}:
                raise refusal
            amount = item["amount"]
            if (
                not is_record_id(item["product_id"])
                or not is_finite_number(amount)
                or abs(amount) > MAX_AMOUNT
            ):
                raise refusal
            pairs.append((item["product_id"], currency.round(amount)))
        if not products:
            return None
        product_ids = {pid for pid, _a in pairs}
        if not product_ids:
            return []
        # One query where existence, access, company and availability took
        # three: the search checks the model's read access and its record
        # rules as check_access did; archived products are not left out
        # (exists() kept them).
        products = (
            self.env["product.product"]
            .with_context(active_test=False)
            .search(
                [
                    ("id", "in", list(product_ids)),
                    ("available_in_pos", "=", True),
                    ("company_id", "in", [config.company_id.id, False]),
                ]
            )
            .with_env(self.env)
        )
        if len(products) != len(product_ids):
            raise refusal
        return [(products.browse(pid), amount) for pid, amount in pairs]
