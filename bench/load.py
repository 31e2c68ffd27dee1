"""The POS order path under a chain's load, on Odoo's own prefork server.

Two databases built alike: *plain* (point_of_sale only) and *loyalty*
(point_of_sale and dental_loyalty), each served by an Odoo prefork server of its
own (``--workers``, loopback, no cron thread), both on this machine's one
PostgreSQL and its cores. The same products, registers, patients and orders in
both; registers are threads, each syncing its orders in turn over JSON-RPC
(``/jsonrpc`` execute_kw) as a cashier with only Point of Sale rights. In
loyalty a quarter of the orders pay part of the bill with points (the most the
cap allows) on ten popular patients, the others only earn (patients drawn from
a larger pool); in plain the same orders pay the same amounts, the "points"
part with a second payment method of no loyalty. As the register does, each
loyalty order first asks for the patient's offers when the patient is chosen
(``dental_loyalty_patient_offers``: the cues of the Rewards and Vouchers
buttons; the register does not wait on it, so the order's time starts after
it, but its request is served and counted like any other), then a points order
makes ``RESERVES`` reserve calls, and every order its ``sync_from_ui``.

Phases (each with its own orders, the two loads fired at the same moment):
  warm-up    8 registers x 2 orders in both, not measured: each server's
             workers load the registry and fill their caches first
  load-N     N registers x ORDERS orders in plain and in loyalty side by side,
             for each N of BENCH_LOAD_REGISTERS (10,20)
  rush       loyalty only: 10 registers syncing (the same mix) while a process
             of its own runs the morning's jobs (birthday gifts, dormant
             patients, lot expiry, each batch committed as a cron does), and a
             family of five (one family wallet) pays with points at two
             registers at once; pg_stat_activity / pg_blocking_pids sampled
             every 50 ms: the longest wait of a register's statement on a lock
             held by the jobs' backend (goal: none over 1 s)
  crash      loyalty only: CRASH_REGISTERS registers syncing the same mix,
             each keeping an order until the server says it is stored (as the
             POS does: a failed request is sent again, the same order under the
             same uuid); mid-burst the server is killed (SIGKILL to its master,
             workers and all) and started again, then PostgreSQL goes
             (BENCH_LOAD_DB_CRASH, a shell command that crashes and restarts
             it, e.g. ``pg_ctlcluster 15 main restart -m immediate``; unset,
             every connection to the database is terminated, which is what a
             crashed PostgreSQL looks like to Odoo); the check afterwards
             counts the orders of every phase, these too

Subcommands (bench/run --load calls ``run``, which installs, sets up, starts
the servers and runs the others in turn):
  setup  --role plain|loyalty  build the registers, patients, points (committed)
  jobs                         the morning's jobs on the loyalty database
  fire                         the phases above, against the two servers
  check  --sent FILE           orders stored vs sent (by uuid, each once); in
                               loyalty the integrity check and money paid with
                               points = points taken x their value

Environment: BENCH_LOAD_REGISTERS (10,20), BENCH_LOAD_ORDERS (25) orders per
register, BENCH_LOAD_RUSH_REGISTERS (10) in the rush (plus the family's two),
BENCH_QUICK=1 (4,8 registers x 6 orders, 4 in the rush: the harness checked in
a few minutes), BENCH_LOAD_RESERVES (1) reserve calls per points order,
BENCH_LOAD_PATIENTS (300) the pool of earn-only patients,
BENCH_LOAD_PHASE_S (100; the warm-up 60) the most a phase may run before its
registers stop sending (what was not sent is reported), BENCH_LOAD_TIMEOUT_S
(60) per request, BENCH_LOAD_WORKERS (4) workers per server,
BENCH_LOAD_CRASH_REGISTERS (10; quick 4) and BENCH_LOAD_CRASH_AFTER_S (6) the
pause before each kill, BENCH_LOAD_DB_CRASH (above),
BENCH_LOAD_TEMPLATE=NAME copies the databases NAME_plain and NAME_loyalty
(installed, not set up) instead of installing (to re-run without the installs'
minutes).

Goods are consumables whose stock is not tracked (a picking per order all the
same): with tracked stock every register's sale updates the same quants (the
customers' location's), and core's stock moves conflict and retry in both
databases alike, drowning what loyalty adds. One server per database, so that
neither load waits for the other's workers (each as a clinic chain's own
server), while both share the cores and PostgreSQL as they would share a host.
"""

import argparse
import json
import math
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime

# Reserve calls per points order before its sync: 1 is the register reserving
# the most the bill may pay when the points line is added and syncing within
# that hold; 2 is the older register asking again at Validate.
RESERVES = int(os.environ.get("BENCH_LOAD_RESERVES", "1"))
# BENCH_QUICK=1: a small run to check the harness (4 and 8 registers x 6 orders).
QUICK = os.environ.get("BENCH_QUICK") == "1"
REGISTERS = [
    int(n)
    for n in os.environ.get("BENCH_LOAD_REGISTERS", "4,8" if QUICK else "10,20").split(
        ","
    )
    if n
]
ORDERS = int(os.environ.get("BENCH_LOAD_ORDERS", "6" if QUICK else "25"))
POOL = int(os.environ.get("BENCH_LOAD_PATIENTS", "300"))
PHASE_S = float(os.environ.get("BENCH_LOAD_PHASE_S", "100"))
WARMUP_S = 60.0
TIMEOUT_S = float(os.environ.get("BENCH_LOAD_TIMEOUT_S", "60"))
RUSH_REGISTERS = int(
    os.environ.get("BENCH_LOAD_RUSH_REGISTERS", "4" if QUICK else "10")
)
CRASH_REGISTERS = int(
    os.environ.get("BENCH_LOAD_CRASH_REGISTERS", "4" if QUICK else "10")
)
CRASH_AFTER_S = float(os.environ.get("BENCH_LOAD_CRASH_AFTER_S", "6"))
# After its last order is sent, how long a register of the crash phase keeps
# sending what is not stored yet, a second between tries.
CRASH_RECOVERY_S = 90.0
CRASH_RETRY_PAUSE_S = 1.0
# Before the first phase, not measured: each server's workers load the registry
# and fill their caches.
WARMUP_REGISTERS = 8
WARMUP_ORDERS = 2
POPULAR = 10
FAMILY = 5
POINTS_SHARE = 4  # one order in POINTS_SHARE pays with points
MAX_SHARE = 30.0
POINT_VALUE = 0.01
CASHIER_LOGIN = "bench_load_cashier"
CASHIER_PASSWORD = "bench-load-cashier"  # a throwaway database's, on loopback only
# (name, list price, stocked): the visit of bench/pos_order_path.py
VISIT = [
    ("Check-up", 50.0, False),
    ("Six-monthly cleaning", 80.0, False),
    ("Soft toothbrush", 5.5, True),
    ("Dental floss", 3.2, True),
]
VISIT_TOTAL = round(sum(price for _name, price, _stocked in VISIT), 2)
POINTS_AMOUNT = round(VISIT_TOTAL * MAX_SHARE / 100, 2)
# The jobs run in the rush phase, in this order, each to its end.
RUSH_JOBS = [
    ("dental.loyalty.wallet", "_cron_birthday_gifts"),
    ("dental.loyalty.wallet", "_cron_dormant_patients"),
    ("dental.loyalty.wallet", "_cron_expire_lots"),
]


