from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import TransactionCase, tagged

from .common import DentalLoyaltyTestMixin


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestEngineCacheAfterCommit(DentalLoyaltyTestMixin, TransactionCase):
    """A manager archives an earning rule while another register syncs: the
    register's transaction still reads the rule as it was and caches it
    again. Once the archive is committed, the next sale must not earn it."""

    def setUp(self):
        super().setUp()
        self.db = sql_db.db_connect(self.env.cr.dbname)
        with self.db.cursor() as cr:
            env = self._env(cr)
            rule = env["dental.loyalty.earning.rule"].create(
                {
                    "name": "Cache race +10",
                    "effect": "per_bill",
                    "bonus_points": 10,
                }
            )
            self.rule_id, self.company_id = rule.id, env.company.id
        self.addCleanup(self._forget_rule)

    def _env(self, cr):
        if cr.transaction is None:
            # The test runner holds the registry lock a lookup by name takes.
            cr.transaction = api.Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, {})

    def _forget_rule(self):
        with self.db.cursor() as cr:
            self._env(cr)["dental.loyalty.earning.rule"].browse(self.rule_id).unlink()

    def _engine_rule_ids(self, env):
        company = env["res.company"].browse(self.company_id)
        return {
            rule.id
            for rule in env["dental.loyalty.earning.rule"]._engine_rules(company)
        }

    def test_a_rule_archived_meanwhile_is_forgotten_once_committed(self):
        with self.db.cursor() as manager_cr, self.db.cursor() as register_cr:
            register = self._env(register_cr)
            # The register's transaction began before the archive is committed.
            register_cr.execute("SELECT 1")
            manager = self._env(manager_cr)
            manager["dental.loyalty.earning.rule"].browse(self.rule_id).active = False
            manager.flush_all()
            # It reads the rules as they were, and caches them so.
            self.assertIn(self.rule_id, self._engine_rule_ids(register))
            manager_cr.commit()
        with self.db.cursor() as cr:
            self.assertNotIn(self.rule_id, self._engine_rule_ids(self._env(cr)))
