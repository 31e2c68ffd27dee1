"""Time the queries behind the Movements and Programme Costs reports.

Each report's pivot as it opens (its default groupings, read_group over the whole
SQL view) and its list's first page, as the superuser, on the bench database
(``bench/run`` with KEEP_DB=1 leaves one of 1,000,000 ledger lines). Each query
runs ``--runs`` times on a warm cache; the median and the slowest are reported,
with the rows each view holds. Nothing is written.

    PYTHONPATH=... python bench/report_queries.py -d dental_loyalty_bench \
        --addons-path=... [--runs 5] [--out out/report_queries.json]
"""

import statistics
import time

from odoo_env import environment, parse_args, write_json

from odoo.tools import SQL

# (model, pivot groupings, pivot measures): what each report's pivot reads first.
REPORTS = [
    (
        "dental.loyalty.movement.report",
        ["date:month", "category"],
        ["points:sum", "worth:sum"],
    ),
    (
        "dental.loyalty.movement.report",
        ["company_id", "tier_id", "date:month"],
        ["points:sum"],
    ),
    (
        "dental.loyalty.cost.report",
        ["date:month", "source"],
        ["amount:sum", "clinic_cost:sum", "practitioner_cost:sum"],
    ),
    ("dental.loyalty.gift.points.report", ["date:month", "gift_kind"], ["worth:sum"]),
]


def timed(job, runs):
    seconds = []
    for _run in range(runs):
        begun = time.perf_counter()
        job()
        seconds.append(time.perf_counter() - begun)
    return {
        "median_ms": round(statistics.median(seconds) * 1000, 1),
        "max_ms": round(max(seconds) * 1000, 1),
    }


def main():
    args = parse_args(
        __doc__.splitlines()[0],
        lambda parser: parser.add_argument("--runs", type=int, default=5),
    )
    figures = []
    with environment() as env:
        for model_name, groupby, aggregates in REPORTS:
            model = env[model_name]
            [(rows,)] = env.execute_query(
                SQL("SELECT count(*) FROM %s", SQL.identifier(model._table))
            )

            def pivot(model=model, groupby=groupby, aggregates=aggregates):
                model._read_group([], groupby, aggregates)

            def first_page(model=model):
                model.search_fetch([], ["id"], limit=80)

            figures.append(
                {
                    "report": model_name,
                    "rows": rows,
                    "pivot": ", ".join(groupby),
                    "pivot_time": timed(pivot, args.runs),
                    "list_first_page": timed(first_page, args.runs),
                }
            )
    write_json(args.out, figures)


if __name__ == "__main__":
    main()