def percentile(values, share):
    """Nearest-rank percentile (None when there is nothing)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def write_json(path, data):
    with open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps(data, indent=2, default=str) + "\n")


# ----------------------------------------------------------------------
# setup, jobs, check: inside Odoo, on one database
# ----------------------------------------------------------------------


def odoo_env_args(args_rest):
    """Load Odoo's options (the rest of the command line) into its config."""
    from odoo.tools import config

    config.parse_config(args_rest, setup_logging=True)
    if not config["db_name"]:
        raise SystemExit("give the database with -d DB")


def setup(role, out):
    """Registers, cashier, products, patients; in loyalty the popular patients'
    points, the family of five, and the morning jobs' work (committed)."""
    from odoo_env import environment

    from odoo import Command, fields

    loyalty = role == "loyalty"
    with environment(commit=True) as env:
        company = env.company
        if loyalty:
            company.write(
                {
                    "dental_loyalty_earn_rate": 1.0,
                    "dental_loyalty_point_value": POINT_VALUE,
                    "dental_loyalty_waiting_days": 0,
                    "dental_loyalty_validity_months": 12,
                    "dental_loyalty_max_share": MAX_SHARE,
                }
            )
        products = env["product.product"].create(
            [
                {
                    "name": name,
                    "lst_price": price,
                    "available_in_pos": True,
                    "type": "consu" if stocked else "service",
                    # Goods (a picking per order) whose stock is not tracked:
                    # tracked, every register's sale updates the same quant of
                    # the customers' location, and core's stock moves conflict,
                    # retry and fail after five tries in plain and loyalty
                    # alike, which would drown what the loyalty engine adds.
                    "is_storable": False,
                    "taxes_id": [Command.clear()],
                }
                for name, price, stocked in VISIT
            ]
        )
        journals = env["account.journal"]
        points_journal = journals.create(
            {"name": "Loyalty Points", "code": "BLOYP", "type": "bank"}
        )
        # The rest of the bill is paid by card: a cash method (a cash journal)
        # may serve one register only, and the bench has up to twenty.
        card_journal = journals.create(
            {"name": "Bench Card", "code": "BCARD", "type": "bank"}
        )
        methods = env["pos.payment.method"]
        cash_pm = methods.create({"name": "Bench Card", "journal_id": card_journal.id})
        points_pm = methods.create(
            {
                "name": "Loyalty Points",
                "journal_id": points_journal.id,
                **({"dental_loyalty_points": True} if loyalty else {}),
            }
        )
        cashier = env["res.users"].create(
            {
                "name": "Bench Load Cashier",
                "login": CASHIER_LOGIN,
                "password": CASHIER_PASSWORD,
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [
                    Command.set(
                        [
                            env.ref("base.group_user").id,
                            env.ref("point_of_sale.group_pos_user").id,
                        ]
                    )
                ],
            }
        )
        registers = []
        for index in range(max(REGISTERS + [WARMUP_REGISTERS, RUSH_REGISTERS + 2])):
            config = env["pos.config"].create(
                {
                    "name": f"Bench Register {index + 1:02d}",
                    "payment_method_ids": [Command.set((cash_pm | points_pm).ids)],
                }
            )
            config.with_user(cashier).open_ui()
            session = config.current_session_id
            session.set_opening_control(0, None)
            registers.append(
                {
                    "config_id": config.id,
                    "session_id": session.id,
                    "pricelist_id": config.pricelist_id.id,
                }
            )
        Partner = env["res.partner"]
        popular = Partner.create(
            [{"name": f"Bench Popular Patient {i + 1:02d}"} for i in range(POPULAR)]
        )
        pool = Partner.create(
            [{"name": f"Bench Patient {i + 1:04d}"} for i in range(POOL)]
        )
        family = Partner.create(
            [{"name": f"Bench Family Member {i + 1}"} for i in range(FAMILY)]
        )
        facts = {"role": role}
        if loyalty:
            facts.update(loyalty_setup(env, company, popular, pool, family))
        env.flush_all()
        data = {
            "db": env.cr.dbname,
            "role": role,
            "company_id": company.id,
            "cashier_id": cashier.id,
            "products": [
                {"id": product.id, "price": product.lst_price} for product in products
            ],
            "cash_pm": cash_pm.id,
            "points_pm": points_pm.id,
            "registers": registers,
            "popular": popular.ids,
            "pool": pool.ids,
            "family": family.ids,
            "setup": facts,
            "created": fields.Datetime.to_string(fields.Datetime.now()),
        }
    write_json(out, data)


def loyalty_setup(env, company, popular, pool, family):
    """Points for the popular patients and the family; the morning jobs' work on
    the pool the registers serve: a third have their birthday today, a third
    were last seen 400 days ago (dormant), a third hold a lot past its date."""
    from datetime import timedelta

    from odoo import fields

    Wallet = env["dental.loyalty.wallet"]
    today = fields.Date.context_today(Wallet)
    gift_tier = env["dental.loyalty.tier"].search([], limit=1)
    if gift_tier and not gift_tier.birthday_points:
        gift_tier.birthday_points = 50
    family_group = env["dental.loyalty.family"].create(
        {
            "name": "Bench Family of Five",
            "holder_id": family[0].id,
            "member_ids": [(6, 0, family.ids)],
        }
    )
    family_wallet = family_group.wallet_id
    popular_wallets = Wallet._get_for_partners(popular, company)
    pool_wallets = Wallet._get_for_partners(pool, company)
    lines = [
        {
            "wallet_id": wallet.id,
            "kind": "adjust",
            "points": 1_000_000,
            "reason": "Bench load: points to spend",
        }
        for wallet in popular_wallets | family_wallet
    ] + [
        {
            "wallet_id": wallet.id,
            "kind": "adjust",
            "points": 100,
            "reason": "Bench load: a lot to expire",
        }
        for wallet in pool_wallets
    ]
    Wallet._post_lines(lines)
    env.flush_all()
    by_partner = {wallet.partner_id.id: wallet for wallet in pool_wallets}
    birthday = [pid for i, pid in enumerate(pool.ids) if i % 3 == 0]
    dormant = [by_partner[pid].id for i, pid in enumerate(pool.ids) if i % 3 == 1]
    expiring = [by_partner[pid].id for i, pid in enumerate(pool.ids) if i % 3 == 2]
    # Birthdays today, some years back (the job gives each its tier's points).
    env["res.partner"].browse(birthday).write(
        {"dental_birthday": today.replace(year=today.year - 30)}
    )
    if gift_tier:
        Wallet.browse([by_partner[pid].id for pid in birthday]).sudo().write(
            {"tier_id": gift_tier.id}
        )
    env.flush_all()
    cr = env.cr
    # Stored figures set as the history would have left them; the ledger's
    # sums are untouched, so the wallets still add up.
    cr.execute(
        "UPDATE dental_loyalty_wallet SET last_visit_date = %s WHERE id = ANY(%s)",
        [today - timedelta(days=400), dormant],
    )
    cr.execute(
        "UPDATE dental_loyalty_ledger SET expiry_date = %s "
        "WHERE wallet_id = ANY(%s) AND kind = 'adjust'",
        [today - timedelta(days=1), expiring],
    )
    env.invalidate_all()
    return {
        "family_id": family_group.id,
        "family_wallet_id": family_wallet.id,
        "birthdays_today": len(birthday),
        "dormant_wallets": len(dormant),
        "lots_past_date": len(expiring),
        "gift_tier": gift_tier.name if gift_tier else None,
    }


