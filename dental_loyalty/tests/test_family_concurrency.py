import threading

from psycopg2.errors import SerializationFailure

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_concurrency import CommittedWalletCase


class CommittedFamilyCase(CommittedWalletCase):
    """The committed patient of CommittedWalletCase (100 spendable points) holds
    a family; a child with a wallet of their own (``CHILD_POINTS``) joins it in
    setUp, or not (``CHILD_JOINS``). Registers ask through the calls the Point
    of Sale makes, as the administrator, on a register of their own."""

    CHILD_POINTS = 0
    CHILD_JOINS = True

    def setUp(self):
        super().setUp()
        with self.db.cursor() as cr:
            env = self._env(cr)
            holder = env["res.partner"].browse(self.partner_id)
            child = env["res.partner"].create({"name": "Two Registers Junior"})
            own = env["dental.loyalty.wallet"]._get_for_partners(child)
            if self.CHILD_POINTS:
                env["dental.loyalty.wallet"]._post_lines(
                    [
                        {
                            "wallet_id": own.id,
                            "kind": "adjust",
                            "points": self.CHILD_POINTS,
                            "reason": "Test",
                        }
                    ]
                )
            members = holder | child if self.CHILD_JOINS else holder
            family = env["dental.loyalty.family"].create(
                {
                    "name": "Two Registers family",
                    "holder_id": holder.id,
                    "member_ids": [(6, 0, members.ids)],
                }
            )
            config = env["pos.config"].create({"name": "Family race register"})
            self.child_id, self.child_wallet_id = child.id, own.id
            self.family_id, self.config_id = family.id, config.id
        self.addCleanup(self._forget_family)

    def _forget_family(self):
        with self.db.cursor() as cr:
            records = [
                ("res.partner", self.child_id),
                ("dental.loyalty.wallet", self.child_wallet_id),
                ("dental.loyalty.wallet", self.wallet_id),
                ("dental.loyalty.family", self.family_id),
            ]
            for model, res_id in records:
                cr.execute(
                    "DELETE FROM mail_message WHERE model = %s AND res_id = %s",
                    [model, res_id],
                )
                cr.execute(
                    "DELETE FROM mail_followers WHERE res_model = %s AND res_id = %s",
                    [model, res_id],
                )
            cr.execute(
                "UPDATE dental_loyalty_wallet SET family_id = NULL "
                "WHERE family_id = %s",
                [self.family_id],
            )
            cr.execute(
                "DELETE FROM dental_loyalty_family WHERE id = %s", [self.family_id]
            )
            # Ledger lines are undeletable through the ORM on purpose; the
            # family's wallet holds lines in the child's name too.
            cr.execute(
                "DELETE FROM dental_loyalty_ledger WHERE wallet_id IN %s",
                [(self.wallet_id, self.child_wallet_id)],
            )
            cr.execute(
                "DELETE FROM dental_loyalty_shortfall WHERE wallet_id IN %s",
                [(self.wallet_id, self.child_wallet_id)],
            )
            cr.execute(
                "DELETE FROM dental_loyalty_wallet WHERE id = %s",
                [self.child_wallet_id],
            )
            cr.execute("DELETE FROM res_partner WHERE id = %s", [self.child_id])
            self._env(cr)["pos.config"].browse(self.config_id).unlink()

    def _register(self, env):
        """The Point of Sale's model as a register's user calls it."""
        return env["pos.order"].with_user(env.ref("base.user_admin"))

    def _reserve_for(self, env, partner_id, uuid, amount=None):
        return self._register(env).dental_loyalty_reserve_points(
            self.config_id, uuid, partner_id, self.BILL, amount
        )

    def _settle_for(self, env, partner_id, uuid, amount):
        """What syncing the paid bill does: the engine settles it on the wallet
        the patient pays from (pos.order._dental_loyalty_settle_sale)."""
        wallet = env["res.partner"].browse(partner_id)._dental_loyalty_wallet()
        return wallet._settle_sale(
            key=f"test:{uuid}",
            bill_total=self.BILL,
            points_amount=amount,
            lines=[],
            hold_key=uuid,
            source_vals={
                "origin": uuid,
                "member_id": partner_id,
                "date": fields.Date.today(),
            },
            label=uuid,
        )

    def _family_figures(self):
        """Spendable points of the family's wallet and of the child's own, the
        points spent and held on either, and what the integrity check finds."""
        with self.db.cursor() as cr:
            env = self._env(cr)
            Wallet = env["dental.loyalty.wallet"]
            wallets = Wallet.browse([self.wallet_id, self.child_wallet_id])
            spent = -sum(
                wallets.line_ids.filtered(lambda line: line.kind == "spend").mapped(
                    "points"
                )
            )
            held = sum(
                env["dental.loyalty.reservation"]
                .search(
                    [
                        ("wallet_id", "in", wallets.ids),
                        ("expires_at", ">", fields.Datetime.now()),
                    ]
                )
                .mapped("points")
            )
            family, own = wallets
            return {
                "family": family.points_available,
                "own": own.points_balance,
                "spent": spent,
                "held": held,
                "problems": Wallet._integrity_problems(wallets.ids),
            }


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestTwoMembersAtTwoRegisters(CommittedFamilyCase):
    """Two registers serve the holder and a child of one family at the same
    moment, both paying with the family's points."""

    @mute_logger("odoo.sql_db")
    def test_a_hold_for_one_member_is_seen_by_the_other_member_register(self):
        with self.db.cursor() as register_a, self.db.cursor() as register_b:
            register_b.execute("SELECT 1")  # B's snapshot is taken now
            offer = self._reserve_for(
                self._env(register_a), self.partner_id, f"hold-a-{self.family_id}"
            )
            self.assertEqual(offer["points"], 100)
            register_a.commit()
            with self.assertRaises(SerializationFailure):
                self._reserve_for(
                    self._env(register_b), self.child_id, f"hold-b-{self.family_id}"
                )
            register_b.rollback()
            # Odoo's retry: a fresh snapshot sees the holder's hold.
            with self.assertRaisesRegex(UserError, "held by another register"):
                self._reserve_for(
                    self._env(register_b), self.child_id, f"hold-b-{self.family_id}"
                )
        figures = self._family_figures()
        self.assertEqual((figures["held"], figures["problems"]), (100, {}))

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_two_members_reserving_and_syncing_at_once(self):
        """Each register asks for the most the family's points may pay, then
        syncs what it was granted; five rounds, either register first."""
        for round_ in range(5):
            with self.subTest(round=round_):
                self._race(round_)

    def _race(self, round_):
        self._top_up()
        spent_before = self._family_figures()["spent"]
        granted, peak_held = {}, []
        start = threading.Barrier(2)

        def register(name, partner_id):
            start.wait()
            uuid = f"{name}{round_}-{self.family_id}"
            try:
                offer = self._request(
                    lambda env: self._reserve_for(env, partner_id, uuid)
                )
                peak_held.append(self._family_figures()["held"])
                self._request(
                    lambda env: self._settle_for(env, partner_id, uuid, offer["amount"])
                )
                granted[name] = offer["amount"]
            except UserError:
                granted[name] = 0.0

        threads = [
            threading.Thread(target=register, args=("holder", self.partner_id)),
            threading.Thread(target=register, args=("child", self.child_id)),
        ]
        for thread in threads[:: 1 if round_ % 2 else -1]:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        figures = self._family_figures()
        self.assertFalse(figures["problems"])
        # One member's register got the family's points, the other saw them
        # held or gone; never more held at once than the family had.
        self.assertEqual(sorted(granted.values()), [0.0, 10.0])
        self.assertTrue(all(held <= 100 for held in peak_held), peak_held)
        self.assertEqual((figures["family"], figures["held"]), (0, 0))
        self.assertEqual(figures["spent"] - spent_before, 100)


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestJoiningWhileARegisterSpends(CommittedFamilyCase):
    """A child with 100 points of their own joins the family while a register
    is paying their bill with those points."""

    CHILD_POINTS = 100
    CHILD_JOINS = False

    def _join(self, env):
        env["dental.loyalty.family"].browse(self.family_id).member_ids = [
            (4, self.child_id)
        ]

    @mute_logger("odoo.sql_db")
    def test_a_join_committed_after_the_hold_takes_the_hold_along(self):
        with self.db.cursor() as register, self.db.cursor() as desk:
            desk.execute("SELECT 1")  # the desk's snapshot is taken now
            offer = self._reserve_for(
                self._env(register), self.child_id, f"junior-{self.family_id}"
            )
            self.assertEqual(offer["points"], 100)
            register.commit()
            # The desk read the child's wallet before the hold: its join fails
            # and Odoo retries it on a fresh snapshot.
            with self.assertRaises(SerializationFailure):
                self._join(self._env(desk))
            desk.rollback()
            self._join(self._env(desk))
            desk.commit()
            # The holder's register cannot take the child's held points...
            with self.assertRaisesRegex(
                UserError, r"spendable points of .+ \(100\) are worth"
            ):
                self._reserve_for(
                    self._env(register),
                    self.partner_id,
                    f"holder-{self.family_id}",
                    amount=20.0,
                )
            register.rollback()
            # ... and the child's bill is paid as it was granted.
            self._settle_for(
                self._env(register), self.child_id, f"junior-{self.family_id}", 10.0
            )
            register.commit()
        figures = self._family_figures()
        self.assertEqual(
            (figures["family"], figures["own"], figures["spent"], figures["held"]),
            (100, 0, 100, 0),
        )
        self.assertFalse(figures["problems"])

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_joining_and_paying_at_once(self):
        outcomes = {}
        start = threading.Barrier(2)

        def register():
            start.wait()
            offer = self._request(
                lambda env: self._reserve_for(
                    env, self.child_id, f"junior-{self.family_id}", 10.0
                )
            )
            self._request(
                lambda env: self._settle_for(
                    env, self.child_id, f"junior-{self.family_id}", offer["amount"]
                )
            )
            outcomes["register"] = offer["amount"]

        def desk():
            start.wait()
            self._request(self._join)
            outcomes["desk"] = "joined"

        threads = [threading.Thread(target=register), threading.Thread(target=desk)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(outcomes, {"register": 10.0, "desk": "joined"})
        figures = self._family_figures()
        # 200 points in all: 100 spent by the child's bill, 100 the family's.
        self.assertEqual(
            (figures["family"], figures["own"], figures["spent"], figures["held"]),
            (100, 0, 100, 0),
        )
        self.assertFalse(figures["problems"])
