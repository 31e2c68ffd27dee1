from odoo import api, models

# The field naming whom a "chosen patients" rule is for: the managers' list.
CHOSEN = "partner_ids"


def _names_chosen(terms):
    """Whether a domain's leaves, or group-by/aggregate specs, name CHOSEN."""
    for term in terms or ():
        if isinstance(term, (list, tuple)) and term:
            term = term[0]
        if isinstance(term, str) and term.split(".")[0].split(":")[0] == CHOSEN:
            return True
    return False


# One concern per file, as Odoo core splits its big models.
# pylint: disable=consider-merging-classes-inherited
class DentalLoyaltyEarningRule(models.Model):
    """Whom a rule names is for the loyalty managers (the field's groups). The
    ORM refuses reading the field to others, not a search or a grouping on
    it: those are refused here as its reading is."""

    _inherit = "dental.loyalty.earning.rule"

    @api.model
    def _check_chosen_access(self, *specs):
        if any(_names_chosen(spec) for spec in specs):
            # The ORM's own refusal, in its words.
            self.check_field_access_rights("read", [CHOSEN])

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        self._check_chosen_access(domain)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _read_group(  # noqa: PLR0917 (core's signature)
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        self._check_chosen_access(groupby, aggregates, having)
        return super()._read_group(
            domain,
            groupby=groupby,
            aggregates=aggregates,
            having=having,
            offset=offset,
            limit=limit,
            order=order,
        )