def run_jobs(out):
    """The morning's jobs in this process, each called until nothing is left,
    each call committed (as Odoo's cron runner does with a job that reports
    what remains)."""
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    registry = Registry(config["db_name"])
    figures = []
    # Loaded: say so, then start when the registers are syncing (fire says go).
    with open(out + ".ready", "w", encoding="utf-8"):
        pass
    waited = time.time()
    while not os.path.exists(out + ".go") and time.time() - waited < 300:
        time.sleep(0.05)
    with registry.cursor() as cr:
        cr.execute("SELECT pg_backend_pid()")
        env = api.Environment(cr, SUPERUSER_ID, {})
        for model, method in RUSH_JOBS:
            begun = time.time()
            calls = 0
            while True:
                calls += 1
                remaining = getattr(env[model], method)()
                cr.commit()
                # a job that leaves wallets a register holds to its next run
                # may report them as remaining: bounded in calls and time
                if not remaining or calls >= 100 or time.time() - begun > PHASE_S:
                    break
            figures.append(
                {
                    "job": f"{model}.{method}",
                    "calls": calls,
                    "started": begun,
                    "ended": time.time(),
                    "s": round(time.time() - begun, 2),
                }
            )
    write_json(out, {"pid": os.getpid(), "jobs": figures})


def check(sent_path, out):
    """Orders stored against orders sent; in loyalty the engine's integrity
    check and money paid with points against points taken x their value."""
    from odoo_env import environment

    with open(sent_path, encoding="utf-8") as sent_file:
        sent = json.load(sent_file)
    uuids = sent["uuids"]
    with environment() as env:
        cr = env.cr
        cr.execute(
            "SELECT uuid, COUNT(*) FROM pos_order WHERE uuid = ANY(%s) GROUP BY uuid",
            [uuids],
        )
        stored = dict(cr.fetchall())
        acked = set(sent["acked"])
        failed = set(uuids) - acked
        result = {
            "db": cr.dbname,
            "sent": len(uuids),
            "acked": len(acked),
            "stored": len(stored),
            # an order the server said it stored, not found: lost
            "missing": len(acked - set(stored)),
            "stored_twice": sum(1 for count in stored.values() if count > 1),
            "missing_examples": sorted(acked - set(stored))[:3],
            # requests that failed (the register keeps the order and sends it
            # again): stored anyway would be a half-done request
            "failed": len(failed),
            "failed_but_stored": len(failed & set(stored)),
        }
        if "dental.loyalty.wallet" in env:
            Wallet = env["dental.loyalty.wallet"]
            problems = Wallet._integrity_problems()
            # A stored order's points hold is spent with its sync: one left
            # would keep the patient's points from every other bill.
            cr.execute(
                "SELECT COUNT(*) FROM dental_loyalty_reservation "
                "WHERE order_uuid = ANY(%s)",
                [list(stored)],
            )
            result["holds_left_on_stored_orders"] = cr.fetchone()[0]
            result["integrity_problems"] = len(problems)
            result["integrity_examples"] = [
                f"wallet {wid}: {'; '.join(texts)}"
                for wid, texts in list(problems.items())[:3]
            ]
            orders = env["pos.order"].search([("uuid", "in", uuids)])
            value = env.company.dental_loyalty_point_value
            paid = taken = 0.0
            mismatched = []
            for order in orders:
                amount = sum(
                    order.payment_ids.filtered(
                        "payment_method_id.dental_loyalty_points"
                    ).mapped("amount")
                )
                points = order.dental_loyalty_points_spent
                paid += amount
                taken += points * value
                if abs(amount - points * value) > 0.005:
                    mismatched.append(order.uuid)
            result.update(
                {
                    "points_orders": len(
                        orders.filtered(lambda order: order.dental_loyalty_points_spent)
                    ),
                    "paid_with_points": round(paid, 2),
                    "points_taken_value": round(taken, 2),
                    "money_mismatched_orders": len(mismatched),
                }
            )
    write_json(out, result)


# ----------------------------------------------------------------------
# fire: the registers, over JSON-RPC
# ----------------------------------------------------------------------


