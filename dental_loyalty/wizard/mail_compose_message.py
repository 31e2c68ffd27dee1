from odoo import api, fields, models
from odoo.exceptions import UserError


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

    @api.depends("composition_mode", "model", "res_domain", "res_ids", "template_id")
    def _compute_attachment_ids(self):
        # The card is never rendered here: a composer on one record turns its
        # template's report into an attachment at once. The form says why, and
        # sending refuses; picking the template in the form raises nothing.
        cards = self.filtered(
            lambda composer: composer.template_id._dental_loyalty_carries_card()
        )
        cards.attachment_ids = False
        return super(MailComposeMessage, self - cards)._compute_attachment_ids()

    def _dental_loyalty_card_refusal(self):
        """Why this composer may not send its template, if it attaches the
        member card. The card carries the patient's page link, a bearer
        credential: it goes only as a mail tied to no record (Send Member Card,
        ``mail.template.send_mail``), never through a composer, which keeps the
        mail and its PDF on the patient's record for every employee to read."""
        if not self.template_id._dental_loyalty_carries_card():
            return False
        return self.env._(
            "The member card carries the patient's own page link: send it with "
            "Send Member Card, which keeps no copy of it on their record."
        )

    def _dental_loyalty_check_no_card(self):
        for composer in self:
            refusal = composer._dental_loyalty_card_refusal()
            if refusal:
                raise UserError(refusal)

    def _dental_loyalty_warning_text(self):
        self.ensure_one()
        refusal = self._dental_loyalty_card_refusal()
        if refusal:
            return refusal
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
        refused = self._dental_loyalty_without_consent(partners)
        if refused:
            lines.append(
                self.env._(
                    "%(count)s of the %(selected)s selected patients did not agree "
                    "to hear from the loyalty programme by email and will not "
                    "receive it.",
                    count=len(refused),
                    selected=len(partners),
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

    def _dental_loyalty_without_consent(self, partners):
        """Of ``partners``, those a loyalty template of this composer may not
        mail: who did not agree to the programme's email in the company, as
        the dispatcher decides for its events. Empty for any other template."""
        self.ensure_one()
        if self.model != "res.partner" or not partners:
            return partners.browse()
        # The programme's messages (a campaign's, whatever its template), and
        # any template it ships (the member card, which carries the patient's
        # page), as a straight send decides.
        if not (
            self.env["mail.render.mixin"]._dental_loyalty_template_event(
                self.template_id
            )
            or (
                self.template_id
                and self.template_id._dental_loyalty_is_loyalty_template()
            )
        ):
            return partners.browse()
        agreed, _by_sms = self.env["dental.loyalty.dispatcher"]._with_consent(
            partners, partners.browse(), self.env.company
        )
        return partners - agreed

    def _dental_loyalty_selected(self):
        """The patients this mass mail is for, before any is left out."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        if self.composition_mode != "mass_mail" or self.model != "res.partner":
            return Partner
        if self.res_domain:
            return Partner.search(self._evaluate_res_domain())
        return Partner.browse(self._evaluate_res_ids())

    def _dental_loyalty_refused_count(self):
        """How many of the patients this mass mail would go to it skips."""
        return len(
            self._dental_loyalty_without_consent(self._dental_loyalty_selected())
        )

    def _dental_loyalty_outside_count(self):
        """How many of the patients this mass mail would go to it skips as
        not being whom it is for (a campaign's audience); none here."""
        return 0

    def _action_send_mail_mass_mail(self, res_ids, auto_commit=False):
        if self.model == "res.partner":
            refused = set(
                self._dental_loyalty_without_consent(
                    self.env["res.partner"].browse(res_ids)
                ).ids
            )
            res_ids = [res_id for res_id in res_ids if res_id not in refused]
        return super()._action_send_mail_mass_mail(res_ids, auto_commit=auto_commit)

    def _action_send_mail_comment(self, res_ids):
        # One by one, a patient left out without a word would be a surprise:
        # refuse, naming them.
        if self.model == "res.partner":
            refused = self._dental_loyalty_without_consent(
                self.env["res.partner"].browse(res_ids)
            )
            if refused:
                raise UserError(
                    self.env._(
                        "%s did not agree to hear from the loyalty programme by "
                        "email: this message is not sent.",
                        ", ".join(refused.mapped("display_name")),
                    )
                )
        return super()._action_send_mail_comment(res_ids)

    def _action_send_mail(self, auto_commit=False):
        # Here, not in action_send_mail: message_post_with_source sends through
        # a composer by this method alone.
        self._dental_loyalty_check_no_card()
        return super()._action_send_mail(auto_commit=auto_commit)

    def action_send_mail(self):
        refused = sum(composer._dental_loyalty_refused_count() for composer in self)
        outside = sum(composer._dental_loyalty_outside_count() for composer in self)
        return self.env["dental.loyalty.dispatcher"]._skipped_for_consent(
            "mail", refused, super().action_send_mail(), outside=outside
        )
