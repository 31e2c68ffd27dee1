"""Gather the bench's figures into bench/results.md and bench/results.json, judge
them against the issue's goals, and print the markdown.

Plain Python (no Odoo): reads the JSON files the other bench scripts wrote.
"""

import argparse
import datetime
import json
import os
import platform
from pathlib import Path

# The goals and its reference measurement (Odoo 18.0, test transaction,
# 150 orders of four lines).
MAX_ADDED_QUERIES = 8
MAX_RULES_ADDED_QUERIES = 2  # ten active earning rules against none (issue 22)
MAX_ADDED_TIME = 0.15
MAX_HISTORY_TIME_GROWTH = 0.10  # our reading of "independent of ledger history"
MAX_JOB_SECONDS = 60
MAX_JOB_RSS_MIB = 1024
# Our reading of "the report queries within a stated time" (issue 21): each
# report's pivot and its list's first page, at the bench's size.
MAX_REPORT_QUERY_MS = 5000
# Our reading of "linear growth": a job's time and queries grow at most this much
# more than the data it runs over (a tenth of the data: at most 12.5 times).
MAX_GROWTH_OVER_LINEAR = 1.25
REFERENCE = {
    "plain_queries": 112,
    "plain_median_ms": 141,
    "pos_loyalty_added_queries": 5,
    "pos_loyalty_added_time": 0.19,
}


def machine_facts(args):
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        mem_kib = next(
            int(line.split()[1]) for line in meminfo if line.startswith("MemTotal")
        )
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as cpuinfo:
            cpu = next(
                (
                    line.split(":", 1)[1].strip()
                    for line in cpuinfo
                    if line.startswith("model name")
                ),
                cpu,
            )
    except OSError:
        pass
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "postgresql": args.pg_version,
        "odoo": args.odoo_version,
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def verdict(over, unit):
    """``over``: how far the figure is above its limit (<= 0 meets the goal)."""
    if over <= 0:
        return f"met ({abs(over):g} {unit} to spare)"
    return f"MISSED by {over:g} {unit}"


def judge(pos, jobs, reports=(), scale=()):
    """Per goal: what was asked, what was measured, met or missed by how much."""
    goals = judge_pos(pos) if pos else []
    goals += judge_jobs(jobs)
    for report in reports:
        for what, key in (("pivot", "pivot_time"), ("list", "list_first_page")):
            ms = report[key]["max_ms"]
            goals.append(
                (
                    f"{report['report']} ({report['pivot']}), {what}, "
                    f"{report['rows']:,} rows: within {MAX_REPORT_QUERY_MS} ms "
                    "(our reading)",
                    f"{ms:,.0f} ms at the slowest",
                    verdict(round(ms - MAX_REPORT_QUERY_MS), "ms"),
                )
            )
    for row in scale:
        for what in ("wall", "queries"):
            ratio, limit = (
                row[f"{what}_ratio"],
                row["size_ratio"] * MAX_GROWTH_OVER_LINEAR,
            )
            goals.append(
                (
                    f"{row['job']}: {what} grows at most linearly, "
                    f"x{row['size_ratio']:g} data (our reading: at most x{limit:g})",
                    f"x{ratio:g}",
                    verdict(round(ratio - limit, 1), "times"),
                )
            )
    return goals


