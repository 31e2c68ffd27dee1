from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..rules import spendable_less_holds


class DentalLoyaltyReservation(models.Model):
    """Points a register holds for the bill it is being paid: other registers
    cannot spend them. A hold lives as long as the points payment line that
    asked for it: the register releases it when the line, the order or the
    patient goes, the sync turns it into the spend, and it lapses if the
    register went away. The holds' bookkeeping only: the wallet decides what a
    register may hold (``_reserve_points``) and spend; it calls this model,
    never the other way round."""

    _name = "dental.loyalty.reservation"
    _description = "Loyalty Points Hold"

    _LIFETIME = timedelta(minutes=30)
    # A lapsed hold no longer holds points, but it is kept a while as the proof
    # that the server agreed, for a register that syncs late.
    _KEPT_AFTER_LAPSE = timedelta(days=7)

    wallet_id = fields.Many2one(
        "dental.loyalty.wallet", required=True, index=True, ondelete="cascade"
    )
    config_id = fields.Many2one("pos.config", string="Register", ondelete="cascade")
    order_uuid = fields.Char(required=True, index=True)
    points = fields.Integer(required=True)
    amount = fields.Float(required=True, help="The money these points pay.")
    bill_total = fields.Float(
        required=True, help="The bill total the hold was granted for."
    )
    expires_at = fields.Datetime(required=True)
    voucher_id = fields.Many2one(
        "dental.loyalty.voucher",
        string="Reward on the Bill",
        index="btree_not_null",
        ondelete="cascade",
        help="The held voucher whose points this is: a reward chosen at the "
        "register, committed when the bill is paid. Empty for the points "
        "payment's hold.",
    )

    def init(self):
        # One points payment hold per order, one hold per held voucher: the
        # order's rewards hold their points beside its points payment.
        self.env.cr.execute(
            SQL(
                "ALTER TABLE dental_loyalty_reservation "
                "DROP CONSTRAINT IF EXISTS dental_loyalty_reservation_order_uuid_uniq"
            )
        )
        for name, columns, where in (
            ("payment_uniq", "order_uuid", "voucher_id IS NULL"),
            ("voucher_uniq", "voucher_id", "voucher_id IS NOT NULL"),
        ):
            self.env.cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX IF NOT EXISTS %s "
                    "ON dental_loyalty_reservation (%s) WHERE %s",
                    SQL.identifier(f"dental_loyalty_reservation_{name}"),
                    SQL.identifier(columns),
                    SQL(where),
                )
            )

    @api.model
    def _of_wallet(self, wallet, order_uuid):
        """The wallet's live holds, and the order's own points payment hold
        even if lapsed."""
        return self.search_fetch(
            [
                ("wallet_id", "=", wallet.id),
                "|",
                ("expires_at", ">", fields.Datetime.now()),
                "&",
                ("order_uuid", "=", order_uuid),
                ("voucher_id", "=", False),
            ],
            [
                "order_uuid",
                "points",
                "amount",
                "bill_total",
                "expires_at",
                "voucher_id",
            ],
        )

    @api.model
    def _spendable_for(self, wallet, order_uuid, redeemed=None):
        """What the order ``order_uuid`` may spend of a locked wallet: its
        spendable points less what other holds keep, of other orders and the
        rewards held on this one. ``order_uuid`` False: every hold counts (no
        made-up key: a register names its orders as it likes, and a hold of an
        order so named would be left out). ``redeemed`` (vouchers, points): rewards
        held on this bill whose redeem lines are posted with it, their holds
        theirs no more and their points taken, as if posted first. Returns the
        points, the order's own points payment hold, and the other holds."""
        holds = self._of_wallet(wallet, order_uuid)
        own = holds.filtered(
            lambda hold: hold.order_uuid == order_uuid and not hold.voucher_id
        )
        others = holds - own
        available = wallet.points_available
        if redeemed:
            vouchers, points = redeemed
            others = others.filtered(lambda hold: hold.voucher_id not in vouchers)
            available -= points
        spendable = spendable_less_holds(available, sum(others.mapped("points")))
        return spendable, own, others

    @api.model
    def _hold(
        self, wallet, order_uuid, *, points, amount, bill_total, config, voucher=None
    ):
        """Hold ``points`` of ``wallet`` for the order: its points payment, or
        with ``voucher`` the reward held on its bill."""
        if points and not voucher:
            return self._hold_payment(
                wallet,
                order_uuid,
                points=points,
                amount=amount,
                bill_total=bill_total,
                config=config,
            )
        voucher_id = voucher.id if voucher else False
        vals = {
            "wallet_id": wallet.id,
            "config_id": config.id,
            "order_uuid": order_uuid,
            "voucher_id": voucher_id,
            "points": points,
            "amount": amount,
            "bill_total": bill_total,
            "expires_at": fields.Datetime.now() + self._LIFETIME,
        }
        if voucher and points:
            # A reward's hold is made once, with its voucher just created
            # (_hold_reward): there is none to replace, no search for it.
            return self.create(vals)
        existing = self.search(
            [("order_uuid", "=", order_uuid), ("voucher_id", "=", voucher_id)]
        )
        if not points:
            existing.unlink()
            return self.browse()
        if existing:
            existing.write(vals)
            return existing
        return self.create(vals)

    @api.model
    def _hold_payment(self, wallet, order_uuid, *, points, amount, bill_total, config):
        """The order's points payment hold, created or replaced in one
        statement: the unique index of an order's payment hold decides which,
        where a search then a write or create cost two queries. A hold has no
        dependant but the voucher's (a payment hold has none), no tracking and
        no xmlid: nothing of the ORM's create or write is skipped but the
        cache, cleared here."""
        self.flush_model()
        now = self.env.cr.now()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO dental_loyalty_reservation
                       (wallet_id, config_id, order_uuid, points, amount,
                        bill_total, expires_at, create_uid, create_date,
                        write_uid, write_date)
                VALUES (%(wallet)s, %(config)s, %(order_uuid)s, %(points)s,
                        %(amount)s, %(bill_total)s, %(expires_at)s, %(uid)s,
                        %(now)s, %(uid)s, %(now)s)
                ON CONFLICT (order_uuid) WHERE voucher_id IS NULL DO UPDATE
                   SET wallet_id = EXCLUDED.wallet_id,
                       config_id = EXCLUDED.config_id,
                       points = EXCLUDED.points,
                       amount = EXCLUDED.amount,
                       bill_total = EXCLUDED.bill_total,
                       expires_at = EXCLUDED.expires_at,
                       write_uid = EXCLUDED.write_uid,
                       write_date = EXCLUDED.write_date
                 -- Only the register that holds an order's points replaces
                 -- them: another one naming its order uuid gets nothing.
                 WHERE dental_loyalty_reservation.config_id
                       IS NOT DISTINCT FROM EXCLUDED.config_id
                RETURNING id
                """,
                wallet=wallet.id,
                config=config.id or None,
                order_uuid=order_uuid,
                points=points,
                amount=amount,
                bill_total=bill_total,
                expires_at=fields.Datetime.now() + self._LIFETIME,
                uid=self.env.uid,
                now=now,
            ),
            # Two registers holding one wallet's points: expected, retried.
            log_exceptions=False,
        )
        row = self.env.cr.fetchone()
        if not row:
            raise UserError(
                self.env._("This order's points are held by another register.")
            )
        hold_id = row[0]
        # The order's hold may have been read before, with its old figures.
        self.invalidate_model()
        return self.browse(hold_id)

    @api.model
    def _release(self, order_uuid, config):
        """Drop the hold of an order whose points payment line went away (the
        held rewards' holds go with their vouchers)."""
        holds = self.search(
            [
                ("order_uuid", "=", order_uuid),
                ("config_id", "=", config.id),
                ("voucher_id", "=", False),
            ]
        )
        holds.unlink()
        return bool(holds)

    @api.model
    def _consume(self, order_uuid, vouchers=None):
        """The order is paid: its hold becomes its spend line, and the holds of
        ``vouchers``, the rewards held on its bill, their redeem lines (posted
        with the sale's). Deleted in SQL, in one statement: a hold has no
        xmlid, attachment or dependant, and an ORM unlink would clear the whole
        record cache in the middle of the sync (bench/results.md)."""
        self.env.cr.execute(
            SQL(
                "DELETE FROM dental_loyalty_reservation "
                "WHERE (order_uuid = %s AND voucher_id IS NULL) "
                "OR voucher_id = ANY(%s)",
                order_uuid,
                vouchers.ids if vouchers else [],
            )
        )
        self.invalidate_model()

    @api.autovacuum
    def _gc_lapsed_holds(self):
        lapsed_before = fields.Datetime.now() - self._KEPT_AFTER_LAPSE
        # Lapsed holds are the engine's bookkeeping, not records anyone owns.
        self.sudo().search([("expires_at", "<=", lapsed_before)]).unlink()
