"""Time one of dental_loyalty's scheduled jobs, in a process of its own.

``--list`` prints the jobs found: every ``_cron_*`` method that a dental_loyalty
model class defines, and its autovacuum methods. ``--job model:method`` runs one as
the scheduler would (as the superuser, no arguments, one batch per call, each call
committed, called again while it returns that some are left) and measures wall
time, SQL queries and the process's peak resident memory over all its calls. It
commits: bench/run gives each job a copy of the data of its own, so that every job
sees the same data.
"""

import inspect
import time

from odoo_env import current_rss_mib, environment, parse_args, peak_rss_mib, write_json

ADDON_MODULE = "odoo.addons.dental_loyalty."
# A job still returning work after this many calls is looping: stop measuring.
MAX_CALLS = 10000


def discover_jobs(env):
    """``model:method`` of each ``_cron_`` method written in dental_loyalty."""
    jobs = []
    for model_name in sorted(env.registry):
        for cls in type(env[model_name]).__mro__:
            if not cls.__module__.startswith(ADDON_MODULE):
                continue
            for name, member in vars(cls).items():
                if inspect.isfunction(member) and (
                    name.startswith("_cron_") or getattr(member, "_autovacuum", False)
                ):
                    job = f"{model_name}:{name}"
                    if job not in jobs:
                        jobs.append(job)
    return jobs


def loyalty_tables(env):
    tables = [
        model._table
        for name, model in sorted(env.registry.items())
        if name.startswith("dental.loyalty.")
        and not model._abstract
        and not model._transient
        # Reports are SQL views, and tables without write_date (the takes of
        # lots) are written with their ledger lines.
        and model._auto
        and model._log_access
    ]
    return [*tables, "mail_message"]


def row_counts(cr, tables, since):
    """Rows in each table, and rows written since ``since`` (write_date is the
    time of the transaction that wrote the row)."""
    counts = {}
    for table in tables:
        cr.execute(
            f"SELECT COUNT(*), COUNT(*) FILTER (WHERE write_date >= %s) FROM {table}",
            [since],
        )
        counts[table] = cr.fetchone()
    return counts


def run_job(env, job):
    model_name, method = job.split(":")
    model = env[model_name]
    cr = env.cr
    tables = loyalty_tables(env)
    cr.execute("SELECT NOW() AT TIME ZONE 'UTC'")
    (since,) = cr.fetchone()
    counts_before = row_counts(cr, tables, since)
    cr.commit()
    env.invalidate_all()
    rss_before = current_rss_mib()
    before = cr.sql_log_count
    start = time.perf_counter()
    calls = 0
    while True:
        result = getattr(model, method)()
        calls += 1
        # As the scheduler: a job returns how many are left, and each call is
        # committed (which empties the record cache) before the next one. In
        # one transaction, the rows each batch updates would keep their old
        # versions to its end, and every later batch would walk past them.
        cr.commit()
        if not _some_left(result) or calls >= MAX_CALLS:
            break
    wall = time.perf_counter() - start
    queries = cr.sql_log_count - before
    peak = peak_rss_mib()
    counts_after = row_counts(cr, tables, since)
    effects = {}
    for table in tables:
        (rows_before, _), (rows_after, written) = (
            counts_before[table],
            counts_after[table],
        )
        if rows_after - rows_before or written:
            effects[table] = {"rows": rows_after - rows_before, "written": written}
    return {
        "job": job,
        "calls": calls,
        "wall_s": round(wall, 2),
        "queries": queries,
        "peak_rss_mib": round(peak, 1),
        "rss_before_mib": round(rss_before, 1),
        "effects": effects,
    }


def _some_left(result):
    return isinstance(result, int) and not isinstance(result, bool) and result > 0


def main():
    def add_arguments(parser):
        parser.add_argument("--list", action="store_true", help="list the jobs found")
        parser.add_argument("--job", help="model:method of the job to run")

    args = parse_args(__doc__.splitlines()[0], add_arguments)
    with environment() as env:
        if args.list:
            result = discover_jobs(env)
        else:
            result = run_job(env, args.job)
    write_json(args.out, result)


if __name__ == "__main__":
    main()
