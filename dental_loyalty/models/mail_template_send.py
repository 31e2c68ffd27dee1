from odoo import models
from odoo.exceptions import UserError

from .mail_render_mixin_campaign import CAMPAIGN_EVENT

# What, in a send's email_values, names who gets the mail.
_RECIPIENT_KEYS = (
    "email_to",
    "email_cc",
    "email_bcc",
    "partner_to",
    "partner_ids",
    "recipient_ids",
)


class MailTemplate(models.Model):
    """A loyalty template sent straight (``send_mail`` / ``send_mail_batch``,
    which any internal user may call over JSON-RPC) obeys what the
    programme's composers and dispatcher obey: only to patients who agreed
    to the clinic's emails, to them and no one else (the member card carries
    the link to the patient's own page), and a campaign is announced only
    through its checked composer. The engine sends as the superuser."""

    _inherit = "mail.template"

    def send_mail_batch(  # noqa: PLR0917 (core's signature)
        self,
        res_ids,
        force_send=False,
        raise_exception=False,
        email_values=None,
        email_layout_xmlid=False,
    ):
        self._dental_loyalty_check_direct_send(res_ids, email_values)
        if self._dental_loyalty_carries_card():
            # The card carries the patient's page link: its mail is no
            # message on their record, and it goes, PDF and all, once sent.
            email_values = {
                **(email_values or {}),
                "model": False,
                "res_id": False,
                "auto_delete": True,
            }
        return super().send_mail_batch(
            res_ids,
            force_send=force_send,
            raise_exception=raise_exception,
            email_values=email_values,
            email_layout_xmlid=email_layout_xmlid,
        )

    def _dental_loyalty_carries_card(self):
        """Whether these templates attach a member card, which carries the
        patient's page link: the shipped card's template, or any other a user
        made with the card's reports."""
        cards = self.env["ir.actions.report"]
        for xmlid in (
            "dental_loyalty.action_report_member_card_a4",
            "dental_loyalty.action_report_member_card_cr80",
        ):
            cards |= self.env.ref(xmlid, raise_if_not_found=False) or cards
        # Which reports they attach, whoever may read them.
        return bool(self.sudo().report_template_ids & cards)

    def _dental_loyalty_is_loyalty_template(self):
        """The event this template is the programme's message of, or True
        for any other template the addon ships (the member card) or that
        attaches the card, or False."""
        self.ensure_one()
        event = self.env["mail.render.mixin"]._dental_loyalty_template_event(self)
        if event:
            return event
        # Which template it is, whoever may read it.
        xmlid = self.sudo().get_external_id().get(self.id, "")
        return (
            xmlid.startswith("dental_loyalty.") or self._dental_loyalty_carries_card()
        )

    def _dental_loyalty_check_direct_send(self, res_ids, email_values):
        if self.env.su or len(self) != 1:
            return
        event = self._dental_loyalty_is_loyalty_template()
        if not event:
            return
        if event == CAMPAIGN_EVENT:
            raise UserError(
                self.env._(
                    "A campaign is announced from its Announce button, which "
                    "checks who it is for, not by sending its template."
                )
            )
        if self.model != "res.partner":
            # A loyalty template on another record (a voucher) is the
            # engine's to send.
            raise UserError(
                self.env._("Only the loyalty programme sends this template.")
            )
        if set(email_values or {}) & set(_RECIPIENT_KEYS) and not (
            self.env.user.has_group("dental_loyalty.group_dental_loyalty_manager")
        ):
            raise UserError(
                self.env._(
                    "A loyalty message goes to the patient it is about: only "
                    "a loyalty manager may choose other recipients."
                )
            )
        refusals = self._dental_loyalty_consent_refusals(res_ids)
        if refusals:
            raise UserError("\n".join(refusals))

    def _dental_loyalty_consent_refusals(self, res_ids):
        """Why each of the patients ``res_ids`` may not get a loyalty email
        of the current company: not a member there, or no consent."""
        partners = self.env["res.partner"].browse(res_ids).exists()
        # Consent is read as the engine, as the dispatcher reads it.
        wallets = (
            self.env["dental.loyalty.wallet"]
            .sudo()
            .search_fetch(
                [
                    ("partner_id", "in", partners.ids),
                    ("company_id", "=", self.env.company.id),
                ],
                ["partner_id", "consent_mail"],
            )
        )
        consent = {wallet.partner_id.id: wallet.consent_mail for wallet in wallets}
        refusals = []
        for partner in partners:
            name = partner.display_name
            if partner.id not in consent:
                refusals.append(self.env._("%s is not a member.", name))
            elif not consent[partner.id]:
                refusals.append(
                    self.env._("%s has not agreed to loyalty emails.", name)
                )
        if len(partners) != len(set(res_ids)):
            refusals.append(self.env._("A loyalty email goes to patients only."))
        return refusals
