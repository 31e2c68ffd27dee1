import re
from contextlib import contextmanager

from odoo.modules.migration import load_script
from odoo.tests import TransactionCase, new_test_user
from odoo.tools.misc import file_path

# One point per currency unit, a point worth 0.10, no waiting, a year's
# validity, at most 30 % of a bill in points, tiers on points over 12 months,
# downgraded at once (tests of the grace period set their own). Keys are the
# company's settings without their ``dental_loyalty_`` prefix.
TEST_PROGRAMME = {
    "earn_rate": 1.0,
    "point_value": 0.1,
    "waiting_days": 0,
    "validity_months": 12,
    "max_share": 30.0,
    "tier_basis": "points",
    "tier_window_months": 12,
    "tier_grace_days": 0,
}

# The suite's one tier ladder, the shipped tiers' names: {key: (sequence,
# threshold, multiplier)}; the key is the shipped tier's xml id without "tier_".
TEST_LADDER = {
    "bronze": (10, 0, 1.0),
    "silver": (20, 500, 1.25),
    "gold": (30, 1500, 1.5),
}


def load_migration(script):
    """The addon's migration ``script`` (e.g. "18.0.1.7.0/post-migrate.py"),
    loaded by path as Odoo's update does."""
    return load_script(
        file_path(f"dental_loyalty/migrations/{script}"),
        "dl_migration_" + re.sub(r"\W", "_", script),
    )


def add_points_payment_method(config, **accounts):
    """A Loyalty Points method on its own bank journal, added to ``config``."""
    env = config.env
    journal = env["account.journal"].create(
        {"name": "Loyalty Points", "code": "LOYP", "type": "bank"}
    )
    method = env["pos.payment.method"].create(
        {
            "name": "Loyalty Points",
            "dental_loyalty_points": True,
            "journal_id": journal.id,
            "company_id": config.company_id.id,
            **accounts,
        }
    )
    config.payment_method_ids = [(4, method.id)]
    return method


