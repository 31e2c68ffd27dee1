from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestEarningRuleScopeGuard(DentalLoyaltyCommon):
    """A rule's services and categories stay: deleting the last one would
    leave the rule naming none, which means every line of the bill."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.categ = cls.env["product.category"].create({"name": "Whitening"})
        cls.kit = cls.env["product.product"].create(
            {"name": "Whitening kit", "type": "service", "categ_id": cls.categ.id}
        )
        cls.rule = cls.env["dental.loyalty.earning.rule"].create(
            {
                "name": "Whitening month x2",
                "effect": "multiplier",
                "multiplier": 2.0,
                "product_ids": [(6, 0, cls.kit.ids)],
                "product_categ_ids": [(6, 0, cls.categ.ids)],
            }
        )

    def test_a_service_a_rule_names_is_not_deleted(self):
        with self.assertRaisesRegex(UserError, "Whitening month x2"):
            self.kit.unlink()
        with self.assertRaisesRegex(UserError, "Whitening month x2"):
            self.kit.product_tmpl_id.unlink()
        self.assertTrue(self.kit.exists())

    def test_a_category_a_rule_names_is_not_deleted(self):
        self.rule.active = False  # an archived rule may come back
        with self.assertRaisesRegex(UserError, "Take them out of those rules"):
            self.categ.unlink()

    def test_a_category_above_the_one_a_rule_names_is_not_deleted(self):
        parent = self.env["product.category"].create({"name": "Cosmetic"})
        self.categ.parent_id = parent
        # Deleting the parent would take the rule's category with it.
        with self.assertRaisesRegex(UserError, "Whitening month x2"):
            parent.unlink()
        self.assertEqual(self.rule.product_categ_ids, self.categ)

    def test_once_out_of_the_rule_it_is_deleted(self):
        self.rule.product_ids = False
        self.kit.unlink()
        self.assertFalse(self.kit.exists())
        engine = {
            rule.id: rule
            for rule in self.env["dental.loyalty.earning.rule"]._engine_rules(
                self.env.company
            )
        }[self.rule.id]
        # The rule keeps its category: it still applies to whitening only.
        self.assertEqual(engine.categ_paths, (self.categ.parent_path,))
        self.assertFalse(engine.product_ids)
