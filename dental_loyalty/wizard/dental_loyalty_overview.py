from odoo import api, fields, models

from ..models.dental_loyalty_input import check_record_ids


class DentalLoyaltyOverview(models.TransientModel):
    """The programme at a glance for a manager: what patients hold, what it is
    worth, what expires soon, and how patients spread over the tiers."""

    _name = "dental.loyalty.overview"
    _description = "Loyalty Programme Overview"
    # Checks the types and ranges of what a form or a forged call sends.
    _inherit = ["dental.loyalty.wizard.input"]

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    patient_count = fields.Integer(
        string="Patients with Points", compute="_compute_figures"
    )
    points_available = fields.Integer(
        string="Spendable Points", compute="_compute_figures"
    )
    points_pending = fields.Integer(string="Pending Points", compute="_compute_figures")
    points_value = fields.Monetary(
        string="Worth of Spendable Points",
        compute="_compute_figures",
        help="What the spendable points would pay at the front desk.",
    )
    points_expiring = fields.Integer(
        string="Points Expiring within 30 Days", compute="_compute_figures"
    )
    tier_ids = fields.Many2many(
        "dental.loyalty.tier", string="Tiers", compute="_compute_figures"
    )

    @api.depends("company_id")
    def _compute_figures(self):
        Wallet = self.env["dental.loyalty.wallet"]
        Ledger = self.env["dental.loyalty.ledger"]
        today = self.env.company._dental_loyalty_today()
        for overview in self:
            company = overview.company_id
            [(count, available, pending)] = Wallet._read_group(
                [("company_id", "=", company.id), ("points_balance", ">", 0)],
                aggregates=["__count", "points_available:sum", "points_pending:sum"],
            )
            [(expiring,)] = Ledger._read_group(
                overview._expiring_domain(today),
                aggregates=["remaining_points:sum"],
            )
            overview.patient_count = count
            overview.points_available = available or 0
            overview.points_pending = pending or 0
            overview.points_value = (
                available or 0
            ) * company.dental_loyalty_point_value
            overview.points_expiring = expiring or 0
            overview.tier_ids = self.env["dental.loyalty.tier"].search(
                [("company_id", "=", company.id)]
            )

    @api.depends("company_id")
    def _compute_display_name(self):
        for overview in self:
            overview.display_name = self.env._("Overview")

    @api.model
    def action_open_overview(self):
        """The menu's door: the overview as a record already made, read-only,
        not a blank form to fill in (no "New", no save or discard)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dental_loyalty.dental_loyalty_overview_action"
        )
        action["res_id"] = self.create({}).id
        return action

    def _expiring_domain(self, today):
        return [
            ("company_id", "=", self.company_id.id),
            *self.env["dental.loyalty.ledger"]._expiring_domain(today),
        ]

    def action_view_wallets(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "dental_loyalty.dental_loyalty_wallet_action"
        )

    def action_view_expiring(self):
        check_record_ids(self, single=True)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dental_loyalty.dental_loyalty_ledger_action"
        )
        action["domain"] = self._expiring_domain(
            self.env.company._dental_loyalty_today()
        )
        return action
