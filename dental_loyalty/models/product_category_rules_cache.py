from odoo import models

from .engine_cache import forget_programme


class ProductCategory(models.Model):
    """The engine's rules are cached with their categories' paths (1/4/): a
    category moved under another parent changes its path and its children's,
    so the cache goes with the move, and the next sale and the next register
    loaded read the new paths. A new name changes no path: it keeps the cache."""

    # One concern per file, as Odoo core splits its models.
    _inherit = "product.category"  # pylint: disable=consider-merging-classes-inherited

    def write(self, vals):
        if "parent_id" in vals and any(
            category.parent_id.id != (vals["parent_id"] or False) for category in self
        ):
            forget_programme(self.env)
        return super().write(vals)
