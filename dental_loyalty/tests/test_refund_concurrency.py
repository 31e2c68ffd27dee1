from psycopg2.errors import SerializationFailure

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_concurrency import CommittedWalletCase


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestRefundAgainstAHoldAtTwoRegisters(CommittedWalletCase):
    """Register A holds the patient's points for a bill while register B's
    refund, whose request began before A's hold was committed, takes back a
    sale's earning: two real transactions under REPEATABLE READ."""

    def setUp(self):
        super().setUp()
        with self.db.cursor() as cr:
            env = self._env(cr)
            # The sale's earning: 100 points beside the wallet's 100.
            self.lot_id = (
                env["dental.loyalty.wallet"]
                ._post_lines(
                    [
                        {
                            "wallet_id": self.wallet_id,
                            "kind": "earn",
                            "points": 100,
                            "paid_amount": 100.0,
                            "reason": "Test",
                        }
                    ]
                )
                .id
            )
        self.addCleanup(self._forget_activities)

    def _forget_activities(self):
        with self.db.cursor() as cr:
            cr.execute(
                "DELETE FROM mail_activity WHERE res_model = 'res.partner' "
                "AND res_id = %s",
                [self.partner_id],
            )

    def _wallet(self, env):
        return env["dental.loyalty.wallet"].browse(self.wallet_id)

    def _refund(self, env):
        return self._wallet(env)._settle_refund(
            key=f"refund-{self.wallet_id}",
            sale_lines=env["dental.loyalty.ledger"].browse(self.lot_id),
            refunded_amount=100.0,
            sale_total=100.0,
            points_returned_amount=0.0,
            source_vals={"origin": "Refund", "date": fields.Date.today()},
            label="Refund",
            sale_label="Sale",
        )

    @mute_logger("odoo.sql_db")
    def test_a_refund_synced_meanwhile_leaves_the_held_points(self):
        uuid = f"a-{self.wallet_id}"
        with self.db.cursor() as register_a, self.db.cursor() as register_b:
            register_b.execute("SELECT 1")  # B's snapshot is taken now
            offer = self._wallet(self._env(register_a))._reserve_points(
                uuid,
                self.BILL,
                None,
                self._env(register_a)["pos.config"],
            )
            self.assertEqual(offer["points"], 200)
            register_a.commit()
            # B's old snapshot misses the hold: it must not decide on it.
            with self.assertRaises(SerializationFailure):
                self._refund(self._env(register_b))
            register_b.rollback()
            # Odoo's retry: a fresh snapshot sees every point held, takes none.
            self.assertFalse(self._refund(self._env(register_b)))
            self._env(register_b).flush_all()
            register_b.commit()
            # A's bill, granted, is paid with the points it held.
            env = self._env(register_a)
            self._wallet(env)._settle_sale(
                key=f"test:{uuid}",
                bill_total=self.BILL,
                points_amount=offer["amount"],
                lines=[],
                hold_key=uuid,
                source_vals={"origin": uuid, "date": fields.Date.today()},
                label=uuid,
            )
            env.flush_all()
            register_a.commit()
        available, spent, problems = self._figures()
        self.assertEqual((available, spent, problems), (0, 200, {}))
