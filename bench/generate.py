"""Bulk data for the daily jobs: patients, wallets, ledger lines, reservations.

Inserted set-based (INSERT ... SELECT generate_series), ids taken from each
table's sequence, then the wallets' stored figures recomputed in one UPDATE and
the whole committed. Each patient has BENCH_LINES / BENCH_PATIENTS ledger lines
(at least 4): lots spent long ago (FIFO: each spend takes the oldest lot) and
two recent lots, A and B, which give the daily jobs their work:

  patient % 10 == 0  lot A is past its expiry date, unspent      -> expire job
  patient % 10 == 1  lot B waits for a date already passed        -> release job
  patient % 10 == 2  lot B waits for a date still to come         (left alone)
  patient % 10 == 3  lot A already expired by an earlier run (an expire line); no
                     visit since lot A, 400 days ago                -> dormant job
  patient % 10 == 4  lot A expires within the next 28 days          -> expiry warnings

Tiers are what the last 12 months earned, except for a drifted few:
patient % 20 == 0 hold the tier of their lifetime points (the re-evaluation may
downgrade them), patient % 50 == 1 have no tier yet, patient % 500 == 7 are pinned.
One reservation per 20 patients: four in five lapsed over a week ago (the job
deletes them), the rest still live. Birthdays are spread over the year (one
patient in 365 has theirs today), one patient in four has a second date (one in
1,460 today); Silver and Gold give birthday and second date points.

Environment: BENCH_PATIENTS (100,000), BENCH_LINES (1,000,000).
"""

import os
import time

from ledger_data import recompute_wallets
from odoo_env import environment, parse_args, write_json

from odoo import fields

LEDGER_SQL = """
    INSERT INTO dental_loyalty_ledger
           (id, wallet_id, partner_id, company_id, currency_id, kind, points,
            remaining_points, is_released, date, available_date, expiry_date, lot_id,
            paid_amount, user_id, reason, create_uid, write_uid, create_date,
            write_date)
    SELECT %(first_line)s + (patient - 1) * %(per_patient)s + k,
           %(first_wallet)s + patient - 1, %(first_partner)s + patient - 1, %(company)s,
           (SELECT currency_id FROM res_company WHERE id = %(company)s),
           line.kind, line.points, line.remaining, line.released,
           line.day, line.available,
           CASE WHEN line.points > 0 THEN (line.day + INTERVAL '12 months')::date END,
           CASE WHEN line.kind = 'expire'
                THEN %(first_line)s + (patient - 1) * %(per_patient)s + k - 1 END,
           CASE WHEN line.kind = 'earn' THEN line.points END,
           %(user)s, line.reason, %(user)s, %(user)s, %(now)s, %(now)s
      FROM generate_series(1, %(patients)s) patient,
           generate_series(0, %(per_patient)s - 1) k,
           LATERAL (
               SELECT k / 2 AS pair, k %% 2 AS side,
                      50 + (patient * 31 + (k / 2) * 17) %% 300 AS pair_points,
                      %(today)s::date - 1100 + ((k / 2) * 680) / GREATEST(%(pairs)s, 1)
                          AS pair_day,
                      100 + patient %% 400 AS a_points,
                      CASE WHEN patient %% 10 IN (0, 3) THEN %(today)s::date - 400
                           WHEN patient %% 10 = 4
                           THEN %(today)s::date - 364 + patient %% 28
                           ELSE %(today)s::date - 90 END AS a_day,
                      50 + (patient * 7) %% 200 AS b_points
           ) shape,
           LATERAL (
               -- spent history: a lot, then the spend that took all of it next day
               SELECT CASE WHEN side = 0 THEN 'earn' ELSE 'spend' END AS kind,
                      (1 - 2 * side) * pair_points AS points,
                      CASE WHEN side = 0 THEN 0 END AS remaining,
                      CASE WHEN side = 0 THEN TRUE END AS released,
                      pair_day + side AS day,
                      CASE WHEN side = 0 THEN pair_day END AS available,
                      NULL AS reason
                WHERE k < 2 * %(pairs)s
               UNION ALL
               -- lot A
               SELECT 'earn', a_points,
                      CASE WHEN patient %% 10 = 3 THEN 0 ELSE a_points END,
                      TRUE, a_day, a_day, NULL
                WHERE k = 2 * %(pairs)s
               UNION ALL
               -- lot B, or the line that expired lot A
               SELECT 'expire', -a_points, NULL, NULL,
                      (a_day + INTERVAL '12 months')::date, NULL, 'Expired'
                WHERE k = 2 * %(pairs)s + 1 AND patient %% 10 = 3
               UNION ALL
               SELECT 'earn', b_points, b_points,
                      patient %% 10 NOT IN (1, 2),
                      %(today)s::date - CASE patient %% 10
                          WHEN 1 THEN 5 WHEN 2 THEN 1 ELSE 30 END,
                      %(today)s::date + CASE patient %% 10
                          WHEN 1 THEN -2 WHEN 2 THEN 2 ELSE -30 END,
                      NULL
                WHERE k = 2 * %(pairs)s + 1 AND patient %% 10 <> 3
               UNION ALL
               -- an odd count: a small adjustment, still open
               SELECT 'adjust', 10, 10, TRUE, %(today)s::date - 60,
                      %(today)s::date - 60, 'Goodwill'
                WHERE k = 2 * %(pairs)s + 2
           ) line
"""