class Rpc:
    """JSON-RPC to one server and database as the cashier; every request
    with a timeout."""

    def __init__(self, url, db):
        self.url = url.rstrip("/") + "/jsonrpc"
        self.db = db
        self.uid = self.call("common", "login", db, CASHIER_LOGIN, CASHIER_PASSWORD)
        if not self.uid:
            raise RuntimeError(f"{db}: the cashier cannot log in")

    def call(self, service, method, *args):
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"service": service, "method": method, "args": args},
                "id": 1,
            }
        ).encode()
        request = urllib.request.Request(
            self.url, body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            reply = json.loads(response.read())
        if reply.get("error"):
            error = reply["error"]
            data = error.get("data") or {}
            raise RuntimeError(
                f"{data.get('name', error.get('message'))}: "
                f"{(data.get('message') or '')[:200]}"
            )
        return reply["result"]

    def execute(self, model, method, *args):
        return self.call(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            CASHIER_PASSWORD,
            model,
            method,
            list(args),
            {},
        )


def now_string():
    return datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")


def plan(phase, registers, orders, data, family_registers=0):
    """Each register's orders, the same in both databases (patients by their
    index in the setup's lists): one in POINTS_SHARE pays with points on a
    popular patient, the rest earn on a patient of the pool. With
    ``family_registers``, the last that many registers serve the family of
    five, every order paid with points."""
    rng = random.Random(f"{phase}-{registers}")
    plans = []
    for register in range(registers):
        orders_of = []
        family = register >= registers - family_registers
        for index in range(orders):
            if family:
                orders_of.append(("family", rng.randrange(FAMILY), True))
            elif (register + index) % POINTS_SHARE == 0:
                orders_of.append(("popular", rng.randrange(POPULAR), True))
            else:
                orders_of.append(("pool", rng.randrange(len(data["pool"])), False))
        plans.append(orders_of)
    return plans


class Load:
    """One database's registers in one phase."""

    def __init__(self, name, rpc, data, plans, deadline):
        self.name = name
        self.rpc = rpc
        self.data = data
        self.plans = plans
        self.deadline = deadline
        self.loyalty = data["role"] == "loyalty"
        self.orders = []  # one dict per order attempted
        self.requests = []  # (kind, ms, ok)
        self.lock = threading.Lock()
        self.uuids = []  # every order sent
        self.acked = []  # the orders the server said it stored

    def order_data(self, register, partner_id, points, order_uuid):
        lines = [
            {
                "product_id": product["id"],
                "qty": 1,
                "price_unit": product["price"],
                "price_subtotal": product["price"],
                "price_subtotal_incl": product["price"],
                "discount": 0.0,
                "tax_ids": [(6, 0, [])],
                "pack_lot_ids": [],
            }
            for product in self.data["products"]
        ]
        payments = [(self.data["cash_pm"], VISIT_TOTAL)]
        if points:
            payments = [
                (self.data["points_pm"], points),
                (self.data["cash_pm"], round(VISIT_TOTAL - points, 2)),
            ]
        stamp = now_string()
        return {
            "uuid": order_uuid,
            "name": f"Order {order_uuid}",
            "amount_paid": VISIT_TOTAL,
            "amount_return": 0,
            "amount_tax": 0,
            "amount_total": VISIT_TOTAL,
            "date_order": stamp,
            "fiscal_position_id": False,
            "pricelist_id": register["pricelist_id"],
            "last_order_preparation_change": "{}",
            "lines": [(0, 0, line) for line in lines],
            "partner_id": partner_id,
            "session_id": register["session_id"],
            "sequence_number": 2,
            "payment_ids": [
                (0, 0, {"amount": amount, "name": stamp, "payment_method_id": pm})
                for pm, amount in payments
                if amount
            ],
            "user_id": self.data["cashier_id"],
            "to_invoice": False,
        }

    def request(self, kind, method, *args):
        start = time.perf_counter()
        ok = True
        try:
            return self.rpc.execute("pos.order", method, *args)
        except Exception:
            ok = False
            raise
        finally:
            ms = (time.perf_counter() - start) * 1000
            with self.lock:
                self.requests.append((kind, ms, ok))

    def register(self, index, barrier):
        register = self.data["registers"][index]
        barrier.wait()
        for group, position, pays_points in self.plans[index]:
            if time.time() > self.deadline:
                with self.lock:
                    self.orders.append({"group": group, "sent": False})
                continue
            partner_id = self.data[group][position]
            order_uuid = str(uuid.uuid4())
            with self.lock:
                self.uuids.append(order_uuid)
            record = {"group": group, "points": pays_points, "sent": True}
            chosen = time.perf_counter()
            if self.loyalty:
                self.patient_chosen(register, partner_id)
            start = time.perf_counter()
            record["started"] = time.time()
            self.send(register, partner_id, pays_points, order_uuid, record)
            record["ms"] = (time.perf_counter() - start) * 1000
            # The register's own time on the order, the offers included.
            record["register_ms"] = (time.perf_counter() - chosen) * 1000
            record["ended"] = time.time()
            with self.lock:
                self.orders.append(record)

    def patient_chosen(self, register, partner_id):
        """The register's Rewards and Vouchers buttons ask what the patient
        can claim; a failure leaves them quiet, and the order goes on."""
        try:
            self.request(
                "offers",
                "dental_loyalty_patient_offers",
                register["config_id"],
                partner_id,
            )
        except Exception:  # noqa: BLE001, S110 - the buttons stay quiet, as at a register
            pass

    def reserve(self, register, order_uuid, partner_id, amount=None):
        """The register's hold for a points payment: the amount granted."""
        offer = self.request(
            "reserve",
            "dental_loyalty_reserve_points",
            register["config_id"],
            order_uuid,
            partner_id,
            VISIT_TOTAL,
            amount,
        )
        return min(offer["max_amount"], VISIT_TOTAL)

    def sync(self, register, partner_id, amount, order_uuid):
        """The order synced, paying ``amount`` with points; acknowledged."""
        self.request(
            "sync",
            "sync_from_ui",
            [self.order_data(register, partner_id, amount, order_uuid)],
        )
        with self.lock:
            self.acked.append(order_uuid)

    def send(self, register, partner_id, pays_points, order_uuid, record):
        """One order as the register sends it: its reserve calls, then its
        sync; ``record`` says whether the server stored it."""
        try:
            amount = POINTS_AMOUNT if pays_points else 0
            if pays_points and self.loyalty:
                for call in range(RESERVES):
                    amount = self.reserve(
                        register, order_uuid, partner_id, None if call == 0 else amount
                    )
            self.sync(register, partner_id, amount, order_uuid)
            record["ok"] = True
        except Exception as error:  # noqa: BLE001 - reported, the register goes on
            record["ok"] = False
            record["error"] = str(error)[:300]

    def summary(self):
        done = [order for order in self.orders if order.get("ok")]
        sent = [order for order in self.orders if order["sent"]]
        failed = [order for order in sent if not order.get("ok")]
        if done:
            begun = min(order["started"] for order in sent)
            ended = max(order["ended"] for order in sent)
            wall = ended - begun
        else:
            wall = 0
        earn = [order["ms"] for order in done if not order["points"]]
        earn_register = [order["register_ms"] for order in done if not order["points"]]
        points = [order["ms"] for order in done if order["points"]]
        all_ms = [order["ms"] for order in done]
        kinds = sorted({kind for kind, _ms, _ok in self.requests})
        return {
            "db": self.rpc.db,
            "registers": len(self.plans),
            "planned": sum(len(orders) for orders in self.plans),
            "sent": len(sent),
            "not_sent_deadline": len(self.orders) - len(sent),
            "done": len(done),
            "failed": len(failed),
            "errors": sorted({order["error"] for order in failed})[:5],
            "wall_s": round(wall, 2),
            "orders_per_s": round(len(done) / wall, 3) if wall else None,
            "order_ms": stats(all_ms),
            "register_order_ms": stats([order["register_ms"] for order in done]),
            "earn_order_ms": stats(earn),
            "earn_register_ms": stats(earn_register),
            "points_order_ms": stats(points),
            "requests": {
                kind: {
                    "count": sum(1 for k, _ms, _ok in self.requests if k == kind),
                    "failed": sum(
                        1 for k, _ms, ok in self.requests if k == kind and not ok
                    ),
                    **stats([ms for k, ms, _ok in self.requests if k == kind]),
                }
                for kind in kinds
            },
        }


class RetryingLoad(Load):
    """Registers that keep each order until the server says it is stored, as
    the POS keeps unsynced orders: a request that fails (the server or its
    database gone) is sent again a second later, the reserve until it answers,
    then the same order under the same uuid, until it is acknowledged or the
    phase's recovery time is up."""

    def send(self, register, partner_id, pays_points, order_uuid, record):
        amount = 0
        reserved = not (pays_points and self.loyalty)
        tries = 0
        while True:
            tries += 1
            try:
                if not reserved:
                    amount = self.reserve(register, order_uuid, partner_id)
                    reserved = True
                self.sync(register, partner_id, amount, order_uuid)
                record["ok"] = True
                break
            except Exception as error:  # noqa: BLE001 - sent again, as the POS does
                # What failed: Odoo's exception named in the reply, else what
                # the connection said (refused, reset, closed).
                kind = (
                    str(error).split(":", 1)[0]
                    if isinstance(error, RuntimeError)
                    else type(error).__name__
                )
                record.setdefault("errors", []).append(kind)
                if time.time() > self.deadline + CRASH_RECOVERY_S:
                    record["ok"] = False
                    record["error"] = str(error)[:300]
                    break
                time.sleep(CRASH_RETRY_PAUSE_S)
        record["tries"] = tries

    def summary(self):
        summary = super().summary()
        sent = [order for order in self.orders if order["sent"]]
        retried = [order for order in sent if order.get("tries", 1) > 1]
        errors = {}
        for order in retried:
            for kind in order["errors"]:
                errors[kind] = errors.get(kind, 0) + 1
        summary["retried_orders"] = len(retried)
        summary["failed_tries"] = sum(len(order["errors"]) for order in retried)
        summary["failed_tries_by_error"] = dict(
            sorted(errors.items(), key=lambda item: -item[1])[:6]
        )
        summary["most_tries"] = max((order["tries"] for order in sent), default=0)
        return summary


def stats(values):
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "mean": round(statistics.fmean(values), 1),
        "p50": round(statistics.median(values), 1),
        "p95": round(percentile(values, 0.95), 1),
        "max": round(max(values), 1),
    }


