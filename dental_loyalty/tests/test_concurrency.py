from psycopg2.errors import LockNotAvailable

from odoo import SUPERUSER_ID, api, sql_db
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestConcurrentSpend(TransactionCase):
    """Two terminals spend for one patient at the same moment, each in its own
    database transaction (the test's own transaction cannot show this)."""

    def setUp(self):
        super().setUp()
        self.db = sql_db.db_connect(self.env.cr.dbname)
        with self.db.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].create({"name": "Two Terminals"})
            wallet = partner._dental_loyalty_wallet()
            env["dental.loyalty.ledger"]._post(
                [
                    {
                        "wallet_id": wallet.id,
                        "kind": "adjust",
                        "points": 100,
                        "reason": "Test",
                    }
                ]
            )
            self.partner_id, self.wallet_id = partner.id, wallet.id
        self.addCleanup(self._forget_committed_data)

    def _forget_committed_data(self):
        with self.db.cursor() as cr:
            # Ledger lines are undeletable through the ORM on purpose.
            cr.execute(
                "DELETE FROM dental_loyalty_ledger WHERE wallet_id = %s",
                [self.wallet_id],
            )
            cr.execute(
                "DELETE FROM dental_loyalty_wallet WHERE id = %s", [self.wallet_id]
            )
            cr.execute(
                "DELETE FROM mail_message WHERE model = 'res.partner' AND res_id = %s",
                [self.partner_id],
            )
            cr.execute("DELETE FROM res_partner WHERE id = %s", [self.partner_id])

    def _spend(self, cr, points):
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env["dental.loyalty.ledger"]._post(
            [{"wallet_id": self.wallet_id, "kind": "spend", "points": -points}]
        )

    def _balance(self):
        with self.db.cursor() as cr:
            cr.execute(
                """
                SELECT points_available,
                       (SELECT SUM(points) FROM dental_loyalty_ledger l
                         WHERE l.wallet_id = w.id)
                  FROM dental_loyalty_wallet w
                 WHERE id = %s
                """,
                [self.wallet_id],
            )
            return cr.fetchone()

    @mute_logger("odoo.sql_db")
    def test_two_terminals_cannot_spend_the_same_points(self):
        with self.db.cursor() as terminal_a, self.db.cursor() as terminal_b:
            self._spend(terminal_a, 80)
            # Terminal A holds the wallet until it commits: B waits for it.
            terminal_b.execute("SET lock_timeout = '300ms'")
            with self.assertRaises(LockNotAvailable):
                self._spend(terminal_b, 80)
            terminal_b.rollback()
            terminal_a.commit()
            # Once A is done, B sees what is left and is refused.
            with self.assertRaises(UserError) as refused:
                self._spend(terminal_b, 80)
            self.assertIn("20 spendable points", str(refused.exception))
            terminal_b.rollback()
            self._spend(terminal_b, 20)
            terminal_b.commit()
        available, total = self._balance()
        self.assertEqual(available, 0)
        self.assertEqual(total, 0)