def judge_pos(pos):
    flavours = {flavour["key"]: flavour for flavour in pos["flavours"]}
    plain, card = flavours["a"], flavours.get("b")
    dental = [flavour for key, flavour in flavours.items() if key.startswith("c")]
    goals = []
    for flavour in dental:
        lines = f"c, {flavour['history_lines']:,} lines"
        added = flavour["median_queries"] - plain["median_queries"]
        added_to_sync = flavour["sync_median_queries"] - plain["sync_median_queries"]
        goals.append(
            (
                f"{lines}: loyalty adds <= {MAX_ADDED_QUERIES} SQL queries per order",
                f"{added:+g} (to sync_from_ui alone: {added_to_sync:+g})",
                verdict(added - MAX_ADDED_QUERIES, "queries"),
            )
        )
        growth = flavour["median_ms"] / plain["median_ms"] - 1
        sync_growth = flavour["sync_median_ms"] / plain["sync_median_ms"] - 1
        goals.append(
            (
                f"{lines}: loyalty adds <= {MAX_ADDED_TIME:.0%} time per order",
                f"{growth:+.1%} (to sync_from_ui alone: {sync_growth:+.1%})",
                verdict(round((growth - MAX_ADDED_TIME) * 100, 1), "points"),
            )
        )
        if not card:
            continue
        slower = flavour["median_ms"] / card["median_ms"] - 1
        goals.append(
            (
                f"{lines}: no slower than pos_loyalty (b)",
                f"{flavour['median_ms']:.1f} ms vs {card['median_ms']:.1f} ms "
                f"({flavour['median_queries']:g} vs {card['median_queries']:g} "
                "queries)",
                verdict(round(slower * 100, 1), "% of b's time"),
            )
        )
    if len(dental) > 1:
        fewest, most = dental[0], dental[-1]
        span = f"{fewest['history_lines']:,} -> {most['history_lines']:,} lines"
        query_growth = most["median_queries"] - fewest["median_queries"]
        time_growth = most["median_ms"] / fewest["median_ms"] - 1
        goals.append(
            (
                f"independent of history, {span}: no more queries",
                f"{query_growth:+g}",
                verdict(query_growth, "queries"),
            )
        )
        goals.append(
            (
                f"independent of history, {span}: time within "
                f"{MAX_HISTORY_TIME_GROWTH:.0%} (our reading)",
                f"{time_growth:+.1%}",
                verdict(
                    round((time_growth - MAX_HISTORY_TIME_GROWTH) * 100, 1), "points"
                ),
            )
        )
    voucher = flavours.get("v")
    if voucher and dental:
        base = dental[0]
        goals.append(
            (
                f"v: what a reward redeemed at the register and its voucher on the "
                f"bill add to c, {base['history_lines']:,} lines (our reading)",
                f"{voucher['median_queries'] - base['median_queries']:+g} queries, "
                f"{voucher['median_ms'] - base['median_ms']:+.1f} ms (to "
                f"sync_from_ui alone: "
                f"{voucher['sync_median_queries'] - base['sync_median_queries']:+g}"
                f" queries, "
                f"{voucher['sync_median_ms'] - base['sync_median_ms']:+.1f} ms)",
                "measured",
            )
        )
    ruled = flavours.get("r")
    base = next(
        (
            flavour
            for flavour in dental
            if ruled and flavour["history_lines"] == ruled["history_lines"]
        ),
        None,
    )
    if ruled and base:
        added = ruled["sync_median_queries"] - base["sync_median_queries"]
        goals.append(
            (
                f"r: ten active earning rules add <= {MAX_RULES_ADDED_QUERIES} SQL "
                f"queries to sync_from_ui (against none, c, "
                f"{base['history_lines']:,} lines)",
                f"{added:+g} queries, "
                f"{ruled['sync_median_ms'] - base['sync_median_ms']:+.1f} ms "
                f"({ruled['sync_median_ms'] / base['sync_median_ms'] - 1:+.1%}); "
                f"{ruled['points_earned_per_order']:g} points earned against "
                f"{base['points_earned_per_order']:g}",
                verdict(added - MAX_RULES_ADDED_QUERIES, "queries"),
            )
        )
    return goals


def judge_jobs(jobs):
    goals = []
    for job in jobs:
        goals.append(
            (
                f"{job['job']}: within {MAX_JOB_SECONDS} s",
                f"{job['wall_s']:.1f} s",
                verdict(round(job["wall_s"] - MAX_JOB_SECONDS, 1), "s"),
            )
        )
        goals.append(
            (
                f"{job['job']}: peak memory under 1 GiB",
                f"{job['peak_rss_mib']:.0f} MiB",
                verdict(round(job["peak_rss_mib"] - MAX_JOB_RSS_MIB), "MiB"),
            )
        )
    return goals


