from odoo import api, fields, models, tools

from .engine_cache import forget_programme

# How a patient hears of an event, as a company's choice reads in one word.
CHANNELS = [
    ("none", "No message"),
    ("mail", "Email"),
    ("sms", "SMS"),
    ("both", "Email and SMS"),
]
# The events a patient can be told of, in the order Settings lists them.
EVENTS = [
    ("earned", "Points earned"),
    ("spent", "Points spent"),
    ("tier_change", "Tier change"),
    ("near_tier", "Close to the next tier"),
    ("expiry_warning", "Points about to expire"),
    ("birthday", "Birthday"),
    ("anniversary", "Anniversary"),
    ("recall", "Recall bonus"),
    ("voucher", "Voucher issued"),
    ("dormant", "We miss you"),
    ("referral", "Referral bonus"),
    ("statement", "Statement"),
]
# event: (channel, mail template, SMS template) a new company starts with.
DEFAULTS = {
    "earned": ("none", "mail_template_points_earned", "sms_template_points_earned"),
    "spent": ("none", "mail_template_points_spent", "sms_template_points_spent"),
    "tier_change": ("mail", "mail_template_tier_change", "sms_template_tier_change"),
    "near_tier": ("mail", "mail_template_near_tier", "sms_template_near_tier"),
    "expiry_warning": (
        "mail",
        "mail_template_expiry_warning",
        "sms_template_expiry_warning",
    ),
    "birthday": ("both", "mail_template_birthday", "sms_template_birthday"),
    "anniversary": ("mail", "mail_template_anniversary", "sms_template_anniversary"),
    "recall": ("mail", "mail_template_recall_bonus", "sms_template_recall_bonus"),
    # The voucher's mail is a notification on the voucher (its _send_code).
    "voucher": ("mail", "mail_template_voucher_issued", "sms_template_voucher_issued"),
    "dormant": ("none", "mail_template_dormant", "sms_template_dormant"),
    "referral": ("mail", "mail_template_referral_bonus", "sms_template_referral_bonus"),
    # Sent when reception sends it: the clinic's channel as for the others.
    "statement": ("mail", "mail_template_statement", "sms_template_statement"),
}
# Events whose message carries a bearer code (a voucher's): sent, not logged.
BEARER_CODE_EVENTS = {"voucher"}


class DentalLoyaltyMessage(models.Model):
    """How the patients of a clinic hear of one event: by email, SMS, both or
    not at all, with which editable templates. One per company and event."""

    _name = "dental.loyalty.message"
    _description = "Dental Loyalty Patient Message"
    _order = "company_id, sequence, id"
    _rec_name = "event"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
        index=True,
    )
    event = fields.Selection(EVENTS, required=True, readonly=True)
    sequence = fields.Integer(default=10)
    send_mail = fields.Boolean(string="Email")
    send_sms = fields.Boolean(string="SMS")
    mail_model = fields.Char(compute="_compute_mail_model")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain="[('model', '=', mail_model)]",
        ondelete="set null",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS Template",
        domain="[('model', '=', 'res.partner')]",
        ondelete="set null",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "company_event_uniq",
            "unique(company_id, event)",
            "A clinic has one message per event.",
        ),
    ]

    @api.depends("event")
    def _compute_mail_model(self):
        for message in self:
            message.mail_model = (
                "dental.loyalty.voucher"
                if message.event in BEARER_CODE_EVENTS
                else "res.partner"
            )

    def _channel(self):
        """none, mail, sms or both: the company's choice in one word."""
        self.ensure_one()
        if not self.active or not (self.send_mail or self.send_sms):
            return "none"
        if self.send_mail and self.send_sms:
            return "both"
        return "mail" if self.send_mail else "sms"

    @api.model
    def _channel_vals(self, channel):
        return {
            "send_mail": channel in ("mail", "both"),
            "send_sms": channel in ("sms", "both"),
        }

    @api.model
    @tools.ormcache()
    def _message_ids(self):
        """{(company id, event): (id, channel)} of every active message, read
        once and cached: a sale asks for several events, the jobs for each
        patient they tell, and most events are sent by no clinic."""
        # Cached for every caller: active messages whatever context the first
        # caller sent.
        messages = (
            self.sudo()
            .with_context(active_test=True)
            .search_fetch([], ["company_id", "event", "send_mail", "send_sms"])
        )
        return {
            (message.company_id.id, message.event): (message.id, message._channel())
            for message in messages
        }

    @api.model_create_multi
    def create(self, vals_list):
        forget_programme(self.env)
        return super().create(vals_list)

    def write(self, vals):
        if {"company_id", "event", "active", "send_mail", "send_sms"} & vals.keys():
            forget_programme(self.env)
        return super().write(vals)

    def unlink(self):
        forget_programme(self.env)
        return super().unlink()

    @api.model
    def _create_missing(self, companies=None):
        """Give each company (all by default) a message for every event it has
        none for, with the shipped channel and templates, as a new clinic starts."""
        if not companies:
            # Every company, archived ones too: a clinic is a handful of records.
            Company = self.env["res.company"].with_context(active_test=False)
            companies = Company.search([])  # pylint: disable=no-search-all
        existing = {
            (message.company_id.id, message.event)
            for message in self.with_context(active_test=False).search(
                [("company_id", "in", companies.ids)]
            )
        }
        Data = self.env["ir.model.data"]
        vals_list = []
        for company in companies:
            for sequence, (event, _label) in enumerate(EVENTS):
                if (company.id, event) in existing:
                    continue
                channel, mail_xmlid, sms_xmlid = DEFAULTS[event]
                vals_list.append(
                    {
                        "company_id": company.id,
                        "event": event,
                        "sequence": sequence,
                        "mail_template_id": Data._xmlid_to_res_id(
                            f"dental_loyalty.{mail_xmlid}", raise_if_not_found=False
                        ),
                        "sms_template_id": Data._xmlid_to_res_id(
                            f"dental_loyalty.{sms_xmlid}", raise_if_not_found=False
                        ),
                        **self._channel_vals(channel),
                    }
                )
        return self.create(vals_list)
