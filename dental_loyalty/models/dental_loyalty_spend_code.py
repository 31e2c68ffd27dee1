import secrets
import uuid
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import consteq, formatLang, hmac

from odoo.addons.sms.tools.sms_api import SmsApi

# A code's digits: six, as authenticator apps and banks send.
_DIGITS = 6
# What a typed code may be at most, spaces and all; anything longer is no code.
_MAX_TYPED = 32


class SpendCodeRequired(UserError):
    """The spend needs the code sent to the patient by SMS: the register
    recognises this error by its name and asks for a code for the points its
    ``context`` names (the order's whole spend), which the SMS tells the
    patient."""

    def __init__(self, message, points=0):
        super().__init__(message)
        self.context = {"points": points}


class DentalLoyaltySpendCode(models.Model):
    """A one-time code sent by SMS to the patient before a spend of many points
    at a register: the cashier types what the patient reads on their phone.
    The code itself is never stored, shown, logged or posted: only its HMAC,
    bound to the wallet and the order it was sent for. A code confirmed
    (``verified_at``) lets that order, and that order only, spend the wallet's
    points, as many as the SMS told the patient (``points``) and no more, for
    ``_CONFIRMED_FOR`` at most and until the order is synced. The
    threshold counts what the patient spent in the last 24 hours, from any
    wallet, and what other bills hold."""

    _name = "dental.loyalty.spend.code"
    _description = "Loyalty Spend Code"
    _order = "sent_at desc, id desc"

    _LIFETIME = timedelta(minutes=5)
    _MAX_TRIES = 3
    # No more than one new code a minute for a bill, and a few an hour for a
    # patient: an SMS costs money, and a stream of codes is harassment.
    _RESEND_AFTER = timedelta(minutes=1)
    _PER_HOUR = 5
    # Kept a while after they lapse, as the proof an order was confirmed, for a
    # register that syncs late.
    _KEPT = timedelta(days=30)
    # A confirmation lets its order spend for as long as a hold lasts, no
    # longer: the order's sync consumes it before that.
    _CONFIRMED_FOR = timedelta(minutes=30)

    wallet_id = fields.Many2one(
        "dental.loyalty.wallet", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Sent To",
        required=True,
        index=True,
        ondelete="cascade",
    )
    config_id = fields.Many2one("pos.config", string="Register", ondelete="set null")
    order_uuid = fields.Char(required=True, index=True)
    # Nobody reads it: even a manager's screen has no use for a code's hash.
    code_hash = fields.Char(required=True, groups="base.group_system", copy=False)
    sent_at = fields.Datetime(required=True)
    expires_at = fields.Datetime(required=True)
    # What the SMS told the patient the code spends: it confirms no more.
    points = fields.Integer(
        string="Points Confirmed",
        help="The points the patient was told this code spends on the bill, "
        "rewards held on it included: a larger spend needs a new code.",
    )
    tries = fields.Integer(help="Wrong codes typed for this one.")
    verified_at = fields.Datetime(string="Confirmed At")
    consumed_at = fields.Datetime(
        string="Spent At",
        help="A code that confirmed a reward redeemed at once is spent with it, "
        "and one that confirmed a bill with the bill's sync: the next spend "
        "needs a new code.",
    )

    @api.model
    def _threshold(self, wallet):
        return wallet.company_id.dental_loyalty_spend_code_points

    @api.model
    def _is_verified(self, wallet, order_uuid, points, config=None):
        """A code confirmed for the order (at ``config``) and for at least
        ``points``, not spent with a reward redeemed at once nor by the order's
        sync, and not older than ``_CONFIRMED_FOR``."""
        if not order_uuid:
            return False
        domain = [
            ("wallet_id", "=", wallet.id),
            ("order_uuid", "=", order_uuid),
            ("points", ">=", points),
            ("verified_at", ">", fields.Datetime.now() - self._CONFIRMED_FOR),
            ("consumed_at", "=", False),
        ]
        if config:
            domain.append(("config_id", "=", config.id))
        return bool(self.search_count(domain, limit=1))

    @api.model
    def _redeemed_for_order(self, wallet, order_uuid):
        """The points of the rewards redeemed at once from ``wallet`` for the
        bill ``order_uuid``, lately (a confirmation lasts no longer): a code
        for that bill counts them with its holds."""
        if not order_uuid:
            return 0
        # As the engine: the bill a voucher was redeemed for is for managers.
        vouchers = (
            self.env["dental.loyalty.voucher"]
            .sudo()
            .search_fetch(
                [
                    ("wallet_id", "=", wallet.id),
                    ("redeemed_order_uuid", "=", order_uuid),
                    ("state", "!=", "cancelled"),
                    ("create_date", ">", fields.Datetime.now() - self._CONFIRMED_FOR),
                ],
                ["points_cost"],
            )
        )
        return sum(vouchers.mapped("points_cost"))

    @api.model
    def _spent_or_held_today(self, wallet, order_uuid, patient=None):
        """What ``patient`` (the wallet's own by default) spent in the last 24
        hours by the server's clock, from every wallet they spend from (lines
        naming them, and their own wallet's), and what anyone spent from
        ``wallet`` (a family's, which every member's page and bill spends
        from), gross (points given back do not make room for more), and what
        other orders hold of those wallets: a large spend split into small
        ones, over two wallets or over a family's members, is still one day's
        spend. The lines' ``create_date``, not their ``date``: the
        register's time zone and the bill's date are the caller's word. A hold
        granted in the day counts even once lapsed: its bill is still paid
        with it when it syncs."""
        patient = patient or wallet.partner_id
        since = fields.Datetime.now() - timedelta(days=1)
        own = [
            ("wallet_id.partner_id", "=", patient.id),
            ("company_id", "=", wallet.company_id.id),
        ]
        spent = self.env["dental.loyalty.ledger"]._read_group(
            [
                ("kind", "in", ("spend", "redeem")),
                ("create_date", ">", since),
                "|",
                "|",
                "&",
                ("member_id", "=", patient.id),
                ("company_id", "=", wallet.company_id.id),
                "&",
                *own,
                ("wallet_id", "=", wallet.id),
            ],
            aggregates=["points:sum"],
        )[0][0]
        held = self.env["dental.loyalty.reservation"]._read_group(
            [
                "|",
                ("wallet_id", "=", wallet.id),
                "&",
                ("wallet_id.partner_id", "=", patient.id),
                ("wallet_id.company_id", "=", wallet.company_id.id),
                ("order_uuid", "!=", order_uuid or False),
                "|",
                ("expires_at", ">", fields.Datetime.now()),
                ("create_date", ">", since),
            ],
            aggregates=["points:sum"],
        )[0][0]
        return -(spent or 0) + (held or 0)

    @api.model
    def _needs_code(self, wallet, points, order_uuid=None, patient=None, before=None):
        """The refusal a spend of ``points`` by ``order_uuid`` gets when the
        clinic wants it confirmed (the threshold counts ``patient``'s day,
        the wallet's own by default), or None; says nothing of a code
        confirmed for the order. ``before``: that day's spend, when the caller
        read it once for many spends (``_spent_or_held_today``)."""
        threshold = self._threshold(wallet)
        if not threshold or points <= 0:
            return None
        if before is None:
            before = self._spent_or_held_today(wallet, order_uuid, patient)
        if before + points < threshold:
            return None
        # Grouped as the cashier's language writes numbers (1,100; 1.100).
        figures = {
            name: formatLang(self.env, value, digits=0)
            for name, value in (
                ("points", points),
                ("threshold", threshold),
                ("before", before),
            )
        }
        patient = (patient or wallet.partner_id).display_name
        if not before:
            return self.env._(
                "Spending %(points)s points needs the code sent to %(patient)s by "
                "SMS: the clinic asks for one from %(threshold)s points.",
                points=figures["points"],
                patient=patient,
                threshold=figures["threshold"],
            )
        return self.env._(
            "Spending %(points)s points needs the code sent to %(patient)s by "
            "SMS: the clinic asks for one from %(threshold)s points in 24 hours, "
            "and %(before)s were spent in the last 24 hours or are held on bills.",
            patient=patient,
            **figures,
        )

    @api.model
    def _check_spend(
        self,
        wallet,
        order_uuid,
        points,
        error=SpendCodeRequired,
        *,
        consume=False,
        config=None,
        patient=None,
        confirm=None,
    ):
        """Refuse a spend of ``points`` by the order ``order_uuid`` (at
        ``config``) that the clinic wants confirmed by a code, when none was
        for this order, or for fewer points than ``confirm`` (``points`` by
        default: what the order spends in all). ``consume``: the spend happens
        now and once (a reward redeemed at once), and takes the confirmation
        with it."""
        # A reward redeemed at once is no hold of its order: every hold counts,
        # its order's too; a hold counts its order's in ``points``.
        refusal = self._needs_code(
            wallet, points, None if consume else order_uuid, patient
        )
        if not refusal:
            return
        confirm = points if confirm is None else confirm
        if self._is_verified(wallet, order_uuid, confirm, config):
            if consume:
                self._consume_confirmations(order_uuid)
            return
        raise error(refusal, confirm)

    @api.model
    def _consume_confirmations(self, order_uuid):
        """The order's confirmed spend happened: its confirmation goes with it."""
        self.search(
            [
                ("order_uuid", "=", order_uuid),
                ("consumed_at", "=", False),
            ]
        ).consumed_at = fields.Datetime.now()

    @api.model
    def _hash(self, wallet, order_uuid, code):
        # The key is the database's secret: a stolen table alone gives no code.
        return hmac(
            self.env(su=True),
            "dental_loyalty.spend_code",
            f"{wallet.id}:{order_uuid}:{code}",
        )

    @api.model
    def _send_code(self, wallet, partner, order_uuid, config, points):
        """Send a new code for the order to ``partner``'s number, to spend
        ``points`` (the SMS says how many); returns where it went (masked) and
        for how long it holds, never the code."""
        # A code confirms nothing where the clinic asks for none: no SMS is
        # paid for, nor sent to the patient, for it.
        if not self._threshold(wallet):
            raise UserError(
                self.env._(
                    "This clinic asks for no code before points are spent: "
                    "there is nothing to send."
                )
            )
        wallet._lock_for_update()
        # The number Odoo's SMS take: the mobile, else the phone (clinics
        # often type a mobile number into Phone), formatted when it can be.
        recipient = partner._sms_get_recipients_info()[partner.id]
        number = recipient["sanitized"] or recipient["number"]
        if not number:
            raise UserError(
                self.env._(
                    "%s has no phone number to send the code to: add one to the "
                    "patient, or ask a manager to adjust the points instead.",
                    partner.display_name,
                )
            )
        now = fields.Datetime.now()
        if self.search_count(
            [
                ("wallet_id", "=", wallet.id),
                ("order_uuid", "=", order_uuid),
                ("sent_at", ">", now - self._RESEND_AFTER),
            ],
            limit=1,
        ):
            raise UserError(
                self.env._(
                    "A code was sent for this bill less than a minute ago: type "
                    "that one, or wait a minute before sending another."
                )
            )
        if (
            self.search_count(
                [
                    ("partner_id", "=", partner.id),
                    ("sent_at", ">", now - timedelta(hours=1)),
                ]
            )
            >= self._PER_HOUR
        ):
            raise UserError(
                self.env._(
                    "%s was sent too many codes in the last hour: try again later, "
                    "or ask a manager.",
                    partner.display_name,
                )
            )
        code = f"{secrets.randbelow(10**_DIGITS):0{_DIGITS}d}"
        # Only the newest code of a bill counts: the older ones lapse now.
        self.search(
            [
                ("wallet_id", "=", wallet.id),
                ("order_uuid", "=", order_uuid),
                ("verified_at", "=", False),
                ("expires_at", ">", now),
            ]
        ).expires_at = now
        self.create(
            {
                "wallet_id": wallet.id,
                "partner_id": partner.id,
                "config_id": config.id,
                "order_uuid": order_uuid,
                "points": points,
                "code_hash": self._hash(wallet, order_uuid, code),
                "sent_at": now,
                "expires_at": now + self._LIFETIME,
            }
        )
        self._deliver(partner, number, code, points, wallet.company_id)
        return {
            "sent_to": "•••• " + number[-2:],
            "minutes": int(self._LIFETIME.total_seconds() // 60),
        }

    @api.model
    def _deliver(self, partner, number, code, points, company):
        """Hand the SMS straight to the gateway: no sms.sms record keeps its
        body, no message is posted, nothing is logged. It says how many points
        the code spends: the patient agrees to that spend, not to any."""
        body = self.with_context(lang=partner.lang).env._(
            "%(clinic)s: your code to spend loyalty points is %(code)s. Points it "
            "spends at most: %(points)s. It holds for %(minutes)s minutes. Give it "
            "only to the front desk.",
            clinic=company.name,
            points=points,
            code=code,
            minutes=int(self._LIFETIME.total_seconds() // 60),
        )
        message = {
            "content": body,
            "numbers": [{"number": number, "uuid": uuid.uuid4().hex}],
        }
        try:
            results = SmsApi(self.env)._send_sms_batch([message])
        except Exception:  # noqa: BLE001 - any gateway failure: nothing was sent
            results = []
        if not results or results[0].get("state") not in ("success", "processing"):
            raise UserError(
                self.env._(
                    "The SMS could not be sent to %s: try again in a minute, or ask "
                    "a manager.",
                    partner.display_name,
                )
            )

    @api.model
    def _verify(self, wallet, order_uuid, code):
        """Check a typed code against the order's newest one. Returns
        ``{"verified": True}`` or ``{"verified": False, "message": ...}``: a
        refusal is an answer, not an error, so the wrong try it counts stays
        counted."""
        wallet._lock_for_update()
        latest = self.search(
            [("wallet_id", "=", wallet.id), ("order_uuid", "=", order_uuid)], limit=1
        )
        now = fields.Datetime.now()
        refusal = None
        if not latest:
            refusal = self.env._("No code was sent for this bill: send one first.")
        elif latest.verified_at:
            refusal = self.env._(
                "This code was already used: a code confirms one bill, once."
            )
        elif latest.tries >= self._MAX_TRIES:
            refusal = self.env._("Too many wrong codes: send a new one.")
        elif latest.expires_at <= now:
            refusal = self.env._("This code has expired: send a new one.")
        if refusal:
            return {"verified": False, "message": refusal}
        typed = (
            "".join(code.split())
            if isinstance(code, str) and len(code) <= _MAX_TYPED
            else ""
        )
        if not typed or not consteq(
            latest.code_hash, self._hash(wallet, order_uuid, typed)
        ):
            latest.tries += 1
            left = self._MAX_TRIES - latest.tries
            if not left:
                return {
                    "verified": False,
                    "message": self.env._(
                        "Wrong code, and too many tries: send a new one."
                    ),
                }
            return {
                "verified": False,
                "message": self.env._("Wrong code: %s tries left.", left),
            }
        latest.verified_at = now
        return {"verified": True}

    @api.autovacuum
    def _gc_old_codes(self):
        # Lapsed codes are the engine's bookkeeping, not records anyone owns.
        self.sudo().search(
            [("sent_at", "<=", fields.Datetime.now() - self._KEPT)]
        ).unlink()
