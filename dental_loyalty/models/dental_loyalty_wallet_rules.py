from dataclasses import replace

from odoo import fields, models
from odoo.tools import SQL

from ..rules import award_rules, cap_window, in_audience, in_period, in_scope


class DentalLoyaltyWallet(models.Model):
    """Earning rules at settlement: what the company's rules give a sale, on
    the sale's own lines, for the member who came, at the server's time of the
    sale, within what each capped rule already gave that member; one ledger
    line per rule, which keeps the rule's basis, factor and cap as they were."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.wallet"  # pylint: disable=consider-merging-classes-inherited

    def _rule_vals(self, key, rule_sale, share, source_vals):
        """Ledger values of the rules' points on a sale: ``rule_sale`` is
        (:class:`RuleLine` list, :class:`RulePatient`, clinic-local time, and
        optionally the ids of the sale's lines the rule lines are) from the
        adapter, or None when the company has no rule; ``share`` what money
        paid of the bill. The patient's tier is this wallet's: the one that
        pays and earns. Runs under the wallet's lock (``_settle_sale``)."""
        self.ensure_one()
        if not rule_sale:
            return []
        company = self.company_id
        rules = self.env["dental.loyalty.earning.rule"]._engine_rules(company)
        rule_lines, patient, when, *line_ids = rule_sale
        line_ids = line_ids[0] if line_ids else None
        if not rules or not rule_lines:
            return []
        patient = replace(patient, tier_id=self.tier_id.id or None)
        tier_multiplier = self.tier_id.multiplier or 1.0
        rate = company.dental_loyalty_earn_rate
        day = fields.Date.to_date(source_vals.get("date")) or when.date()
        capped = [
            rule
            for rule in rules
            if rule.cap_points
            and rule.cap_period != "bill"
            and in_audience(rule, patient)
            and in_period(rule, when)
        ]
        used = self._rule_points_used(
            capped, source_vals.get("member_id") or self.partner_id.id, day
        )
        awards = award_rules(
            rules,
            rule_lines,
            patient=patient,
            when=when,
            share=share,
            rate=rate,
            tier_multiplier=tier_multiplier,
            used=used,
        )
        # Named in the language of who syncs, as their register names it (the
        # sync runs in a context of its own: the user's language).
        names = self.env["dental.loyalty.earning.rule"]._engine_rule_names(
            company, self.env.lang or self.env.user.lang
        )
        vals_list = []
        for award in awards:
            rule = award.rule
            vals_list.append(
                self._line_vals(
                    key,
                    "rule",
                    award.points,
                    source_vals,
                    unique_key=f"{key}:rule:{rule.id}",
                    earning_rule_id=rule.id,
                    rule_basis=award.basis,
                    rule_factor=rule.factor - 1
                    if rule.effect == "multiplier"
                    else rule.factor,
                    rule_cap=rule.cap_points,
                    rule_effect=rule.effect,
                    rule_cap_period=rule.cap_period,
                    earn_rate=rate,
                    tier_multiplier=tier_multiplier if rule.tier_multiplied else 1.0,
                    reason=names.get(rule.id) or rule.name,
                    # The lines it gave on, as its scope is now: what a refund
                    # takes its points back by (in the same INSERT).
                    rule_order_line_ids=line_ids
                    and [
                        line_id
                        for line_id, line in zip(line_ids, rule_lines, strict=True)
                        if in_scope(rule, line)
                    ],
                )
            )
        return vals_list

    def _rule_points_used(self, rules, member_id, day):
        """{rule id: points the rule gave ``member_id`` in its cap window that
        holds ``day`` (by the lines' date), less what refunds took back of
        them}, for the capped ``rules``, in one query; none without one."""
        if not rules:
            return {}
        windows = []
        for rule in rules:
            first, last = cap_window(rule.cap_period, day)
            window = SQL("line.earning_rule_id = %s", rule.id)
            if first:
                window = SQL(
                    "(%s AND line.date BETWEEN %s AND %s)", window, first, last
                )
            windows.append(window)
        self.env["dental.loyalty.ledger"].flush_model(
            ["kind", "points", "member_id", "earning_rule_id", "date", "lot_id"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.earning_rule_id,
                       SUM(line.points) + COALESCE(SUM(back.points), 0)
                  FROM dental_loyalty_ledger line
                  LEFT JOIN LATERAL (
                      SELECT SUM(reversal.points) AS points
                        FROM dental_loyalty_ledger reversal
                       WHERE reversal.lot_id = line.id
                         AND reversal.kind = 'earn_reversal'
                  ) back ON TRUE
                 WHERE line.kind = 'rule'
                   AND line.member_id = %s
                   AND line.company_id = %s
                   AND (%s)
              GROUP BY line.earning_rule_id
                """,
                member_id,
                self.company_id.id,
                SQL(" OR ").join(windows),
            )
        )
        return {rule_id: max(points or 0, 0) for rule_id, points in rows}
