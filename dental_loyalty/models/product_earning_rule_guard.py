# One concern per file, as Odoo core splits its models.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, models
from odoo.exceptions import UserError


def _refuse_if_named(records, field_name, ids=None):
    """Refuse to delete services or categories an earning rule names: the rule
    would be left naming none, which means every service of the bill."""
    # Archived rules too: one brought back must not widen to the whole bill.
    rules = (
        records.env["dental.loyalty.earning.rule"]
        .sudo()
        .with_context(active_test=False)
        .search([(field_name, "in", records.ids if ids is None else ids)])
    )
    if rules:
        raise UserError(
            records.env._(
                "%(records)s cannot be deleted: the earning rules %(rules)s apply "
                "to them. Take them out of those rules first, or archive them.",
                records=", ".join(records.mapped("display_name")),
                rules=", ".join(rules.mapped("display_name")),
            )
        )


class ProductTemplate(models.Model):
    _inherit = "product.template"

    # A template takes its variants with it without deleting them one by one.
    @api.ondelete(at_uninstall=False)
    def _unlink_except_dental_loyalty_earning_rule(self):
        variants = self.with_context(active_test=False).product_variant_ids
        _refuse_if_named(self, "product_ids", variants.ids)


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_dental_loyalty_earning_rule(self):
        _refuse_if_named(self, "product_ids")


class ProductCategory(models.Model):
    _inherit = "product.category"

    # A category takes the categories below it with it, in the database.
    @api.ondelete(at_uninstall=False)
    def _unlink_except_dental_loyalty_earning_rule(self):
        below = self.search([("id", "child_of", self.ids)])
        _refuse_if_named(self, "product_categ_ids", below.ids)
