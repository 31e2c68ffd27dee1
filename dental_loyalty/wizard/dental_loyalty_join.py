from odoo import fields, models

from ..models.dental_loyalty_input import check_record_ids


class DentalLoyaltyJoin(models.TransientModel):
    """Reception joins a patient to the programme with what they agreed to."""

    _name = "dental.loyalty.join"
    _description = "Join the Loyalty Programme"
    # Checks the types and ranges of what a form or a forged call sends.
    _inherit = ["dental.loyalty.wizard.input"]

    partner_id = fields.Many2one("res.partner", string="Patient", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    consent_mail = fields.Boolean(
        string="Agrees to Emails",
        help="The patient agrees to hear from the loyalty programme by email.",
    )
    consent_sms = fields.Boolean(
        string="Agrees to SMS",
        help="The patient agrees to hear from the loyalty programme by SMS.",
    )

    def action_join(self):
        check_record_ids(self, single=True)
        # The partner's method checks the user, the patient and the company.
        self.partner_id._dental_loyalty_join(
            self.company_id, self.consent_mail, self.consent_sms
        )
        return {"type": "ir.actions.act_window_close"}
