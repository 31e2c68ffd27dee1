"""Time the liability on the benchmark's database (after generate.py).

First the migration's rebuild of the takes for the generated history (the
generator inserts lines without them), committed with ``--rebuild``; then, rolled
back, ``_figures_at`` at today, 90 and 365 days back, the breakage rate over the
12 months before today, and the report's lines (one query), each with its wall
time and SQL query count, and the plan of the query at a year back.
"""

import time
from datetime import timedelta

from odoo_env import environment, parse_args, write_json

from odoo.tools import SQL


def timed(env, job):
    before = env.cr.sql_log_count
    started = time.perf_counter()
    result = job()
    return result, {
        "s": round(time.perf_counter() - started, 3),
        "queries": env.cr.sql_log_count - before,
    }


def main():
    args = parse_args(
        __doc__,
        lambda parser: parser.add_argument("--rebuild", action="store_true"),
    )
    figures = {}
    if args.rebuild:
        with environment(commit=True) as env:
            Take = env["dental.loyalty.ledger.take"]
            adjusted, figures["rebuild"] = timed(env, Take._rebuild_from_history)
            figures["rebuild"]["adjusted_wallets"] = len(adjusted)
            env.cr.execute("ANALYZE dental_loyalty_ledger_take")
            env.cr.execute("SELECT count(*) FROM dental_loyalty_ledger_take")
            figures["rebuild"]["takes"] = env.cr.fetchone()[0]
    with environment() as env:
        Liability = env["dental.loyalty.liability"]
        company = env.ref("base.main_company")
        env.cr.execute("SELECT max(date) FROM dental_loyalty_ledger")
        today = env.cr.fetchone()[0]
        for back in (0, 90, 365):
            day = today - timedelta(days=back)
            result, figures[f"figures_at_-{back}d"] = timed(
                env, lambda day=day: Liability._figures_at(company, day)
            )
            figures[f"figures_at_-{back}d"]["points"] = result["points"]
        rate, figures["breakage_12_months"] = timed(
            env,
            lambda: Liability._breakage_rate(
                company, today - timedelta(days=365), today
            ),
        )
        figures["breakage_12_months"]["rate"] = round(rate, 4)
        report = env["dental.loyalty.liability.report"].create(
            {"date": today - timedelta(days=365)}
        )
        _none, figures["report_lines_-365d"] = timed(
            env,
            lambda: env["dental.loyalty.liability.line"]._fill(report, company),
        )
        env.cr.execute(
            SQL(
                "EXPLAIN (ANALYZE, BUFFERS) %s",
                Liability._held_lots_sql(company, today - timedelta(days=365)),
            )
        )
        figures["plan_-365d"] = [row[0] for row in env.cr.fetchall()]
    write_json(args.out, figures)


if __name__ == "__main__":
    main()
