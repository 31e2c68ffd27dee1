from odoo import api, fields, models

from .res_company_settings_checks import CHECKED


# One concern of res.config.settings per file.
# pylint: disable=consider-merging-classes-inherited
class ResConfigSettings(models.TransientModel):
    """Settings check the loyalty values as they are typed, all of them at
    once, with the sentences the save would refuse them with; the tiers'
    thresholds are edited in place."""

    _inherit = "res.config.settings"

    dental_loyalty_tier_ids = fields.One2many(
        related="company_id.dental_loyalty_tier_ids", readonly=False
    )

    def _dental_loyalty_problems(self):
        self.ensure_one()
        return self.company_id._dental_loyalty_settings_problems(
            {name: self[name] for name in CHECKED if name in self._fields}
        )

    @api.onchange(*CHECKED)
    def _onchange_dental_loyalty_settings(self):
        problems = self._dental_loyalty_problems()
        if problems:
            return {
                "warning": {
                    "title": self.env._("Loyalty settings to correct"),
                    "message": "\n".join(dict.fromkeys(problems.values())),
                }
            }
        return None
