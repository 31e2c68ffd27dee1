from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .dental_loyalty_input import check_record_ids


class DentalLoyaltyWallet(models.Model):
    """Integrity: invariants 1 and 7 of docs/architecture.md, checked from
    the lines themselves."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.wallet"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _integrity_problems(self, wallet_ids=None):
        """{wallet id: [problem, ...]} for every wallet (or those of
        ``wallet_ids``) whose lines do not add up to what their lots hold, whose
        cached figures differ from their recomputation, or whose points are not
        worth what the rules give (``_value_problems``). Read-only."""
        where = (
            SQL("TRUE")
            if wallet_ids is None
            else SQL("w.id IN %s", tuple(wallet_ids) or (0,))
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT w.id, w.points_balance, w.points_available, w.points_pending,
                       w.points_lifetime,
                       COALESCE(SUM(l.points), 0),
                       COALESCE(SUM(l.remaining_points) FILTER (WHERE l.points > 0), 0),
                       COALESCE(SUM(l.remaining_points)
                                FILTER (WHERE l.points > 0 AND l.is_released), 0),
                       COALESCE(SUM(l.remaining_points)
                                FILTER (WHERE l.points > 0
                                          AND l.is_released IS NOT TRUE), 0),
                       COALESCE(SUM(l.points) FILTER (WHERE l.kind IN %s), 0),
                       COUNT(l.id)
                            FILTER (WHERE l.points < 0 AND l.remaining_points > 0),
                       (ARRAY_AGG(l.balance_after ORDER BY l.id DESC))[1]
                  FROM dental_loyalty_wallet w
                  LEFT JOIN dental_loyalty_ledger l ON l.wallet_id = w.id
                 WHERE %s
              GROUP BY w.id
                """,
                tuple(self.env["dental.loyalty.ledger"]._earning_kinds()),
                where,
            )
        )
        problems = {}
        for row in self.env.cr.fetchall():
            (
                wallet_id,
                balance,
                available,
                pending,
                lifetime,
                line_sum,
                lots_hold,
                lots_available,
                lots_pending,
                lines_lifetime,
                open_debits,
                last_balance,
            ) = row
            found = []
            if line_sum != lots_hold:
                found.append(
                    self.env._(
                        "the lines add up to %(lines)s but the lots hold %(lots)s",
                        lines=line_sum,
                        lots=lots_hold,
                    )
                )
            if line_sum < 0:
                found.append(self.env._("the balance is negative (%s)", line_sum))
            if last_balance is not None and last_balance != line_sum:
                found.append(
                    self.env._(
                        "the running balance ends at %(last)s instead of %(lines)s",
                        last=last_balance,
                        lines=line_sum,
                    )
                )
            if open_debits:
                found.append(
                    self.env._("debit lines that claim to hold points: %s", open_debits)
                )
            for label, cached, recomputed in (
                (self.env._("balance"), balance, line_sum),
                (self.env._("spendable points"), available, lots_available),
                (self.env._("pending points"), pending, lots_pending),
                (self.env._("lifetime points"), lifetime, lines_lifetime),
            ):
                if cached != recomputed:
                    found.append(
                        self.env._(
                            "the cached %(figure)s read %(cached)s instead of "
                            "%(recomputed)s",
                            figure=label,
                            cached=cached,
                            recomputed=recomputed,
                        )
                    )
            if found:
                problems[wallet_id] = found
        # Adding up is not enough: the value behind the points is audited too.
        for wallet_id, found in self._value_problems(wallet_ids).items():
            problems.setdefault(wallet_id, []).extend(found)
        for wallet_id, lots in self._take_problems(wallet_ids).items():
            problems.setdefault(wallet_id, []).append(
                self.env._(
                    "lots whose recorded takes differ from what they gave: %s", lots
                )
            )
        return problems

    def _take_problems(self, wallet_ids=None):
        """{wallet id: number of lots} whose takes (``dental.loyalty.ledger.take``,
        which the liability at a past date reads) do not add up to what the lot
        gave: its points less what it holds."""
        where = (
            SQL("TRUE")
            if wallet_ids is None
            else SQL("lot.wallet_id IN %s", tuple(wallet_ids) or (0,))
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT lot.wallet_id, COUNT(*)
                  FROM dental_loyalty_ledger lot
                  LEFT JOIN LATERAL (
                      SELECT SUM(take.points) AS taken
                        FROM dental_loyalty_ledger_take take
                       WHERE take.lot_id = lot.id
                  ) given ON TRUE
                 WHERE lot.points > 0 AND %s
                   AND lot.points - lot.remaining_points <> COALESCE(given.taken, 0)
              GROUP BY lot.wallet_id
                """,
                where,
            )
        )
        return dict(self.env.cr.fetchall())

    def action_check_integrity(self):
        """Managers: check the selected wallets (all from the list's menu) and say
        what was found; problems also leave a to-do."""
        check_record_ids(self)
        if not self.env.user.has_group("dental_loyalty.group_dental_loyalty_manager"):
            raise AccessError(
                self.env._("Only loyalty managers check that wallets add up.")
            )
        # The wallets named, else all those of the manager's clinics (the
        # record rule): never another clinic's, which would get the to-dos.
        wallets = self or self.search([("company_id", "in", self.env.companies.ids)])
        wallets.check_access("read")
        problems = self._check_integrity(wallets.ids)
        if problems:
            message = self.env._(
                "Wallets that do not add up: %(count)s. A to-do was left for each.",
                count=len(problems),
            )
            kind = "warning"
        else:
            message = self.env._("Every checked wallet adds up.")
            kind = "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": bool(problems)},
        }

    @api.model
    def _check_integrity(self, wallet_ids=None):
        problems = self._integrity_problems(wallet_ids)
        if problems:
            # Wallets the check found: the to-dos are the engine's to leave.
            wallets = self.sudo().browse(problems)
            wallets._schedule_manager_activities(
                {
                    wallet: self.env._(
                        "The loyalty wallet does not add up: %s.",
                        "; ".join(problems[wallet.id]),
                    )
                    for wallet in wallets
                },
                self.env._("Loyalty wallet does not add up"),
            )
        return problems

    @api.model
    def _cron_check_integrity(self):
        """Daily: check every wallet (read-only, no lock held) and leave a to-do
        for the managers about each one that does not add up."""
        problems = self._check_integrity()
        self.env["ir.cron"]._notify_progress(done=self.search_count([]), remaining=0)
        return problems
