from odoo import api, fields, models


class MailComposeMessage(models.TransientModel):
    """Sending a loyalty template to a selection of patients (Contacts > Send
    email): say who will not receive it for want of an address, and that each
    patient gets their own figures, not the template's sample shown here."""

    _inherit = "mail.compose.message"

    dental_loyalty_warning = fields.Text(compute="_compute_dental_loyalty_warning")

    @api.depends("composition_mode", "model", "res_ids", "template_id")
    def _compute_dental_loyalty_warning(self):
        for composer in self:
            composer.dental_loyalty_warning = composer._dental_loyalty_warning_text()

    def _dental_loyalty_warning_text(self):
        self.ensure_one()
        if self.model != "res.partner" or self.composition_mode != "mass_mail":
            return False
        partners = self.env["res.partner"].browse(self._evaluate_res_ids() or [])
        lines = []
        if "dental_loyalty" in (self.template_id.body_html or ""):
            lines.append(
                self.env._(
                    "Each patient receives their own figures, read from their "
                    "records in their language; the text below shows the "
                    "template's sample values."
                )
            )
        without = partners.filtered(lambda partner: not partner.email)
        if without:
            names = ", ".join(without[:10].mapped("display_name"))
            if len(without) > 10:
                names += ", …"
            lines.append(
                self.env._(
                    "%(count)s of the %(selected)s selected patients have no email "
                    "address and will not receive it: %(names)s.",
                    count=len(without),
                    selected=len(partners),
                    names=names,
                )
            )
        return "\n".join(lines) or False