TAKES_SQL = """
    INSERT INTO dental_loyalty_ledger_take
           (line_id, lot_id, points, date, wallet_id, company_id)
    SELECT taker.id, lot.id, -taker.points, taker.date, taker.wallet_id,
           taker.company_id
      FROM dental_loyalty_ledger taker
      JOIN dental_loyalty_ledger lot ON lot.id = taker.id - 1
     WHERE taker.id BETWEEN %(first_line)s AND %(last_line)s AND taker.points < 0
"""

TIER_SQL = """
    UPDATE dental_loyalty_wallet wallet
       SET tier_id = (
               SELECT tier.id FROM dental_loyalty_tier tier
                WHERE tier.company_id = wallet.company_id AND tier.active
                  AND tier.threshold <= figure.points
             ORDER BY tier.threshold DESC LIMIT 1),
           tier_date = %(today)s::date - 100
      FROM (
            SELECT wallet.id AS wallet_id,
                   CASE WHEN (wallet.id - %(first_wallet)s + 1) %% 20 = 0
                        THEN wallet.points_lifetime
                        ELSE COALESCE(SUM(line.points), 0) END AS points
              FROM dental_loyalty_wallet wallet
         LEFT JOIN dental_loyalty_ledger line
                ON line.wallet_id = wallet.id AND line.kind IN ('earn', 'earn_reversal')
               AND line.date >= %(today)s::date - INTERVAL '12 months'
             WHERE wallet.id BETWEEN %(first_wallet)s AND %(last_wallet)s
          GROUP BY wallet.id
           ) figure
     WHERE wallet.id = figure.wallet_id
"""


def take_ids(cr, table, count):
    """The first of ``count`` ids taken from ``table``'s sequence."""
    cr.execute(f"SELECT nextval('{table}_id_seq')")
    first = cr.fetchone()[0]
    cr.execute(f"SELECT setval('{table}_id_seq', %s)", [first + count - 1])
    return first