class DentalLoyaltyTestMixin:
    """What every test class of dental_loyalty shares, whatever Odoo test case it
    builds on (TransactionCase, Point of Sale's, HttpCase):

    - one programme (``PROGRAMME``, TEST_PROGRAMME) and one tier ladder
      (``LADDER``, TEST_LADDER: cls.bronze, cls.silver, cls.gold), set up for a
      company by ``_set_up_loyalty_programme(company)``; a class that needs
      another says so in one line, e.g. ``PROGRAMME = {**TEST_PROGRAMME,
      "earn_rate": 0.0}`` with the reason in a comment;
    - the company's loyalty settings changed through one helper,
      ``self._set_loyalty_settings(waiting_days=7)`` (names without their
      ``dental_loyalty_`` prefix);
    - every scenario ends with the ledger's own integrity check over the
      wallets the test created or changed: each wallet's lines add up to what
      its lots hold and its cached figures to their recomputation (invariants 1
      and 7), and its points are worth what the rules give.

    Running the suite: ``bash scripts/test`` runs it all (about 8 minutes); the
    slow classes (browser tours, registers on real cursors, the random state
    machine, query counts over a thousand lines or patients, JSON-RPC over
    HTTP: 97 of 338 tests, about 170 s of the 275 s the tests take on a quiet
    machine) are tagged ``dental_loyalty_slow``. The fast part, 241 tests in
    about 100 s after the install, runs with
    ``ODOO_TEST_TAGS=/dental_loyalty,-dental_loyalty_slow bash scripts/test``
    (Odoo's ``--test-tags /dental_loyalty,-dental_loyalty_slow``); the slow
    part alone with ``dental_loyalty_slow/dental_loyalty``.
    """

    PROGRAMME = TEST_PROGRAMME
    LADDER = TEST_LADDER

    @classmethod
    def _set_loyalty_settings(cls, company=None, **values):
        """Write the company's loyalty settings ``values``, named without their
        ``dental_loyalty_`` prefix, on ``company`` (the test's by default)."""
        company = cls.company if company is None else company
        # How patients hear of an event is a message record, not a field.
        channels = {
            name.removeprefix("channel_"): values.pop(name)
            for name in list(values)
            if name.startswith("channel_")
        }
        if channels:
            company._dental_loyalty_set_channels(**channels)
        company.write(
            {f"dental_loyalty_{name}": value for name, value in values.items()}
        )

    @classmethod
    def _new_user(cls, login, groups):
        """A user with ``groups`` (comma-separated xml ids), in the time zone of
        the user who sets the test up: "today" is the same day for the lots it
        posts and for the user, whatever the hour (the demo's superuser is in
        Brussels, a new user in UTC: between them, a day apart for an hour)."""
        return new_test_user(cls.env, login=login, groups=groups, tz=cls.env.user.tz)

    @classmethod
    def _set_up_loyalty_programme(cls, company):
        """The suite's programme and tier ladder for ``company``: the shipped
        tiers where they are the company's, new ones of the same names
        elsewhere; any other tier of the company archived."""
        cls._set_loyalty_settings(company, **cls.PROGRAMME)
        Tier = cls.env["dental.loyalty.tier"]
        tiers = {}
        for key in cls.LADDER:
            shipped_id = cls.env["ir.model.data"]._xmlid_to_res_id(
                f"dental_loyalty.tier_{key}", raise_if_not_found=False
            )
            # Searched, not browsed: the test's user may not read another
            # company's tiers.
            shipped = Tier.with_context(active_test=False).search(
                [("id", "=", shipped_id), ("company_id", "=", company.id)]
            )
            if shipped:
                tiers[key] = shipped
        Tier.search(
            [
                ("company_id", "=", company.id),
                ("id", "not in", [tier.id for tier in tiers.values()]),
            ]
        ).active = False
        # The shipped ladder may have been edited in the database under test.
        Tier.union(*tiers.values()).write({"active": True})
        for key, (sequence, threshold, multiplier) in cls.LADDER.items():
            values = {
                "sequence": sequence,
                "threshold": threshold,
                "multiplier": multiplier,
            }
            if key in tiers:
                tiers[key].write(values)
            else:
                tiers[key] = Tier.create(
                    {"name": key.title(), "company_id": company.id, **values}
                )
        for key, tier in tiers.items():
            setattr(cls, key, tier)

    def setUp(self):
        super().setUp()
        self._integrity_since_xid = self._current_xid()

    def _current_xid(self):
        """The id of the test's own subtransaction (its savepoint). Every row
        written from now on carries it or a later one in ``xmin`` (later
        savepoints, the HttpCase requests' cursors, included); rows of the
        class's setup an earlier one. This tells the rows the test wrote, SQL
        fixes included, where ``write_date`` cannot: it is the transaction's
        start for all. PostgreSQL names only the top transaction's id
        (pg_current_xact_id), so a row is written in a temporary table of this
        session, rolled back with the test, and its ``xmin`` read."""
        cr = self.env.cr
        cr.execute("CREATE TEMP TABLE IF NOT EXISTS dental_loyalty_test_xid (x int)")
        cr.execute(
            "INSERT INTO dental_loyalty_test_xid VALUES (1) "
            "RETURNING xmin::text::bigint"
        )
        return cr.fetchone()[0]

    def _touched_wallet_ids(self):
        """Ids of the wallets the test created or changed: their own row or
        one of their ledger lines written since the test began."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT id FROM dental_loyalty_wallet
             WHERE xmin::text::bigint >= %(xid)s
             UNION
            SELECT wallet_id FROM dental_loyalty_ledger
             WHERE xmin::text::bigint >= %(xid)s
            """,
            {"xid": self._integrity_since_xid},
        )
        return [wallet_id for (wallet_id,) in self.env.cr.fetchall()]

    def assertLedgerIntegrity(self):
        problems = self.env["dental.loyalty.wallet"]._integrity_problems(
            self._touched_wallet_ids()
        )
        self.assertFalse(problems, "the ledger does not add up")

    def _queries(self, job):
        """The SQL queries ``job`` makes from a cold cache, its writes included."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        job()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def tearDown(self):
        self.assertLedgerIntegrity()
        super().tearDown()


class RequestEndMixin:
    """Patients' messages leave at the end of the request (the dispatcher's
    precommit hook): a block under a mocked mail or SMS gateway is a request,
    what came before it another."""

    def _end_request(self):
        self.env.cr.flush()

    @contextmanager
    def mock_mail_gateway(self, *args, **kwargs):
        self._end_request()
        with super().mock_mail_gateway(*args, **kwargs) as mock:
            yield mock
            self._end_request()

    @contextmanager
    def mockSMSGateway(self, *args, **kwargs):
        self._end_request()
        with super().mockSMSGateway(*args, **kwargs) as mock:
            yield mock
            self._end_request()


class DentalLoyaltyCommon(RequestEndMixin, DentalLoyaltyTestMixin, TransactionCase):
    """The main company with the suite's programme and ladder, a loyalty
    manager, a receptionist and a patient (see DentalLoyaltyTestMixin)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls._set_up_loyalty_programme(cls.company)
        cls.manager = cls._new_user(
            "dl_manager",
            "base.group_user,dental_loyalty.group_dental_loyalty_manager",
        )
        cls.receptionist = cls._new_user(
            "dl_reception", "base.group_user,dental_loyalty.group_dental_loyalty_user"
        )
        cls.patient = cls.env["res.partner"].create({"name": "Lan Nguyen"})
        cls.Ledger = cls.env["dental.loyalty.ledger"]
        cls.Wallet = cls.env["dental.loyalty.wallet"]

    def _post(self, partner, kind, points, **vals):
        wallet = partner._dental_loyalty_wallet()
        return self.env["dental.loyalty.wallet"]._post_lines(
            [{"wallet_id": wallet.id, "kind": kind, "points": points, **vals}]
        )

    def _earn(self, partner, points, **vals):
        vals.setdefault("paid_amount", points)
        return self._post(partner, "earn", points, **vals)

    def _spend(self, partner, points, **vals):
        return self._post(partner, "spend", -points, **vals)

    def assertWalletMatchesLines(self, partner):
        """The cached figures equal what the ledger lines say."""
        wallet = partner._dental_loyalty_wallet()
        wallet.invalidate_recordset()
        lines = self.Ledger.search([("wallet_id", "=", wallet.id)])
        lots = lines.filtered(lambda line: line.points > 0)
        self.assertEqual(wallet.points_balance, sum(lines.mapped("points")))
        self.assertEqual(wallet.points_balance, sum(lots.mapped("remaining_points")))
        self.assertEqual(
            wallet.points_available,
            sum(lots.filtered("is_released").mapped("remaining_points")),
        )
        self.assertEqual(
            wallet.points_pending,
            sum(
                lots.filtered(lambda lot: not lot.is_released).mapped(
                    "remaining_points"
                )
            ),
        )
