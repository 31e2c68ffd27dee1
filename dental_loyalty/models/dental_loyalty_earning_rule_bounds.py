import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang

from ..rules import MAX_BONUS_POINTS, MAX_CAP_POINTS, MAX_MULTIPLIER

# Fields whose values the database could refuse before a constraint runs (a
# number beyond its integers): checked on the values given, before saving.
_BOUNDED_FIELDS = ("multiplier", "bonus_points", "cap_points")
_DATE_FIELDS = ("date_from", "date_to")


class DentalLoyaltyEarningRule(models.Model):
    """What a rule may say: a multiplier up to x10, a bonus up to 100,000
    points, a cap up to 10,000,000; as the wizards range what a manager types.
    A rule beyond them would refuse every sale in its scope (the ledger holds
    whole points in integers); the engine bounds a rule saved before alike."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.earning.rule"  # pylint: disable=consider-merging-classes-inherited

    def _bounds_problem(self, field_name, value):
        """The sentence saying why ``value`` cannot be ``field_name``, or
        None: not a number, an infinity, a negative figure and one beyond the
        bounds each get their own sentence."""
        try:
            number = float(value or 0)
        except (TypeError, ValueError):
            return None  # the field's own conversion says what is wrong
        except OverflowError:
            number = math.inf  # an integer no float holds
        if not math.isfinite(number):
            return self.env._(
                "A rule's multiplier, bonus and cap must be finite numbers."
            )
        if field_name == "multiplier":
            # Below 1 on a multiplier rule is the rule's own constraint; a
            # negative one is refused whatever the effect, in its own words.
            if number < 0:
                return self.env._("A rule's multiplier must be more than 1.")
            if number > MAX_MULTIPLIER:
                return self.env._(
                    "A rule multiplies the points by at most %s.", int(MAX_MULTIPLIER)
                )
        if field_name == "bonus_points":
            if number < 0:
                return self.env._("A rule's bonus points cannot be negative.")
            if number > MAX_BONUS_POINTS:
                return self.env._(
                    "A rule gives at most %s bonus points.",
                    formatLang(self.env, MAX_BONUS_POINTS, digits=0),
                )
        if field_name == "cap_points":
            if number < 0:
                return self.env._("A rule's cap cannot be negative.")
            if number > MAX_CAP_POINTS:
                return self.env._(
                    "A rule's cap is at most %s points.",
                    formatLang(self.env, MAX_CAP_POINTS, digits=0),
                )
        return None

    def _date_problem(self, value):
        """The sentence saying why ``value`` is no date a rule may run from or
        to, or None."""
        if not value:
            return None
        try:
            fields.Date.to_date(value)
        except (TypeError, ValueError, OverflowError):
            return self.env._("A rule's dates must be dates, as 2026-12-01.")
        return None

    def _check_bounds_of(self, vals):
        for name in _BOUNDED_FIELDS:
            if name in vals:
                problem = self._bounds_problem(name, vals[name])
                if problem:
                    raise ValidationError(problem)
        for name in _DATE_FIELDS:
            if name in vals:
                problem = self._date_problem(vals[name])
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
