from odoo import api, fields, models


# One concern of res.partner per file, as core splits a model across files.
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    """Who referred the patient, named as soon as reception types the code."""

    _inherit = "res.partner"

    dental_referred_by_name = fields.Char(
        string="Referred by",
        compute="_compute_dental_referred_by_name",
        groups="dental_loyalty.group_dental_loyalty_user",
        help="The patient whose referral code was typed, or why the code is not one.",
    )

    @api.depends("dental_referred_by_code")
    @api.depends_context("company")
    def _compute_dental_referred_by_name(self):
        Referral = self.env["dental.loyalty.referral"]
        codes = {
            partner: Referral._normalize_code(partner.dental_referred_by_code)
            for partner in self
        }
        # Looked up among all contacts, as the referral is when it is recorded;
        # named only if the user may read them, else the code is as unknown.
        referrers = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch(
                [
                    (
                        "dental_referral_code",
                        "in",
                        [code for code in codes.values() if code],
                    )
                ],
                ["name", "dental_referral_code"],
            )
        )
        readable = referrers.sudo(False)._filtered_access("read")
        by_code = {
            referrer.dental_referral_code: referrer
            for referrer in referrers
            if referrer in readable
        }
        for partner, code in codes.items():
            referrer = by_code.get(code)
            if not code:
                name = False
            elif not referrer:
                name = self.env._("No patient has the referral code %s.", code)
            elif referrer == partner._origin:
                name = self.env._("This is the patient's own referral code.")
            else:
                name = referrer.name
            partner.dental_referred_by_name = name
