from contextlib import contextmanager

from odoo.tests import TransactionCase, new_test_user

# One point per currency unit, a point worth 0.10, no waiting, a year's
# validity, at most 30 % of a bill in points, tiers on points over 12 months,
# downgraded at once (tests of the grace period set their own).
TEST_PROGRAMME = {
    "dental_loyalty_earn_rate": 1.0,
    "dental_loyalty_point_value": 0.1,
    "dental_loyalty_waiting_days": 0,
    "dental_loyalty_validity_months": 12,
    "dental_loyalty_max_share": 30.0,
    "dental_loyalty_tier_basis": "points",
    "dental_loyalty_tier_window_months": 12,
    "dental_loyalty_tier_grace_days": 0,
}


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


class LedgerIntegrityMixin:
    """Every scenario ends with the ledger's own integrity check: each wallet's
    lines add up to what its lots hold and its cached figures to their
    recomputation (invariants 1 and 7)."""

    def assertLedgerIntegrity(self):
        problems = self.env["dental.loyalty.wallet"]._integrity_problems()
        self.assertFalse(problems, "the ledger does not add up")

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


class DentalLoyaltyCommon(RequestEndMixin, LedgerIntegrityMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(TEST_PROGRAMME)
        cls.manager = new_test_user(
            cls.env,
            login="dl_manager",
            groups="base.group_user,dental_loyalty.group_dental_loyalty_manager",
        )
        cls.receptionist = new_test_user(
            cls.env,
            login="dl_reception",
            groups="base.group_user,dental_loyalty.group_dental_loyalty_user",
        )
        cls.bronze = cls.env.ref("dental_loyalty.tier_bronze")
        cls.silver = cls.env.ref("dental_loyalty.tier_silver")
        cls.gold = cls.env.ref("dental_loyalty.tier_gold")
        # The shipped ladder may have been edited in the database under test.
        (cls.bronze | cls.silver | cls.gold).write({"active": True})
        cls.bronze.write({"threshold": 0, "sequence": 10, "multiplier": 1.0})
        cls.silver.write({"threshold": 500, "sequence": 20, "multiplier": 1.25})
        cls.gold.write({"threshold": 1500, "sequence": 30, "multiplier": 1.5})
        cls.env["dental.loyalty.tier"].search(
            [
                ("company_id", "=", cls.company.id),
                ("id", "not in", (cls.bronze | cls.silver | cls.gold).ids),
            ]
        ).active = False
        cls.patient = cls.env["res.partner"].create({"name": "Lan Nguyen"})
        cls.Ledger = cls.env["dental.loyalty.ledger"]

    def _post(self, partner, kind, points, **vals):
        wallet = partner._dental_loyalty_wallet()
        return self.Ledger._post(
            [{"wallet_id": wallet.id, "kind": kind, "points": points, **vals}]
        )

    def _earn(self, partner, points, **vals):
        vals.setdefault("paid_amount", points)
        return self._post(partner, "earn", points, **vals)

    def _spend(self, partner, points, **vals):
        return self._post(partner, "spend", -points, **vals)

    def _queries(self, job):
        """The SQL queries ``job`` makes from a cold cache, its writes included."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        job()
        self.env.flush_all()
        return self.cr.sql_log_count - before

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
