from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .res_company_settings_checks import CHECKED


class ResCompany(models.Model):
    _inherit = "res.company"

    dental_loyalty_earn_rate = fields.Float(
        string="Points per Currency Unit",
        digits=(16, 4),
        default=1.0,
        help="Points a patient earns for each unit of currency paid.",
    )
    dental_loyalty_point_value = fields.Float(
        string="Point Value",
        digits=(16, 4),
        default=0.01,
        help="What one point is worth, in the company's currency, when it pays a bill.",
    )
    dental_loyalty_waiting_days = fields.Integer(
        string="Waiting Period (days)",
        default=0,
        help="Days before newly earned points can be spent.",
    )
    dental_loyalty_validity_months = fields.Integer(
        string="Validity (months)",
        default=12,
        help="Months after which unspent points expire; 0 means they never expire.",
    )
    dental_loyalty_max_share = fields.Float(
        string="Maximum Share Payable with Points (%)",
        default=30.0,
        help="The largest part of a bill a patient may pay with points.",
    )
    dental_loyalty_tier_basis = fields.Selection(
        selection=[
            ("points", "Points earned"),
            ("amount", "Amount spent"),
            ("visits", "Paid visits"),
        ],
        string="Tier Qualification",
        default="points",
        required=True,
    )
    dental_loyalty_tier_window_months = fields.Integer(
        string="Tier Window (months)",
        default=12,
        help="The rolling window over which the qualifying figure is counted.",
    )

    dental_loyalty_message_ids = fields.One2many(
        "dental.loyalty.message",
        "company_id",
        string="Patient Messages",
        help="Which events reach the patients, by email, SMS or both.",
    )
    dental_loyalty_expiry_warning_days = fields.Integer(
        string="Warn Before Expiry (days)",
        default=30,
        help="Days before points expire that the patient is told, once per lot.",
    )
    dental_loyalty_near_tier_share = fields.Float(
        string="Close to the Next Tier (%)",
        default=10.0,
        help="A patient within this share of the next tier's threshold is told "
        "how little is missing, once per tier.",
    )
    dental_loyalty_tier_grace_days = fields.Integer(
        string="Downgrade Grace Period (days)",
        default=90,
        help="Days after reaching a tier during which it is not taken away.",
    )
    dental_loyalty_enrolment = fields.Selection(
        selection=[
            ("auto", "Every new patient, at their first paid visit"),
            ("ask", "Reception asks each patient"),
        ],
        string="Who Joins the Programme",
        default="auto",
        required=True,
        help="Every new patient joins at their first paid visit, with consent to "
        "hear from the programme by email and SMS; or reception asks each patient "
        "and records their consent, and a patient who did not join earns and "
        "spends nothing. Companies never join by themselves: a loyalty user may "
        "enrol one by hand.",
    )
    dental_loyalty_dormant_user_id = fields.Many2one(
        "res.users",
        string="Calls Dormant Patients",
        ondelete="set null",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="Who is asked to call a dormant patient who has no salesperson in "
        "this company; a loyalty manager when empty.",
    )
    dental_loyalty_family_reception = fields.Boolean(
        string="Reception Manages Families",
        help="Reception may group patients into families and move points "
        "between wallets; otherwise only loyalty managers may.",
    )
    dental_loyalty_dormant_months = fields.Integer(
        string="Dormant After (months)",
        default=6,
        help="Months without a paid visit after which reception is asked to call "
        "the patient, once per absence.",
    )

    dental_loyalty_referrer_points = fields.Integer(
        string="Referrer's Bonus",
        default=100,
        help="Points a patient receives when someone they referred pays their "
        "first visit; pending during the waiting period, like earned points.",
    )
    dental_loyalty_referred_points = fields.Integer(
        string="New Patient's Bonus",
        default=50,
        help="Points a referred patient receives on their first paid visit; "
        "pending during the waiting period, like earned points.",
    )
    dental_loyalty_referral_yearly_limit = fields.Integer(
        string="Referrals per Patient per Year",
        default=0,
        help="The most referrals one patient may make in a calendar year "
        "(pending and rewarded ones count); 0 means no limit.",
    )
    dental_loyalty_referral_min_visit = fields.Monetary(
        string="Minimum First Visit",
        currency_field="currency_id",
        default=20.0,
        help="The least a referred patient's first paid visit must come to, paid "
        "with money, for both bonuses: a first visit below it refuses the "
        "referral.",
    )
    dental_loyalty_referral_refund_share = fields.Float(
        string="Refund Share Reversing a Referral (%)",
        default=50.0,
        help="Both bonuses are taken back when refunds of the first visit return "
        "more than this share of it, or leave less than the minimum first visit.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # Every clinic tells its patients of the same events, as it chooses.
        self.env["dental.loyalty.message"].sudo()._create_missing(companies)
        return companies

    @api.model
    def _load_pos_data_fields(self, config_id):
        # The register previews how many points a payment takes and an order earns.
        return [
            *super()._load_pos_data_fields(config_id),
            "dental_loyalty_point_value",
            "dental_loyalty_earn_rate",
            # Whether the register offers to join a patient who is not a member.
            "dental_loyalty_enrolment",
        ]

    @api.constrains(
        "dental_loyalty_earn_rate",
        "dental_loyalty_point_value",
        "dental_loyalty_waiting_days",
        "dental_loyalty_validity_months",
        "dental_loyalty_max_share",
        "dental_loyalty_tier_window_months",
        "dental_loyalty_expiry_warning_days",
        "dental_loyalty_near_tier_share",
        "dental_loyalty_tier_grace_days",
        "dental_loyalty_dormant_months",
        "dental_loyalty_referrer_points",
        "dental_loyalty_referred_points",
        "dental_loyalty_referral_yearly_limit",
        "dental_loyalty_referral_min_visit",
        "dental_loyalty_referral_refund_share",
    )
    def _check_dental_loyalty_settings(self):
        # The sentences are the ones Settings shows as values are typed.
        for company in self:
            problems = company._dental_loyalty_settings_problems(
                {name: company[name] for name in CHECKED}
            )
            if problems:
                raise ValidationError("\n".join(dict.fromkeys(problems.values())))

    def _dental_loyalty_message(self, event):
        """The company's message of ``event`` (its channel and templates); empty
        when the company has none or archived it."""
        self.ensure_one()
        Message = self.env["dental.loyalty.message"]
        messages = Message._message_ids()
        message_id, _channel = messages.get((self.id, event), ((), None))
        # Read together: a sale asks for several events, a job for every clinic.
        return Message.browse(message_id).with_prefetch(
            tuple(message_id for message_id, _channel in messages.values())
        )

    def _dental_loyalty_channel(self, event):
        """How the company's patients hear of ``event``: none, mail, sms, both,
        from the cache of the messages (no query)."""
        self.ensure_one()
        messages = self.env["dental.loyalty.message"]._message_ids()
        return messages.get((self.id, event), (None, "none"))[1]

    def _dental_loyalty_set_channels(self, **channels):
        """Tell the patients of each event by the channel given for it
        (``birthday="both"``): none, mail, sms or both."""
        Message = self.env["dental.loyalty.message"]
        for company in self:
            for event, channel in channels.items():
                message = Message.with_context(active_test=False).search(
                    [("company_id", "=", company.id), ("event", "=", event)]
                ) or Message._create_missing(company).filtered(
                    lambda new, event=event: new.event == event
                )
                message.write({"active": True, **Message._channel_vals(channel)})

    def _dental_loyalty_check_allowed(self):
        """A wizard names a clinic: only ones the user works in now (their
        allowed companies), whatever id a browser or a script sends."""
        if not self.env.su and self - self.env.companies:
            raise AccessError(
                self.env._("You do not work for this clinic: choose one of yours.")
            )
