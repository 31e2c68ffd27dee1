import re
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare, float_round
from odoo.tools.misc import format_date, formatLang

from .pos_order import PAID_STATES

# No 0/O nor 1/I: a code is read aloud and typed from paper. Twelve of these
# 32 signs make 60 random bits: not guessable at the desk nor over RPC.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 12


class DentalLoyaltyVoucher(models.Model):
    """One reward bought with points: a code the patient shows, valid until its
    expiry date and used once, on a bill or as a gift handed at the desk."""

    _name = "dental.loyalty.voucher"
    _description = "Loyalty Voucher"
    _inherit = ["mail.thread"]
    _order = "issue_date desc, id desc"
    _rec_name = "code"
    _check_company_auto = True

    # A bearer code, as good as cash: only managers list codes. The register
    # gets the codes of its patient's own vouchers and checks typed ones, both
    # through the engine (``pos.order``); others see the code's last signs.
    code = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        index=True,
        groups="dental_loyalty.group_dental_loyalty_manager",
    )
    code_hint = fields.Char(
        string="Code Ends With",
        compute="_compute_code_hint",
        compute_sudo=True,
        help="The last signs of the code, enough to tell vouchers apart; the whole "
        "code is the patient's.",
    )
    reward_id = fields.Many2one(
        "dental.loyalty.reward",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    kind = fields.Selection(related="reward_id.kind")
    partner_id = fields.Many2one(
        "res.partner", string="Patient", required=True, readonly=True, index=True
    )
    wallet_id = fields.Many2one(
        "dental.loyalty.wallet", required=True, readonly=True, ondelete="restrict"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        selection=[
            ("valid", "Valid"),
            ("used", "Used"),
            ("expired", "Expired"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="valid",
        readonly=True,
        tracking=True,
    )
    points_cost = fields.Integer(string="Points Paid", readonly=True)
    issue_date = fields.Date(readonly=True, default=fields.Date.context_today)
    expiry_date = fields.Date(string="Valid Until", readonly=True)
    pos_order_id = fields.Many2one(
        "pos.order",
        string="Used on",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
    )
    used_date = fields.Date(readonly=True)
    used_amount = fields.Monetary(
        string="Value Given",
        readonly=True,
        help="What the voucher covered: the discount on the bill, or the price of "
        "the service or gift it gave.",
    )
    practitioner_id = fields.Many2one(
        "hr.employee",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="Who treated the patient on the bill the voucher was used on.",
    )
    # The shares as the reward stated them when the voucher was issued: a later
    # change of the catalog does not rewrite what was agreed.
    clinic_share = fields.Float(string="Clinic's Share (%)", readonly=True)
    clinic_cost = fields.Monetary(
        string="Clinic's Cost", compute="_compute_costs", store=True
    )
    practitioner_cost = fields.Monetary(
        string="Practitioner's Cost", compute="_compute_costs", store=True
    )

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Voucher codes are unique."),
    ]

    @api.depends("code")
    def _compute_code_hint(self):
        for voucher in self:
            voucher.code_hint = f"\u2022\u2022\u2022\u2022 {(voucher.code or '')[-4:]}"

    @api.depends("code_hint")
    @api.depends_context("uid")
    def _compute_display_name(self):
        # Lists, breadcrumbs and links show a code only to those who may read it:
        # the user's own rights, since core reads names under sudo() (name_search,
        # many2one values of order lines).
        may_read = self.env.user.has_group(
            "dental_loyalty.group_dental_loyalty_manager"
        )
        for voucher in self:
            voucher.display_name = (
                voucher.sudo().code if may_read else voucher.code_hint
            )

    @api.model
    def _may_read_codes(self):
        return self.env.su or self.env.user.has_group(
            "dental_loyalty.group_dental_loyalty_manager"
        )

    @api.depends("used_amount", "clinic_share", "state")
    def _compute_costs(self):
        for voucher in self:
            amount = voucher.used_amount if voucher.state == "used" else 0.0
            voucher.clinic_cost = voucher.currency_id.round(
                amount * voucher.clinic_share / 100
            )
            voucher.practitioner_cost = amount - voucher.clinic_cost

    @api.model
    def _new_code(self):
        return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))

    @api.model
    def _normalize_code(self, code):
        """The code as stored, from what a cashier typed or a scanner read."""
        if not isinstance(code, str):
            return ""
        return re.sub(r"[\s-]", "", code).upper()[: _CODE_LENGTH * 2]

    @api.model
    def _from_code(self, code, company):
        code = self._normalize_code(code)
        # Found by the code the caller typed, which only managers could search.
        voucher = (
            self.sudo().search(
                [("code", "=", code), ("company_id", "=", company.id)], limit=1
            )
            if code
            else self.browse()
        )
        if not voucher:
            raise UserError(self.env._("No voucher has the code %s.", code or "-"))
        return voucher

    # ------------------------------------------------------------------
    # Issuing: the engine takes the points and hands out a code
    # ------------------------------------------------------------------

    @api.model
    def _issue(self, wallet, reward, patient=None):
        """Take ``reward``'s points from ``wallet`` and issue its voucher to
        ``patient`` (by default the wallet's own: a family member gets theirs
        from the family's wallet); raises a UserError saying which rule
        refused."""
        patient = patient or wallet.partner_id
        wallet._lock_for_update()
        today = fields.Date.context_today(self)
        # The reward's terms read every voucher of the patient (its limit).
        refusal = reward.sudo()._refusal(wallet, today, patient)
        if refusal:
            raise UserError(refusal)
        Hold = self.env["dental.loyalty.reservation"].sudo()
        spendable, _own, _others = Hold._spendable_for(wallet, f"reward:{reward.id}")
        if spendable < reward.points_cost:
            raise UserError(
                self.env._(
                    "Not enough points for %(reward)s: it costs %(cost)s, "
                    "%(patient)s can spend %(spendable)s.",
                    reward=reward.name,
                    cost=reward.points_cost,
                    patient=wallet.partner_id.display_name,
                    spendable=spendable,
                )
            )
        if reward.has_stock:
            # Under the wallet lock two patients may still race for the last one.
            reward.flush_recordset(["stock_left"])
            self.env.cr.execute(
                SQL(
                    "UPDATE dental_loyalty_reward SET stock_left = stock_left - 1 "
                    "WHERE id = %s AND stock_left > 0 RETURNING id",
                    reward.id,
                )
            )
            if not self.env.cr.fetchone():
                raise UserError(self.env._("%s is out of stock.", reward.name))
            reward.invalidate_recordset(["stock_left"])
        # Vouchers are issued by the engine only: no user creates them.
        voucher = self.sudo().create(
            {
                "code": self._new_code(),
                "reward_id": reward.id,
                "partner_id": patient.id,
                "wallet_id": wallet.id,
                "company_id": wallet.company_id.id,
                "points_cost": reward.points_cost,
                "issue_date": today,
                "expiry_date": today + timedelta(days=reward.validity_days),
                "clinic_share": reward.clinic_share,
            }
        )
        self.env["dental.loyalty.wallet"]._post_lines(
            [voucher._ledger_vals("redeem", -reward.points_cost)]
        )
        voucher._send_code()
        return voucher.sudo(self.env.su)

    def _ledger_vals(self, kind, points, wallet=None):
        self.ensure_one()
        return {
            "wallet_id": (wallet or self.wallet_id).id,
            "kind": kind,
            "points": points,
            "unique_key": f"voucher:{self.id}:{kind}",
            "member_id": self.partner_id.id,
            "res_model": self._name,
            "res_id": self.id,
            # Ledger lines are read by the whole front desk: not the code.
            "origin": self.code_hint,
            "reason": self.reward_id.name,
        }

    def _send_code(self):
        """Send the patient their code by the channels the clinic chose, with
        the templates the clinic edits. The code is cash: the mail is a
        notification only the patient (and whoever issued it) reads, not a
        message on the voucher's chatter that the front desk lists; the SMS
        leaves no copy on the patient's chatter either."""
        template = self.env.ref(
            "dental_loyalty.mail_template_voucher_issued", raise_if_not_found=False
        )
        for voucher in self.sudo():
            partner = voucher.partner_id
            channel = voucher.company_id._dental_loyalty_channel("voucher")
            if (
                channel in ("mail", "both")
                and template
                and partner.email
                and not partner.is_blacklisted
            ):
                rendered = {
                    field: template._render_field(
                        field, voucher.ids, compute_lang=True
                    )[voucher.id]
                    for field in ("subject", "body_html", "email_from")
                }
                voucher.with_context(mail_notify_force_send=False).message_notify(
                    partner_ids=partner.ids,
                    subject=rendered["subject"],
                    body=rendered["body_html"],
                    email_from=rendered["email_from"] or None,
                    subtype_xmlid="mail.mt_comment",
                    email_layout_xmlid="mail.mail_notification_light",
                )
            partner._dental_loyalty_notify(
                "voucher",
                voucher.company_id,
                code=voucher.code,
                reward=voucher.reward_id.with_context(lang=partner.lang).name,
                date=voucher.expiry_date,
            )

    # ------------------------------------------------------------------
    # Using: the server checks the code and prices its line on the bill
    # ------------------------------------------------------------------

    def _refusal(self, partner, today, on_bill=True):
        """Why this voucher cannot be used today on ``partner``'s bill (or, with
        ``on_bill=False``, handed over as a gift), or None."""
        self.ensure_one()
        # On a bill the caller gave the code; a gift is handed by its record.
        code = self.sudo().code if on_bill else self.code_hint
        if self.state == "used":
            return self.env._("Voucher %s was already used.", code)
        if self.state == "cancelled":
            return self.env._("Voucher %s was cancelled.", code)
        if self.state == "expired" or self.expiry_date < today:
            return self.env._(
                "Voucher %(code)s expired on %(date)s.",
                code=code,
                date=format_date(self.env, self.expiry_date),
            )
        if not self.reward_id.active or (
            self.reward_id.date_to and self.reward_id.date_to < today
        ):
            return self.env._(
                "Voucher %(code)s is for %(reward)s, which the clinic no longer "
                "offers.",
                code=code,
                reward=self.reward_id.name,
            )
        if not self.reward_id.transferable and partner != self.partner_id:
            return self.env._(
                "Voucher %(code)s belongs to %(owner)s and cannot be used on "
                "another patient's bill.",
                code=code,
                owner=self.partner_id.display_name,
            )
        if on_bill and self.kind == "gift":
            return self.env._(
                "Voucher %s is a gift handed at the desk, not a discount on a bill.",
                code,
            )
        return None

    def _discount_allowed(self, bill_total, covered=0.0):
        """The most this voucher takes off a bill of ``bill_total`` of which other
        vouchers already cover ``covered``."""
        self.ensure_one()
        reward = self.reward_id
        currency = self.currency_id
        bill_total = max(bill_total, 0.0)
        if reward.kind == "discount_fixed":
            value = reward.discount_amount
        else:
            value = bill_total * reward.discount_percent / 100
        cap = bill_total * reward.max_coverage / 100
        return currency.round(max(min(value, cap, bill_total - covered), 0.0))

    def _line_for_bill(self, bill_total, covered=0.0, partner=None):
        """The order line the register adds for this voucher, on ``partner``'s
        bill: a transferable voucher of another patient says so."""
        self.ensure_one()
        reward = self.reward_id
        label = reward.name
        if self._is_transferred(partner):
            label = self.env._("%s (transferable voucher)", reward.name)
        product = reward.product_id
        if reward.kind == "product":
            price = 0.0
        else:
            discount = self._discount_allowed(bill_total, covered)
            if not discount:
                raise UserError(
                    self.env._(
                        "Voucher %s has nothing left to take off this bill.",
                        self.code,
                    )
                )
            price = -self._unit_price_for(discount)
        return {
            "code": self.code,
            "reward": reward.name,
            "label": label,
            "transferred": self._is_transferred(partner),
            "kind": reward.kind,
            "product_id": product.id,
            "price_unit": price,
            "qty": 1,
            "expiry_date": fields.Date.to_string(self.expiry_date),
        }

    def _is_transferred(self, partner):
        """Used on the bill of someone else than its patient (a transferable
        voucher; others are refused)."""
        self.ensure_one()
        return bool(partner is not None and partner != self.partner_id)

    def _unit_price_for(self, discount):
        """The unit price of the discount product whose total, taxes included,
        takes ``discount`` off the bill, never more: the register adds the
        product's taxes to the price it is given."""
        self.ensure_one()
        currency = self.currency_id
        product = self.reward_id.product_id
        # A shared product may carry other companies' taxes, unreadable here.
        taxes = product.sudo().taxes_id._filter_taxes_by_company(self.company_id)
        if not taxes:
            return discount
        per_unit = taxes.compute_all(1.0, currency, 1.0, product=product)[
            "total_included"
        ]
        price = float_round(
            discount / per_unit,
            precision_rounding=currency.rounding,
            rounding_method="DOWN",
        )
        while (
            float_compare(
                taxes.compute_all(price, currency, 1.0, product=product)[
                    "total_included"
                ],
                discount,
                precision_rounding=currency.rounding,
            )
            > 0
        ):
            price -= currency.rounding
        return price

    def _check_line(self, line, bill_total, covered):
        """Refuse an order line that claims more than this voucher gives."""
        self.ensure_one()
        reward = self.reward_id
        currency = self.currency_id
        label = line.order_id._dental_loyalty_label()
        if line.product_id != reward.product_id or line.qty != 1:
            raise UserError(
                self.env._(
                    "%(order)s was refused: the line of voucher %(code)s is not "
                    "what the voucher gives (one %(product)s).",
                    order=label,
                    code=self.code,
                    product=reward.product_id.display_name,
                )
            )
        amount = line._dental_loyalty_total()
        if not currency.is_zero(amount - line.price_subtotal_incl):
            raise UserError(
                self.env._(
                    "%(order)s was refused: the line of voucher %(code)s does not "
                    "add up to its own price.",
                    order=label,
                    code=self.code,
                )
            )
        if reward.kind == "product":
            if not currency.is_zero(amount):
                raise UserError(
                    self.env._(
                        "%(order)s was refused: voucher %(code)s gives %(product)s "
                        "free, the bill charges %(amount)s for it.",
                        order=label,
                        code=self.code,
                        product=reward.product_id.display_name,
                        amount=formatLang(self.env, amount, currency_obj=currency),
                    )
                )
            return 0.0, reward.product_id.lst_price
        allowed = self._discount_allowed(bill_total, covered)
        taken = -amount
        if (
            float_compare(taken, allowed, precision_rounding=currency.rounding) > 0
            or float_compare(taken, 0, precision_rounding=currency.rounding) < 0
        ):
            raise UserError(
                self.env._(
                    "%(order)s was refused: voucher %(code)s takes at most "
                    "%(allowed)s off this bill, the order takes %(taken)s.",
                    order=label,
                    code=self.code,
                    allowed=formatLang(self.env, allowed, currency_obj=currency),
                    taken=formatLang(self.env, taken, currency_obj=currency),
                )
            )
        return taken, taken

    def _mark_used(self, order, used_amount):
        """Use the voucher on ``order``, once: of two registers using one code at
        the same moment, the second fails to serialise, is retried by Odoo and
        then finds the voucher used."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE dental_loyalty_voucher
                   SET state = 'used', pos_order_id = %s, used_date = %s,
                       used_amount = %s, practitioner_id = %s
                 WHERE id = %s AND state = 'valid'
             RETURNING id
                """,
                order.id or None,
                fields.Date.context_today(self),
                used_amount,
                order.dental_loyalty_practitioner_id.id or None,
                self.id,
            )
        )
        if not self.env.cr.fetchone():
            raise UserError(self.env._("Voucher %s was already used.", self.code))
        self.invalidate_recordset()
        self.modified(["state", "used_amount"])
        if self._is_transferred(order.partner_id):
            # A bearer code paid a stranger's bill: say who took it, for whom.
            body = self.env._(
                "Used on %(order)s by %(user)s, for %(patient)s: a transferable "
                "voucher on someone else's bill.",
                user=self.env.user.name,
                order=order._dental_loyalty_label(),
                patient=order.partner_id.display_name or self.env._("no patient"),
            )
        else:
            body = self.env._("Used on %s.", order._dental_loyalty_label())
        self._message_log(body=body)

    def _restore(self, refund):
        """A refund of the bill the voucher was used on makes it valid again, if
        it still is within its dates: once, when the refund and the paid refunds
        before it return the voucher's whole line."""
        today = fields.Date.context_today(self)
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        # Only vouchers this refund's sale really used: a line's voucher field
        # could have been written by anyone who writes order lines.
        sales = refund.lines.refunded_orderline_id.order_id
        for voucher in self.sudo().filtered(
            lambda v: v.state == "used" and v.pos_order_id and v.pos_order_id in sales
        ):
            line = voucher.pos_order_id.lines.filtered(
                lambda line, voucher=voucher: line.dental_loyalty_voucher_id == voucher
            )
            returned = -sum(
                line.refund_orderline_ids.filtered(
                    lambda back: (
                        back.order_id == refund or back.order_id.state in PAID_STATES
                    )
                ).mapped("qty")
            )
            sold = sum(line.mapped("qty"))
            if float_compare(returned, sold, precision_digits=digits) < 0:
                continue  # part of the discount is still on the bill
            state = "valid" if voucher.expiry_date >= today else "expired"
            vals = {
                "state": state,
                "pos_order_id": False,
                "used_date": False,
                "used_amount": 0.0,
                "practitioner_id": False,
            }
            if state == "valid":
                # The old code stands on the refunded bill's line, which every
                # cashier reads: a bearer code seen by others is spent.
                vals["code"] = self._new_code()
            voucher.write(vals)
            if state == "valid":
                voucher._send_code()
            voucher._message_log(
                body=self.env._(
                    "Refunded by %s: the voucher can be used again, with a new "
                    "code sent to the patient.",
                    refund._dental_loyalty_label(),
                )
                if state == "valid"
                else self.env._(
                    "Refunded by %s after its expiry date: the voucher stays expired.",
                    refund._dental_loyalty_label(),
                )
            )

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def _check_door(self):
        """Buttons act on the ids a browser sends: only on vouchers the user
        reads (their companies' record rule), of the companies they work in now."""
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
                        voucher.code,
                    )
                )
            # Back where the patient spends now: a voucher taken from their own
            # wallet before they joined a family gives its points to the family
            # (their own wallet stays empty while they belong to it).
            wallet = voucher.wallet_id._paying_wallet()
            wallet._lock_for_update()
            voucher.state = "cancelled"
            self.env["dental.loyalty.wallet"]._post_lines(
                [voucher._ledger_vals("redeem_return", voucher.points_cost, wallet)]
            )
            if voucher.reward_id.has_stock:
                voucher.reward_id.stock_left += 1
        return True

    def action_mark_handed(self):
        """The gift of the voucher was handed to the patient at the desk."""
        if not self.env.user.has_group("dental_loyalty.group_dental_loyalty_user"):
            raise AccessError(self.env._("Only the front desk hands gifts over."))
        self._check_door()
        today = fields.Date.context_today(self)
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
            ("expiry_date", "<", fields.Date.context_today(self)),
        ]
        # The nightly job acts for every clinic: no user's companies limit it.
        due = self.sudo().search(domain, limit=batch_size, order="id")
        due.write({"state": "expired"})
        remaining = self.sudo().search_count(domain) if len(due) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(due), remaining=remaining)
        return remaining
