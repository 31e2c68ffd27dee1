"""The POS order path, three ways, on the same four-line orders.

  a  plain POS: a patient without loyalty; dental_loyalty's settlement patched out
  a2 the same, paid like c (a points-method line and cash): a diagnostic, what the
     second payment line costs apart from the loyalty engine
  b  Odoo's pos_loyalty: a loyalty card earning points per currency unit and a
     discount reward paid with points; called as its client calls the server:
     the patient's card read when the patient is chosen (fetchLoyaltyCard's
     search_read: a patient the register has not served yet this session),
     validate_coupon_programs, sync_from_ui, confirm_coupon_programs,
     add_loyalty_history_lines (dental_loyalty's settlement patched out)
  c  dental_loyalty: part of the bill paid with a Loyalty Points method (the most
     the cap allows), the rest in cash; called as its client does: the patient's
     offers when the patient is chosen (dental_loyalty_patient_offers, the cues
     of the Rewards and Vouchers buttons, desk_buttons.js),
     dental_loyalty_reserve_points once, when the points line is added (the hold
     is the most the bill may pay; at validation the register asks again only
     if the bill, the patient or the amount outgrew it, which it does not here),
     then sync_from_ui. Repeated for patients with 10, 1,000 and 10,000 ledger
     lines of history.
  v  the first history's patient chooses a reward at the register, the rest of
     the bill paid in cash (no points payment): the counterpart of b. Called as
     its client does (desk_buttons.js, rewards.js, held_rewards.js,
     vouchers.js): the patient's offers when the patient is chosen (with the
     catalog, which Rewards tapped within minutes shows without asking),
     dental_loyalty_hold_reward (the reward's points held on the bill, its line
     added at the price the hold answered with, the Rewards cue and catalog
     with it: the offers are not asked again), then sync_from_ui, which checks
     the voucher line and buys the held reward. At Pay the register prices its
     voucher lines again (dental_loyalty_voucher_line) only when the bill, its
     lines, the patient or the vouchers before changed since, or the hold is
     close to lapsing: nothing changes here, so it does not ask.
  r  as c with the first history, with ten active earning rules (scopes,
     audiences, periods, effects, caps and combinations of every kind; c and v
     see none): what the rules add to the sync.

Everything happens in one transaction, rolled back at the end, as the cashier (a
Point of Sale user, in the clinic's time zone, which the register sends with
each call as a real one does). Each server call starts with an empty record
cache and ends with what a commit would run first (flush and precommit hooks),
so each order is timed and its SQL queries counted as the server would serve
it. The flavours take turns, one order each per round, so that what drifts over
the transaction weighs on all of them alike.

Environment: BENCH_ORDERS (150) timed orders per flavour, after BENCH_WARMUP (10);
BENCH_HISTORY (10,1000,10000) the ledger lines of flavour c's patients;
BENCH_FLAVOURS (all) the keys of the flavours to run, e.g. a,c10,r;
BENCH_CACHE=order empties the record cache only before each order's first call
(the calls of one order then share it, as in a test) instead of before every call.
"""

import math
import os
import statistics
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta
from unittest.mock import patch

from ledger_data import insert_spent_history
from odoo_env import environment, parse_args, write_json

from odoo import fields

# (name, list price, bonus loyalty points, stocked): a visit's four lines, two
# services and two products taken from stock (a picking per order). The service
# with a bonus (an earning rule of flavour r's, per unit) is also a recall
# service (50 points when back on time).
VISIT = [
    ("Check-up", 50.0, 0, False),
    ("Six-monthly cleaning", 80.0, 40, False),
    ("Soft toothbrush", 5.5, 0, True),
    ("Dental floss", 3.2, 0, True),
]
POINT_VALUE = 0.01
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
MAX_SHARE = 30.0


@dataclass
class Flavour:
    key: str
    label: str
    make_order: Callable
    loyalty_program: bool = False  # pos_loyalty's programme active
    dental_loyalty: bool = False  # dental_loyalty's settlement left in place
    history_lines: int | None = None
    earning_rules: bool = False  # the engine sees the bench's ten earning rules
    reward: bool = False  # a reward held on the bill, no points payment


def percentile(values, share):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


