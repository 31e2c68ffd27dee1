# The model is split by concern on purpose (one file each), as Odoo core does.
# pylint: disable=consider-merging-classes-inherited

from odoo import api, fields, models


class DentalLoyaltyReward(models.Model):
    """What a discount applies to: chosen services and product categories, or
    the whole bill when none is chosen."""

    _inherit = "dental.loyalty.reward"

    product_ids = fields.Many2many(
        "product.product",
        "dental_loyalty_reward_scope_product_rel",
        string="Applies to Services",
        check_company=True,
        help="A discount takes its share of these services' lines only. Empty "
        "with no category either: the whole bill.",
    )
    product_categ_ids = fields.Many2many(
        "product.category",
        "dental_loyalty_reward_scope_categ_rel",
        string="Applies to Categories",
        help="A discount takes its share of the lines of products in these "
        "categories (and theirs below) only.",
    )

    # Stored with the reward's row: a register pricing a voucher's line reads
    # the scope's two tables only when there is one.
    has_scope = fields.Boolean(
        string="Limited to Chosen Services", compute="_compute_has_scope", store=True
    )

    @api.depends("product_ids", "product_categ_ids")
    def _compute_has_scope(self):
        for reward in self:
            reward.has_scope = bool(reward.product_ids or reward.product_categ_ids)

    def _has_scope(self):
        self.ensure_one()
        return self.has_scope

    def _in_scope(self, product):
        """Whether a discount of this reward applies to a line of ``product``."""
        self.ensure_one()
        if not self._has_scope() or product in self.product_ids:
            return True
        # Categories are read by the catalog's engine, whoever sells.
        path = product.sudo().categ_id.parent_path or ""
        return any(
            path.startswith(categ.parent_path)
            for categ in self.sudo().product_categ_ids
        )

    def _scope_total(self, bill_lines):
        """What the bill's ``bill_lines`` (pairs of product, total with tax)
        spend on this reward's scope; None when it applies to the whole bill."""
        self.ensure_one()
        if not self._has_scope():
            return None
        return sum(
            amount for product, amount in bill_lines or () if self._in_scope(product)
        )

    def _scope_names(self):
        """The scope as the bill's line says it: "Whitening, Implants"."""
        self.ensure_one()
        # The names the reward was given, read whoever sells.
        scope = self.sudo()
        return ", ".join(
            [*scope.product_ids.mapped("name"), *scope.product_categ_ids.mapped("name")]
        )
