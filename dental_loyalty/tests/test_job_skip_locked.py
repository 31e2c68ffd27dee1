from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from .common import DentalLoyaltyTestMixin

# The company's settings the test commits, restored afterwards.
SAVED_SETTINGS = [
    "dental_loyalty_dormant_months",
    "dental_loyalty_birthday_covered_until",
]


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestJobsSkipHeldWallets(DentalLoyaltyTestMixin, TransactionCase):
    """The nightly jobs never wait on a wallet a register is serving: while a
    register's transaction holds one patient's wallet, each job's batch handles
    the other patient, leaves the held one due (without waiting: the job's
    cursor would fail on a lock timeout) and handles it on its next run. Two
    patients committed for real transactions to see, all of it deleted
    afterwards."""

    # Every lock wait of the job's transaction fails after this: a job that
    # waited on the register would fail the test instead of hanging it.
    LOCK_TIMEOUT = "2s"

    def setUp(self):
        super().setUp()
        self.db = sql_db.db_connect(self.env.cr.dbname)
        with self.db.cursor() as cr:
            env = self._env(cr)
            company = env.company
            # The clinic's day, which the jobs count in: late in the evening
            # by the server's clock it is tomorrow in a clinic east of it.
            self.today = company._dental_loyalty_today()
            self.company_id = company.id
            self._settings_before = company.read(SAVED_SETTINGS)[0]
            company.write(
                {
                    "dental_loyalty_dormant_months": 6,
                    "dental_loyalty_birthday_covered_until": False,
                }
            )
            partners = env["res.partner"].create(
                [
                    {
                        "name": name,
                        "dental_birthday": self.today - relativedelta(years=30),
                    }
                    for name in ("Held Patient", "Free Patient")
                ]
            )
            wallets = env["dental.loyalty.wallet"].browse(
                [partner._dental_loyalty_wallet().id for partner in partners]
            )
            self.partner_ids = partners.ids
            self.held_id, self.free_id = wallets.ids
            self.addCleanup(self._forget_committed_data)
            Wallet = env["dental.loyalty.wallet"]
            lines = {}
            for wallet in wallets:
                lot_a, lot_b = Wallet._post_lines(
                    [
                        {
                            "wallet_id": wallet.id,
                            "kind": "adjust",
                            "points": points,
                            "reason": "Test",
                        }
                        for points in (100, 50)
                    ]
                )
                lines[wallet.id] = (lot_a.id, lot_b.id)
            env.flush_all()
            self.lots = lines
            yesterday = self.today - relativedelta(days=1)
            for wallet_id, (lot_a, lot_b) in lines.items():
                # Lot A past its expiry date (expire job), lot B waiting for a
                # date already passed (release job), the patient not seen for
                # 400 days (dormant job), never evaluated (tier job): the
                # wallet's figures kept equal to its lines.
                cr.execute(
                    "UPDATE dental_loyalty_ledger SET expiry_date = %s WHERE id = %s",
                    [yesterday, lot_a],
                )
                cr.execute(
                    "UPDATE dental_loyalty_ledger SET is_released = FALSE, "
                    "available_date = %s WHERE id = %s",
                    [yesterday, lot_b],
                )
                cr.execute(
                    "UPDATE dental_loyalty_wallet SET points_available = "
                    "points_available - 50, points_pending = points_pending + 50, "
                    "last_visit_date = %s, dormant_since = NULL, "
                    "tier_evaluated_date = NULL, birthday_gift_date = NULL "
                    "WHERE id = %s",
                    [self.today - relativedelta(days=400), wallet_id],
                )

    def _forget_committed_data(self):
        with self.db.cursor() as cr:
            env = self._env(cr)
            company = env["res.company"].browse(self.company_id)
            settings = dict(self._settings_before)
            settings.pop("id")
            company.write(settings)
            wallet_ids = (self.held_id, self.free_id)
            partner_ids = tuple(self.partner_ids)
            # Ledger lines are undeletable through the ORM on purpose.
            for table in (
                "dental_loyalty_ledger",
                "dental_loyalty_shortfall",
                "dental_loyalty_tier_history",
            ):
                cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE wallet_id IN %s",
                        SQL.identifier(table),
                        wallet_ids,
                    )
                )
            cr.execute("DELETE FROM dental_loyalty_wallet WHERE id IN %s", [wallet_ids])
            # Odoo's chatter and activities: the model column is named apart.
            for table, model_column in (
                ("mail_message", "model"),
                ("mail_activity", "res_model"),
            ):
                cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE %s = 'res.partner' AND res_id IN %s",
                        SQL.identifier(table),
                        SQL.identifier(model_column),
                        partner_ids,
                    )
                )
            cr.execute("DELETE FROM res_partner WHERE id IN %s", [partner_ids])

    def _env(self, cr):
        if cr.transaction is None:
            # The test runner holds the registry lock that looking the registry
            # up by name takes.
            cr.transaction = api.Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, {})

    def _run_job(self, model, method):
        """One call of the job in a transaction of its own, committed, as the
        scheduler makes it; a lock wait longer than LOCK_TIMEOUT fails it."""
        with self.db.cursor() as cr:
            cr.execute(SQL("SET LOCAL lock_timeout = %s", self.LOCK_TIMEOUT))
            env = self._env(cr)
            result = getattr(env[model], method)()
            env.flush_all()
            return result

    def _state(self):
        """What each job changed, per wallet: {wallet id: {job: done?}}."""
        with self.db.cursor() as cr:
            env = self._env(cr)
            state = {}
            for wallet in env["dental.loyalty.wallet"].browse(
                [self.held_id, self.free_id]
            ):
                lot_a, lot_b = env["dental.loyalty.ledger"].browse(self.lots[wallet.id])
                state[wallet.id] = {
                    "birthday": wallet.birthday_gift_date == self.today,
                    "tier": wallet.tier_evaluated_date == self.today,
                    "dormant": wallet.dormant_since == self.today,
                    "release": lot_b.is_released,
                    "expire": lot_a.remaining_points == 0,
                }
            problems = env["dental.loyalty.wallet"]._integrity_problems(
                [self.held_id, self.free_id]
            )
            return state, problems

    JOBS = [
        ("birthday", "dental.loyalty.wallet", "_cron_birthday_gifts"),
        ("tier", "dental.loyalty.wallet", "_cron_evaluate_tiers"),
        ("dormant", "dental.loyalty.wallet", "_cron_dormant_patients"),
        ("release", "dental.loyalty.ledger", "_cron_release_pending"),
        ("expire", "dental.loyalty.wallet", "_cron_expire_lots"),
    ]

    def test_jobs_skip_a_wallet_a_register_holds(self):
        state, problems = self._state()
        self.assertFalse(problems)
        for wallet_id in (self.held_id, self.free_id):
            self.assertEqual(
                state[wallet_id], dict.fromkeys(state[wallet_id], False), "all due"
            )
        # A register serves the held patient: its transaction holds the wallet
        # (a sale, a hold, a refund lock it so) and has not committed.
        with self.db.cursor() as register_cr:
            register_env = self._env(register_cr)
            register_env["dental.loyalty.wallet"].browse(
                self.held_id
            )._lock_for_update()
            register_env.flush_all()
            for job, model, method in self.JOBS:
                with self.subTest(job=job, run="while the register holds"):
                    remaining = self._run_job(model, method)
                    state, _problems = self._state()
                    self.assertTrue(state[self.free_id][job], "the free one done")
                    self.assertFalse(state[self.held_id][job], "the held one left")
                    self.assertGreaterEqual(
                        remaining, 1, "the held one reported as left"
                    )
            # The register's request ends without a change.
            register_cr.rollback()
        for job, model, method in self.JOBS:
            with self.subTest(job=job, run="the next run"):
                self._run_job(model, method)
                state, _problems = self._state()
                self.assertTrue(state[self.held_id][job], "the held one done now")
        state, problems = self._state()
        self.assertFalse(problems, "every wallet adds up after the jobs")
        self.assertTrue(all(all(done.values()) for done in state.values()))

    def test_a_wallet_changed_since_the_batch_began_is_left(self):
        """A register that changed a wallet and committed after the batch's
        snapshot was taken: under REPEATABLE READ the batch cannot lock that
        wallet (its statement fails), so it takes the others one by one."""
        with self.db.cursor() as job_cr:
            job_cr.execute(SQL("SET LOCAL lock_timeout = %s", self.LOCK_TIMEOUT))
            job_env = self._env(job_cr)
            # The batch's snapshot: its first read.
            job_cr.execute("SELECT id FROM dental_loyalty_wallet LIMIT 1")
            with self.db.cursor() as register_cr:
                self._env(register_cr)["dental.loyalty.wallet"].browse(
                    self.held_id
                )._lock_for_update()
            locked = job_env["dental.loyalty.wallet"]._lock_for_job(
                [self.held_id, self.free_id]
            )
            self.assertEqual(locked.ids, [self.free_id])
            # The batch goes on: its transaction is still usable.
            job_cr.execute("SELECT 1")
            job_cr.rollback()
