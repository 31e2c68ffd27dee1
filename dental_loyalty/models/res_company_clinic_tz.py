from odoo import api, fields, models
from odoo.osv import expression


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    dental_loyalty_clinic_tz = fields.Char(
        string="Clinic Time Zone",
        compute="_compute_dental_loyalty_clinic_tz",
        # Stored: the register's calls read it with the clinic's programme, in
        # one query, where the working hours' time zone was a query of its own.
        store=True,
        help="The time zone the earning rules' days and hours are in.",
    )

    @api.depends("resource_calendar_id.tz", "partner_id.tz")
    def _compute_dental_loyalty_clinic_tz(self):
        for company in self:
            company.dental_loyalty_clinic_tz = (
                company.resource_calendar_id.tz or company.partner_id.tz or "UTC"
            )

    def _dental_loyalty_today(self):
        """Today on the clinic's clock (``_clinic_tz``): the day every loyalty
        decision counts by (a sale's day, a lot's release and expiry, a
        voucher's validity), never the caller's time zone: the register, the
        backend and the nightly jobs agree on it. The current company's when
        none is given."""
        company = self[:1] or self.env.company
        return (
            self.env["dental.loyalty.earning.rule"]
            ._clinic_time(company, fields.Datetime.now())
            .date()
        )

    @api.model
    def _dental_loyalty_clinic_days(self):
        """{day: companies}: every company by today on its clinic's clock. A
        nightly job acts for every clinic, each on its own day: a chain may
        span time zones, and the scheduler's day is only its own company's."""
        # The job reads every clinic, whatever the user's companies, archived
        # ones too (their patients' lots still expire), with what their clocks
        # are read from.
        companies = (
            self.sudo()
            .with_context(active_test=False)
            .search_fetch([], ["dental_loyalty_clinic_tz"])
        )
        return companies.grouped(lambda company: company._dental_loyalty_today())

    @api.model
    def _dental_loyalty_day_domain(self, field, operator):
        """``field`` ``operator`` today, each record against its own company's
        day (``_dental_loyalty_clinic_days``): one term while every clinic is
        on the same day."""
        days = self._dental_loyalty_clinic_days()
        if len(days) == 1:
            return [(field, operator, next(iter(days)))]
        return expression.OR(
            [
                [("company_id", "in", companies.ids), (field, operator, day)]
                for day, companies in days.items()
            ]
        )

    @api.model
    def _load_pos_data_fields(self, config_id):
        # The register previews the rules of the clinic's days and hours.
        return [*super()._load_pos_data_fields(config_id), "dental_loyalty_clinic_tz"]
