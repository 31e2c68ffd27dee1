import logging
import threading

from psycopg2.errors import SerializationFailure

from odoo.tests import tagged

from .test_referral_concurrency import CommittedReferralCase


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestWalletOpeningAtTwoRegisters(CommittedReferralCase):
    """Two registers sync a new patient's first bills at the same moment: both
    open the patient's wallet. One wallet is opened; the second register fails
    with a serialization error, which Odoo retries, raised by the wallet's own
    opening, not by core's INSERT of its order (the patient's row is not
    written), and nothing is logged as an error."""

    def _wallets(self, env):
        return env["dental.loyalty.wallet"].search(
            [("partner_id", "=", self.newcomer_id)]
        )

    def test_second_opening_is_retried_quietly(self):
        with (
            self.db.cursor() as cr_a,
            self.db.cursor() as cr_b,
            self.assertNoLogs("odoo.sql_db", level=logging.ERROR),
        ):
            env_a, env_b = self._env(cr_a), self._env(cr_b)
            # The second register's request starts before the first commits:
            # its snapshot does not see the wallet the first opens.
            self.assertFalse(self._wallets(env_b))
            newcomer_a = env_a["res.partner"].browse(self.newcomer_id)
            opened = env_a["dental.loyalty.wallet"]._get_for_partners(newcomer_a)
            self.assertTrue(opened)
            env_a.flush_all()
            cr_a.commit()
            # Core's sync inserts the order first: its foreign key to the
            # patient holds (it failed when opening a wallet wrote the patient).
            session = env_b["pos.session"].browse(self.session_id)
            newcomer_b = env_b["res.partner"].browse(self.newcomer_id)
            product = env_b["product.product"].browse(self.product_id)
            self._bill(env_b, session, newcomer_b, product=product, qty=1, total=10.0)
            env_b.flush_all()
            with self.assertRaises(SerializationFailure):
                env_b["dental.loyalty.wallet"]._get_for_partners(newcomer_b)
            cr_b.rollback()
            # Odoo's retry, on a fresh snapshot, finds the wallet.
            env_b = self._env(cr_b)
            newcomer_b = env_b["res.partner"].browse(self.newcomer_id)
            self.assertEqual(
                env_b["dental.loyalty.wallet"]._get_for_partners(newcomer_b).id,
                opened.id,
            )
            self.assertEqual(self._wallets(env_b), opened.with_env(env_b))

    def test_second_opening_waits_for_the_first(self):
        """The second register opens the wallet while the first has opened it
        and not committed yet: it waits, then fails as above once the first
        commits; a rolled back first opening lets it open the wallet."""
        with (
            self.db.cursor() as cr_a,
            self.assertNoLogs("odoo.sql_db", level=logging.ERROR),
        ):
            env_a = self._env(cr_a)
            newcomer_a = env_a["res.partner"].browse(self.newcomer_id)
            opened = env_a["dental.loyalty.wallet"]._get_for_partners(newcomer_a)
            env_a.flush_all()
            outcome = {}

            def second_register():
                with self.db.cursor() as cr_b:
                    env_b = self._env(cr_b)
                    newcomer_b = env_b["res.partner"].browse(self.newcomer_id)
                    try:
                        env_b["dental.loyalty.wallet"]._get_for_partners(newcomer_b)
                        outcome["result"] = "opened"
                    except SerializationFailure:
                        outcome["result"] = "serialization failure"
                        cr_b.rollback()

            thread = threading.Thread(target=second_register)
            thread.start()
            thread.join(timeout=1)
            # Still waiting for the first register's transaction.
            self.assertTrue(thread.is_alive())
            cr_a.commit()
            thread.join(timeout=30)
            self.assertEqual(outcome, {"result": "serialization failure"})
        with self.db.cursor() as cr:
            self.assertEqual(self._wallets(self._env(cr)).ids, opened.ids)

    def test_consent_recorded_while_a_register_writes_the_wallet_is_retried_quietly(
        self,
    ):
        """Reception records the consent of a patient whose bill a register is
        settling: the register's write of the wallet commits first; the
        reception's request fails with a serialization error Odoo retries, in
        the statement that takes the wallet's row, not logged as an error."""
        with self.db.cursor() as cr:
            env = self._env(cr)
            env["dental.loyalty.wallet"]._get_for_partners(
                env["res.partner"].browse(self.newcomer_id)
            )
        with (
            self.db.cursor() as cr_register,
            self.db.cursor() as cr_desk,
            self.assertNoLogs("odoo.sql_db", level=logging.ERROR),
        ):
            env_register, env_desk = self._env(cr_register), self._env(cr_desk)
            # The desk's request starts before the register commits.
            self.assertTrue(self._wallets(env_desk))
            self._wallets(env_register)._lock_for_update()
            env_register.flush_all()
            cr_register.commit()
            newcomer = env_desk["res.partner"].browse(self.newcomer_id)
            with self.assertRaises(SerializationFailure):
                newcomer._dental_loyalty_set_consent(mail=True)
                env_desk.flush_all()
            cr_desk.rollback()
