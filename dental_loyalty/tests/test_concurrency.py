import random
import threading
import time

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import SUPERUSER_ID, api, fields, sql_db
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import TEST_PROGRAMME, DentalLoyaltyTestMixin


class CommittedWalletCase(DentalLoyaltyTestMixin, TransactionCase):
    """A patient's wallet committed for other transactions to see, each register
    a database transaction of its own under Odoo's REPEATABLE READ (the test's
    own transaction cannot show this); all of it deleted afterwards. The test's
    own transaction writes nothing: each register checks the committed wallet's
    integrity itself (``_figures``); the ladder is the database's, as nothing
    is earned."""

    # The suite's programme without earning, so that only spends move points;
    # committed for the other transactions to see, and restored afterwards.
    PROGRAMME = {**TEST_PROGRAMME, "earn_rate": 0.0}
    # The most points may pay of this bill (30 % of 100.00) is what 100 points are
    # worth.
    BILL = 100.0

    def setUp(self):
        super().setUp()
        self._live_envs = []
        self.db = sql_db.db_connect(self.env.cr.dbname)
        with self.db.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.company
            self._programme_before = company.read(
                [f"dental_loyalty_{name}" for name in self.PROGRAMME]
            )[0]
            self._set_loyalty_settings(company, **self.PROGRAMME)
            partner = env["res.partner"].create({"name": "Two Registers"})
            wallet = partner._dental_loyalty_wallet()
            env["dental.loyalty.wallet"]._post_lines(
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

    def _top_up(self, points=100):
        """Bring the committed wallet back to ``points`` spendable points."""
        with self.db.cursor() as cr:
            env = self._env(cr)
            wallet = env["dental.loyalty.wallet"].browse(self.wallet_id)
            if wallet.points_available < points:
                env["dental.loyalty.wallet"]._post_lines(
                    [
                        {
                            "wallet_id": wallet.id,
                            "kind": "adjust",
                            "points": points - wallet.points_available,
                            "reason": "Test",
                        }
                    ]
                )

    def _forget_committed_data(self):
        with self.db.cursor() as cr:
            env = self._env(cr)
            programme = dict(self._programme_before)
            programme.pop("id")
            env.company.write(programme)
            # Ledger lines are undeletable through the ORM on purpose.
            cr.execute(
                "DELETE FROM dental_loyalty_ledger WHERE wallet_id = %s",
                [self.wallet_id],
            )
            cr.execute(
                "DELETE FROM dental_loyalty_shortfall WHERE wallet_id = %s",
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

    def _env(self, cr):
        if cr.transaction is None:
            # The test runner holds the registry lock that looking the registry
            # up by name takes, which would stall the registers' threads.
            cr.transaction = api.Transaction(self.registry)
        env = api.Environment(cr, SUPERUSER_ID, {})
        # A commit flushes what is still in the cache through one of the
        # transaction's live environments (a weak set), as a request's does:
        # kept alive until the test ends, or a garbage collection between the
        # call and the commit would drop what the register wrote but had not
        # flushed yet (the old code relied on the collector's timing too).
        self._live_envs.append(env)
        return env

    def _request(self, call):
        """Run ``call(env)`` in a transaction of its own as Odoo serves a request
        (odoo.service.model.retrying, whose registry lookup the test runner's
        lock would stall): a concurrency failure rolls back and runs it again on
        a fresh snapshot; the result is committed."""
        with self.db.cursor() as cr:
            for tries_left in reversed(range(5)):
                env = self._env(cr)
                try:
                    result = call(env)
                    env.flush_all()
                    return result
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                    cr.rollback()
                    cr.transaction = api.Transaction(self.registry)
                    if not tries_left:
                        raise
                    time.sleep(random.uniform(0.0, 0.2))

    def _figures(self):
        with self.db.cursor() as cr:
            env = self._env(cr)
            wallet = env["dental.loyalty.wallet"].browse(self.wallet_id)
            problems = env["dental.loyalty.wallet"]._integrity_problems(wallet.ids)
            spent = -sum(
                wallet.line_ids.filtered(lambda line: line.kind == "spend").mapped(
                    "points"
                )
            )
            return wallet.points_available, spent, problems


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestConcurrentSpend(CommittedWalletCase):
    """Two registers spend for one patient at the same moment, through the engine
    calls a register's requests make."""

    def _reserve(self, env, uuid, amount=None):
        wallet = env["dental.loyalty.wallet"].browse(self.wallet_id)
        return wallet._reserve_points(uuid, self.BILL, amount, env["pos.config"])

    def _settle(self, env, uuid, amount):
        wallet = env["dental.loyalty.wallet"].browse(self.wallet_id)
        return wallet._settle_sale(
            key=f"test:{uuid}",
            bill_total=self.BILL,
            points_amount=amount,
            lines=[],
            hold_key=uuid,
            source_vals={"origin": uuid, "date": fields.Date.today()},
            label=uuid,
        )

    @mute_logger("odoo.sql_db")
    def test_two_spends_of_one_wallet_wait_for_each_other(self):
        with self.db.cursor() as register_a, self.db.cursor() as register_b:
            self._settle(self._env(register_a), f"a-{self.wallet_id}", 8.0)
            # A holds the wallet until it commits: B waits for it.
            register_b.execute("SET lock_timeout = '300ms'")
            with self.assertRaises(LockNotAvailable):
                self._settle(self._env(register_b), f"b-{self.wallet_id}", 8.0)
            register_b.rollback()
            register_a.commit()
            # Once A is done, B sees what is left and is refused.
            with self.assertRaisesRegex(
                UserError, r"spendable points of .+ \(20\) are worth"
            ):
                self._settle(self._env(register_b), f"b-{self.wallet_id}", 8.0)
        available, spent, problems = self._figures()
        self.assertEqual((available, spent, problems), (20, 80, {}))

    def test_a_hold_granted_meanwhile_is_seen_not_missed(self):
        """REPEATABLE READ: B's request began before A's hold was committed. A
        lock alone would let B read its old snapshot and grant the same points;
        the engine makes B fail with a serialization error, and Odoo retries it.
        The expected conflict writes no ERROR line to the log."""
        with self.db.cursor() as register_a, self.db.cursor() as register_b:
            register_b.execute("SELECT 1")  # B's snapshot is taken now
            offer = self._reserve(self._env(register_a), f"a-{self.wallet_id}")
            self.assertEqual(offer["points"], 100)
            register_a.commit()
            with (
                self.assertNoLogs("odoo.sql_db", level="ERROR"),
                self.assertRaises(SerializationFailure),
            ):
                self._reserve(self._env(register_b), f"b-{self.wallet_id}")
            register_b.rollback()
            # Odoo's retry: a fresh snapshot sees A's hold.
            with self.assertRaisesRegex(UserError, "held by another register"):
                self._reserve(self._env(register_b), f"b-{self.wallet_id}")

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_two_registers_reserving_and_syncing_at_once(self):
        """Each register asks for the whole balance, then syncs what it was
        granted, in two requests retried as Odoo retries them; five rounds, with
        the registers starting in either order."""
        for round_ in range(5):
            with self.subTest(round=round_):
                self._race(round_)

    def _race(self, round_):
        self._top_up()
        _available, spent_before, _problems = self._figures()
        granted = {}
        start = threading.Barrier(2)

        def register(name):
            start.wait()
            uuid = f"{name}{round_}-{self.wallet_id}"
            try:
                offer = self._request(lambda env: self._reserve(env, uuid))
                self._request(lambda env: self._settle(env, uuid, offer["amount"]))
                granted[name] = offer["amount"]
            except UserError:
                granted[name] = 0.0

        threads = [
            threading.Thread(target=register, args=(name,)) for name in ("a", "b")
        ]
        for thread in threads[:: 1 if round_ % 2 else -1]:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        available, spent, problems = self._figures()
        self.assertFalse(problems)
        # One register was granted the points, the other saw them held or gone.
        self.assertEqual(sorted(granted.values()), [0.0, 10.0])
        self.assertEqual(available, 0)
        # Money paid with points is the points taken times their value.
        self.assertEqual(spent - spent_before, 100)


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestConcurrentVoucherUse(CommittedWalletCase):
    """Two registers use one voucher code at the same moment: one bill gets it."""

    def setUp(self):
        super().setUp()
        with self.db.cursor() as cr:
            env = self._env(cr)
            product = env["product.product"].create(
                {"name": "Race discount", "type": "service"}
            )
            reward = env["dental.loyalty.reward"].create(
                {
                    "name": "Race reward",
                    "kind": "discount_fixed",
                    "discount_amount": 5.0,
                    "points_cost": 50,
                    "product_id": product.id,
                }
            )
            wallet = env["dental.loyalty.wallet"].browse(self.wallet_id)
            voucher = env["dental.loyalty.voucher"]._issue(wallet, reward)
            self.voucher_id, self.reward_id = voucher.id, reward.id
            self.product_id = product.id
        self.addCleanup(self._forget_voucher)

    def _forget_voucher(self):
        with self.db.cursor() as cr:
            cr.execute(
                "DELETE FROM dental_loyalty_voucher WHERE id = %s", [self.voucher_id]
            )
            cr.execute(
                "DELETE FROM mail_message WHERE model = 'dental.loyalty.voucher' "
                "AND res_id = %s",
                [self.voucher_id],
            )
            cr.execute(
                "DELETE FROM dental_loyalty_reward WHERE id = %s", [self.reward_id]
            )
            env = self._env(cr)
            env["product.product"].browse(self.product_id).product_tmpl_id.unlink()

    def _use(self, env):
        voucher = env["dental.loyalty.voucher"].browse(self.voucher_id)
        if voucher.state != "valid":
            raise UserError(env._("Voucher %s was already used.", voucher.code))
        voucher._mark_used(env["pos.order"], 5.0)

    @mute_logger("odoo.sql_db")
    def test_the_second_register_waits_then_finds_the_voucher_used(self):
        with self.db.cursor() as register_a, self.db.cursor() as register_b:
            self._use(self._env(register_a))
            register_b.execute("SET lock_timeout = '300ms'")
            with self.assertRaises(LockNotAvailable):
                self._use(self._env(register_b))
            register_b.rollback()
            register_a.commit()
            with self.assertRaisesRegex(UserError, "already used"):
                self._use(self._env(register_b))

    @mute_logger("odoo.sql_db")
    def test_a_use_committed_meanwhile_is_seen_not_missed(self):
        with self.db.cursor() as register_a, self.db.cursor() as register_b:
            # B read the voucher valid before A used it and committed.
            self.assertEqual(
                self._env(register_b)["dental.loyalty.voucher"]
                .browse(self.voucher_id)
                .state,
                "valid",
            )
            self._use(self._env(register_a))
            register_a.commit()
            with self.assertRaises(SerializationFailure):
                self._env(register_b)["dental.loyalty.voucher"].browse(
                    self.voucher_id
                )._mark_used(self._env(register_b)["pos.order"], 5.0)
            register_b.rollback()
            with self.assertRaisesRegex(UserError, "already used"):
                self._use(self._env(register_b))

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_two_registers_using_one_code_at_once(self):
        outcomes = {}
        start = threading.Barrier(2)

        def register(name):
            start.wait()
            try:
                self._request(self._use)
                outcomes[name] = "used"
            except UserError:
                outcomes[name] = "refused"

        threads = [threading.Thread(target=register, args=(n,)) for n in "ab"]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(sorted(outcomes.values()), ["refused", "used"])
        with self.db.cursor() as cr:
            voucher = self._env(cr)["dental.loyalty.voucher"].browse(self.voucher_id)
            self.assertEqual(voucher.state, "used")
            # One use, one message saying so.
            self.assertEqual(
                len(voucher.message_ids.filtered(lambda m: "Used on" in str(m.body))),
                1,
            )
