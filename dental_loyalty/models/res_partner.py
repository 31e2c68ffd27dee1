from odoo import api, fields, models

from odoo.addons.base.models.res_partner import Partner

from .res_company import MESSAGE_EVENTS

# Events whose message carries a bearer code (a voucher's): sent, not logged.
BEARER_CODE_EVENTS = {"voucher"}


class ResPartner(models.Model):
    _inherit = "res.partner"
    # Reception finds a patient by the code on their card, as the register does.
    _rec_names_search = [*Partner._rec_names_search, "barcode"]

    dental_birthday = fields.Date(string="Birthday")
    dental_anniversary = fields.Date(
        string="Second Date",
        help="Another yearly date the clinic celebrates with the patient, such as "
        "a wedding anniversary.",
    )
    loyalty_phone_invalid = fields.Boolean(
        string="Phone Number Not Valid",
        compute="_compute_loyalty_phone_invalid",
        search="_search_loyalty_phone_invalid",
        help="A phone or mobile number is set but cannot be read as a number of "
        "the patient's country: no SMS reaches it.",
    )
    loyalty_voucher_count = fields.Integer(
        string="Valid Vouchers",
        compute="_compute_loyalty_voucher_count",
        groups="dental_loyalty.group_dental_loyalty_user",
    )

    def _compute_loyalty_voucher_count(self):
        counts = dict(
            self.env["dental.loyalty.voucher"]._read_group(
                [("partner_id", "in", self.ids), ("state", "=", "valid")],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.loyalty_voucher_count = counts.get(partner, 0)

    def action_view_loyalty_vouchers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dental_loyalty.dental_loyalty_voucher_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"search_default_valid": 1}
        return action

    @api.depends("phone", "mobile", "phone_sanitized")
    def _compute_loyalty_phone_invalid(self):
        for partner in self:
            partner.loyalty_phone_invalid = bool(
                (partner.phone or partner.mobile) and not partner.phone_sanitized
            )

    def _search_loyalty_phone_invalid(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Operation not supported"))
        invalid = [
            "&",
            "|",
            ("phone", "!=", False),
            ("mobile", "!=", False),
            ("phone_sanitized", "=", False),
        ]
        return invalid if (operator == "=") == value else ["!", *invalid]

    def _dental_loyalty_notify(self, event, company=None, **values):
        """Tell these patients of ``event`` by the channels their clinic chose in
        Settings, with the event's editable templates, in each patient's
        language; a blacklisted address or an opted-out number is skipped.
        ``values`` reach the templates as ``ctx['dental_loyalty']``. Returns the
        patients who were sent something."""
        company = company or self.env.company
        channel = company._dental_loyalty_channel(event)
        if channel == "none":
            return self.browse()
        mail_xmlid, sms_xmlid = MESSAGE_EVENTS[event]
        # The cached xmlid lookup: env.ref would query each time whether the
        # template still exists, and jobs call this for thousands of patients.
        Data = self.env["ir.model.data"]
        mail_template = self.env["mail.template"].browse(
            mail_xmlid and Data._xmlid_to_res_id(f"dental_loyalty.{mail_xmlid}")
        )
        sms_template = self.env["sms.template"].browse(
            Data._xmlid_to_res_id(f"dental_loyalty.{sms_xmlid}")
        )
        sent = self.browse()
        # Messages are the clinic's, whoever triggers them (a cashier, a job);
        # they wait in Odoo's mail and SMS queues rather than hold the request.
        patients = self.sudo().with_context(
            dental_loyalty=values, mail_notify_force_send=False
        )
        for partner in patients:
            if (
                channel in ("mail", "both")
                and mail_template
                and partner.email
                and not partner.is_blacklisted
            ):
                partner.message_post_with_source(
                    mail_template,
                    partner_ids=partner.ids,
                    subtype_xmlid="mail.mt_comment",
                )
                sent |= partner
            if (
                channel in ("sms", "both")
                and sms_template
                and partner.phone_sanitized
                and not partner.phone_sanitized_blacklisted
            ):
                if event in BEARER_CODE_EVENTS:
                    partner._dental_loyalty_sms_without_log(sms_template, values)
                else:
                    partner._message_sms_with_template(
                        template=sms_template.with_context(dental_loyalty=values),
                        partner_ids=partner.ids,
                        put_in_queue=True,
                    )
                sent |= partner
        return sent.sudo(self.env.su)

    def _dental_loyalty_sms_without_log(self, template, values):
        """Queue the SMS for Odoo's gateway without the copy on the patient's
        chatter, which every internal user reads: it carries a bearer code."""
        self.ensure_one()
        body = template.with_context(dental_loyalty=values)._render_field(
            "body", self.ids, compute_lang=True
        )[self.id]
        # SMS records are the gateway's queue: only administrators read them.
        self.env["sms.sms"].sudo().create(
            {"partner_id": self.id, "number": self.phone_sanitized, "body": body}
        )

    def _dental_loyalty_notify_prefetch(self):
        """Read what ``_dental_loyalty_notify`` checks on each patient for all of
        these at once: a job that tells each patient their own figures then
        costs a few queries per batch, not per patient."""
        patients = self.sudo()
        patients.fetch(["email", "phone_sanitized"])
        patients.mapped("is_blacklisted")
        patients.mapped("phone_sanitized_blacklisted")

    def _dental_loyalty_warn_expiry(self):
        """Managers, from the contacts list: tell these patients now, as the
        nightly job would, of their points about to expire in the current
        company (each lot once), and say how many were told."""
        company = self.env.company
        if (
            company._dental_loyalty_channel("expiry_warning") == "none"
            or company.dental_loyalty_expiry_warning_days <= 0
        ):
            message = self.env._(
                "This clinic sends no message before points expire: see the "
                "loyalty settings."
            )
            kind = "warning"
        else:
            wallets = self.env["dental.loyalty.wallet"].search(
                [("partner_id", "in", self.ids), ("company_id", "=", company.id)]
            )
            warned = self.env["dental.loyalty.ledger"]._warn_expiring(wallets)
            message = self.env._(
                "Patients told of their points about to expire: %(told)s of "
                "%(selected)s. The others have none about to expire that they were "
                "not told of already.",
                told=len(warned),
                selected=len(self),
            )
            kind = "success" if warned else "info"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": False},
        }

    def action_view_loyalty_ledger(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dental_loyalty.dental_loyalty_ledger_action"
        )
        # A family member's lines are on the family's wallet, in their name.
        action["domain"] = [
            "|",
            ("partner_id", "=", self.id),
            ("member_id", "=", self.id),
        ]
        action["context"] = {"default_partner_id": self.id, "create": False}
        return action

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [
            *super()._load_pos_data_fields(config_id),
            "loyalty_points_available",
            "loyalty_points_pending",
            "loyalty_tier_name",
            "loyalty_tier_multiplier",
            "loyalty_tier_color",
            "loyalty_family_name",
            "dental_referral_code",
            "dental_referred_by_code",
        ]

    def _dental_loyalty_lock_new_wallets(self):
        """Serialise opening these patients' wallets. Two registers syncing a
        new patient's first bills at once would both create the wallet, and the
        second would fail on its unique key, an error Odoo does not retry.
        Writing the patients' rows makes the second wait for the first and fail
        with a serialization error, which Odoo retries on a fresh snapshot that
        finds the wallet."""
        self.env["dental.loyalty.wallet"]._serialise_rows(self._table, self.ids)

    def _dental_loyalty_wallet(self, company=None):
        """The wallet the patient earns into and spends from in ``company`` (the
        current one by default): their family's, else their own."""
        return (
            self.env["dental.loyalty.wallet"]
            ._get_for_partners(self, company)
            ._paying_wallet()
        )