def generate(env, patients, per_patient):
    cr = env.cr
    company = env.company
    company.write(
        {
            "dental_loyalty_earn_rate": 1.0,
            "dental_loyalty_point_value": 0.01,
            "dental_loyalty_waiting_days": 0,
            "dental_loyalty_validity_months": 12,
            "dental_loyalty_max_share": 30.0,
            "dental_loyalty_tier_basis": "points",
            "dental_loyalty_tier_window_months": 12,
        }
    )
    gifts = {"Silver": (100, 50), "Gold": (200, 100)}
    for tier in env["dental.loyalty.tier"].search([("company_id", "=", company.id)]):
        birthday, anniversary = gifts.get(tier.name, (0, 0))
        tier.write({"birthday_points": birthday, "anniversary_points": anniversary})
    env.flush_all()
    today = fields.Date.context_today(env["dental.loyalty.ledger"])
    now = fields.Datetime.now()
    user = env.ref("base.user_admin").id
    figures = {"patients": patients, "lines_per_patient": per_patient}
    timings = {}

    start = time.perf_counter()
    first_partner = take_ids(cr, "res_partner", patients)
    cr.execute(
        """
        INSERT INTO res_partner
               (id, name, complete_name, commercial_partner_id, active, type,
                is_company, partner_share, autopost_bills, lang, dental_birthday,
                dental_anniversary, create_uid, write_uid, create_date, write_date)
        SELECT %(first)s + n - 1, 'Bench Patient ' || n, 'Bench Patient ' || n,
               %(first)s + n - 1, TRUE, 'contact', FALSE, TRUE, 'ask', 'en_US',
               (%(today)s::date - n %% 365
                - make_interval(years => 18 + n %% 60))::date,
               CASE WHEN n %% 4 = 0 THEN (%(today)s::date - (n * 7) %% 365
                    - make_interval(years => 1 + n %% 30))::date END,
               %(user)s, %(user)s, %(now)s, %(now)s
          FROM generate_series(1, %(patients)s) n
        """,
        {
            "first": first_partner,
            "patients": patients,
            "today": today,
            "user": user,
            "now": now,
        },
    )
    first_wallet = take_ids(cr, "dental_loyalty_wallet", patients)
    last_wallet = first_wallet + patients - 1
    cr.execute(
        """
        INSERT INTO dental_loyalty_wallet
               (id, partner_id, company_id, tier_pinned, member_since, consent_mail,
                consent_sms, create_uid, write_uid, create_date, write_date)
        SELECT %(first)s + n - 1, %(first_partner)s + n - 1, %(company)s,
               n %% 500 = 7, %(now)s::date - 400, TRUE, TRUE,
               %(user)s, %(user)s, %(now)s, %(now)s
          FROM generate_series(1, %(patients)s) n
        """,
        {
            "first": first_wallet,
            "first_partner": first_partner,
            "company": company.id,
            "patients": patients,
            "user": user,
            "now": now,
        },
    )
    timings["patients_and_wallets_s"] = time.perf_counter() - start

    start = time.perf_counter()
    lines = patients * per_patient
    first_line = take_ids(cr, "dental_loyalty_ledger", lines)
    cr.execute(
        LEDGER_SQL,
        {
            "first_line": first_line,
            "first_wallet": first_wallet,
            "first_partner": first_partner,
            "company": company.id,
            "patients": patients,
            "per_patient": per_patient,
            "pairs": (per_patient - 2) // 2,
            "today": today,
            "user": user,
            "now": now,
        },
    )
    figures["ledger_lines"] = cr.rowcount
    # What each negative line took from its lot, as the ledger's create records
    # it (the liability at a past date reads it; the integrity check compares
    # it with the lots): here each one takes the whole lot just before it.
    cr.execute(
        TAKES_SQL, {"first_line": first_line, "last_line": first_line + lines - 1}
    )
    figures["takes"] = cr.rowcount
    timings["ledger_lines_s"] = time.perf_counter() - start

    start = time.perf_counter()
    recompute_wallets(cr, first_wallet, last_wallet)
    cr.execute(
        TIER_SQL,
        {"first_wallet": first_wallet, "last_wallet": last_wallet, "today": today},
    )
    cr.execute(
        """
        UPDATE dental_loyalty_wallet SET tier_id = NULL, tier_date = NULL
         WHERE id BETWEEN %(first)s AND %(last)s AND (id - %(first)s + 1) %% 50 = 1
        """,
        {"first": first_wallet, "last": last_wallet},
    )
    timings["wallet_figures_and_tiers_s"] = time.perf_counter() - start

    start = time.perf_counter()
    reservations = max(patients // 20, 1)
    cr.execute(
        """
        INSERT INTO dental_loyalty_reservation
               (wallet_id, order_uuid, points, amount, bill_total, expires_at,
                create_uid, write_uid, create_date, write_date)
        SELECT %(first_wallet)s + (r * 20) %% %(patients)s, 'bench-reservation-' || r,
               100, 1.0, 10.0,
               CASE WHEN r %% 5 = 0 THEN %(now)s + INTERVAL '20 minutes'
                    ELSE %(now)s - (8 + r %% 20) * INTERVAL '1 day' END,
               %(user)s, %(user)s, %(now)s, %(now)s
          FROM generate_series(1, %(reservations)s) r
        """,
        {
            "first_wallet": first_wallet,
            "patients": patients,
            "reservations": reservations,
            "now": now,
            "user": user,
        },
    )
    figures["reservations"] = reservations
    timings["reservations_s"] = time.perf_counter() - start

    figures.update(work_waiting(cr, first_wallet, last_wallet, today, now))
    figures.update(greetings_waiting(cr, first_partner, patients, today))
    return figures, timings


def work_waiting(cr, first_wallet, last_wallet, today, now):
    """What the daily jobs will find, counted straight from the tables."""
    bounds = {"first": first_wallet, "last": last_wallet, "today": today, "now": now}
    cr.execute(
        """
        SELECT COUNT(*) FILTER (WHERE is_released IS NOT TRUE AND points > 0
                                  AND available_date <= %(today)s),
               COUNT(*) FILTER (WHERE remaining_points > 0 AND expiry_date <= %(today)s)
          FROM dental_loyalty_ledger WHERE wallet_id BETWEEN %(first)s AND %(last)s
        """,
        bounds,
    )
    due, expiring = cr.fetchone()
    cr.execute(
        """
        SELECT COUNT(*) FILTER (WHERE NOT tier_pinned),
               COUNT(*) FILTER (WHERE tier_pinned)
          FROM dental_loyalty_wallet WHERE id BETWEEN %(first)s AND %(last)s
        """,
        bounds,
    )
    unpinned, pinned = cr.fetchone()
    cr.execute(
        "SELECT COUNT(*) FROM dental_loyalty_wallet "
        "WHERE id BETWEEN %(first)s AND %(last)s AND dormant_since IS NULL "
        "AND last_visit_date < %(today)s::date - INTERVAL '6 months'",
        bounds,
    )
    (dormant,) = cr.fetchone()
    cr.execute(
        "SELECT COUNT(*) FROM dental_loyalty_reservation "
        "WHERE expires_at <= %(now)s - INTERVAL '7 days'",
        bounds,
    )
    (lapsed,) = cr.fetchone()
    return {
        "lots_due_for_release": due,
        "lots_due_to_expire": expiring,
        "wallets_to_evaluate": unpinned,
        "wallets_pinned": pinned,
        "wallets_dormant": dormant,
        "reservations_lapsed_over_a_week": lapsed,
    }


def greetings_waiting(cr, first_partner, patients, today):
    """Birthdays and second dates falling today, and patients with points
    expiring within the default 30 days' warning."""
    bounds = {"first": first_partner, "last": first_partner + patients - 1}
    cr.execute(
        """
        SELECT COUNT(*) FILTER (WHERE to_char(dental_birthday, 'MM-DD')
                                      = to_char(%(today)s::date, 'MM-DD')),
               COUNT(*) FILTER (WHERE to_char(dental_anniversary, 'MM-DD')
                                      = to_char(%(today)s::date, 'MM-DD'))
          FROM res_partner WHERE id BETWEEN %(first)s AND %(last)s
        """,
        {**bounds, "today": today},
    )
    birthdays, anniversaries = cr.fetchone()
    cr.execute(
        """
        SELECT COUNT(DISTINCT wallet_id) FROM dental_loyalty_ledger
         WHERE partner_id BETWEEN %(first)s AND %(last)s AND remaining_points > 0
           AND expiry_date > %(today)s AND expiry_date <= %(today)s::date + 30
        """,
        {**bounds, "today": today},
    )
    (expiring,) = cr.fetchone()
    return {
        "birthdays_today": birthdays,
        "second_dates_today": anniversaries,
        "patients_with_points_expiring_within_30_days": expiring,
    }


def main():
    args = parse_args(__doc__.splitlines()[0])
    patients = int(os.environ.get("BENCH_PATIENTS", "100000"))
    lines = int(os.environ.get("BENCH_LINES", "1000000"))
    per_patient = max(lines // patients, 4)
    started = time.perf_counter()
    with environment(commit=True) as env:
        figures, timings = generate(env, patients, per_patient)
    figures["timings"] = {name: round(s, 1) for name, s in timings.items()}
    figures["wall_s"] = round(time.perf_counter() - started, 1)
    write_json(args.out, figures)


if __name__ == "__main__":
    main()