class Bench:
    def __init__(self, env, cache="call"):
        self.env = env
        self.cr = env.cr
        # "call": every server call starts with an empty record cache, as a server
        # serves it; "order": only each order's first call does, as a test would
        self.cache = cache

    # ------------------------------------------------------------------
    # Setup
    # ------------------------------------------------------------------

    def setup(self):
        env = self.env
        company = env.company
        company.write(
            {
                "dental_loyalty_earn_rate": 1.0,
                "dental_loyalty_point_value": POINT_VALUE,
                "dental_loyalty_waiting_days": 0,
                "dental_loyalty_validity_months": 12,
                "dental_loyalty_max_share": MAX_SHARE,
                "dental_loyalty_tier_basis": "points",
                "dental_loyalty_tier_window_months": 12,
            }
        )
        self.company = company
        self.products = env["product.product"].create(
            [
                {
                    "name": name,
                    "lst_price": price,
                    "available_in_pos": True,
                    "type": "consu" if stocked else "service",
                    "is_storable": stocked,
                    "taxes_id": [(5, 0, 0)],
                    # A recall service, as clinics set their cleaning up: each
                    # order looks up the patient's last one (same day: early).
                    "dental_loyalty_recall": bool(bonus),
                    "dental_loyalty_recall_points": 50 if bonus else 0,
                }
                for name, price, bonus, stocked in VISIT
            ]
        )
        self.oral_care = env["product.category"].create(
            {"name": "Bench oral care", "parent_id": self.products[0].categ_id.id}
        )
        self.products.filtered("is_storable").categ_id = self.oral_care
        journals = env["account.journal"]
        cash_journal = journals.search(
            [("type", "=", "cash"), ("company_id", "=", company.id)], limit=1
        )
        points_journal = journals.create(
            {"name": "Loyalty Points", "code": "BLOYP", "type": "bank"}
        )
        methods = env["pos.payment.method"]
        self.cash_pm = methods.create(
            {"name": "Bench Cash", "journal_id": cash_journal.id}
        )
        self.points_pm = methods.create(
            {
                "name": "Loyalty Points",
                "journal_id": points_journal.id,
                "dental_loyalty_points": True,
            }
        )
        discount = env["product.product"].create(
            {
                "name": "Reward discount",
                "available_in_pos": True,
                "type": "service",
                "taxes_id": [(5, 0, 0)],
            }
        )
        self.reward = env["dental.loyalty.reward"].create(
            {
                "name": "Bench 5.00 off",
                "kind": "discount_fixed",
                "discount_amount": 5.0,
                "points_cost": 100,
                "product_id": discount.id,
            }
        )
        # No programme but the bench's own, and that one only for flavour b.
        env["loyalty.program"].search([]).active = False
        self.program = self._loyalty_program()
        self.program.active = False
        self.config = env["pos.config"].create(
            {
                "name": "Bench Front Desk",
                "payment_method_ids": [(6, 0, (self.cash_pm | self.points_pm).ids)],
            }
        )
        self.cashier = env["res.users"].create(
            {
                "name": "Bench Cashier",
                "login": "bench_cashier",
                # A clinic's users have their time zone set (Odoo asks for it)
                # and the register sends it with every call: without it, each
                # call of every flavour would read the user and its partner for
                # today's date, a cost no clinic pays.
                "tz": company.resource_calendar_id.tz or "UTC",
                "company_id": company.id,
                "company_ids": [(6, 0, company.ids)],
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            env.ref("base.group_user").id,
                            env.ref("point_of_sale.group_pos_user").id,
                        ],
                    )
                ],
            }
        )
        self.config.with_user(self.cashier).open_ui()
        self.session = self.config.current_session_id
        self.session.set_opening_control(0, None)
        # The context the register's session sends: the cashier's own
        # (context_get reads the environment's user, not the record).
        context = self.cashier.with_user(self.cashier).context_get()
        self.cashier_env = env(
            user=self.cashier.id,
            su=False,
            context={**context, "allowed_company_ids": company.ids},
        )
        Partner = env["res.partner"]
        self.plain_patient = Partner.create({"name": "Bench Patient (no loyalty)"})
        self.card_patient = Partner.create({"name": "Bench Patient (loyalty card)"})
        # What the register reads of a card (pos_loyalty's fetchCoupons).
        self.card_fields = env["loyalty.card"]._load_pos_data_fields(self.config.id)
        self.card = env["loyalty.card"].create(
            {
                "program_id": self.program.id,
                "partner_id": self.card_patient.id,
                "points": 10_000_000,
            }
        )

    def earning_rules(self, patient):
        """Ten active rules of every kind, as a clinic running campaigns has
        them: on the visit's services, products and category, for everyone, a
        tier, a tag, chosen patients and first visits, in and out of their
        dates and hours, two of them capped (the engine then asks what they
        already gave)."""
        env = self.env
        checkup, cleaning, toothbrush, floss = self.products
        today = fields.Date.context_today(env["dental.loyalty.ledger"])
        tag = env["res.partner.category"].create({"name": "Bench staff and family"})
        tier = env["dental.loyalty.tier"].search([], limit=1)
        weekdays = {f"on_{day}": True for day in WEEKDAYS}
        rules = [
            ("Service bonus: 40 points", "per_unit", 40, {"product_ids": cleaning}),
            (
                "Check-up month x2",
                "multiplier",
                2,
                {
                    "product_ids": checkup,
                    "combination": "best",
                    "date_from": today - timedelta(days=10),
                    "date_to": today + timedelta(days=20),
                },
            ),
            (
                "Weekday mornings x1.5",
                "multiplier",
                1.5,
                {"combination": "best", "hour_from": 8, "hour_to": 12, **weekdays},
            ),
            (
                "Staff and family x2",
                "multiplier",
                2,
                {"combination": "best", "audience": "tags", "tag_ids": tag},
            ),
            ("Tier bonus +50", "per_bill", 50, {"audience": "tiers", "tier_ids": tier}),
            ("First visit +100", "per_bill", 100, {"audience": "first_visit"}),
            (
                "Oral care x3",
                "multiplier",
                3,
                {
                    "product_categ_ids": self.oral_care,
                    "cap_points": 200,
                    "cap_period": "month",
                },
            ),
            (
                "Toothbrush +5",
                "per_unit",
                5,
                {"product_ids": toothbrush, "cap_points": 20, "cap_period": "day"},
            ),
            ("Floss +2", "per_line", 2, {"product_ids": floss}),
            (
                "Chosen patients +10",
                "per_bill",
                10,
                {"audience": "patients", "partner_ids": patient},
            ),
        ]
        return env["dental.loyalty.earning.rule"].create(
            [
                {
                    "name": name,
                    "effect": effect,
                    "multiplier" if effect == "multiplier" else "bonus_points": factor,
                    **{
                        key: [(6, 0, value.ids)] if hasattr(value, "ids") else value
                        for key, value in values.items()
                    },
                }
                for name, effect, factor, values in rules
            ]
        )

    def _loyalty_program(self):
        return self.env["loyalty.program"].create(
            {
                "name": "Bench Loyalty Card",
                "program_type": "loyalty",
                "applies_on": "both",
                "trigger": "auto",
                "pos_ok": True,
                "rule_ids": [
                    (5, 0, 0),
                    (
                        0,
                        0,
                        {
                            "reward_point_mode": "money",
                            "reward_point_amount": 1,
                            "minimum_amount": 0,
                            "minimum_qty": 0,
                        },
                    ),
                ],
                "reward_ids": [
                    (5, 0, 0),
                    (
                        0,
                        0,
                        {
                            "reward_type": "discount",
                            "discount_mode": "per_point",
                            "discount": POINT_VALUE,
                            "discount_applicability": "order",
                            "required_points": 1,
                        },
                    ),
                ],
            }
        )

    def history_patient(self, lines):
        """A patient whose wallet holds ``lines`` ledger lines, with enough open
        points for every order of the bench."""
        partner = self.env["res.partner"].create(
            {"name": f"Bench Patient ({lines} ledger lines)"}
        )
        wallet = partner._dental_loyalty_wallet(self.company)
        today = fields.Date.context_today(self.env["dental.loyalty.ledger"])
        insert_spent_history(
            self.cr,
            wallet.id,
            user_id=self.env.ref("base.user_admin").id,
            lines=lines,
            today=today,
            open_points=5_000_000,
        )
        self.env.invalidate_all()
        wallet._evaluate_tier(allow_downgrade=True)
        self.env.flush_all()
        count = self.env["dental.loyalty.ledger"].search_count(
            [("wallet_id", "=", wallet.id)]
        )
        assert count == lines, (count, lines)
        return partner

    # ------------------------------------------------------------------
    # Orders as the POS sends them
    # ------------------------------------------------------------------

    def order_data(self, partner, payments, extra_lines=(), order_uuid=None):
        lines = [
            {
                "product_id": product.id,
                "qty": 1,
                "price_unit": product.lst_price,
                "price_subtotal": product.lst_price,
                "price_subtotal_incl": product.lst_price,
                "discount": 0.0,
                "tax_ids": [(6, 0, [])],
                "pack_lot_ids": [],
            }
            for product in self.products
        ]
        lines += extra_lines
        total = round(sum(line["price_subtotal_incl"] for line in lines), 2)
        order_uuid = order_uuid or str(uuid.uuid4())
        return {
            "uuid": order_uuid,
            "name": f"Order {order_uuid}",
            "amount_paid": total,
            "amount_return": 0,
            "amount_tax": 0,
            "amount_total": total,
            "date_order": self._now(),
            "fiscal_position_id": False,
            "pricelist_id": self.config.pricelist_id.id,
            "last_order_preparation_change": "{}",
            "lines": [(0, 0, line) for line in lines],
            "partner_id": partner.id,
            "session_id": self.session.id,
            "sequence_number": 2,
            "payment_ids": [
                (
                    0,
                    0,
                    {"amount": amount, "name": self._now(), "payment_method_id": pm.id},
                )
                for pm, amount in payments
                if amount
            ],
            "user_id": self.cashier.id,
            "to_invoice": False,
        }

    def _now(self):
        return fields.Datetime.to_string(fields.Datetime.now())

    @property
    def visit_total(self):
        return round(sum(self.products.mapped("lst_price")), 2)

    # ------------------------------------------------------------------
    # Measuring
    # ------------------------------------------------------------------

    def call(self, figures, name, method):
        """One server call: fresh cache, the call, then a commit's flush and
        precommit hooks. Adds its time (ms) and queries to ``figures``."""
        if self.cache == "call" or not figures:
            self.env.invalidate_all()
        before = self.cr.sql_log_count
        start = time.perf_counter()
        result = method()
        self.cr.flush()
        figures[name] = (
            (time.perf_counter() - start) * 1000,
            self.cr.sql_log_count - before,
        )
        return result

    def sync(self, figures, data):
        result = self.call(
            figures,
            "sync_from_ui",
            lambda: self.cashier_env["pos.order"].sync_from_ui([data]),
        )
        return self.cashier_env["pos.order"].browse(result["pos.order"][0]["id"])

    def plain_order(self):
        figures = {}
        data = self.order_data(self.plain_patient, [(self.cash_pm, self.visit_total)])
        return figures, self.sync(figures, data)

    def plain_order_paid_like_dental(self):
        """The payments of flavour c (points method and cash) without loyalty: what
        the second payment line costs, apart from the loyalty engine."""
        figures = {}
        points = round(self.visit_total * MAX_SHARE / 100, 2)
        payments = [
            (self.points_pm, points),
            (self.cash_pm, round(self.visit_total - points, 2)),
        ]
        data = self.order_data(self.plain_patient, payments)
        return figures, self.sync(figures, data)

    def pos_loyalty_order(self):
        """As pos_loyalty's PaymentScreen: the reward line spends points on a
        discount, the rest is paid in cash and earns points."""
        figures = {}
        reward = self.program.reward_ids
        discount = round(self.visit_total * MAX_SHARE / 100, 2)
        cost = round(discount / POINT_VALUE)
        reward_code = uuid.uuid4().hex[:12]
        reward_line = {
            "product_id": reward.discount_line_product_id.id,
            "qty": 1,
            "price_unit": -discount,
            "price_subtotal": -discount,
            "price_subtotal_incl": -discount,
            "discount": 0.0,
            "tax_ids": [(6, 0, [])],
            "pack_lot_ids": [],
            "is_reward_line": True,
            "reward_id": reward.id,
            "coupon_id": self.card.id,
            "reward_identifier_code": reward_code,
            "points_cost": cost,
        }
        cash = round(self.visit_total - discount, 2)
        won = cash * self.program.rule_ids.reward_point_amount
        net = won - cost
        orders = self.cashier_env["pos.order"]
        self.call(
            figures,
            "card (patient chosen)",
            lambda: self.cashier_env["loyalty.card"].search_read(
                [
                    ("partner_id", "=", self.card_patient.id),
                    ("program_id", "=", self.program.id),
                ],
                self.card_fields,
                limit=1,
                load=False,
            ),
        )
        self.call(
            figures,
            "validate_coupon_programs",
            lambda: orders.validate_coupon_programs({str(self.card.id): net}, []),
        )
        data = self.order_data(
            self.card_patient, [(self.cash_pm, cash)], extra_lines=[reward_line]
        )
        order = self.sync(figures, data)
        coupon_data = {
            str(self.card.id): {
                "coupon_id": self.card.id,
                "program_id": self.program.id,
                "points": net,
                "barcode": False,
                "partner_id": self.card_patient.id,
                "line_codes": [reward_code],
            }
        }
        payload = self.call(
            figures,
            "confirm_coupon_programs",
            lambda: order.confirm_coupon_programs(coupon_data),
        )
        loyalty_points = [
            {
                "order_id": order.id,
                "card_id": card_id,
                "spent": -values["points"] if values["points"] < 0 else 0,
                "won": values["points"] if values["points"] > 0 else 0,
            }
            for card_id, values in coupon_data.items()
        ]
        coupon_updates = [
            {"id": item["id"], "old_id": item["old_id"]}
            for item in payload["coupon_updates"]
        ]
        self.call(
            figures,
            "add_loyalty_history_lines",
            lambda: order.add_loyalty_history_lines(loyalty_points, coupon_updates),
        )
        return figures, order

    def patient_offers(self, figures, patient):
        """As dental_loyalty's Rewards and Vouchers buttons: what the patient
        can claim, asked when the patient is chosen."""
        self.call(
            figures,
            "offers (patient chosen)",
            lambda: self.cashier_env["pos.order"].dental_loyalty_patient_offers(
                self.config.id, patient.id
            ),
        )

    def dental_order(self, patient):
        """As dental_loyalty's PaymentScreen: ask the most points may pay when the
        points line is added, which holds it for the bill, then sync: the amount
        paid is within that hold and the bill unchanged, so Validate does not
        ask again."""
        figures = {}
        order_uuid = str(uuid.uuid4())
        total = self.visit_total
        orders = self.cashier_env["pos.order"]
        self.patient_offers(figures, patient)
        offer = self.call(
            figures,
            "reserve (add line)",
            lambda: orders.dental_loyalty_reserve_points(
                self.config.id, order_uuid, patient.id, total, None
            ),
        )
        amount = min(offer["amount"], total)
        data = self.order_data(
            patient,
            [(self.points_pm, amount), (self.cash_pm, round(total - amount, 2))],
            order_uuid=order_uuid,
        )
        return figures, self.sync(figures, data)

    def reward_order(self, patient):
        """As the register's Rewards button (rewards.js, held_rewards.js): the
        catalog the offers listed is shown without asking again (the patient
        was chosen a moment ago); the reward's points
        are held on the bill and its line added at the price the hold answered;
        at Pay the register finds the bill as the line was priced on
        (vouchers.js, repriceVouchers) and does not ask again; the rest is paid
        in cash and the sync checks the line and buys the held reward."""
        figures = {}
        order_uuid = str(uuid.uuid4())
        total = self.visit_total
        bill_lines = [
            {"product_id": product.id, "amount": product.lst_price}
            for product in self.products
        ]
        orders = self.cashier_env["pos.order"]
        self.patient_offers(figures, patient)
        held = self.call(
            figures,
            "hold reward",
            lambda: orders.dental_loyalty_hold_reward(
                self.config.id,
                order_uuid,
                patient.id,
                self.reward.id,
                total,
                0.0,
                bill_lines,
            ),
        )
        voucher_line = {
            "product_id": held["product_id"],
            "qty": 1,
            "price_unit": held["price_unit"],
            "price_subtotal": held["price_unit"],
            "price_subtotal_incl": held["price_unit"],
            "discount": 0.0,
            "tax_ids": [(6, 0, [])],
            "pack_lot_ids": [],
            "dental_loyalty_voucher_code": held["code"],
        }
        total = round(total + held["price_unit"], 2)
        data = self.order_data(
            patient,
            [(self.cash_pm, total)],
            extra_lines=[voucher_line],
            order_uuid=order_uuid,
        )
        return figures, self.sync(figures, data)

    def run(self, flavours, orders, warmup):
        """``warmup + orders`` rounds; each round makes one order of every flavour,
        starting with a different flavour each round, so that whatever drifts in
        the long transaction (tables growing, the session's orders) weighs on all
        flavours alike."""
        PosOrder = type(self.env["pos.order"])
        EarningRule = type(self.env["dental.loyalty.earning.rule"])
        rows = {flavour.key: [] for flavour in flavours}
        made = {flavour.key: self.env["pos.order"] for flavour in flavours}
        for index in range(warmup + orders):
            shift = index % len(flavours)
            for flavour in flavours[shift:] + flavours[:shift]:
                if self.program.active != flavour.loyalty_program:
                    self.program.active = flavour.loyalty_program
                    self.env.flush_all()
                with ExitStack() as stack:
                    if not flavour.dental_loyalty:
                        stack.enter_context(
                            patch.object(PosOrder, "_dental_loyalty_settle")
                        )
                    if not flavour.earning_rules:
                        # No rule for the engine: as a company without any (the
                        # rules stay active, their cache warm, for flavour r).
                        stack.enter_context(
                            patch.object(
                                EarningRule, "_engine_rules", lambda self, company: ()
                            )
                        )
                    figures, order = flavour.make_order()
                made[flavour.key] |= order
                if index >= warmup:
                    rows[flavour.key].append(figures)
        for flavour in flavours:
            orders_made = made[flavour.key]
            orders_made.invalidate_recordset()
            not_paid = orders_made.filtered(lambda order: order.state != "paid")
            if not_paid:
                raise RuntimeError(f"{flavour.label}: {len(not_paid)} orders not paid")
        return rows, made


