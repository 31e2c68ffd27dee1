from odoo import api, models
from odoo.osv import expression
from odoo.tools import create_index
from odoo.tools.misc import format_date

from ..rules import (
    window_start,
)


class DentalLoyaltyWallet(models.Model):
    """Dormant patients: not seen for the company's dormancy period."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.wallet"  # pylint: disable=consider-merging-classes-inherited

    def init(self):
        res = super().init()
        # The dormant job's batches: the due wallets lead this index, and a
        # wallet leaves it once marked.
        create_index(
            self.env.cr,
            "dental_loyalty_wallet_not_dormant_idx",
            self._table,
            ["last_visit_date", "id"],
            where="dormant_since IS NULL",
        )
        return res

    @api.model
    def _dormant_due_domain(self, today=None):
        """Wallets whose patient was last seen before their company's dormancy
        period, counted back from ``today`` (by default each company's own),
        and who were not found dormant since."""
        # The nightly job acts for every clinic: no user's companies limit it.
        companies = (
            self.env["res.company"]
            .sudo()
            .search([("dental_loyalty_dormant_months", ">", 0)])
        )
        return expression.AND(
            [
                [
                    ("dormant_since", "=", False),
                    ("partner_id.active", "=", True),
                    # The family's wallet dates every member's visits.
                    ("points_with_family", "=", False),
                ],
                expression.OR(
                    [
                        [
                            ("company_id", "=", company.id),
                            (
                                "last_visit_date",
                                "<",
                                window_start(
                                    today or company._dental_loyalty_today(),
                                    company.dental_loyalty_dormant_months,
                                ),
                            ),
                        ]
                        for company in companies
                    ]
                ),
            ]
        )

    # Each patient of a batch gets a call scheduled and a message, while the
    # batch holds the wallets it took: batches of 200 keep that under a second.
    _DORMANT_BATCH = 200
    # In id order (or unordered, to count) each batch walked every wallet past
    # those marked before it: 82,000 for the 41st batch of 100,000 patients.
    # Longest unseen first, through the index of wallets not found dormant
    # (``init``), a batch reads the wallets it takes.
    _DORMANT_ORDER = "last_visit_date, id"

    @api.model
    def _cron_dormant_patients(self, batch_size=_DORMANT_BATCH):
        """Daily: find patients not seen for their company's dormancy period,
        once per absence: mark the wallet, schedule a call and send the "we
        miss you" message if the clinic sends one. One batch per call; the
        marked wallets are not found again, so a run resumes where it stopped.
        Returns how many are left."""
        domain = self._dormant_due_domain()
        order = self._DORMANT_ORDER
        found = self.search(domain, limit=batch_size, order=order)
        # Wallets a register holds are left, without waiting, for the next run.
        batch = found & self._lock_for_job(found.ids)
        if batch:
            batch._mark_dormant()
        remaining = (
            len(
                self.search(
                    domain, limit=self._left_counted_up_to(batch_size), order=order
                )
            )
            if len(found) == batch_size or len(batch) < len(found)
            else 0
        )
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        return remaining

    def _mark_dormant(self):
        for company, wallets in self.grouped("company_id").items():
            # On the clinic's day; the engine's bookkeeping: users only read
            # wallets.
            today = company._dental_loyalty_today()
            wallets.sudo().write({"dormant_since": today})
            wallets._schedule_dormant_calls(today)
            self.env["dental.loyalty.dispatcher"]._notify(
                wallets.partner_id,
                "dormant",
                company,
                months=company.dental_loyalty_dormant_months,
            )

    def _schedule_dormant_calls(self, today):
        """A call on each patient's record for whoever looks after them (see
        ``_dormant_caller``), due today."""
        call = self.env.ref(
            "mail.mail_activity_data_call", raise_if_not_found=False
        ) or self.env.ref("mail.mail_activity_data_todo")
        managers = self.env.ref(
            "dental_loyalty.group_dental_loyalty_manager"
        ).users.filtered(lambda user: not user.share)
        model_id = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for wallet in self:
            company = wallet.company_id
            caller = wallet._dormant_caller(managers)
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": wallet.partner_id.id,
                    "activity_type_id": call.id,
                    "date_deadline": today,
                    "summary": self.env._(
                        "Patient not seen since %s",
                        format_date(self.env, wallet.last_visit_date),
                    ),
                    "note": self.env._(
                        "%(months)s months or more without a paid visit: call to "
                        "book a check-up.",
                        months=company.dental_loyalty_dormant_months,
                    ),
                    "user_id": caller.id or self.env.user.id,
                }
            )
        # The job asks people to call: no assignment mail for each patient, and
        # loyalty staff need no rights on contacts for the engine to ask them.
        return (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )

    def _dormant_caller(self, managers):
        """The patient's salesperson if they work in the wallet's company, else
        the company's caller of dormant patients, else one of ``managers`` (the
        loyalty managers) of the company."""
        self.ensure_one()
        company = self.company_id
        salesperson = self.partner_id.user_id
        if (
            salesperson.active
            and not salesperson.share
            and company in salesperson.company_ids
        ):
            return salesperson
        return (
            company.dental_loyalty_dormant_user_id
            or managers.filtered(lambda user: company in user.company_ids)[:1]
        )
