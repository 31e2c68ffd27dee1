from psycopg2.errors import SerializationFailure

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_concurrency import CommittedWalletCase


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestConcurrentRewardHolds(CommittedWalletCase):
    """Two registers hold a reward for one patient at the same moment, each a
    transaction of its own: the second sees the first's hold, never misses it."""

    def setUp(self):
        super().setUp()
        with self.db.cursor() as cr:
            env = self._env(cr)
            product = env["product.product"].create(
                {"name": "Race kit", "type": "consu"}
            )
            reward = env["dental.loyalty.reward"].create(
                {
                    "name": "Race kit",
                    "kind": "gift",
                    "points_cost": 60,
                    "product_id": product.id,
                    "has_stock": True,
                    "stock_left": 1,
                }
            )
            self.reward_id, self.product_id = reward.id, product.id
        self.addCleanup(self._forget_reward)

    def _forget_reward(self):
        with self.db.cursor() as cr:
            cr.execute(
                "DELETE FROM mail_message WHERE model = 'dental.loyalty.voucher' "
                "AND res_id IN (SELECT id FROM dental_loyalty_voucher "
                "WHERE reward_id = %s)",
                [self.reward_id],
            )
            cr.execute(
                "DELETE FROM dental_loyalty_voucher WHERE reward_id = %s",
                [self.reward_id],
            )
            cr.execute(
                "DELETE FROM dental_loyalty_reward WHERE id = %s", [self.reward_id]
            )
            env = self._env(cr)
            env["product.product"].browse(self.product_id).product_tmpl_id.unlink()

    def _hold(self, env, uuid):
        wallet = env["dental.loyalty.wallet"].browse(self.wallet_id)
        reward = env["dental.loyalty.reward"].browse(self.reward_id)
        return env["dental.loyalty.voucher"]._hold_reward(
            wallet,
            reward,
            patient=wallet.partner_id,
            order_uuid=uuid,
            config=env["pos.config"],
            bill_total=100.0,
        )[0]

    @mute_logger("odoo.sql_db")
    def test_a_reward_held_meanwhile_is_seen_not_missed(self):
        with self.db.cursor() as register_a, self.db.cursor() as register_b:
            register_b.execute("SELECT 1")  # B's snapshot is taken now
            self._hold(self._env(register_a), f"a-{self.wallet_id}")
            register_a.commit()
            with self.assertRaises(SerializationFailure):
                self._hold(self._env(register_b), f"b-{self.wallet_id}")
            register_b.rollback()
            # Odoo's retry: a fresh snapshot sees A's hold of the last kit and
            # of 60 of the patient's 100 points.
            with self.assertRaisesRegex(UserError, "out of stock"):
                self._hold(self._env(register_b), f"b-{self.wallet_id}")
            register_b.rollback()
            self._env(register_b)["dental.loyalty.reward"].browse(
                self.reward_id
            ).stock_left = 5
            with self.assertRaisesRegex(UserError, "can spend 40"):
                self._hold(self._env(register_b), f"b-{self.wallet_id}")
        available, _spent, problems = self._figures()
        # Held, not bought: the wallet still has its points and adds up.
        self.assertEqual((available, problems), (100, {}))