class LockSampler(threading.Thread):
    """Every ~50 ms: which backends of the loyalty database wait on a lock, and
    who holds it. A wait is keyed by (backend, statement start); its length is
    the last time it was seen waiting less the statement's start."""

    def __init__(self, dsn_db, interval=0.05):
        super().__init__(daemon=True)
        self.db = dsn_db
        self.interval = interval
        self.stop = threading.Event()
        self.waits = {}  # (pid, query_start) -> dict
        self.samples = 0
        self.job_app = None

    def run(self):
        import psycopg2

        conn = psycopg2.connect(dbname=self.db, application_name="bench-load-sampler")
        conn.autocommit = True
        with conn.cursor() as cr:
            while not self.stop.is_set():
                cr.execute(
                    """
                    SELECT w.pid, w.application_name, w.query_start,
                           EXTRACT(EPOCH FROM clock_timestamp() - w.query_start),
                           left(w.query, 160), b.application_name,
                           b.state || ': ' || left(b.query, 160)
                      FROM pg_stat_activity w
                      JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS bp(pid) ON TRUE
                      JOIN pg_stat_activity b ON b.pid = bp.pid
                     WHERE w.datname = %s AND w.wait_event_type = 'Lock'
                    """,
                    [self.db],
                )
                self.samples += 1
                for pid, app, started, waited, query, bapp, held in cr.fetchall():
                    key = (pid, started)
                    wait = self.waits.setdefault(
                        key,
                        {
                            "waiter_app": app,
                            "query": " ".join(query.split()),
                            "blockers": set(),
                            # what the blocker ran last (its lock is older)
                            "blocker_statements": set(),
                            "by_job": False,
                            "at": started.timestamp(),
                            "s": 0.0,
                        },
                    )
                    wait["s"] = max(wait["s"], float(waited))
                    wait["blockers"].add(bapp)
                    if len(wait["blocker_statements"]) < 3:
                        wait["blocker_statements"].add(" ".join((held or "").split()))
                    if self.job_app and bapp == self.job_app:
                        wait["by_job"] = True
                self.stop.wait(self.interval)
        conn.close()

    def summary(self, since=None):
        waits = [
            wait
            for (_pid, started), wait in self.waits.items()
            if since is None or started.timestamp() >= since
        ]
        registers = [w for w in waits if w["waiter_app"] != self.job_app]
        by_job = [w for w in registers if w["by_job"]]

        def longest(items):
            if not items:
                return None
            top = max(items, key=lambda w: w["s"])
            return {
                "s": round(top["s"], 3),
                "at": top["at"],
                "query": top["query"][:160],
                "blockers": sorted(top["blockers"]),
                "blocker_statements": sorted(top["blocker_statements"]),
            }

        return {
            "samples": self.samples,
            "register_waits": len(registers),
            "register_waits_over_1s": sum(1 for w in registers if w["s"] > 1),
            "longest_register_wait": longest(registers),
            "waits_on_job": len(by_job),
            "waits_on_job_over_1s": sum(1 for w in by_job if w["s"] > 1),
            "longest_wait_on_job": longest(by_job),
        }


def side_by_side(result, loads):
    """Orders/s while both loads ran: the one that ends first leaves the other
    the cores for its tail, which flatters it; count what each did by the first
    one's last order."""
    ends = [
        max((o["ended"] for o in load.orders if o.get("ok")), default=None)
        for load in loads
    ]
    if not all(ends):
        return
    common_end = min(ends)
    for load in loads:
        summary = result["loads"][load.name]
        done = [o for o in load.orders if o.get("ok")]
        begun = min(o["started"] for o in done)
        # an order still running then counts for the share of its time spent
        # before, so that neither load loses the orders it had in flight
        within = sum(
            min(max((common_end - o["started"]) / (o["ended"] - o["started"]), 0), 1)
            for o in done
        )
        summary["side_by_side_s"] = round(common_end - begun, 2)
        summary["side_by_side_orders_per_s"] = (
            round(within / (common_end - begun), 3) if common_end > begun else None
        )


def run_phase(name, loads, job_command=None, sampler=None):
    """Fire every register of ``loads`` at the same moment; wait for them."""
    threads = []
    barrier = threading.Barrier(sum(len(load.plans) for load in loads) + 1)
    for load in loads:
        for index in range(len(load.plans)):
            thread = threading.Thread(
                target=load.register, args=(index, barrier), daemon=True
            )
            thread.start()
            threads.append(thread)
    job = None
    if job_command:
        command, log, job_out = job_command
        for stale in (job_out + ".ready", job_out + ".go"):
            if os.path.exists(stale):
                os.remove(stale)
        job = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        if sampler:
            sampler.job_app = f"odoo-{job.pid}"
        # The registers start once the jobs' process has loaded Odoo; the jobs
        # start a few seconds later, while the registers sync.
        waited = time.time()
        while not os.path.exists(job_out + ".ready") and job.poll() is None:
            if time.time() - waited > 120:
                break
            time.sleep(0.1)
    print(f"  {name}: firing {len(threads)} registers", flush=True)
    phase_start = time.time()
    barrier.wait()
    if job:
        time.sleep(float(os.environ.get("BENCH_LOAD_JOB_DELAY_S", "5")))
        with open(job_out + ".go", "w", encoding="utf-8"):
            pass
    for thread in threads:
        thread.join(timeout=PHASE_S + 2 * TIMEOUT_S)
    job_rc = None
    if job:
        try:
            job_rc = job.wait(timeout=PHASE_S)
        except subprocess.TimeoutExpired:
            job.kill()
            job_rc = "killed"
    result = {
        "phase": name,
        "started": phase_start,
        "ended": time.time(),
        "loads": {load.name: load.summary() for load in loads},
    }
    if len(loads) > 1:
        side_by_side(result, loads)
    if job_command:
        result["job_rc"] = job_rc
    for load in loads:
        summary = result["loads"][load.name]
        print(
            f"    {load.name}: {summary['done']}/{summary['planned']} orders "
            f"in {summary['wall_s']} s, {summary['orders_per_s']} orders/s, "
            f"p50 {summary['order_ms'].get('p50')} ms, "
            f"p95 {summary['order_ms'].get('p95')} ms, failed {summary['failed']}",
            flush=True,
        )
    return result


