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

# The issues' goals and the first issue's reference measurement (Odoo 18.0, test
# transaction, 150 orders of four lines). Issue 21: what loyalty adds to plain POS,
# to the sync alone and to the whole path (every call the register makes).
MAX_SYNC_ADDED_QUERIES = 8
MAX_PATH_ADDED_QUERIES = 15
MAX_PATH_TIME_RATIO = 1.10
MAX_RULES_ADDED_QUERIES = 2  # ten active earning rules against none (issue 22)
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


def below_pos_loyalty(name, flavour, card):
    """Goals: ``flavour``'s whole path costs fewer queries and less time than
    pos_loyalty's (``card``, flavour b)."""
    queries = flavour["median_queries"] - card["median_queries"]
    slower = flavour["median_ms"] / card["median_ms"] - 1
    return [
        (
            f"{name}: fewer queries than pos_loyalty (b)",
            f"{flavour['median_queries']:g} vs {card['median_queries']:g}",
            verdict(queries + 1, "queries"),
        ),
        (
            f"{name}: faster than pos_loyalty (b)",
            f"{flavour['median_ms']:.1f} ms vs {card['median_ms']:.1f} ms",
            verdict(round(slower * 100, 1), "% of b's time"),
        ),
    ]


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
                f"{lines}: the sync adds <= {MAX_SYNC_ADDED_QUERIES} SQL queries",
                f"{added_to_sync:+g}",
                verdict(added_to_sync - MAX_SYNC_ADDED_QUERIES, "queries"),
            )
        )
        goals.append(
            (
                f"{lines}: the whole path adds <= {MAX_PATH_ADDED_QUERIES} SQL "
                "queries per order",
                f"{added:+g}",
                verdict(added - MAX_PATH_ADDED_QUERIES, "queries"),
            )
        )
        ratio = flavour["median_ms"] / plain["median_ms"]
        sync_ratio = flavour["sync_median_ms"] / plain["sync_median_ms"]
        goals.append(
            (
                f"{lines}: the whole path within {MAX_PATH_TIME_RATIO:.2f} x plain's "
                "time",
                f"{ratio:.2f} x (sync_from_ui alone: {sync_ratio:.2f} x)",
                verdict(round(ratio - MAX_PATH_TIME_RATIO, 2), "x"),
            )
        )
        if card:
            goals += below_pos_loyalty(lines, flavour, card)
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
    if voucher and card:
        goals += below_pos_loyalty(
            "v, a reward held on the bill and paid",
            voucher,
            card,
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
        "fresh process as the superuser, on a copy of the data of its own (every "
        "job sees the same data), each call committed as the scheduler does; "
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


# ----------------------------------------------------------------------
# Under load (bench/run --load, bench/load.py)
# ----------------------------------------------------------------------

LOAD_MIN_THROUGHPUT = 0.85  # loyalty's orders/s over plain's, side by side
LOAD_MIN_EARN_THROUGHPUT = 0.90  # the same for orders that only earn
LOAD_MAX_P95 = 1.5  # loyalty's p95 per order over plain's
LOAD_MAX_JOB_WAIT_S = 1.0  # a register's statement waiting on a job's lock
LOAD_HEADER = "## Under load"


def _ms(stats, key="p50"):
    value = stats.get(key)
    return "-" if value is None else f"{value:.0f}"


def _ratio(num, den):
    return num / den if num and den else None


def load_ratios(phase):
    """Loyalty against plain in one side-by-side phase: throughput (orders/s),
    earn-only throughput (one register syncs orders in turn, so its rate is the
    inverse of the mean time per order: plain's mean over loyalty's), p50, p95."""
    plain, loyalty = phase["loads"]["plain"], phase["loads"]["loyalty"]
    return {
        # orders/s while both ran (until the first load's last order): the
        # load that ends first leaves the other the cores for its tail
        "throughput": _ratio(
            loyalty.get("side_by_side_orders_per_s"),
            plain.get("side_by_side_orders_per_s"),
        ),
        "throughput_whole": _ratio(loyalty["orders_per_s"], plain["orders_per_s"]),
        # The register's time per order, the offers it asks for first included.
        "earn_throughput": _ratio(
            plain.get("earn_register_ms", plain["earn_order_ms"]).get("mean"),
            loyalty.get("earn_register_ms", loyalty["earn_order_ms"]).get("mean"),
        ),
        "p50": _ratio(loyalty["order_ms"].get("p50"), plain["order_ms"].get("p50")),
        "p95": _ratio(loyalty["order_ms"].get("p95"), plain["order_ms"].get("p95")),
        # The order's time with the offers the register asks for first: its
        # pace, which they slow, shortens the queue its other requests wait in.
        "p95_offers": _ratio(
            loyalty.get("register_order_ms", loyalty["order_ms"]).get("p95"),
            plain.get("register_order_ms", plain["order_ms"]).get("p95"),
        ),
    }


def judge_load(load):
    goals = []

    def floor(name, value, least):
        if value is None:
            goals.append([name, "not measured", "MISSED (no figure)"])
            return
        goals.append(
            [name, f"{value:.3f}", "met" if value >= least else f"MISSED (< {least})"]
        )

    for phase in load["phases"]:
        if phase["phase"].startswith("load-"):
            ratios = load_ratios(phase)
            n = phase["loads"]["plain"]["registers"]
            floor(
                f"{n} registers: throughput >= {LOAD_MIN_THROUGHPUT} x plain",
                ratios["throughput"],
                LOAD_MIN_THROUGHPUT,
            )
            floor(
                f"{n} registers: earn-only >= {LOAD_MIN_EARN_THROUGHPUT} x plain",
                ratios["earn_throughput"],
                LOAD_MIN_EARN_THROUGHPUT,
            )
            # Judged with the offers counted: every request of the order.
            p95 = ratios["p95_offers"]
            goals.append(
                [
                    f"{n} registers: p95 <= {LOAD_MAX_P95} x plain (the offers "
                    "asked first counted)",
                    "not measured" if p95 is None else f"{p95:.3f}",
                    "MISSED (no figure)"
                    if p95 is None
                    else (
                        "met" if p95 <= LOAD_MAX_P95 else f"MISSED (> {LOAD_MAX_P95})"
                    ),
                ]
            )
    # The crash phase's ERROR lines are the kills' own (requests cut off).
    logs = load["logs"]["loyalty"]
    errors = logs["total"]["errors"] - logs["phases"].get("crash", {}).get("errors", 0)
    goals.append(
        [
            "no ERROR line in loyalty's server log (retried conflicts are quiet)"
            + (", the crash phase aside" if "crash" in logs["phases"] else ""),
            str(errors),
            "met" if not errors else "MISSED",
        ]
    )
    for role, check in load["check"].items():
        lost = check["missing"] + check["stored_twice"] + check["failed_but_stored"]
        goals.append(
            [
                f"{role}: every order acknowledged stored once, none failed stored",
                f"{check['stored']} stored of {check['acked']} acknowledged "
                f"({check['missing']} missing, {check['stored_twice']} twice, "
                f"{check['failed_but_stored']} of {check['failed']} failed stored)",
                "met" if not lost else "MISSED",
            ]
        )
    loyalty = load["check"]["loyalty"]
    goals.append(
        [
            "integrity check clean afterwards",
            f"{loyalty.get('integrity_problems')} wallets with problems",
            "met" if loyalty.get("integrity_problems") == 0 else "MISSED",
        ]
    )
    goals.append(
        [
            "money paid with points = points taken x value",
            f"{loyalty.get('paid_with_points')} = {loyalty.get('points_taken_value')} "
            f"({loyalty.get('money_mismatched_orders')} orders differ)",
            "met" if loyalty.get("money_mismatched_orders") == 0 else "MISSED",
        ]
    )
    crash = next((p for p in load["phases"] if p["phase"] == "crash"), None)
    if crash:
        figures = crash["loads"]["loyalty"]
        holds = loyalty.get("holds_left_on_stored_orders")
        goals.append(
            [
                "server killed, then "
                # A command crashed PostgreSQL (BENCH_LOAD_DB_CRASH), else the
                # database's connections were cut.
                + (
                    "PostgreSQL crashed"
                    if "`" in crash["kills"][-1]["what"]
                    else "the database's connections cut"
                )
                + ", mid-burst: every order stored once in the end, no hold left",
                f"{figures['done']} of {figures['sent']} orders stored, "
                f"{figures['retried_orders']} of them sent again; "
                f"{holds} holds left on stored orders",
                "met"
                if figures["done"] == figures["sent"]
                and not figures["failed"]
                and holds == 0
                else "MISSED",
            ]
        )
    rush = next((p for p in load["phases"] if p["phase"] == "rush"), None)
    if rush:
        longest = (rush["locks"].get("longest_wait_on_job") or {}).get("s", 0.0)
        ran = bool(rush.get("jobs")) and rush.get("job_rc") == 0
        goals.append(
            [
                f"no register waits over {LOAD_MAX_JOB_WAIT_S:g} s on a job's lock",
                f"longest {longest:.2f} s, "
                f"{rush['locks']['waits_on_job_over_1s']} over 1 s"
                + ("" if ran else f" (the jobs failed: exit {rush.get('job_rc')})"),
                "MISSED (jobs did not run)"
                if not ran
                else ("met" if longest <= LOAD_MAX_JOB_WAIT_S else "MISSED"),
            ]
        )
    return goals


def queries_per_order(logs, figures):
    """SQL queries per order done, from Odoo's request log (werkzeug's line
    counts each request's queries; a retried request's attempts included)."""
    if not logs.get("rpc_queries") or not figures["done"]:
        return "-"
    return f"{logs['rpc_queries'] / figures['done']:.0f}"


def lock_waits(locks):
    longest = locks.get("longest_register_wait")
    if not longest:
        return "none seen"
    return (
        f"{locks['register_waits']} ({locks['register_waits_over_1s']}), "
        f"{longest['s']:.2f} s"
    )


def describe_wait(wait):
    """The longest wait on a job's lock: how long, the register's statement,
    the job then running and what its backend ran last."""
    text = f"longest {wait['s']:.2f} s (`{wait['query'][:100]}`"
    if wait.get("during"):
        text += f", during {', '.join(wait['during'])}"
    if wait.get("blocker_statements"):
        text += "; the job's backend last ran: " + "; ".join(
            f"`{statement[:120]}`" for statement in wait["blocker_statements"]
        )
    return text + ")"


def load_section(load, machine):
    """The markdown of the load bench (ends with its goals)."""
    setup = load["setup"]
    rows = [
        LOAD_HEADER + ": plain POS and dental_loyalty side by side",
        "",
        f"{machine.get('date', '?')}: {machine.get('cores', '?')} cores. Two databases "
        "built alike, plain (point_of_sale) and loyalty (point_of_sale, "
        "dental_loyalty), each served by Odoo's prefork server "
        f"(--workers={load['server_workers']}, loopback, no cron thread), one "
        "PostgreSQL. Registers are client threads each syncing its orders in turn "
        f"over JSON-RPC as a Point of Sale user, {load['orders_per_register']} orders "
        f"each, 4 lines, {load['visit_total']:.2f}; {load['points_share']} pays "
        f"{load['points_amount']:.2f} with points on {load['popular']} popular "
        f"patients ({load['reserves_per_points_order']} reserve call(s) then "
        f"sync_from_ui), the rest only earn (a pool of {load['pool']} patients); "
        "every loyalty order first asks for the patient's offers, as the register "
        "does when the patient is chosen (served and counted; the order's time "
        "starts after it: the register does not wait on it); "
        "in plain the same orders pay the same amounts with a method of no "
        "loyalty. Both loads fired at the same moment. Whole load bench "
        f"{load['whole_s'] / 60:.1f} min (the loads "
        f"{load['steps_s'].get('loads', 0):.0f} s).",
        "",
        "| Registers | Load | Orders done / planned | Failed | Wall s | Orders/s "
        "| p50 ms | p95 ms | Earn-only mean ms | Points mean ms | SQL queries / order "
        "| Retries | ERROR lines |",
        "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    ratio_rows = [
        "| Registers | Throughput loyalty / plain (while both ran) | Over each "
        "load's whole run | Earn-only | p50 | p95 | p95, the offers counted "
        "| Lock waits of loyalty's requests (over 1 s), longest |",
        "|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    request_rows = [
        "| Phase | Load | Request | Count | Failed | p50 ms | p95 ms | max ms |",
        "|---|---|---|--:|--:|--:|--:|--:|",
    ]

    def fmt(value, pattern="{:.2f}"):
        return "-" if value is None else pattern.format(value)

    for phase in load["phases"]:
        for role, figures in phase["loads"].items():
            logs = load["logs"][role]["phases"].get(phase["phase"], {})
            if phase["phase"].startswith("load-"):
                rows.append(
                    f"| {figures['registers']} | {role} | {figures['done']} / "
                    f"{figures['planned']} | {figures['failed']} | {figures['wall_s']} "
                    f"| {fmt(figures['orders_per_s'])} | {_ms(figures['order_ms'])} "
                    f"| {_ms(figures['order_ms'], 'p95')} "
                    f"| {_ms(figures['earn_order_ms'], 'mean')} "
                    f"| {_ms(figures['points_order_ms'], 'mean')} "
                    f"| {queries_per_order(logs, figures)} "
                    f"| {logs.get('retries', 0)} | {logs.get('errors', 0)} |"
                )
            for kind, stats in figures["requests"].items():
                request_rows.append(
                    f"| {phase['phase']} | {role} | {kind} | {stats['count']} "
                    f"| {stats['failed']} | {_ms(stats)} | {_ms(stats, 'p95')} "
                    f"| {_ms(stats, 'max')} |"
                )
        if phase["phase"].startswith("load-"):
            ratios = load_ratios(phase)
            ratio_rows.append(
                f"| {phase['loads']['plain']['registers']} "
                f"| {fmt(ratios['throughput'])} "
                f"| {fmt(ratios['throughput_whole'])} "
                f"| {fmt(ratios['earn_throughput'])} | {fmt(ratios['p50'])} "
                f"| {fmt(ratios['p95'])} | {fmt(ratios['p95_offers'])} "
                f"| {lock_waits(phase['locks'])} |"
            )
    rows += [
        "",
        "Throughput ratio: orders done per second while both loads ran (until the "
        "first one's last order), loyalty's over plain's; over each load's whole "
        "run beside it. "
        "SQL queries / order: the queries of the phase's JSON-RPC requests in the "
        "server's request log (retried attempts included) over the orders done. "
        "Earn-only throughput: each register syncs in turn, so its rate is the "
        "inverse of its mean time per order (in loyalty, the offers asked first "
        "included); the ratio is plain's mean time for "
        "those orders over loyalty's. p50 and p95: the order's time from the "
        "first request the register waits on (the reserve or the sync); the p95 "
        "goal is judged with the offers asked first counted too, every request "
        "of the order: they slow each loyalty register's pace, which shortens "
        "the queue its other requests wait in. Retries: Odoo's \"..., N tries "
        'left, try again" lines (a serialization failure re-runs the whole '
        "request after a random sleep); ERROR lines: the server log's, in the "
        "phase.",
        "",
        *ratio_rows,
        "",
        "Per request:",
        "",
        *request_rows,
        "",
    ]
    rush = next((p for p in load["phases"] if p["phase"] == "rush"), None)
    if rush:
        figures = rush["loads"]["loyalty"]
        logs = load["logs"]["loyalty"]["phases"].get("rush", {})
        locks = rush["locks"]
        jobs = rush.get("jobs") or []
        family = rush["family"]
        longest = locks.get("longest_wait_on_job")
        longest_any = locks.get("longest_register_wait")
        rows += [
            "### Contention: the morning jobs and a family at two registers",
            "",
            f"Loyalty only: {load['rush_registers']} registers syncing the same mix "
            f"while a process runs the morning's jobs ({setup.get('birthdays_today')} "
            f"birthdays today, {setup.get('dormant_wallets')} dormant wallets, "
            f"{setup.get('lots_past_date')} lots past their date, all among the "
            f"patients the registers serve), and {load['family_registers']} more "
            "registers where the members of a family of five pay with points from "
            "their one family wallet. pg_stat_activity and pg_blocking_pids sampled "
            f"every 50 ms ({locks['samples']} samples over the run).",
            "",
            f"- orders: {figures['done']} / {figures['planned']} done, "
            f"{figures['failed']} failed; p50 {_ms(figures['order_ms'])} ms, p95 "
            f"{_ms(figures['order_ms'], 'p95')} ms; retries {logs.get('retries', 0)}, "
            f"ERROR lines {logs.get('errors', 0)}",
            f"- family: {family['done']} / {family['orders']} points orders done, p50 "
            f"{_ms(family['order_ms'])} ms, p95 {_ms(family['order_ms'], 'p95')} ms"
            + (f"; errors: {'; '.join(family['errors'])}" if family["errors"] else ""),
            "- jobs: "
            + (
                ", ".join(
                    f"{job['job'].rsplit('.', 1)[1]} {job['s']:.1f} s "
                    f"({job['calls']} calls)"
                    for job in jobs
                )
                or f"no figures (exit {rush.get('job_rc')})"
            ),
            f"- register statements waiting on a lock held by the jobs' backend: "
            f"{locks['waits_on_job']}, {locks['waits_on_job_over_1s']} over 1 s; "
            + (describe_wait(longest) if longest else "none seen"),
            f"- any lock wait of a register's statement (on another register too): "
            f"{locks['register_waits']}, {locks['register_waits_over_1s']} over 1 s"
            + (
                f"; longest {longest_any['s']:.2f} s (`{longest_any['query'][:100]}`)"
                if longest_any
                else ""
            ),
            "",
        ]
    crash = next((p for p in load["phases"] if p["phase"] == "crash"), None)
    if crash:
        figures = crash["loads"]["loyalty"]
        logs = load["logs"]["loyalty"]["phases"].get("crash", {})
        by_error = ", ".join(
            f"{kind} {count}"
            for kind, count in figures["failed_tries_by_error"].items()
        )
        rows += [
            "### The server and the database killed mid-burst",
            "",
            f"Loyalty only: {load['crash_registers']} registers syncing the same mix, "
            "each keeping an order until the server says it is stored, as the POS "
            "keeps unsynced orders: a failed request is sent again a second later "
            "(the reserve until it answers, then the same order under the same "
            "uuid). While they sync:",
            "",
            *(
                f"- {kill['what']}, {kill['at_s']:.0f} s in; answering again "
                f"{kill['back_after_s']:.1f} s later"
                for kill in crash["kills"]
            ),
            f"- orders: {figures['done']} of the {figures['sent']} sent stored in the "
            f"end, {figures['failed']} given up ({figures['not_sent_deadline']} of "
            f"{figures['planned']} planned not sent within the phase's "
            f"{load.get('phase_s', 100):.0f} s); {figures['retried_orders']} sent "
            "again "
            f"({figures['failed_tries']} failed tries: {by_error or 'none'}; at most "
            f"{figures['most_tries']} tries for one order); p50 "
            f"{_ms(figures['order_ms'])} ms, p95 {_ms(figures['order_ms'], 'p95')} ms, "
            f"max {_ms(figures['order_ms'], 'max')} ms, tries included",
            f"- the server log in the phase: {logs.get('errors', 0)} ERROR lines "
            f"(requests cut off by the kills), {logs.get('retries', 0)} retries",
            "",
        ]
    rows += ["Afterwards:", ""]
    for role, check in load["check"].items():
        line = (
            f"- {role}: {check['sent']} orders sent, {check['acked']} acknowledged, "
            f"{check['stored']} stored; {check['missing']} acknowledged but missing, "
            f"{check['stored_twice']} stored twice, {check['failed']} failed "
            f"requests ({check['failed_but_stored']} of them stored)"
        )
        if "integrity_problems" in check:
            line += (
                f"; integrity check: {check['integrity_problems']} wallets with "
                f"problems; paid with points {check['paid_with_points']:.2f}, points "
                f"taken x value {check['points_taken_value']:.2f} "
                f"({check['points_orders']} points orders, "
                f"{check['money_mismatched_orders']} differ); points holds left on "
                f"stored orders: {check.get('holds_left_on_stored_orders', '-')}"
            )
        rows.append(line)
    for role, logs in load["logs"].items():
        total = logs["total"]
        rows.append(
            f"- {role} server log: {total['retries']} retries, {total['errors']} "
            f"ERROR lines, {total['warnings']} WARNING lines"
        )
        if total.get("bad_query_tables"):
            rows.append(
                "  - failed statements (logged as ERROR) by table: "
                + ", ".join(
                    f"{table} {count}"
                    for table, count in sorted(total["bad_query_tables"].items())
                )
            )
        if total.get("rpc_requests"):
            rows.append(
                f"  - {total['rpc_requests']} JSON-RPC requests, "
                f"{total['rpc_queries']:,} SQL queries (Odoo's request log, "
                "retries included)"
            )
        rows += [f"  - `{line[:240]}`" for line in total["first_errors"]]
    rows += [
        "",
        "### Goals under load",
        "",
        "| Goal | Measured | Verdict |",
        "|---|---|---|",
        *(f"| {' | '.join(goal)} |" for goal in load["goals"]),
        "",
    ]
    return rows


def merge_load(args):
    """bench/run --load: the load section of results.md and .json replaced (or
    added), the rest of the files left as the full run wrote them."""
    load = json.loads(Path(args.load).read_text())
    load["goals"] = judge_load(load)
    json_path, md_path = Path(args.json), Path(args.markdown)
    results = json.loads(json_path.read_text()) if json_path.exists() else {}
    machine = machine_facts(args)
    load["machine"] = machine
    load["wall_s"] = args.wall_s
    results["load"] = load
    text = md_path.read_text() if md_path.exists() else "# dental_loyalty benchmark\n"
    if LOAD_HEADER in text:
        text = text[: text.index(LOAD_HEADER)]
    section = "\n".join(load_section(load, machine))
    text = text.rstrip("\n") + "\n\n" + section
    md_path.parent.mkdir(parents=True, exist_ok=True)
    md_path.write_text(text)
    json_path.write_text(json.dumps(results, indent=2) + "\n")
    print(section)


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
    parser.add_argument("--out-dir", help="the bench's JSON files")
    parser.add_argument(
        "--load", help="bench/run --load's load.json: replace the load section only"
    )
    parser.add_argument("--markdown", required=True)
    parser.add_argument("--json", required=True)
    parser.add_argument("--pg-version", default="?")
    parser.add_argument("--odoo-version", default="?")
    parser.add_argument("--wall-s", type=float, default=0.0)
    parser.add_argument(
        "--scale-of", help="the out dir of a run at another size, to compare jobs"
    )
    args = parser.parse_args()
    if args.load:
        merge_load(args)
        return
    if not args.out_dir:
        parser.error("--out-dir is required")
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
    # The load bench's figures (bench/run --load) stay until it runs again.
    previous = Path(args.json)
    if previous.exists() and "load" in (old := json.loads(previous.read_text())):
        results["load"] = old["load"]
        load_lines = load_section(old["load"], old["load"].get("machine", {}))
        text = text.rstrip("\n") + "\n\n" + "\n".join(load_lines)
    Path(args.markdown).write_text(text)
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    print(text)


if __name__ == "__main__":
    main()
