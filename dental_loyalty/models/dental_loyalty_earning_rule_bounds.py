from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang

from ..rules import MAX_BONUS_POINTS, MAX_CAP_POINTS, MAX_MULTIPLIER

# Fields whose values the database could refuse before a constraint runs (a
# number beyond its integers): checked on the values given, before saving.
_BOUNDED_FIELDS = ("multiplier", "bonus_points", "cap_points")


class DentalLoyaltyEarningRule(models.Model):
    """What a rule may say: a multiplier up to x10, a bonus up to 100,000
    points, a cap up to 10,000,000; as the wizards range what a manager types.
    A rule beyond them would refuse every sale in its scope (the ledger holds
    whole points in integers); the engine bounds a rule saved before alike."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.earning.rule"  # pylint: disable=consider-merging-classes-inherited

    def _bounds_problem(self, field_name, value):
        """The sentence saying why ``value`` cannot be ``field_name``, or
        None. Not a number (NaN) is never within them; a negative integer
        beyond them neither (the other constraints say why a figure is not
        positive)."""
        try:
            number = float(value or 0)
        except (TypeError, ValueError):
            return None  # the field's own conversion says what is wrong
        if field_name == "multiplier" and not number <= MAX_MULTIPLIER:
            return self.env._(
                "A rule multiplies the points by at most %s.", int(MAX_MULTIPLIER)
            )
        if field_name == "bonus_points" and not abs(number) <= MAX_BONUS_POINTS:
            return self.env._(
                "A rule gives at most %s bonus points.",
                formatLang(self.env, MAX_BONUS_POINTS, digits=0),
            )
        if field_name == "cap_points" and not abs(number) <= MAX_CAP_POINTS:
            return self.env._(
                "A rule's cap is at most %s points.",
                formatLang(self.env, MAX_CAP_POINTS, digits=0),
            )
        return None

    def _check_bounds_of(self, vals):
        for name in _BOUNDED_FIELDS:
            if name in vals:
                problem = self._bounds_problem(name, vals[name])
                if problem:
                    raise ValidationError(problem)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_bounds_of(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_bounds_of(vals)
        return super().write(vals)

    @api.constrains(*_BOUNDED_FIELDS)
    def _check_bounds(self):
        for rule in self:
            for name in _BOUNDED_FIELDS:
                problem = self._bounds_problem(name, rule[name])
                if problem:
                    raise ValidationError(problem)