def fire(args, odoo_rest):
    with open(args.plain, encoding="utf-8") as f:
        plain = json.load(f)
    with open(args.loyalty, encoding="utf-8") as f:
        loyalty = json.load(f)
    rpc_plain = Rpc(args.plain_url, plain["db"])
    rpc_loyalty = Rpc(args.loyalty_url, loyalty["db"])
    sampler = LockSampler(loyalty["db"])
    sampler.start()
    began = time.time()
    phases = []
    sent = {"plain": [], "loyalty": []}
    acked = {"plain": [], "loyalty": []}
    every_order = []  # each order's figures, to bench/out/load/load-fire-orders.json
    plans = plan("warmup", WARMUP_REGISTERS, WARMUP_ORDERS, loyalty)
    deadline = time.time() + WARMUP_S
    loads = [
        Load("plain", rpc_plain, plain, plans, deadline),
        Load("loyalty", rpc_loyalty, loyalty, plans, deadline),
    ]
    run_phase("warm-up (not measured)", loads)
    for load in loads:
        sent[load.name] += load.uuids
        acked[load.name] += load.acked
    for registers in REGISTERS:
        name = f"load-{registers}"
        deadline = time.time() + PHASE_S
        plans = plan(name, registers, ORDERS, loyalty)
        loads = [
            Load("plain", rpc_plain, plain, plans, deadline),
            Load("loyalty", rpc_loyalty, loyalty, plans, deadline),
        ]
        result = run_phase(name, loads)
        result["locks"] = sampler.summary(since=result["started"])
        phases.append(result)
        for load in loads:
            sent[load.name] += load.uuids
            acked[load.name] += load.acked
            every_order += [
                {"phase": name, "load": load.name, **o} for o in load.orders
            ]
    # The rush: the morning jobs while registers sync, the family at two of them.
    name = "rush"
    deadline = time.time() + PHASE_S
    plans = plan(name, RUSH_REGISTERS + 2, ORDERS, loyalty, family_registers=2)
    load = Load("loyalty", rpc_loyalty, loyalty, plans, deadline)
    job_log = open(args.job_log, "w", encoding="utf-8")  # noqa: SIM115
    command = [sys.executable, os.path.abspath(__file__), "jobs", "--out", args.job_out]
    result = run_phase(
        name, [load], (command + odoo_rest, job_log, args.job_out), sampler
    )
    job_log.close()
    sampler.stop.set()
    sampler.join(timeout=5)
    result["locks"] = sampler.summary(since=result["started"])
    family = [order for order in load.orders if order["group"] == "family"]
    sent_family = [order for order in family if order["sent"]]
    result["family"] = {
        "orders": len(family),
        "not_sent_deadline": len(family) - len(sent_family),
        "done": sum(1 for order in sent_family if order.get("ok")),
        "errors": sorted(
            {order["error"] for order in sent_family if not order.get("ok")}
        )[:3],
        "order_ms": stats([order["ms"] for order in family if order.get("ok")]),
    }
    try:
        with open(args.job_out, encoding="utf-8") as f:
            result["jobs"] = json.load(f)["jobs"]
    except (OSError, ValueError):
        result["jobs"] = None
    longest = result["locks"].get("longest_wait_on_job")
    if longest and result["jobs"]:
        longest["during"] = [
            job["job"]
            for job in result["jobs"]
            if job["started"] - 1 <= longest["at"] <= job["ended"] + 1
        ]
    phases.append(result)
    sent["loyalty"] += load.uuids
    acked["loyalty"] += load.acked
    every_order += [{"phase": name, "load": "loyalty", **o} for o in load.orders]
    write_json(args.out.replace(".json", "-orders.json"), every_order)
    write_json(args.sent_plain, {"uuids": sent["plain"], "acked": acked["plain"]})
    write_json(args.sent_loyalty, {"uuids": sent["loyalty"], "acked": acked["loyalty"]})
    write_json(
        args.out,
        {
            "reserves_per_points_order": RESERVES,
            "orders_per_register": ORDERS,
            "registers": REGISTERS,
            "rush_registers": RUSH_REGISTERS,
            "family_registers": 2,
            "pool": len(loyalty["pool"]),
            "popular": POPULAR,
            "points_share": f"1 in {POINTS_SHARE}",
            "points_amount": POINTS_AMOUNT,
            "visit_total": VISIT_TOTAL,
            "setup": loyalty["setup"],
            "phases": phases,
            "wall_s": round(time.time() - began, 1),
        },
    )


# ----------------------------------------------------------------------
# run: the whole --load bench (bench/run --load calls it)
# ----------------------------------------------------------------------

SERVER_WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "4"))


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_exists(name):
    import psycopg2

    conn = psycopg2.connect(dbname="postgres")
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return bool(cr.fetchone())
    finally:
        conn.close()


