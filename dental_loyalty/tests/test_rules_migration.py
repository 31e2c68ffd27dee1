from odoo.tests import tagged
from odoo.tools import SQL

from ..rules import bonus_points, earned_points, sale_line
from .common import load_migration
from .common_pos import DentalLoyaltyPosCommon

# The column of the per-service bonus, which 18.0.1.10.0 turns into rules: the
# field is gone, its column stays until the update ends.
BONUS_COLUMN = "dental_loyalty_bonus_points"


@tagged("post_install", "-at_install")
class TestRulesMigration(DentalLoyaltyPosCommon):
    """18.0.1.10.0: every product's bonus points are an earning rule of its
    company's, per unit, times the tier multiplier, added to the others; not a
    point moves, and the next sale earns what the bonus gave."""

    def _migrate(self):
        migration = load_migration("18.0.1.10.0/post-migrate.py")
        migration.migrate(self.env.cr, "18.0.1.9.0")

    def _set_bonus(self, products, points):
        """As 18.0.1.9.0 left a product: its bonus in the column (added, in
        this test's transaction, to a database that never had it)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "ALTER TABLE product_template ADD COLUMN IF NOT EXISTS %s integer",
                SQL.identifier(BONUS_COLUMN),
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE product_template SET %s = %s WHERE id IN %s",
                SQL.identifier(BONUS_COLUMN),
                points,
                tuple(products.product_tmpl_id.ids),
            )
        )

    def _figures(self, wallet):
        wallet.invalidate_recordset()
        lines = self.Ledger.search([("wallet_id", "=", wallet.id)], order="id")
        return (
            wallet.read(["points_balance", "points_available", "points_lifetime"]),
            lines.read(["kind", "points", "remaining_points", "bonus_basis", "date"]),
        )

    def test_bonuses_become_rules_per_company_and_value(self):
        scaling = self.create_product("Scale and polish", self.categ_basic, 90.0)
        # The update runs as the superuser, over every company.
        other_company = self.env["res.company"].sudo().create({"name": "Other clinic"})
        Product = self.env["product.product"].sudo()
        theirs = Product.create(
            {"name": "Their check-up", "company_id": other_company.id}
        )
        shared = Product.create({"name": "X-ray", "company_id": False})
        given_away = self.create_product("Free floss", self.categ_basic, 0.0)
        self._set_bonus(self.checkup | scaling | theirs, 20)
        self._set_bonus(shared, 35)
        made = self._migrate_and_get_new_rules()
        mine = made.filtered(lambda rule: rule.company_id == self.company)
        self.assertEqual(
            sorted((rule.name, rule.bonus_points) for rule in mine),
            [("Service bonus: 20 points", 20), ("Service bonus: 35 points", 35)],
        )
        twenty = mine.filtered(lambda rule: rule.bonus_points == 20)
        self.assertEqual(twenty.product_ids, self.checkup | scaling)
        self.assertRecordValues(
            twenty,
            [
                {
                    "effect": "per_unit",
                    "tier_multiplied": True,
                    "combination": "add",
                    "cap_points": 0,
                    "audience": "all",
                    "active": True,
                    "date_from": False,
                    "date_to": False,
                }
            ],
        )
        # A product of another company: a rule of that company's only.
        self.assertEqual(
            made.filtered(lambda rule: rule.company_id == other_company).mapped(
                "product_ids"
            ),
            theirs | shared,
        )
        # A product of no company earned its bonus everywhere: so it still does.
        self.assertEqual(
            made.filtered(lambda rule: rule.bonus_points == 35).company_id,
            self.env["res.company"].sudo().with_context(active_test=False).search([]),
        )
        self.assertNotIn(given_away, made.product_ids)

    def _migrate_and_get_new_rules(self):
        Rules = self.env["dental.loyalty.earning.rule"].sudo()
        before = Rules.with_context(active_test=False).search([])
        self._migrate()
        return Rules.with_context(active_test=False).search([]) - before

    def test_no_point_moves_and_the_next_sale_earns_as_before(self):
        self.patient._dental_loyalty_wallet(self.company)._set_tier(
            self.gold, pinned=True, reason="Test"
        )
        scaling = self.create_product("Scale and polish", self.categ_basic, 90.0)
        # History: a sale earned, points given, points spent.
        self._sync(self._order([(self.checkup, 1)]))
        self._give_points(self.patient, 300)
        spent = self._sync(self._order([(self.checkup, 1)], points=15.0))
        self.assertEqual(spent.dental_loyalty_points_spent, 150)
        wallet = self._wallet()
        figures = self._figures(wallet)
        self._set_bonus(scaling, 20)
        made = self._migrate_and_get_new_rules()
        self.assertEqual(made.product_ids, scaling)
        self.assertEqual(self._figures(wallet), figures)
        # What the bonus gave: (money x rate + bonus x units) x the tier's
        # multiplier, rounded down once; two scale and polish paid in cash,
        # at gold (x1.5): (180 + 40) x 1.5 = 330.
        line = sale_line(
            bonus_points=20, quantity=2, price_unit=90.0, discount=0.0, list_price=90.0
        )
        before = earned_points(180.0, 1.0, bonus_points([line], 1.0), 1.5)
        self.assertEqual(before, 330)
        order = self._sync(self._order([(scaling, 2)]))
        self.assertEqual(order.dental_loyalty_points_earned, before)
        rule_line = self.Ledger.search(
            [("pos_order_id", "=", order.id), ("kind", "=", "rule")]
        )
        self.assertEqual(rule_line.points, 60)
        self.assertEqual(rule_line.earning_rule_id.name, "Service bonus: 20 points")

    def test_a_bonus_beyond_what_a_rule_may_say_becomes_the_most_it_may(self):
        # 18.0.1.9.0 held any integer; a rule says at most 100,000 points: the
        # update goes through, and the rule gives what the engine would.
        self._set_bonus(self.checkup, 2**31 - 1)
        made = self._migrate_and_get_new_rules()
        self.assertEqual(made.mapped("bonus_points"), [100_000])
        self.assertEqual(made.product_ids, self.checkup)