def pos_table(pos):
    plain = pos["flavours"][0]
    rows = [
        "| Flavour | Server calls per order | Median ms | p95 ms | SQL queries "
        "| Time / a | Queries - a | sync_from_ui alone: ms, queries |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for flavour in pos["flavours"]:
        queries = f"{flavour['median_queries']:g}"
        if flavour["min_queries"] != flavour["max_queries"]:
            queries += f" ({flavour['min_queries']}-{flavour['max_queries']})"
        cells = [
            f"{flavour['key']}. {flavour['flavour']}",
            " + ".join(flavour["calls"]),
            f"{flavour['median_ms']:.1f}",
            f"{flavour['p95_ms']:.1f}",
            queries,
            f"{flavour['median_ms'] / plain['median_ms']:.2f}",
            f"{flavour['median_queries'] - plain['median_queries']:+g}",
            f"{flavour['sync_median_ms']:.1f} ms, {flavour['sync_median_queries']:g}",
        ]
        rows.append(f"| {' | '.join(cells)} |")
    return rows


def calls_table(pos):
    rows = ["| Flavour | Call | Median ms | SQL queries |", "|---|---|--:|--:|"]
    for flavour in pos["flavours"]:
        for call, figures in flavour["per_call"].items():
            rows.append(
                f"| {flavour['key']} | {call} | {figures['median_ms']:.1f} "
                f"| {figures['median_queries']:g} |"
            )
    return rows


def jobs_table(jobs):
    rows = [
        "| Daily job | Calls | Wall s | SQL queries | Peak RSS MiB "
        "| RSS before the job MiB | Rows written / added |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    for job in jobs:
        effects = ", ".join(
            f"{table}: {figures['written']:,} written, {figures['rows']:+,} rows"
            for table, figures in job["effects"].items()
        )
        cells = [
            job["job"],
            f"{job.get('calls', 1):,}",
            f"{job['wall_s']:.1f}",
            f"{job['queries']:,}",
            f"{job['peak_rss_mib']:.0f}",
            f"{job['rss_before_mib']:.0f}",
            effects or "nothing",
        ]
        rows.append(f"| {' | '.join(cells)} |")
    return rows


def jobs_section(results):
    data = results["data"]
    return [
        f"## Daily jobs over {data['patients']:,} patients and "
        f"{data['ledger_lines']:,} ledger lines",
        "",
        f"Generated with bulk SQL in {data['wall_s']:.0f} s: "
        f"{data['lines_per_patient']} lines per patient, "
        f"{data['lots_due_for_release']:,} lots due for release, "
        f"{data['lots_due_to_expire']:,} lots past expiry, "
        f"{data['wallets_to_evaluate']:,} unpinned wallets to re-evaluate, "
        f"{data.get('wallets_dormant', 0):,} patients not seen for six months, "
        f"{data['reservations_lapsed_over_a_week']:,} reservations lapsed over a "
        f"week ago (of {data['reservations']:,}), {data['birthdays_today']:,} "
        f"birthdays and {data['second_dates_today']:,} second dates today, "
        f"{data['patients_with_points_expiring_within_30_days']:,} patients with "
        "points expiring within 30 days (generated patients have no email nor "
        "phone: the jobs' own cost, not their messages'). Each job runs in a "
        "fresh process "
        "as the superuser and is rolled back, so every job sees the same data; "
        "peak RSS is the whole process's (Odoo and its registry included).",
        "",
        *jobs_table(results["jobs"]),
        "",
    ]


def reports_section(reports):
    rows = [
        "## Report queries",
        "",
        "Each report's pivot as it opens (its default groupings over the whole SQL "
        "view) and its list's first page, as the superuser, 5 runs on a warm cache.",
        "",
        "| Report | Rows | Pivot | Pivot median ms | Pivot max ms "
        "| First page median ms | First page max ms |",
        "|---|--:|---|--:|--:|--:|--:|",
    ]
    for report in reports:
        cells = [
            report["report"],
            f"{report['rows']:,}",
            report["pivot"],
            f"{report['pivot_time']['median_ms']:,.1f}",
            f"{report['pivot_time']['max_ms']:,.1f}",
            f"{report['list_first_page']['median_ms']:,.1f}",
            f"{report['list_first_page']['max_ms']:,.1f}",
        ]
        rows.append(f"| {' | '.join(cells)} |")
    return [*rows, ""]


def scale_rows(small, big):
    """Each job's growth from the ``small`` run to the ``big`` one (their
    results: data, jobs)."""
    size_ratio = round(big["data"]["patients"] / small["data"]["patients"], 2)
    small_jobs = {job["job"]: job for job in small["jobs"]}
    rows = []
    for job in big["jobs"]:
        before = small_jobs.get(job["job"])
        if not before:
            continue
        rows.append(
            {
                "job": job["job"],
                "size_ratio": size_ratio,
                "small": before,
                "big": job,
                # Under a tenth of a second, a job's time is mostly its start.
                "wall_ratio": round(job["wall_s"] / max(before["wall_s"], 0.1), 1),
                "queries_ratio": round(job["queries"] / max(before["queries"], 1), 1),
                "memory_mib": (
                    round(before["peak_rss_mib"] - before["rss_before_mib"]),
                    round(job["peak_rss_mib"] - job["rss_before_mib"]),
                ),
            }
        )
    return rows


def scale_section(results):
    small, rows = results["scale_of"], results["scale"]
    data = small["data"]
    lines = [
        "## Growth of the daily jobs",
        "",
        f"The same jobs over {data['patients']:,} patients and "
        f"{data['ledger_lines']:,} ledger lines (a run of its own, same generator) "
        f"against {results['data']['patients']:,} and "
        f"{results['data']['ledger_lines']:,}: x{rows[0]['size_ratio']:g} the data "
        "and the work. Memory: what the job's process grew by while it ran (peak "
        "RSS less RSS before the job).",
        "",
        "| Daily job | Wall s small -> big | Time ratio | Queries small -> big "
        "| Query ratio | Memory MiB small -> big |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        small_job, big_job = row["small"], row["big"]
        cells = [
            row["job"],
            f"{small_job['wall_s']:.1f} -> {big_job['wall_s']:.1f}",
            f"x{row['wall_ratio']:g}",
            f"{small_job['queries']:,} -> {big_job['queries']:,}",
            f"x{row['queries_ratio']:g}",
            f"{row['memory_mib'][0]} -> {row['memory_mib'][1]}",
        ]
        lines.append(f"| {' | '.join(cells)} |")
    small_reports = {
        (report["report"], report["pivot"]): report
        for report in small.get("reports", [])
    }
    if small_reports and results.get("reports"):
        lines += [
            "",
            "| Report | Pivot | Rows small -> big | Pivot max ms small -> big "
            "| First page max ms small -> big |",
            "|---|---|--:|--:|--:|",
        ]
        for report in results["reports"]:
            before = small_reports.get((report["report"], report["pivot"]))
            if not before:
                continue
            cells = [
                report["report"],
                report["pivot"],
                f"{before['rows']:,} -> {report['rows']:,}",
                f"{before['pivot_time']['max_ms']:,.1f} -> "
                f"{report['pivot_time']['max_ms']:,.1f}",
                f"{before['list_first_page']['max_ms']:,.1f} -> "
                f"{report['list_first_page']['max_ms']:,.1f}",
            ]
            lines.append(f"| {' | '.join(cells)} |")
    return [*lines, ""]


def markdown(results):
    facts, pos = results["machine"], results["pos"]
    return "\n".join(
        [
            "# dental_loyalty benchmark",
            "",
            f"{facts['date']}: {facts['cores']} cores ({facts['cpu']}), "
            f"{facts['memory_gib']} GiB, PostgreSQL {facts['postgresql']}, "
            f"{facts['odoo']}, Python {facts['python']}. "
            f"Whole run (install, data, measures): {results['wall_s'] / 60:.1f} min"
            + (
                f" ({steps_line(results['steps_s'])})."
                if results.get("steps_s")
                else "."
            ),
            "",
            *(pos_section(pos) if pos else []),
            *(jobs_section(results) if results["jobs"] else []),
            *(reports_section(results["reports"]) if results.get("reports") else []),
            *(scale_section(results) if results.get("scale") else []),
            "## Goals",
            "",
            "| Goal | Measured | Verdict |",
            "|---|---|---|",
            *(f"| {' | '.join(goal)} |" for goal in results["goals"]),
            "",
        ]
    )


# The steps of a run in the order bench/run takes them (its shell keeps them
# unordered); the daily jobs are summed.
STEP_ORDER = [
    "install ",
    "copy",
    "install",
    "generate",
    "vacuum",
    "POS",
    "find",
    "daily",
    "report",
]


def steps_line(steps):
    """Where a run's time went: "install ...: 62 s, generate ...: 11 s, ..."."""
    jobs = sum(seconds for name, seconds in steps.items() if name.startswith("daily"))
    named = sorted(
        (name for name in steps if not name.startswith("daily")),
        key=lambda name: next(
            (i for i, word in enumerate(STEP_ORDER) if name.startswith(word)),
            len(STEP_ORDER),
        ),
    )
    parts = [f"{name}: {steps[name]} s" for name in named]
    if jobs:
        parts.insert(
            next(
                (i for i, name in enumerate(named) if name.startswith("report")),
                len(named),
            ),
            f"daily jobs: {jobs} s",
        )
    return ", ".join(parts)


def pos_section(pos):
    plain = pos["flavours"][0]
    ref = REFERENCE
    return [
        f"## POS order path: {pos['orders_per_flavour']} orders per flavour "
        f"(after {pos['warmup_per_flavour']} warm-up orders), "
        f"{pos['lines_per_order']} lines, {pos['visit_total']:.2f} each",
        "",
        "One rolled-back transaction, calls made as a Point of Sale user. "
        + (
            "Each server call starts with an empty record cache"
            if pos.get("cache", "call") == "call"
            else "Each order's first call starts with an empty record cache "
            "(BENCH_CACHE=order: the calls of one order share it)"
        )
        + " and ends with a commit's "
        "flush and precommit hooks; time and SQL queries (cr.sql_log_count) are "
        "summed over the calls the flavour's client makes for one order. "
        "b pays 30 % with a pos_loyalty discount reward (a fifth, reward line); "
        "c pays the most the cap allows (30 %) with a Loyalty Points method; "
        "both pay the rest in cash.",
        "",
        *pos_table(pos),
        "",
        "Drift: the flavours take turns, one order each per round, because times "
        "creep up over the one long transaction (rows that every order updates, "
        "such as stock quants, keep all their versions until it ends): a's median "
        f"was {plain['first_quarter_median_ms']:.1f} ms over the first quarter of "
        f"the rounds and {plain['last_quarter_median_ms']:.1f} ms over the last.",
        "",
        f"Reference (the issue, test transaction): plain sync "
        f"{ref['plain_queries']} queries, about {ref['plain_median_ms']} ms "
        "median; "
        f"pos_loyalty's calls add {ref['pos_loyalty_added_queries']} queries and "
        f"about {ref['pos_loyalty_added_time']:.0%} time.",
        "",
        "Per call (medians):",
        "",
        *calls_table(pos),
        "",
    ]


def read_out_dir(out):
    """The figures a run left in ``out``: what is missing was not measured."""

    def read(name, default=None):
        path = out / name
        return json.loads(path.read_text()) if path.exists() else default

    return {
        "steps_s": read("steps.json", {}),
        "data": read("generate.json"),
        "pos": read("pos.json"),
        "jobs": [
            json.loads(path.read_text()) for path in sorted(out.glob("job-*.json"))
        ],
        "reports": read("report_queries.json", []),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", required=True, help="the bench's JSON files")
    parser.add_argument("--markdown", required=True)
    parser.add_argument("--json", required=True)
    parser.add_argument("--pg-version", default="?")
    parser.add_argument("--odoo-version", default="?")
    parser.add_argument("--wall-s", type=float, default=0.0)
    parser.add_argument(
        "--scale-of", help="the out dir of a run at another size, to compare jobs"
    )
    args = parser.parse_args()
    results = {
        "machine": machine_facts(args),
        "wall_s": args.wall_s,
        **read_out_dir(Path(args.out_dir)),
    }
    if args.scale_of:
        small = read_out_dir(Path(args.scale_of))
        results["scale_of"] = {
            key: small[key] for key in ("data", "jobs", "reports", "steps_s")
        }
        results["scale"] = scale_rows(small, results)
    results["goals"] = judge(
        results["pos"], results["jobs"], results["reports"], results.get("scale", ())
    )
    text = markdown(results)
    Path(args.markdown).write_text(text)
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    print(text)


if __name__ == "__main__":
    main()
