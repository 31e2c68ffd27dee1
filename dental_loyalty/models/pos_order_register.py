from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang

from .dental_loyalty_input import (
    MAX_AMOUNT,
    is_finite_number,
    is_order_uuid,
    is_record_id,
)

# What a points payment reads of the company besides its programme's
# settings (its clinic's time zone among them): its money, its place in the
# company tree (the record rules' check of the patient), its name and address.
_COMPANY_READ = (
    "currency_id",
    "parent_path",
    "name",
    "partner_id",
)


class PosOrderRegister(models.Model):
    """The register's questions to the engine before the money is taken: points
    held for a bill, rewards, vouchers and practitioners. Every argument is
    checked: everything public is callable over RPC."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def dental_loyalty_reserve_points(
        self, config_id, order_uuid, partner_id, order_total, amount=None
    ):
        """Check a points payment and hold its points for this order.

        ``amount=None`` asks for the most the patient may pay with points. Returns
        the amount granted, the points it takes and the maximum; raises a
        UserError the cashier can read when the payment is not allowed."""
        config = self._dental_loyalty_register(config_id, order_uuid)
        self._dental_loyalty_check_unpaid(order_uuid)
        # The clinic's programme, read once with what the patient's access
        # check reads of the company (its parent_path): else that check's
        # first read of the company fetched every one of its ~170 columns,
        # building and decoding them all, for the few the engine reads.
        self._dental_loyalty_read_programme(config.company_id)
        partner = self._dental_loyalty_patient(
            partner_id, self.env._("Choose the patient before paying with points.")
        )
        # The engine decides a points payment in the company's money (the cap,
        # the points' value, the sync's check): the register's amounts are
        # rounded to it too. A register's own currency is its journal's, a
        # read more per call, and the same but for a journal in another one.
        currency = config.company_id.currency_id
        order_total = self._dental_loyalty_check_amount(order_total, currency)
        if amount is not None:
            amount = self._dental_loyalty_check_amount(amount, currency, positive=True)
        # A hold locks the wallet: the patient's own one is found by its lock,
        # one statement where a search and the lock were two (the lock also
        # catches it up, so _reserve_points's lock costs nothing more). A
        # family's wallet, or a patient with none (who may join now), is found
        # as before and locked by _reserve_points; the refusals are the same.
        wallet, _referral_pending = self.env["dental.loyalty.wallet"]._lock_own_wallet(
            partner, config.company_id
        )
        wallet = wallet or self._dental_loyalty_member_wallet(
            partner, config, self.env._("they cannot pay with points.")
        )
        return wallet._reserve_points(
            order_uuid, order_total, amount, config, patient=partner
        )

    @api.model
    def _dental_loyalty_read_programme(self, company):
        """Read the company's fields a points payment decides on, in one
        query (none if they are in the cache), as the engine: the cashier's
        register is the company's, checked by the caller."""
        company.sudo().fetch(
            [
                name
                for name, field in company._fields.items()
                if field.store
                and field.column_type
                and (name.startswith("dental_loyalty_") or name in _COMPANY_READ)
            ]
        )

    @api.model
    def dental_loyalty_release_points(self, config_id, order_uuid):
        """The register dropped the order's points payment line, the order or its
        patient: the points it held are free again at once."""
        config = self._dental_loyalty_register(config_id, order_uuid)
        # Holds are the engine's bookkeeping: cashiers have no rights on them.
        return (
            self.env["dental.loyalty.reservation"].sudo()._release(order_uuid, config)
        )

    @api.model
    def dental_loyalty_rewards(self, config_id, partner_id):
        """Every reward of the clinic's catalog, each with its cost, the points
        left after it and, when the patient cannot have it now, why
        (``refusal``: the limit, the tier, the stock, the dates or the points):
        ``_dental_loyalty_rewards_cue``."""
        config = self._dental_loyalty_register(config_id)
        # As the offers: the programme read first with what the patient's
        # access check reads of the company, which else fetched every one of
        # the company's columns.
        self._dental_loyalty_read_programme(config.company_id)
        patient = self._dental_loyalty_patient(partner_id)
        # A preview, its figures read with the wallet: the engine checks again,
        # under the wallet's lock, at redeem.
        wallet = self._dental_loyalty_member_wallet(
            patient,
            config,
            self.env._("they have no points for rewards."),
            with_figures=True,
        )
        # The catalog and the holds are the engine's: cashiers read them here.
        return self._dental_loyalty_rewards_cue(wallet, patient)

    @api.model
    def dental_loyalty_redeem_reward(
        self, config_id, partner_id, reward_id, order_uuid=None
    ):
        """Exchange the patient's points for a reward, for the bill
        ``order_uuid`` if the register names one; returns the voucher's code
        and expiry. The engine decides and says why when it refuses."""
        config = self._dental_loyalty_register(config_id, order_uuid or "-")
        patient = self._dental_loyalty_patient(partner_id)
        wallet = self._dental_loyalty_member_wallet(
            patient, config, self.env._("they have no points for rewards.")
        )
        reward = self._dental_loyalty_reward(reward_id)
        voucher = self._dental_loyalty_redeem(
            config, patient, wallet, reward, order_uuid
        )
        return {
            # The cashier who issued the voucher hands its code to the patient.
            "code": voucher.sudo().code,
            "kind": reward.kind,
            "reward": reward.name,
            "expiry_date": fields.Date.to_string(voucher.expiry_date),
            # Spendable as the register says it everywhere: less every hold.
            # The holds are the engine's.
            "spendable": self.env["dental.loyalty.reservation"]
            .sudo()
            ._spendable_for(wallet, False)[0],
        }

    @api.model
    def _dental_loyalty_redeem(self, config, patient, wallet, reward, order_uuid):
        """Issue ``reward``'s voucher from ``wallet`` to ``patient``: the
        register, the patient, the wallet and the reward were checked once, by
        the caller (the checks an override adds take them from here)."""
        return self.env["dental.loyalty.voucher"]._issue(wallet, reward, patient)

    @api.model
    # The register calls it with positional arguments over RPC.
    def dental_loyalty_voucher_line(  # noqa: PLR0917
        self,
        config_id,
        code,
        partner_id,
        bill_total,
        covered=0.0,
        bill_lines=None,
        order_uuid=None,
    ):
        """Check a voucher code typed or scanned at the register and answer with
        the line to add to a bill of ``bill_total`` (before vouchers), of which
        other vouchers already cover ``covered``; ``bill_lines`` are the bill's
        sold lines (``{"product_id", "amount"}``) a reward's scope is taken
        from, ``order_uuid`` the order a reward held at the register is on."""
        config = self._dental_loyalty_register(config_id, order_uuid or "-")
        bill_total = self._dental_loyalty_check_amount(bill_total, config.currency_id)
        covered = self._dental_loyalty_check_amount(covered, config.currency_id)
        bill_lines = self._dental_loyalty_check_bill_lines(bill_lines, config)
        partner = self.env["res.partner"]
        if partner_id:
            partner = self._dental_loyalty_patient(partner_id)
        voucher = self.env["dental.loyalty.voucher"]._from_code(code, config.company_id)
        today = config.company_id._dental_loyalty_today()
        refusal = voucher._refusal(partner, today, order_uuid=order_uuid)
        if refusal:
            raise voucher._desk_refusal_error(partner, refusal, today)
        line = voucher._line_for_bill(bill_total, covered, partner, bill_lines)
        if voucher.state == "held":
            # Priced again before the money is taken: its hold lasts the payment.
            voucher._renew_hold()
            line["hold_seconds"] = voucher._hold_seconds()
        return line

    @api.model
    def dental_loyalty_patient_vouchers(self, config_id, partner_id):
        """The bill's patient's own vouchers a bill can use today, with their
        codes: the register offers them; any other code must be typed. A
        transferable voucher is cash in anyone's hands: it is typed from the
        patient's paper or message, never handed to the register by name."""
        config = self._dental_loyalty_register(config_id)
        patient = self._dental_loyalty_patient(partner_id)
        return self._dental_loyalty_patient_vouchers(config, patient)

    @api.model
    def _dental_loyalty_patient_vouchers(self, config, patient):
        """``dental_loyalty_patient_vouchers`` for a register and a patient
        the caller checked."""
        today = config.company_id._dental_loyalty_today()
        # Codes are for managers only: the engine reads those of the patient
        # the cashier named (and may read), in the register's company.
        vouchers = (
            self.env["dental.loyalty.voucher"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", patient.id),
                    ("company_id", "=", config.company_id.id),
                    ("state", "=", "valid"),
                    ("expiry_date", ">=", today),
                    ("kind", "!=", "gift"),
                    ("reward_id.transferable", "=", False),
                ],
                order="expiry_date, id",
            )
        )
        return [
            {
                "code": voucher.code,
                "reward": voucher.reward_id.name,
                "kind": voucher.kind,
                "expiry_date": fields.Date.to_string(voucher.expiry_date),
            }
            for voucher in vouchers
            if not voucher._refusal(patient, today)
        ]

    @api.model
    def dental_loyalty_practitioners(self, config_id):
        """The practitioners a cashier can name on a bill."""
        config = self._dental_loyalty_register(config_id)
        employees = (
            self.env["hr.employee"]
            .sudo()  # Cashiers pick a name; they need no access to HR records.
            .search_fetch(
                [("company_id", "in", (config.company_id.id, False))],
                ["name"],
                order="name",
            )
        )
        return [{"id": employee.id, "name": employee.name} for employee in employees]

    @api.model
    def dental_loyalty_join(self, config_id, partner_id, consent_mail, consent_sms):
        """Join the patient to the register's clinic's programme with their
        consent to hear from it by email and by SMS (or set a member's);
        returns the patient's figures for the register."""
        config = self._dental_loyalty_register(config_id)
        patient = self._dental_loyalty_patient(partner_id)
        if not isinstance(consent_mail, bool) or not isinstance(consent_sms, bool):
            raise UserError(
                self.env._("The register sent a consent that is neither yes nor no.")
            )
        patient._dental_loyalty_join(config.company_id, consent_mail, consent_sms)
        figures = self.env["res.partner"]._dental_loyalty_register_figures()
        return patient.with_company(config.company_id).read(figures, load=False)[0]

    @api.model
    def _dental_loyalty_reward(self, reward_id):
        """The catalog reward ``reward_id`` the cashier may read; another
        clinic's is as unknown here as one that never was."""
        reward_id = self._dental_loyalty_check_id(
            reward_id, self.env._("This reward is unknown.")
        )
        Reward = self.env["dental.loyalty.reward"]
        # Its columns too, which the engine checks next; another clinic's
        # reward, or one the cashier may not read, is as unknown as none.
        try:
            reward = self._dental_loyalty_readable(
                Reward._name, reward_id, Reward._engine_fields()
            )
        except AccessError:
            reward = Reward
        if not reward:
            raise UserError(self.env._("This reward is unknown."))
        return reward

    @api.model
    def _dental_loyalty_member_wallet(
        self, patient, config, reason, with_figures=False
    ):
        """The wallet the patient pays from at this register: a member's (or
        of one who joins automatically now); else the refusal, with ``reason``.
        ``with_figures``: read with its figures, for a preview."""
        wallet = patient._dental_loyalty_member_wallet(
            config.company_id, with_figures=with_figures
        )
        if not wallet:
            raise patient._dental_loyalty_not_member_error(reason)
        return wallet

    @api.model
    def _dental_loyalty_patient(self, partner_id, message=None):
        """The patient the register names, readable by the cashier."""
        message = message or self.env._("Choose the patient first.")
        partner_id = self._dental_loyalty_check_id(partner_id, message)
        partner = self._dental_loyalty_readable(
            "res.partner", partner_id, ["is_company"]
        )
        if not partner:
            raise UserError(message)
        return partner

    @api.model
    def _dental_loyalty_register(self, config_id, order_uuid="-"):
        """The register asking, after checking who asks and what they sent."""
        if not self.env.user.has_group("point_of_sale.group_pos_user"):
            raise AccessError(self.env._("Only Point of Sale users pay with points."))
        config_id = self._dental_loyalty_check_id(
            config_id, self.env._("This register is unknown.")
        )
        if not is_order_uuid(order_uuid):
            raise UserError(self.env._("This order is unknown to the server."))
        config = self._dental_loyalty_readable(
            "pos.config", config_id, ["company_id", "journal_id"]
        )
        if not config:
            raise UserError(self.env._("This register is unknown."))
        return config

    @api.model
    def _dental_loyalty_check_unpaid(self, order_uuid):
        """Points are held for a bill still being paid: a hold for an order
        already stored as paid (the register asking again after its sync's
        answer was lost, a request arriving late) would keep them from every
        other bill until it lapsed, for nothing."""
        # Whichever register's order it is: the uuid is the register's own.
        paid = self.sudo().search_count(
            [("uuid", "=", order_uuid), ("state", "!=", "draft")], limit=1
        )
        if paid:
            raise UserError(
                self.env._(
                    "This order is already paid: nothing more can be held for it. "
                    "Start a new order."
                )
            )

    @api.model
    def _dental_loyalty_readable(self, model, record_id, fnames):
        """The record ``record_id`` of ``model``, with ``fnames`` fetched, if
        the user may read it; empty if there is no such record; an AccessError
        if the user may not read it. One query when it is readable: a search
        applies the same access rights and record rules as
        ``check_access("read")`` after ``exists()``, which cost two. Archived
        records count, as they did for ``exists()``."""
        record = (
            self.env[model]
            .with_context(active_test=False)
            .search_fetch([("id", "=", record_id)], fnames, limit=1)
            .with_env(self.env)
        )
        if not record:
            # Unknown, or not the user's to read: the refusal says which.
            record = self.env[model].browse(record_id).exists()
            record.check_access("read")
        return record

    @api.model
    def _dental_loyalty_check_id(self, value, message):
        """An id a register sends: an int of the database's range, else
        ``message``."""
        if not is_record_id(value):
            raise UserError(message)
        return value

    @api.model
    def _dental_loyalty_check_amount(self, value, currency=None, positive=False):
        """An amount of money a register sends: a finite number, not negative,
        below what a clinic ever bills, rounded to ``currency`` (the company's
        by default); ``positive`` asks for at least its smallest coin."""
        if not is_finite_number(value):
            raise UserError(
                self.env._("The amount sent by the register is not a number.")
            )
        if value < 0:
            raise UserError(
                self.env._("The amount sent by the register cannot be negative.")
            )
        currency = currency or self.env.company.currency_id
        if value > MAX_AMOUNT:
            raise UserError(
                self.env._(
                    "The amount sent by the register is more than a clinic bills: "
                    "at most %s.",
                    formatLang(self.env, MAX_AMOUNT, currency_obj=currency),
                )
            )
        value = currency.round(value)
        if positive and currency.is_zero(value):
            raise UserError(
                self.env._(
                    "A points payment is at least %s.",
                    formatLang(self.env, currency.rounding, currency_obj=currency),
                )
            )
        return value
