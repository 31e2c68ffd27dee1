# The model is split by concern on purpose (one file each), as Odoo core does.
# pylint: disable=consider-merging-classes-inherited

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL


class DentalLoyaltyReward(models.Model):
    """The stock of a reward of limited stock, taken and given back in SQL:
    two registers racing for the last one cannot both have it."""

    _inherit = "dental.loyalty.reward"

    def _take_stock(self):
        self.ensure_one()
        self.flush_recordset(["stock_left"])
        self.env.cr.execute(
            SQL(
                "UPDATE dental_loyalty_reward SET stock_left = stock_left - 1 "
                "WHERE id = %s AND stock_left > 0 RETURNING id",
                self.id,
            ),
            # Two registers racing for the last one: the loser's conflict is
            # expected and Odoo retries it, no ERROR line (_serialise_rows).
            log_exceptions=False,
        )
        if not self.env.cr.fetchone():
            raise UserError(self.env._("%s is out of stock.", self.name))
        self.invalidate_recordset(["stock_left"])

    def _give_stock_back(self):
        self.ensure_one()
        self.flush_recordset(["stock_left"])
        self.env.cr.execute(
            SQL(
                "UPDATE dental_loyalty_reward SET stock_left = stock_left + 1 "
                "WHERE id = %s",
                self.id,
            ),
            log_exceptions=False,
        )
        self.invalidate_recordset(["stock_left"])
