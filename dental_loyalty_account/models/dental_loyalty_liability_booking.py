import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tools import date_utils, format_date

_logger = logging.getLogger(__name__)


class DentalLoyaltyLiabilityBooking(models.Model):
    """The loyalty liability booked in a company's books for one month.

    The sum of the amounts booked is the liability net of breakage at the last booked
    month's end: each month books the change since the month booked before it.
    """

    _name = "dental.loyalty.liability.booking"
    _description = "Loyalty Liability Booking"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True
    # Managers read bookings and log notes on them; only the booking action writes.
    _mail_post_access = "read"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.company,
    )
    date = fields.Date(
        string="Month End",
        required=True,
        readonly=True,
        help="The last day of the month booked: the entry's accounting date.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    liability_worth = fields.Monetary(
        string="Points' Worth",
        readonly=True,
        help="What the points patients held at the month's end were worth.",
    )
    breakage_percent = fields.Float(
        string="Expected Breakage (%)",
        readonly=True,
        help="The company's breakage estimate when the month was booked.",
    )
    net_worth = fields.Monetary(
        string="Liability Net of Breakage",
        readonly=True,
        help="The points' worth less the share expected to expire unspent.",
    )
    amount = fields.Monetary(
        string="Change Booked",
        readonly=True,
        tracking=True,
        help="The change in the liability since the month booked before: positive "
        "when it grew (the expense account is debited), negative when it shrank.",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Journal Entry",
        readonly=True,
        ondelete="restrict",
        check_company=True,
        help="Empty when the liability did not change.",
    )
    reversal_move_id = fields.Many2one(
        "account.move",
        string="Reversal Entry",
        readonly=True,
        ondelete="restrict",
        check_company=True,
    )
    state = fields.Selection(
        selection=[("booked", "Booked"), ("reversed", "Reversed")],
        required=True,
        readonly=True,
        default="booked",
        tracking=True,
    )

    _sql_constraints = [
        (
            "company_month_unique",
            "UNIQUE(company_id, date)",
            "A company books its loyalty liability once per month.",
        ),
    ]

    @api.depends("date", "company_id")
    def _compute_display_name(self):
        for booking in self:
            booking.display_name = self.env._(
                "Loyalty liability, %(month)s", month=self._month_label(booking.date)
            )

    def _month_label(self, day):
        return format_date(self.env, day, date_format="MMMM y") if day else ""

    # The figure ------------------------------------------------------------------

    @api.model
    def _dental_loyalty_liability_worth(self, company, day):
        """What the points the company's patients held at the end of ``day`` were
        worth, read from the ledger by Dental Loyalty's liability report."""
        return self.env["dental.loyalty.liability"]._figures_at(company, day)["worth"]

    # Booking -----------------------------------------------------------------------

    @api.model
    def _book_month(self, company, day):
        """Books the month of ``day`` for ``company`` and returns its booking; a month
        already booked is returned as it is."""
        # Only those who may read bookings (the programme's managers) book them.
        self.check_access("read")
        month_end = date_utils.end_of(day, "month")
        month = self._month_label(month_end)
        self._check_company_books_liability(company, month)
        self._serialise_company(company)
        # Ended on the clinic's clock, not the caller's or the scheduler's.
        if month_end >= company._dental_loyalty_today():
            raise UserError(
                self.env._(
                    "The loyalty liability of %(month)s can be booked once the month "
                    "has ended.",
                    month=month,
                )
            )
        Booking = self.with_company(company)
        booking = Booking.search(
            [("company_id", "=", company.id), ("date", "=", month_end)]
        )
        if booking.state == "booked":
            return booking
        later = Booking.search(
            [
                ("company_id", "=", company.id),
                ("date", ">", month_end),
                ("state", "=", "booked"),
            ],
            order="date desc",
            limit=1,
        )
        if later:
            raise UserError(
                self.env._(
                    "The loyalty liability of %(month)s cannot be booked: %(later)s is "
                    "already booked and each month books the change since the one "
                    "before. Reverse %(later)s first.",
                    month=month,
                    later=self._month_label(later.date),
                )
            )
        journal = company.dental_loyalty_liability_journal_id
        self._check_lock_dates(company, journal, month_end, month)
        vals = self._prepare_booking_vals(company, month_end)
        if not company.currency_id.is_zero(vals["amount"]):
            vals["move_id"] = self._create_liability_move(
                company, month_end, vals["amount"]
            ).id
        # Bookings are written here only, after the checks above: managers read
        # them but never edit their figures (no write access).
        if booking:
            booking.sudo().write(vals | {"reversal_move_id": False})
        else:
            booking = Booking.sudo().create(vals).sudo(False)
        booking._message_log(
            body=self.env._(
                "Booked the change in the loyalty liability: %(amount)s.",
                amount=booking._format_amount(booking.amount),
            )
        )
        return booking

    def _check_company_books_liability(self, company, month):
        if not company.dental_loyalty_book_liability:
            raise UserError(
                self.env._(
                    "%(company)s does not book the loyalty liability: turn it on in "
                    "Settings > Dental Loyalty > Accounting before booking %(month)s.",
                    company=company.name,
                    month=month,
                )
            )
        if not (
            company.dental_loyalty_liability_account_id
            and company.dental_loyalty_expense_account_id
            and company.dental_loyalty_liability_journal_id
        ):
            raise UserError(
                self.env._(
                    "%(company)s cannot book the loyalty liability of %(month)s: "
                    "choose the contract liability account, the loyalty expense "
                    "account and the journal in Settings > Dental Loyalty > "
                    "Accounting.",
                    company=company.name,
                    month=month,
                )
            )

    def _check_lock_dates(self, company, journal, day, month):
        """Refuses a day in a period locked in the books, with Odoo's own check
        (a missing right to post entries is said as such, first)."""
        self.env["account.move"].check_access("create")
        entry = self.env["account.move"].new(
            {
                "move_type": "entry",
                "company_id": company.id,
                "journal_id": journal.id,
                "date": day,
            }
        )
        try:
            entry._check_fiscal_lock_dates()
        except AccessError:
            raise
        except UserError as error:
            raise UserError(
                self.env._(
                    "The loyalty liability of %(month)s cannot be booked or reversed: "
                    "the period is locked in the books of %(company)s. %(reason)s",
                    month=month,
                    company=company.name,
                    reason=error.args[0],
                )
            ) from error

    def _prepare_booking_vals(self, company, month_end):
        currency = company.currency_id
        previous = self.with_company(company).search(
            [
                ("company_id", "=", company.id),
                ("date", "<", month_end),
                ("state", "=", "booked"),
            ],
            order="date desc",
            limit=1,
        )
        worth = currency.round(self._dental_loyalty_liability_worth(company, month_end))
        breakage = company.dental_loyalty_breakage_percent
        net_worth = currency.round(worth * (100.0 - breakage) / 100.0)
        return {
            "company_id": company.id,
            "date": month_end,
            "liability_worth": worth,
            "breakage_percent": breakage,
            "net_worth": net_worth,
            "amount": currency.round(net_worth - previous.net_worth),
            "move_id": False,
            "state": "booked",
        }

    def _prepare_liability_move_vals(self, company, day, amount):
        label = self.env._(
            "Loyalty points liability, %(month)s", month=self._month_label(day)
        )
        return {
            "move_type": "entry",
            "company_id": company.id,
            "journal_id": company.dental_loyalty_liability_journal_id.id,
            "date": day,
            "ref": label,
            "line_ids": [
                Command.create(
                    {
                        "name": label,
                        "account_id": company.dental_loyalty_expense_account_id.id,
                        "balance": amount,
                    }
                ),
                Command.create(
                    {
                        "name": label,
                        "account_id": company.dental_loyalty_liability_account_id.id,
                        "balance": -amount,
                    }
                ),
            ],
        }

    def _create_liability_move(self, company, day, amount):
        # As the user: whoever books needs the right to post journal entries.
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(self._prepare_liability_move_vals(company, day, amount))
        )
        move.action_post()
        return move

    def _format_amount(self, amount):
        self.ensure_one()
        return self.currency_id.format(amount)

    # Reversal ----------------------------------------------------------------------

    def _serialise_company(self, company):
        """One booking or reversal per company at a time: each books the change
        since the month booked before, which a concurrent one may be writing.
        The second waits, then fails with a serialization error that Odoo
        retries on a fresh snapshot (the wallet's row lock, on the company)."""
        self.env["dental.loyalty.wallet"]._serialise_rows("res_company", company.ids)

    def action_reverse(self):
        """Reverses the month's entry with Odoo's reversal and frees the month."""
        self.ensure_one()
        self._serialise_company(self.company_id)
        month = self._month_label(self.date)
        if self.state != "booked":
            raise UserError(
                self.env._("%(month)s is not booked: nothing to reverse.", month=month)
            )
        later = self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("date", ">", self.date),
                ("state", "=", "booked"),
            ],
            limit=1,
        )
        if later:
            raise UserError(
                self.env._(
                    "%(month)s cannot be reversed while a later month is booked: "
                    "reverse %(later)s first.",
                    month=month,
                    later=self._month_label(later.date),
                )
            )
        reversal = self.env["account.move"]
        if self.move_id:
            self._check_lock_dates(
                self.company_id, self.move_id.journal_id, self.move_id.date, month
            )
            reversal = self.move_id._reverse_moves(
                [
                    {
                        "date": self.move_id.date,
                        "ref": self.env._("Reversal of: %s", self.move_id.ref),
                    }
                ]
            )
            reversal.action_post()
        # The booking action alone writes bookings (see _book_month).
        self.sudo().write({"state": "reversed", "reversal_move_id": reversal.id})
        self._message_log(
            body=self.env._("Reversed: %(month)s can be booked again.", month=month)
        )
        return True

    # The monthly job ---------------------------------------------------------------

    @api.model
    def _cron_book_previous_month(self):
        """Books last month for every company that turned booking on, each by
        its clinic's day (a chain may span time zones)."""
        companies = self.env["res.company"].search(
            [("dental_loyalty_book_liability", "=", True)]
        )
        for company in companies:
            today = company._dental_loyalty_today()
            month_end = date_utils.start_of(today, "month") - timedelta(days=1)
            try:
                # One company's closed books or missing accounts leave the others'.
                with self.env.cr.savepoint():
                    self.with_company(company)._book_month(company, month_end)
            except UserError as error:
                _logger.warning(
                    "Loyalty liability of %s not booked for company %s: %s",
                    month_end,
                    company.id,
                    error.args[0],
                )
        self.env["ir.cron"]._notify_progress(done=len(companies), remaining=0)
