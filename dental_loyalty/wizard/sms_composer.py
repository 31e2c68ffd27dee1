from odoo import models
from odoo.exceptions import UserError


class SmsComposer(models.TransientModel):
    """Sending a loyalty SMS template to a selection of patients (Contacts >
    Send SMS): only to those who agreed to the programme's SMS, as the
    dispatcher sends its events, and saying how many were skipped."""

    _inherit = "sms.composer"

    def _dental_loyalty_without_consent(self, records):
        """Of ``records`` (patients), those a loyalty template of this composer
        may not text: who did not agree to the programme's SMS in the company.
        Empty for any other template or model."""
        self.ensure_one()
        if (
            self.res_model != "res.partner"
            or not records
            or not self.env["mail.render.mixin"]._dental_loyalty_template_event(
                self.template_id
            )
        ):
            return self.env["res.partner"]
        _by_mail, agreed = self.env["dental.loyalty.dispatcher"]._with_consent(
            records.browse(), records, self.env.company
        )
        return records - agreed

    def _action_send_sms_mass(self, records=None):
        records = records if records is not None else self._get_records()
        if records and self.res_model == "res.partner":
            records -= self._dental_loyalty_without_consent(records)
        return super()._action_send_sms_mass(records=records)

    def _action_send_sms_comment(self, records=None):
        records = records if records is not None else self._get_records()
        # One by one, a patient left out without a word would be a surprise:
        # refuse, naming them.
        if records and self.res_model == "res.partner":
            refused = self._dental_loyalty_without_consent(records)
            if refused:
                raise UserError(
                    self.env._(
                        "%s did not agree to hear from the loyalty programme by "
                        "SMS: this message is not sent.",
                        ", ".join(refused.mapped("display_name")),
                    )
                )
        return super()._action_send_sms_comment(records=records)

    def action_send_sms(self):
        refused = outside = 0
        if self.composition_mode == "mass":
            records = self._get_records()
            refused = len(self._dental_loyalty_without_consent(records))
            outside = len(self._dental_loyalty_outside(records))
        return self.env["dental.loyalty.dispatcher"]._skipped_for_consent(
            "sms", refused, super().action_send_sms(), outside=outside
        )

    def _dental_loyalty_outside(self, records):
        """Of ``records``, those this composer leaves out as not being whom it
        is for (a campaign's audience); none here."""
        return self.env["res.partner"]
