from odoo import models, tools
from odoo.tools import SQL


class DentalLoyaltyReportView(models.AbstractModel):
    """A report read from one SQL view: the inheriting model's ``_query()`` is
    the view, made anew at each install and update."""

    _name = "dental.loyalty.report.view"
    _description = "Dental Loyalty Report View"

    def _query(self):
        """The SELECT that is the report's view."""
        raise NotImplementedError

    def init(self):
        if self._abstract:
            return
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
