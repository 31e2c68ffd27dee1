import operator as py_operator

from odoo import api, models
from odoo.tools import SQL

from ..rules import near_next_tier

# Comparisons a search on a figure of the patient accepts.
_COMPARISONS = {
    "=": py_operator.eq,
    "!=": py_operator.ne,
    "<": py_operator.lt,
    "<=": py_operator.le,
    ">": py_operator.gt,
    ">=": py_operator.ge,
}


# One concern of res.partner per file, as core splits a model across files.
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------
    # Segments: plain searchable fields, so that the contacts' filters, Email
    # Marketing and mass SMS can target them. Each reads the wallets of the
    # current company as the superuser: a segment names patients the user can
    # already see, and marketing users need no loyalty rights to target one.
    # ------------------------------------------------------------------

    def _loyalty_wallet_segment(self, wallet_domain, positive=True):
        """Patients whose wallet in the current company matches ``wallet_domain``
        (or, not ``positive``, patients without such a wallet). A family member
        is matched on the family's wallet, as their figures show it."""
        Wallet = self.env["dental.loyalty.wallet"].sudo()
        in_company = [("company_id", "=", self.env.company.id)]
        paying = Wallet._search(
            [*in_company, ("points_with_family", "=", False), *wallet_domain]
        )
        wallets = Wallet._search(
            [
                *in_company,
                "|",
                ("id", "in", paying),
                ("family_id.wallet_id", "in", paying),
            ]
        )
        partners = wallets.subselect(SQL.identifier(wallets.table, "partner_id"))
        return [("id", "in" if positive else "not in", partners)]

    @api.model
    def _loyalty_check_boolean_search(self, operator, value):
        """True when the search asks for the patients in the segment."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Operation not supported"))
        return (operator == "=") == value

    def _search_loyalty_not_seen(self, operator, value):
        return self._loyalty_wallet_segment(
            [("last_visit_date", "<", self._loyalty_not_seen_cutoff())],
            self._loyalty_check_boolean_search(operator, value),
        )

    def _search_loyalty_birthday_this_month(self, operator, value):
        positive = self._loyalty_check_boolean_search(operator, value)
        month = self.env.company._dental_loyalty_today().month
        birthday = SQL.identifier(
            "res_partner", "dental_birthday", to_flush=self._fields["dental_birthday"]
        )
        born_this_month = SQL(
            "(SELECT id FROM res_partner WHERE EXTRACT(MONTH FROM %s) = %s)",
            birthday,
            month,
        )
        return [("id", "in" if positive else "not in", born_this_month)]

    def _search_loyalty_near_tier(self, operator, value):
        """Patients within the company's share of their next tier: their figures
        are read in one query per company, as the nightly job reads them."""
        positive = self._loyalty_check_boolean_search(operator, value)
        company = self.env.company
        ladder = self.env["dental.loyalty.tier"]._ladder(company.id)
        wallets = (
            self.env["dental.loyalty.wallet"]
            .sudo()
            .search_fetch(
                [("company_id", "=", company.id), ("tier_pinned", "=", False)],
                ["tier_id"],
            )
        )
        figures = wallets._qualifying_figures()
        near = [
            wallet.id
            for wallet in wallets
            if near_next_tier(
                ladder,
                figures[wallet.id],
                wallet.tier_id.id,
                company.dental_loyalty_near_tier_share,
            )
        ]
        return self._loyalty_wallet_segment([("id", "in", near)], positive)

    def _search_loyalty_points_expiring(self, operator, value):
        """Patients by the points of theirs that expire within 30 days."""
        compare = _COMPARISONS.get(operator)
        if compare is None or isinstance(value, bool) or not isinstance(value, int):
            raise NotImplementedError(self.env._("Operation not supported"))
        Ledger = self.env["dental.loyalty.ledger"].sudo()
        groups = Ledger._read_group(
            [
                ("company_id", "=", self.env.company.id),
                *Ledger._expiring_domain(self.env.company._dental_loyalty_today()),
            ],
            ["wallet_id"],
            ["remaining_points:sum"],
        )
        if compare(0, value):
            # Patients with nothing expiring match too: leave out the others.
            others = [
                wallet.id for wallet, points in groups if not compare(points, value)
            ]
            return self._loyalty_wallet_segment([("id", "in", others)], positive=False)
        matching = [wallet.id for wallet, points in groups if compare(points, value)]
        return self._loyalty_wallet_segment([("id", "in", matching)])

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        """The tier in SQL, so that contacts can be grouped by it: the tier of
        the wallet in the current company, or the lowest tier."""
        if fname != "loyalty_tier_id" or query is None:
            return super()._field_to_sql(alias, fname, query, flush)
        Wallet = self.env["dental.loyalty.wallet"]
        company = self.env.company
        wallet_alias = query.make_alias(alias, "loyalty_wallet")
        query.add_join(
            "LEFT JOIN",
            wallet_alias,
            Wallet._table,
            SQL(
                "%s = %s AND %s = %s",
                SQL.identifier(wallet_alias, "partner_id"),
                SQL.identifier(alias, "id"),
                SQL.identifier(wallet_alias, "company_id"),
                company.id,
            ),
        )
        # A family member's tier is the family's wallet's.
        family_alias = query.make_alias(wallet_alias, "family")
        query.add_join(
            "LEFT JOIN",
            family_alias,
            "dental_loyalty_family",
            SQL(
                "%s = %s",
                SQL.identifier(family_alias, "id"),
                SQL.identifier(wallet_alias, "family_id"),
            ),
        )
        paying_alias = query.make_alias(family_alias, "wallet")
        query.add_join(
            "LEFT JOIN",
            paying_alias,
            Wallet._table,
            SQL(
                "%s = %s",
                SQL.identifier(paying_alias, "id"),
                SQL.identifier(family_alias, "wallet_id"),
            ),
        )
        Tier = self.env["dental.loyalty.tier"]
        floor = Tier._floor_of(Tier._ladder(company.id))
        to_flush = Wallet._fields["tier_id"] if flush else None
        return SQL(
            "COALESCE(%s, %s, %s)",
            SQL.identifier(paying_alias, "tier_id", to_flush=to_flush),
            SQL.identifier(wallet_alias, "tier_id", to_flush=to_flush),
            floor,
        )

    def _search_loyalty_tier_id(self, operator, value):
        """Patients by the tier of their wallet in the current company."""
        return self._loyalty_wallet_segment([("tier_id", operator, value)])

    def _search_loyalty_wallet_id(self, operator, value):
        """Search the wallet of the current company only, as the field reads."""
        in_company = [("company_id", "=", self.env.company.id)]
        if operator in ("any", "not any") and isinstance(value, list):
            return [("loyalty_wallet_ids", operator, [*in_company, *value])]
        if operator in ("=", "!=") and not value:
            has_wallet = "not any" if operator == "=" else "any"
            return [("loyalty_wallet_ids", has_wallet, in_company)]
        if operator in ("!=", "not in"):
            positive = "=" if operator == "!=" else "in"
            return [
                (
                    "loyalty_wallet_ids",
                    "not any",
                    [*in_company, ("id", positive, value)],
                )
            ]
        return [("loyalty_wallet_ids", "any", [*in_company, ("id", operator, value)])]