class Orchestra:
    """The processes of one --load run: installs, setups, the two servers."""

    def __init__(self, args):
        self.args = args
        self.out = args.out_dir
        self.odoo = [args.odoo_python, args.odoo_bin]
        self.env = dict(os.environ, PYTHONPATH=args.pythonpath)
        self.servers = []

    def odoo_args(self, db):
        return [
            "-d",
            db,
            f"--addons-path={self.args.addons_path}",
            "--no-http",
            "--max-cron-threads=0",
            "--log-level=warn",
        ]

    def step(self, name, commands, timeout):
        """Run the commands side by side, each to a log of its own; stop the
        bench when one fails."""
        print(f"== {name} ...", flush=True)
        begun = time.time()
        running = []
        for log_name, command in commands:
            log = open(os.path.join(self.out, log_name), "w", encoding="utf-8")  # noqa: SIM115
            running.append(
                (
                    log_name,
                    log,
                    subprocess.Popen(
                        command, stdout=log, stderr=subprocess.STDOUT, env=self.env
                    ),
                )
            )
        failed = []
        for log_name, log, process in running:
            try:
                rc = process.wait(timeout=max(timeout - (time.time() - begun), 1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                rc = "timed out"
            log.close()
            if rc != 0:
                failed.append((log_name, rc))
        if failed:
            for log_name, rc in failed:
                print(
                    f"error: {name}: {log_name} ended with {rc}; its end:",
                    file=sys.stderr,
                )
                with open(os.path.join(self.out, log_name), encoding="utf-8") as log:
                    sys.stderr.write("".join(log.readlines()[-30:]))
            raise SystemExit(1)
        print(f"   done in {time.time() - begun:.0f} s", flush=True)
        return round(time.time() - begun, 1)

    def start_server(self, db, log_name, ports=None):
        """Serve ``db`` (on ``ports``, (http, gevent), to start it again where it
        was); returns its url, process and ports. A session of its own, so
        that its master and workers can be killed together."""
        port, gevent_port = ports or (free_port(), free_port())
        command = self.odoo + [
            "-d",
            db,
            f"--db-filter=^{db}$",
            f"--addons-path={self.args.addons_path}",
            f"--workers={SERVER_WORKERS}",
            "--max-cron-threads=0",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            f"--gevent-port={gevent_port}",
            "--log-level=info",
            f"--logfile={os.path.join(self.out, log_name)}",
            "--no-database-list",
        ]
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            env=self.env,
            start_new_session=True,
        )
        self.servers.append(process)
        return f"http://127.0.0.1:{port}", process, (port, gevent_port)

    def wait_ready(self, url, process, timeout=120):
        begun = time.time()
        while time.time() - begun < timeout:
            if process.poll() is not None:
                raise SystemExit(
                    f"error: the server for {url} ended ({process.returncode})"
                )
            try:
                with urllib.request.urlopen(url + "/web/health", timeout=5) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(1)
        raise SystemExit(f"error: the server at {url} did not answer in {timeout} s")

    def stop_servers(self):
        for process in self.servers:
            if process.poll() is None:
                process.terminate()
        for process in self.servers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.servers = []


def crash_database(db):
    """Crash PostgreSQL under the server (module docstring); what was done."""
    import psycopg2

    command = os.environ.get("BENCH_LOAD_DB_CRASH")
    if command:
        subprocess.run(command, shell=True, check=True)  # noqa: S602 - the bench's own setting
        how = f"`{command}`"
    else:
        conn = psycopg2.connect(dbname="postgres")
        conn.autocommit = True
        try:
            with conn.cursor() as cr:
                cr.execute(
                    "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [db],
                )
                how = f"its {cr.fetchone()[0]} connections terminated"
        finally:
            conn.close()
    begun = time.time()
    while True:
        try:
            psycopg2.connect(dbname=db).close()
            return how
        except psycopg2.OperationalError:
            if time.time() - begun > 120:
                raise SystemExit(
                    "error: PostgreSQL did not come back in 120 s"
                ) from None
            time.sleep(0.5)


def crash(orchestra, db, server, setup_path):
    """The crash phase (module docstring): loyalty's registers keep sending
    while its server is killed and started again, then its database crashes.
    Returns the phase's figures and its load (its orders are checked with the
    others')."""
    with open(setup_path, encoding="utf-8") as f:
        data = json.load(f)
    url, process, ports = server
    plans = plan("crash", CRASH_REGISTERS, ORDERS, data)
    load = RetryingLoad("loyalty", Rpc(url, db), data, plans, time.time() + PHASE_S)
    barrier = threading.Barrier(len(plans) + 1)
    threads = [
        threading.Thread(target=load.register, args=(index, barrier), daemon=True)
        for index in range(len(plans))
    ]
    for thread in threads:
        thread.start()
    print(f"  crash: firing {len(threads)} registers", flush=True)
    started = time.time()
    barrier.wait()
    kills = []
    time.sleep(CRASH_AFTER_S)
    killed = time.time()
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    url, process, ports = orchestra.start_server(db, "server-loyalty.log", ports)
    orchestra.wait_ready(url, process)
    kills.append(
        {
            "what": "the server: SIGKILL to its master and workers, started again",
            "at_s": round(killed - started, 1),
            "back_after_s": round(time.time() - killed, 1),
        }
    )
    print(f"    server killed, back after {kills[-1]['back_after_s']} s", flush=True)
    time.sleep(CRASH_AFTER_S)
    crashed = time.time()
    how = crash_database(db)
    kills.append(
        {
            "what": f"the database: {how}",
            "at_s": round(crashed - started, 1),
            "back_after_s": round(time.time() - crashed, 1),
        }
    )
    print(f"    database crashed ({how})", flush=True)
    for thread in threads:
        thread.join(timeout=PHASE_S + CRASH_RECOVERY_S + 2 * TIMEOUT_S)
    result = {
        "phase": "crash",
        "started": started,
        "ended": time.time(),
        "loads": {"loyalty": load.summary()},
        "kills": kills,
    }
    summary = result["loads"]["loyalty"]
    print(
        f"    loyalty: {summary['done']}/{summary['planned']} orders, "
        f"{summary['retried_orders']} sent again, failed {summary['failed']}",
        flush=True,
    )
    return result, load


def scan_log(path, db, phases):
    """Per phase (by the lines' UTC time, one second's slack): Odoo's retries of a
    serialization failure ("..., N tries left, try again") and ERROR lines,
    with the first few quoted."""
    import re

    head = re.compile(
        r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d+ \d+ (\w+) (\S+) (\S+): (.*)$"
    )
    windows = [
        (phase["phase"], phase["started"] - 1, phase["ended"] + 1) for phase in phases
    ]

    def bucket():
        return {
            "retries": 0,
            "errors": 0,
            "warnings": 0,
            "first_errors": [],
            "bad_query_tables": {},
            "rpc_requests": 0,
            "rpc_queries": 0,
        }

    counts = {name: bucket() for name, _a, _b in windows}
    total = bucket()
    rpc = re.compile(r'"POST /jsonrpc HTTP/1\.[01]" \d+ - (\d+) ')
    table = re.compile(
        r"bad query: b?.(?:UPDATE|SELECT .*? FROM|INSERT INTO|DELETE FROM)\s+\"?(\w+)"
    )
    from calendar import timegm

    try:
        log = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError:
        return {"total": total, "phases": counts}
    with log:
        for line in log:
            match = head.match(line)
            if not match:
                continue
            stamp, level, _db, _logger, message = match.groups()
            when = timegm(time.strptime(stamp, "%Y-%m-%d %H:%M:%S"))
            kinds = []
            requests = rpc.search(message) if level == "INFO" else None
            if requests:
                for bucket_ in [total] + [
                    counts[name] for name, start, end in windows if start <= when <= end
                ]:
                    bucket_["rpc_requests"] += 1
                    bucket_["rpc_queries"] += int(requests.group(1))
            if level == "INFO" and "tries left, try again" in message:
                kinds.append("retries")
            elif level in ("ERROR", "CRITICAL"):
                kinds.append("errors")
            elif level == "WARNING":
                kinds.append("warnings")
            for kind in kinds:
                buckets = [total] + [
                    counts[name] for name, start, end in windows if start <= when <= end
                ]
                bad = table.search(message) if kind == "errors" else None
                for bucket_ in buckets:
                    bucket_[kind] += 1
                    if bad:
                        tables = bucket_["bad_query_tables"]
                        tables[bad.group(1)] = tables.get(bad.group(1), 0) + 1
                    if kind == "errors" and len(bucket_["first_errors"]) < 3:
                        bucket_["first_errors"].append(line.strip()[:300])
    return {"total": total, "phases": counts}


def run(args, rest):
    out = args.out_dir
    os.makedirs(out, exist_ok=True)
    base = args.db
    dbs = {"plain": f"{base}_plain", "loyalty": f"{base}_loyalty"}
    for db in dbs.values():
        if database_exists(db):
            raise SystemExit(
                f"error: the database {db} exists; drop it or set BENCH_DB"
            )
    orchestra = Orchestra(args)
    os.environ["PYTHONPATH"] = args.pythonpath  # the jobs' process imports Odoo
    me = [args.odoo_python, os.path.abspath(__file__)]
    steps = {}
    started = time.time()
    crashed = None
    template = os.environ.get("BENCH_LOAD_TEMPLATE")
    try:
        if template:
            steps["install"] = orchestra.step(
                f"copy {template}_plain and {template}_loyalty",
                [
                    (
                        f"install-{role}.log",
                        ["createdb", "-T", f"{template}_{role}", db],
                    )
                    for role, db in dbs.items()
                ],
                600,
            )
        else:
            steps["install"] = orchestra.step(
                "install plain (point_of_sale), loyalty (point_of_sale, the addon)",
                [
                    (
                        f"install-{role}.log",
                        orchestra.odoo
                        + orchestra.odoo_args(db)
                        + [
                            "-i",
                            "point_of_sale"
                            if role == "plain"
                            else f"point_of_sale,{args.addon}",
                            "--without-demo=all",
                            "--stop-after-init",
                        ],
                    )
                    for role, db in dbs.items()
                ],
                1200,
            )
        steps["setup"] = orchestra.step(
            "registers, patients and points",
            [
                (
                    f"setup-{role}.log",
                    me
                    + [
                        "setup",
                        "--role",
                        role,
                        "--out",
                        os.path.join(out, f"setup-{role}.json"),
                    ]
                    + orchestra.odoo_args(db),
                )
                for role, db in dbs.items()
            ],
            600,
        )
        print(f"== servers: {SERVER_WORKERS} workers each, loopback ...", flush=True)
        urls = {}
        for role, db in dbs.items():
            urls[role] = orchestra.start_server(db, f"server-{role}.log")
        for url, process, _ports in urls.values():
            orchestra.wait_ready(url, process)
        print("== the loads ...", flush=True)
        begun = time.time()
        fire_args = argparse.Namespace(
            plain=os.path.join(out, "setup-plain.json"),
            loyalty=os.path.join(out, "setup-loyalty.json"),
            plain_url=urls["plain"][0],
            loyalty_url=urls["loyalty"][0],
            out=os.path.join(out, "load-fire.json"),
            sent_plain=os.path.join(out, "sent-plain.json"),
            sent_loyalty=os.path.join(out, "sent-loyalty.json"),
            job_out=os.path.join(out, "load-jobs.json"),
            job_log=os.path.join(out, "load-jobs.log"),
        )
        fire(fire_args, orchestra.odoo_args(dbs["loyalty"]))
        steps["loads"] = round(time.time() - begun, 1)
        if CRASH_REGISTERS:
            print("== the crash ...", flush=True)
            begun = time.time()
            crashed, crash_load = crash(
                orchestra, dbs["loyalty"], urls["loyalty"], fire_args.loyalty
            )
            with open(fire_args.sent_loyalty, encoding="utf-8") as f:
                sent = json.load(f)
            sent["uuids"] += crash_load.uuids
            sent["acked"] += crash_load.acked
            write_json(fire_args.sent_loyalty, sent)
            steps["crash"] = round(time.time() - begun, 1)
        orchestra.stop_servers()
        steps["check"] = orchestra.step(
            "orders stored, integrity, money",
            [
                (
                    f"check-{role}.log",
                    me
                    + [
                        "check",
                        "--sent",
                        os.path.join(out, f"sent-{role}.json"),
                        "--out",
                        os.path.join(out, f"check-{role}.json"),
                    ]
                    + orchestra.odoo_args(db),
                )
                for role, db in dbs.items()
            ],
            600,
        )
    finally:
        orchestra.stop_servers()
        if os.environ.get("KEEP_DB") != "1":
            for db in dbs.values():
                subprocess.run(
                    orchestra.odoo + ["db", "drop", db],
                    env=orchestra.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    check=False,
                )
        else:
            print(f"KEEP_DB=1: the databases {', '.join(dbs.values())} are kept.")
    with open(fire_args.out, encoding="utf-8") as f:
        result = json.load(f)
    if crashed:
        result["phases"].append(crashed)
        result["crash_registers"] = CRASH_REGISTERS
        result["phase_s"] = PHASE_S
    for role, db in dbs.items():
        with open(os.path.join(out, f"check-{role}.json"), encoding="utf-8") as f:
            result.setdefault("check", {})[role] = json.load(f)
        result.setdefault("logs", {})[role] = scan_log(
            os.path.join(out, f"server-{role}.log"), db, result["phases"]
        )
    result["server_workers"] = SERVER_WORKERS
    result["steps_s"] = steps
    result["whole_s"] = round(time.time() - started, 1)
    write_json(os.path.join(out, "load.json"), result)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("setup")
    p.add_argument("--role", choices=("plain", "loyalty"), required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("jobs")
    p.add_argument("--out", required=True)
    p = sub.add_parser("check")
    p.add_argument("--sent", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("fire")
    for option in (
        "--plain",
        "--loyalty",
        "--plain-url",
        "--loyalty-url",
        "--out",
        "--sent-plain",
        "--sent-loyalty",
        "--job-out",
        "--job-log",
    ):
        p.add_argument(option, required=True)
    p = sub.add_parser("run")
    for option in (
        "--db",
        "--out-dir",
        "--odoo-python",
        "--odoo-bin",
        "--addons-path",
        "--pythonpath",
        "--addon",
    ):
        p.add_argument(option, required=True)
    args, rest = parser.parse_known_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    if args.command == "fire":
        fire(args, rest)
        return
    if args.command == "run":
        run(args, rest)
        return
    odoo_env_args(rest)
    if args.command == "setup":
        setup(args.role, args.out)
    elif args.command == "jobs":
        run_jobs(args.out)
    else:
        check(args.sent, args.out)


if __name__ == "__main__":
    main()
