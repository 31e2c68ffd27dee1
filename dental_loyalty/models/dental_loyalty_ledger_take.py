import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, create_index

from ..rules import Lot, replay_takes

_logger = logging.getLogger(__name__)


class DentalLoyaltyLedgerTake(models.Model):
    """Points one negative ledger line took from one lot: what a lot held at
    any past day is its points less the takes dated up to that day. Written by
    the ledger's create, never by hand."""

    _name = "dental.loyalty.ledger.take"
    _description = "Loyalty Points Taken From a Lot"
    _order = "id"
    # Engine records on the register's hot path: no audit columns to fill.
    _log_access = False

    line_id = fields.Many2one(
        "dental.loyalty.ledger",
        string="Taking Line",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    lot_id = fields.Many2one(
        "dental.loyalty.ledger",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    points = fields.Integer(required=True, readonly=True)
    date = fields.Date(required=True, readonly=True)
    wallet_id = fields.Many2one(
        "dental.loyalty.wallet", required=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, ondelete="cascade", readonly=True
    )

    _sql_constraints = [
        ("points_positive", "CHECK(points > 0)", "A take takes points."),
    ]

    def init(self):
        res = super().init()
        # The liability at a day: the takes after it, per company.
        create_index(
            self.env.cr,
            "dental_loyalty_ledger_take_company_date_idx",
            self._table,
            ["company_id", "date", "lot_id", "points"],
        )
        # ... and the lots with points left today, per company.
        create_index(
            self.env.cr,
            "dental_loyalty_ledger_held_lots_idx",
            "dental_loyalty_ledger",
            ["company_id", "date"],
            where="remaining_points > 0",
        )
        return res

    @api.model
    def _record(self, lines, takes):
        """One row per ``(index of the taking line in lines, lot id, points)``."""
        if not takes:
            return self.browse()
        # The engine's bookkeeping of the lines it just posted: nobody writes takes.
        return self.sudo().create(
            [
                {
                    "line_id": lines[index].id,
                    "lot_id": lot_id,
                    "points": points,
                    "date": lines[index].date,
                    "wallet_id": lines[index].wallet_id.id,
                    "company_id": lines[index].company_id.id,
                }
                for index, lot_id, points in takes
            ]
        )

    # ------------------------------------------------------------------
    # Rebuilding from history (migration 18.0.1.8.0)
    # ------------------------------------------------------------------

    @api.model
    def _rebuild_from_history(self, batch_size=2000):
        """The takes of every negative line posted before takes were recorded:
        a line naming its lot (an expiry, a transfer, a refund's take-back)
        took from it; another is replayed per wallet, oldest spendable lots
        first, as the engine took. Where the replay does not give each lot what
        the ledger says it gave today (``points - remaining_points``), the
        wallet's lines are shared again to match (logged). Returns the ids of
        the wallets adjusted."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT DISTINCT l.wallet_id FROM dental_loyalty_ledger l "
                "WHERE l.points < 0 AND NOT EXISTS "
                "(SELECT 1 FROM dental_loyalty_ledger_take t WHERE t.line_id = l.id) "
                "ORDER BY 1"
            )
        )
        wallet_ids = [row[0] for row in cr.fetchall()]
        adjusted = []
        for start in range(0, len(wallet_ids), batch_size):
            adjusted += self._rebuild_wallets(wallet_ids[start : start + batch_size])
        _logger.info(
            "Loyalty takes rebuilt for %s wallets; %s needed an adjustment to "
            "match what their lots hold today.",
            len(wallet_ids),
            len(adjusted),
        )
        return adjusted

    def _rebuild_wallets(self, wallet_ids):
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT id, wallet_id, company_id, points, remaining_points, lot_id, "
                "date, available_date, expiry_date "
                "FROM dental_loyalty_ledger WHERE wallet_id = ANY(%s) ORDER BY id",
                wallet_ids,
            )
        )
        rows = defaultdict(list)
        for row in cr.fetchall():
            rows[row[1]].append(row)
        adjusted, values = [], []
        for wallet_id, wallet_rows in rows.items():
            company_id = wallet_rows[0][2]
            dates = {row[0]: row[6] for row in wallet_rows}
            lots = [
                Lot(row[0], row[3], row[7] or row[6], row[8], row[6])
                for row in wallet_rows
                if row[3] > 0
            ]
            # A line's date is the day the engine posted it, but for a register's
            # sale synced late (dated by the visit): its replay may then disagree,
            # and the wallet is adjusted.
            lines = [
                (row[0], row[3], row[5], row[6]) for row in wallet_rows if row[3] < 0
            ]
            takes, was_adjusted = replay_takes(
                lines,
                lots,
                {row[0]: row[3] - row[4] for row in wallet_rows if row[3] > 0},
            )
            if was_adjusted:
                adjusted.append(wallet_id)
            values += [
                (line_id, lot_id, points, dates[line_id], wallet_id, company_id)
                for line_id, lot_id, points in takes
            ]
        if values:
            cr.execute(
                SQL(
                    "INSERT INTO dental_loyalty_ledger_take "
                    "(line_id, lot_id, points, date, wallet_id, company_id) "
                    "SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], "
                    "%s::date[], %s::int[], %s::int[])",
                    *(list(column) for column in zip(*values, strict=True)),
                )
            )
        return adjusted
