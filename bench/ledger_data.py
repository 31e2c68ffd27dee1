"""Ledger history written straight in SQL, keeping the model's invariants.

Lots are the positive lines: ``remaining_points`` is what negative lines left of
them, ``is_released`` says the waiting period is over. Negative lines take whole
lots, oldest first, so history lots are spent (remaining 0) and only the lots a
scenario needs stay open. The wallets' stored figures (points and the day of the
last visit) are then recomputed from the lines in one set-based UPDATE, as
``_compute_points`` would.
"""

WALLET_FIGURES_SQL = """
    UPDATE dental_loyalty_wallet wallet
       SET points_balance = figures.balance,
           points_available = figures.available,
           points_pending = figures.pending,
           points_lifetime = figures.lifetime,
           last_visit_date = figures.last_visit
      FROM (
            SELECT wallet_id,
                   SUM(points) AS balance,
                   COALESCE(SUM(remaining_points) FILTER (WHERE is_released), 0)
                       AS available,
                   COALESCE(SUM(remaining_points)
                            FILTER (WHERE is_released IS NOT TRUE), 0) AS pending,
                   COALESCE(SUM(points)
                            FILTER (WHERE kind IN ('earn', 'earn_reversal', 'recall')),
                            0) AS lifetime,
                   MAX(date) FILTER (WHERE kind IN ('earn', 'spend', 'recall'))
                       AS last_visit
              FROM dental_loyalty_ledger
             WHERE wallet_id BETWEEN %(first)s AND %(last)s
          GROUP BY wallet_id
           ) figures
     WHERE wallet.id = figures.wallet_id
"""


def recompute_wallets(cr, first_id, last_id):
    """The cached sums of the wallets with ids from ``first_id`` to ``last_id``,
    from their lines (what _compute_points stores)."""
    cr.execute(WALLET_FIGURES_SQL, {"first": first_id, "last": last_id})


def insert_spent_history(cr, wallet_id, *, user_id, lines, today, open_points):
    """``lines`` ledger lines for one wallet: lots and the spends that took all of
    each the next day, spread over the last two years, then one open lot of
    ``open_points`` (released, expiring in a year) for the bench's orders."""
    pairs = max((lines - 1) // 2, 0)
    cr.execute(
        """
        INSERT INTO dental_loyalty_ledger
               (wallet_id, partner_id, company_id, currency_id, kind, points,
                remaining_points, is_released, date, available_date, expiry_date,
                paid_amount, user_id, reason, create_uid, write_uid, create_date,
                write_date)
        SELECT wallet.id, wallet.partner_id, wallet.company_id,
               (SELECT currency_id FROM res_company WHERE id = wallet.company_id),
               line.kind, line.points, line.remaining, line.released, line.day,
               CASE WHEN line.points > 0 THEN line.day END,
               CASE WHEN line.points > 0
                    THEN (line.day + INTERVAL '12 months')::date END,
               CASE WHEN line.kind = 'earn' THEN line.points END,
               %(user_id)s, 'Bench history', %(user_id)s, %(user_id)s,
               NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
          FROM dental_loyalty_wallet wallet,
               LATERAL (
                   SELECT CASE WHEN side = 0 THEN 'earn' ELSE 'spend' END AS kind,
                          (1 - 2 * side) * (50 + (pair * 37) %% 300) AS points,
                          CASE WHEN side = 0 THEN 0 END AS remaining,
                          CASE WHEN side = 0 THEN TRUE END AS released,
                          %(today)s::date - 720 + (pair * 700) / GREATEST(%(pairs)s, 1)
                              + side AS day
                     FROM generate_series(0, %(pairs)s - 1) pair,
                          (VALUES (0), (1)) sides(side)
                   UNION ALL
                   -- an even count: one more small lot, still open
                   SELECT 'adjust', 1, 1, TRUE, %(today)s::date - 2
                    WHERE %(lines)s > 2 * %(pairs)s + 1
                   UNION ALL
                   SELECT 'adjust', %(open_points)s, %(open_points)s, TRUE,
                          %(today)s::date - 1
               ) line
         WHERE wallet.id = %(wallet_id)s
        """,
        {
            "wallet_id": wallet_id,
            "user_id": user_id,
            "today": today,
            "pairs": pairs,
            "lines": lines,
            "open_points": open_points,
        },
    )
    recompute_wallets(cr, wallet_id, wallet_id)
