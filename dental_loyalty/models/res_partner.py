from odoo import api, fields, models
from odoo.tools import create_index

from odoo.addons.base.models.res_partner import Partner

from .dental_loyalty_input import check_record_ids
from .dental_loyalty_wallet_yearly import MONTH_DAY, YEARLY_EVENTS


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

    def init(self):
        res = super().init()
        # The nightly birthday and second-date jobs find the day's patients by
        # month and day: each batch reads them alone, not every patient.
        for date_field, _mark, _points in YEARLY_EVENTS.values():
            create_index(
                self.env.cr,
                f"res_partner_{date_field}_month_day_idx",
                self._table,
                [MONTH_DAY.format(date_field)],
                where=f"{date_field} IS NOT NULL",
            )
        return res

    def _compute_loyalty_voucher_count(self):
        counts = dict(
            self.env["dental.loyalty.voucher"]._read_group(
                [("partner_id", "in", self.ids), ("status", "=", "valid")],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.loyalty_voucher_count = counts.get(partner, 0)

    def action_view_loyalty_vouchers(self):
        check_record_ids(self, single=True)
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
            warned = self.env["dental.loyalty.wallet"]._warn_expiring(wallets)
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
        check_record_ids(self, single=True)
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

    def _dental_loyalty_wallet(self, company=None):
        """The wallet the patient earns into and spends from in ``company`` (the
        current one by default): their family's, else their own."""
        return (
            self.env["dental.loyalty.wallet"]
            ._get_for_partners(self, company)
            ._paying_wallet()
        )
