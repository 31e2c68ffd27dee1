from odoo import SUPERUSER_ID, Command, api, models

from .dental_loyalty_message import BEARER_CODE_EVENTS

# Where a request's messages wait for its end (the cursor's precommit data,
# which a commit runs and a rollback drops).
_QUEUE = "dental_loyalty.messages"


class DentalLoyaltyDispatcher(models.AbstractModel):
    """The one place that tells patients of an event: it decides who hears of
    it and how (the company's message of the event, each patient's address,
    number and opt-outs), collects the request's messages, and sends them once
    at the request's end, as mail's tracking does: a commit runs the cursor's
    precommit hooks, a rollback drops them with what the request did."""

    _name = "dental.loyalty.dispatcher"
    _description = "Dental Loyalty Message Dispatcher"

    @api.model
    def _notify(self, partners, event, company=None, audience=None, **values):
        """Tell ``partners`` of ``event`` by the channels their clinic chose,
        with the event's editable templates, in each patient's language; a
        blacklisted address or an opted-out number is skipped, and each
        channel reaches only the members of the company who agreed to it (on
        their own wallet, a family's member too). ``values`` reach
        the templates as ``ctx['dental_loyalty']``. The same patients told of the
        same event with the same values twice in a request hear of it once.
        Returns the patients who will be sent something when the request ends.
        ``audience``: what ``_audience`` answered for ``partners``, when the
        caller asked it once for a whole batch."""
        company = company or self.env.company
        message, by_mail, by_sms = (
            self._audience(partners, event, company) if audience is None else audience
        )
        if by_mail or by_sms:
            self._queue(message, values, by_mail, by_sms)
        return (by_mail | by_sms).sudo(partners.env.su)

    @api.model
    def _audience(self, partners, event, company):
        """The company's message of ``event`` and who of ``partners`` it
        reaches, by mail and by SMS (see ``_notify``): a job asks once for a
        whole batch, before it words each patient's message."""
        patients = partners.sudo()
        by_mail = by_sms = patients.browse()
        channel = company._dental_loyalty_channel(event)
        if channel == "none":
            return self.env["dental.loyalty.message"], by_mail, by_sms
        # Messages are the clinic's, whoever triggers them (a cashier, a job).
        message = company.sudo()._dental_loyalty_message(event)
        # A bearer code's mail is posted on the voucher itself, not here.
        if (
            channel in ("mail", "both")
            and message.mail_template_id
            and event not in BEARER_CODE_EVENTS
        ):
            by_mail = patients.filtered(
                lambda partner: partner.email and not partner.is_blacklisted
            )
        if channel in ("sms", "both") and message.sms_template_id:
            by_sms = patients.filtered(
                lambda partner: (
                    partner.phone_sanitized and not partner.phone_sanitized_blacklisted
                )
            )
        if by_mail or by_sms:
            by_mail, by_sms = self._with_consent(by_mail, by_sms, company)
        return message, by_mail, by_sms

    @api.model
    def _with_consent(self, by_mail, by_sms, company):
        """``by_mail`` and ``by_sms`` narrowed to the members of ``company``
        who agreed to hear from it by email, by SMS: consent is read on each
        patient's own wallet, for all of them in one query."""
        # Consent is read as the engine, whoever triggers the message.
        wallets = (
            self.env["dental.loyalty.wallet"]
            .sudo()
            .search_fetch(
                [
                    ("partner_id", "in", (by_mail | by_sms).ids),
                    ("company_id", "=", company.id),
                ],
                ["partner_id", "consent_mail", "consent_sms"],
            )
        )
        return (
            by_mail & wallets.filtered("consent_mail").partner_id,
            by_sms & wallets.filtered("consent_sms").partner_id,
        )

    @api.model
    def _prefetch(self, partners):
        """Read what ``_notify`` checks on each patient for all of these at
        once: a job that tells each patient their own figures then costs a few
        queries per batch, not per patient."""
        patients = partners.sudo()
        patients.fetch(["email", "phone_sanitized"])
        patients.mapped("is_blacklisted")
        patients.mapped("phone_sanitized_blacklisted")

    def _queue(self, message, values, by_mail, by_sms):
        precommit = self.env.cr.precommit
        if _QUEUE not in precommit.data:
            precommit.data[_QUEUE] = {}
            precommit.add(self._send_queued)
        # Values are plain (numbers, texts, dates): their text is their identity.
        key = (message.id, repr(sorted(values.items())))
        entry = precommit.data[_QUEUE].setdefault(
            key, {"values": values, "mail": {}, "sms": {}}
        )
        entry["mail"].update(dict.fromkeys(by_mail.ids))
        entry["sms"].update(dict.fromkeys(by_sms.ids))

    def _send_queued(self):
        """Send what the request collected: mails and SMS wait in Odoo's queues
        rather than hold the request. A member's messages carry the link to
        their loyalty page, a bearer credential: what carries it is sent
        without a copy on the patient's chatter."""
        queue = self.env.cr.precommit.data.pop(_QUEUE, {})
        # The queue's own bookkeeping: what was decided is sent as the clinic.
        Message = self.env["dental.loyalty.message"].sudo()
        Partner = (
            self.env["res.partner"].sudo().with_context(mail_notify_force_send=False)
        )
        for (message_id, _values), entry in queue.items():
            # A savepoint rolled back without a flush (Odoo's demo data, some
            # imports) keeps the queue but not what it named: skip those.
            message = Message.browse(message_id).exists()
            if not message:
                continue
            values = entry["values"]
            by_mail = Partner.browse(list(entry["mail"])).exists()
            by_sms = Partner.browse(list(entry["sms"])).exists()
            links = self._page_links(by_mail | by_sms, message.company_id)
            patients = Partner.with_context(dental_loyalty=values)
            for partner in patients.browse(by_mail.ids):
                link = links.get(partner.id)
                if link:
                    self._mail_with_link(partner, message.mail_template_id, link)
                else:
                    partner.message_post_with_source(
                        message.mail_template_id,
                        partner_ids=partner.ids,
                        subtype_xmlid="mail.mt_comment",
                    )
            sms_template = message.sms_template_id.with_context(dental_loyalty=values)
            for partner in patients.browse(by_sms.ids):
                link = links.get(partner.id)
                if message.event in BEARER_CODE_EVENTS:
                    self._sms_without_log(partner, sms_template)
                elif link:
                    self._sms_with_link(partner, sms_template, link)
                else:
                    partner._message_sms_with_template(
                        template=sms_template,
                        partner_ids=partner.ids,
                        put_in_queue=True,
                    )
        self.env.flush_all()

    @api.model
    def _page_links(self, partners, company):
        """{partner id: the signed link to their loyalty page in ``company``}
        of the members among ``partners`` whose link is not revoked, read at
        once (as ``res.partner._dental_loyalty_page_url`` gives it, one by one)."""
        if not partners:
            return {}
        # The links are the server's to render: tokens are read by no user.
        wallets = (
            self.env["dental.loyalty.wallet"]
            .sudo()
            .search_fetch(
                [("partner_id", "in", partners.ids), ("company_id", "=", company.id)],
                ["partner_id", "page_link_revoked", "access_token"],
            )
        )
        links = {wallet.partner_id.id: wallet._page_url() for wallet in wallets}
        return {partner_id: link for partner_id, link in links.items() if link}

    @api.model
    def _mail_with_link(self, partner, template, link):
        """Queue the mail with the page link for the patient only, and log on
        their chatter, which every internal user reads, the same mail without
        the link. The mail sent is a mail.mail of no record: Odoo's queue sends
        it and deletes it (the templates' auto_delete); administrators alone
        read it meanwhile."""
        values = partner.env.context.get("dental_loyalty", {})
        # Created by the superuser, not the user whose request sent it: Odoo
        # lets a message's creator read it, link and all.
        template.with_user(SUPERUSER_ID).with_context(
            dental_loyalty={**values, "page_url": link}
        ).send_mail(
            partner.id,
            email_layout_xmlid="mail.mail_notification_light",
            email_values={
                "model": False,
                "res_id": False,
                # Not the user who triggered the message: no one's to read.
                "author_id": self.env.ref("base.partner_root").id,
                "recipient_ids": [Command.link(partner.id)],
            },
        )
        without_link = template.with_context(dental_loyalty=values)
        rendered = {
            field: without_link._render_field(field, partner.ids, compute_lang=True)[
                partner.id
            ]
            for field in ("subject", "body_html")
        }
        partner._message_log(
            body=rendered["body_html"],
            subject=rendered["subject"],
            partner_ids=partner.ids,
        )

    @api.model
    def _sms_with_link(self, partner, template, link):
        """The SMS as the template gives it with the patient's page link: when
        the text carries the link, queued without a copy on the chatter."""
        values = template.env.context.get("dental_loyalty", {})
        body = template.with_context(
            dental_loyalty={**values, "page_url": link}
        )._render_field("body", partner.ids, compute_lang=True)[partner.id]
        if link in body:
            self._queue_sms(partner, body)
        else:
            partner._message_sms(body, partner_ids=partner.ids, put_in_queue=True)

    @api.model
    def _sms_without_log(self, partner, template):
        """Queue the SMS for Odoo's gateway without the copy on the patient's
        chatter, which every internal user reads: it carries a bearer code."""
        body = template._render_field("body", partner.ids, compute_lang=True)[
            partner.id
        ]
        self._queue_sms(partner, body)

    @api.model
    def _queue_sms(self, partner, body):
        # SMS records are the gateway's queue: only administrators read them.
        self.env["sms.sms"].sudo().create(
            {"partner_id": partner.id, "number": partner.phone_sanitized, "body": body}
        )

    @api.model
    def _skipped_for_consent(self, channel, count, action, outside=0):
        """The composer's answer after a send that left out ``count`` patients
        without consent to ``channel`` ("mail" or "sms"), and ``outside``
        patients a campaign is not for: a warning, then ``action``."""
        if not count and not outside:
            return action
        messages = []
        if count and channel == "sms":
            messages.append(
                self.env._(
                    "Not sent to %s patient(s) who did not agree to hear from the "
                    "loyalty programme by SMS.",
                    count,
                )
            )
        elif count:
            messages.append(
                self.env._(
                    "Not sent to %s patient(s) who did not agree to hear from the "
                    "loyalty programme by email.",
                    count,
                )
            )
        if outside:
            messages.append(
                self.env._(
                    "Not sent to %s patient(s) the campaign is not for.", outside
                )
            )
        message = " ".join(messages)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "message": message,
                "next": action or {"type": "ir.actions.act_window_close"},
            },
        }