def summary(flavour, rows):
    totals_ms = [sum(ms for ms, _q in figures.values()) for figures in rows]
    totals_q = [sum(q for _ms, q in figures.values()) for figures in rows]
    sync_ms = [figures["sync_from_ui"][0] for figures in rows]
    sync_q = [figures["sync_from_ui"][1] for figures in rows]
    return {
        "key": flavour.key,
        "flavour": flavour.label,
        "orders": len(rows),
        "calls": list(rows[0]),
        "median_ms": statistics.median(totals_ms),
        "p95_ms": percentile(totals_ms, 0.95),
        "median_queries": statistics.median(totals_q),
        "min_queries": min(totals_q),
        "max_queries": max(totals_q),
        "sync_median_ms": statistics.median(sync_ms),
        # drift over the one long transaction: early rounds against late ones
        "first_quarter_median_ms": statistics.median(
            totals_ms[: max(len(rows) // 4, 1)]
        ),
        "last_quarter_median_ms": statistics.median(
            totals_ms[-max(len(rows) // 4, 1) :]
        ),
        "sync_median_queries": statistics.median(sync_q),
        "per_call": {
            name: {
                "median_ms": statistics.median(figures[name][0] for figures in rows),
                "median_queries": statistics.median(
                    figures[name][1] for figures in rows
                ),
            }
            for name in rows[0]
        },
    }


def check_loyalty(made, flavours, env):
    """Each flavour did what it stands for: pos_loyalty logged its history, and
    dental_loyalty earned and spent on every order."""
    for flavour in flavours:
        orders = made[flavour.key]
        if flavour.loyalty_program:
            logged = env["loyalty.history"].search_count(
                [("order_id", "in", orders.ids)]
            )
            if logged != len(orders):
                raise RuntimeError(f"{flavour.label}: {logged} loyalty.history lines")
        if flavour.reward:
            used = env["dental.loyalty.voucher"].search_count(
                [("pos_order_id", "in", orders.ids), ("state", "=", "used")]
            )
            if used != len(orders):
                raise RuntimeError(f"{flavour.label}: {used} rewards bought")
        elif flavour.dental_loyalty:
            spent = orders.filtered(lambda order: order.dental_loyalty_points_spent > 0)
            earned = orders.filtered(
                lambda order: order.dental_loyalty_points_earned > 0
            )
            if len(spent) != len(orders) or len(earned) != len(orders):
                raise RuntimeError(
                    f"{flavour.label}: of {len(orders)} orders, {len(spent)} spent "
                    f"and {len(earned)} earned points"
                )


def main():
    args = parse_args(
        __doc__.splitlines()[0],
        lambda parser: parser.add_argument(
            "--orders-out", help="write each timed order's figures to this JSON file"
        ),
    )
    orders = int(os.environ.get("BENCH_ORDERS", "150"))
    warmup = int(os.environ.get("BENCH_WARMUP", "10"))
    histories = [
        int(n) for n in os.environ.get("BENCH_HISTORY", "10,1000,10000").split(",")
    ]
    started = time.perf_counter()
    cache = os.environ.get("BENCH_CACHE", "call")
    if cache not in ("call", "order"):
        raise SystemExit(f"BENCH_CACHE must be 'call' or 'order', not {cache!r}")
    with environment() as env:
        bench = Bench(env, cache)
        bench.setup()
        flavours = [
            Flavour("a", "plain POS, patient without loyalty", bench.plain_order),
            Flavour(
                "a2",
                "plain POS paid like c (points method + cash), no loyalty; diagnostic",
                bench.plain_order_paid_like_dental,
            ),
            Flavour(
                "b",
                "pos_loyalty card (earn + discount reward)",
                bench.pos_loyalty_order,
                loyalty_program=True,
            ),
        ]
        for lines in histories:
            patient = bench.history_patient(lines)
            flavours.append(
                Flavour(
                    f"c{lines}",
                    f"dental_loyalty earn + spend, {lines:,} ledger lines",
                    lambda patient=patient: bench.dental_order(patient),
                    dental_loyalty=True,
                    history_lines=lines,
                )
            )
        patient = bench.history_patient(histories[0])
        flavours.append(
            Flavour(
                "v",
                f"reward held on the bill (hold, sync), rest in "
                f"cash; {histories[0]} ledger lines",
                lambda patient=patient: bench.reward_order(patient),
                dental_loyalty=True,
                history_lines=histories[0],
                reward=True,
            )
        )
        patient = bench.history_patient(histories[0])
        bench.earning_rules(patient)
        flavours.append(
            Flavour(
                "r",
                f"as c{histories[0]}, with ten active earning rules (c: none)",
                lambda patient=patient: bench.dental_order(patient),
                dental_loyalty=True,
                history_lines=histories[0],
                earning_rules=True,
            )
        )
        chosen = os.environ.get("BENCH_FLAVOURS")
        if chosen:
            keys = chosen.split(",")
            flavours = [flavour for flavour in flavours if flavour.key in keys]
        env.flush_all()
        rows, made = bench.run(flavours, orders, warmup)
        check_loyalty(made, flavours, env)
        results = []
        for flavour in flavours:
            result = summary(flavour, rows[flavour.key])
            if flavour.history_lines is not None:
                result["history_lines"] = flavour.history_lines
                result["points_spent_per_order"] = made[flavour.key][
                    -1
                ].dental_loyalty_points_spent
                result["points_earned_per_order"] = made[flavour.key][
                    -1
                ].dental_loyalty_points_earned
            results.append(result)
        # everything above is rolled back by environment()
    write_json(
        args.out,
        {
            "orders_per_flavour": orders,
            "cache": cache,
            "warmup_per_flavour": warmup,
            "lines_per_order": len(VISIT),
            "visit_total": round(sum(line[1] for line in VISIT), 2),
            "flavours": results,
            "wall_s": round(time.perf_counter() - started, 1),
        },
    )
    if args.orders_out:
        write_json(
            args.orders_out,
            {
                key: [
                    {name: list(figure) for name, figure in figures.items()}
                    for figures in series
                ]
                for key, series in rows.items()
            },
        )


if __name__ == "__main__":
    main()
