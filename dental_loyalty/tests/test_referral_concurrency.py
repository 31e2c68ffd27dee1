import threading

from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_concurrency import CommittedWalletCase


class CommittedReferralCase(CommittedWalletCase):
    """The committed patient of CommittedWalletCase refers a new patient, who
    has no wallet yet; a register of its own holds that patient's bills (one
    line of 100.00 each), settled as syncing a paid bill settles it."""

    # Earning nothing, as CommittedWalletCase's programme says: only the
    # referral's bonuses move points.
    BONUSES = {
        "referrer_points": 100,
        "referred_points": 50,
        "referral_yearly_limit": 0,
    }
    PROGRAMME = {**CommittedWalletCase.PROGRAMME, **BONUSES}
    BILLS = 2

    def setUp(self):
        super().setUp()
        with self.db.cursor() as cr:
            env = self._env(cr)
            referrer = env["res.partner"].browse(self.partner_id)
            newcomer = env["res.partner"].create(
                {"name": "Two Registers Newcomer", "email": "race.newcomer@example.org"}
            )
            referral = env["dental.loyalty.referral"]._refer(
                newcomer, referrer.dental_referral_code, env.company
            )
            product = env["product.product"].create(
                {"name": "Race check-up", "type": "service"}
            )
            config = env["pos.config"].create({"name": "Referral race register"})
            session = env["pos.session"].create(
                {"config_id": config.id, "user_id": env.uid}
            )
            self.orders = [
                self._bill(
                    env, session, newcomer, product=product, qty=2, total=100.0
                ).id
                for _bill in range(self.BILLS)
            ]
            self.newcomer_id, self.referral_id = newcomer.id, referral.id
            self.product_id, self.config_id = product.id, config.id
            self.session_id = session.id
        self.addCleanup(self._forget_referral)

    def _bill(self, env, session, partner, *, product, qty, total, refunded=None):
        return env["pos.order"].create(
            {
                "session_id": session.id,
                "partner_id": partner.id,
                "amount_total": total,
                "amount_tax": 0.0,
                "amount_paid": total,
                "amount_return": 0.0,
                "lines": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "qty": qty,
                            "price_unit": total / qty,
                            "price_subtotal": total,
                            "price_subtotal_incl": total,
                            "refunded_orderline_id": refunded and refunded.id,
                        },
                    )
                ],
            }
        )

    def _forget_referral(self):
        with self.db.cursor() as cr:
            partners = (self.partner_id, self.newcomer_id)
            cr.execute(
                "DELETE FROM dental_loyalty_ledger WHERE wallet_id IN "
                "(SELECT id FROM dental_loyalty_wallet WHERE partner_id IN %s)",
                [partners],
            )
            cr.execute(
                "DELETE FROM dental_loyalty_shortfall WHERE wallet_id IN "
                "(SELECT id FROM dental_loyalty_wallet WHERE partner_id IN %s)",
                [partners],
            )
            cr.execute(
                "DELETE FROM mail_message WHERE (model = 'res.partner' AND res_id IN "
                "%s) OR (model = 'dental.loyalty.referral' AND res_id = %s)",
                [partners, self.referral_id],
            )
            cr.execute(
                "DELETE FROM dental_loyalty_referral WHERE id = %s", [self.referral_id]
            )
            cr.execute(
                "DELETE FROM dental_loyalty_reservation WHERE wallet_id IN "
                "(SELECT id FROM dental_loyalty_wallet WHERE partner_id = %s)",
                [self.newcomer_id],
            )
            cr.execute(
                "DELETE FROM dental_loyalty_wallet WHERE partner_id = %s",
                [self.newcomer_id],
            )
            cr.execute("DELETE FROM pos_order WHERE session_id = %s", [self.session_id])
            cr.execute("DELETE FROM pos_session WHERE id = %s", [self.session_id])
            env = self._env(cr)
            env["pos.config"].browse(self.config_id).unlink()
            env["product.product"].browse(self.product_id).product_tmpl_id.unlink()
            cr.execute("DELETE FROM res_partner WHERE id = %s", [self.newcomer_id])

    def _settle(self, env, order_id):
        """What syncing the paid bill does (pos.order._process_saved_order)."""
        order = env["pos.order"].browse(order_id)
        order.state = "paid"
        order._dental_loyalty_settle()

    def _race(self, *calls):
        """Run each ``call(env)`` as a request of its own, all at once; what
        each ended with."""
        outcomes = {}
        start = threading.Barrier(len(calls))

        def register(index, call):
            start.wait()
            try:
                self._request(call)
                outcomes[index] = "synced"
            except (UserError, IntegrityError) as error:
                outcomes[index] = repr(error)

        threads = [
            threading.Thread(target=register, args=(index, call))
            for index, call in enumerate(calls)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return [outcomes.get(index) for index in range(len(calls))]

    def _referral_figures(self):
        with self.db.cursor() as cr:
            env = self._env(cr)
            referral = env["dental.loyalty.referral"].browse(self.referral_id)
            bonuses = env["dental.loyalty.ledger"].search(
                [
                    ("res_model", "=", referral._name),
                    ("res_id", "=", referral.id),
                ]
            )
            wallets = env["dental.loyalty.wallet"].search(
                [("partner_id", "in", (self.partner_id, self.newcomer_id))]
            )
            return {
                "state": referral.state,
                "order": referral.pos_order_id.id,
                "points": sorted(bonuses.mapped("points")),
                "problems": wallets._integrity_problems(wallets.ids),
            }


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestReferredPatientAtTwoRegisters(CommittedReferralCase):
    """Two registers sync a bill of the referred patient at the same moment."""

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_two_first_visits_at_once_post_one_bonus_pair(self):
        first, second = self.orders
        outcomes = self._race(
            lambda env: self._settle(env, first),
            lambda env: self._settle(env, second),
        )
        # Neither register sees a constraint error: the one that lost the race
        # is retried, finds the patient's wallet and the referral rewarded.
        self.assertEqual(outcomes, ["synced", "synced"])
        figures = self._referral_figures()
        self.assertEqual(figures["state"], "rewarded")
        self.assertIn(figures["order"], self.orders)
        self.assertEqual(figures["points"], [50, 100])
        self.assertFalse(figures["problems"])

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_two_half_refunds_of_the_first_visit_at_once_reverse_it(self):
        """Each refund returns half of the first visit, which earned nothing
        itself: together they refund it in full, whichever commits last."""
        self._request(lambda env: self._settle(env, self.orders[0]))
        self.assertEqual(self._referral_figures()["state"], "rewarded")
        with self.db.cursor() as cr:
            env = self._env(cr)
            sale = env["pos.order"].browse(self.orders[0])
            refunds = [
                self._bill(
                    env,
                    sale.session_id,
                    sale.partner_id,
                    product=sale.lines.product_id,
                    qty=-1,
                    total=-50.0,
                    refunded=sale.lines,
                ).id
                for _half in range(2)
            ]
        first, second = refunds
        outcomes = self._race(
            lambda env: self._settle(env, first),
            lambda env: self._settle(env, second),
        )
        self.assertEqual(outcomes, ["synced", "synced"])
        figures = self._referral_figures()
        self.assertEqual(figures["state"], "reversed")
        self.assertEqual(figures["points"], [-100, -50, 50, 100])
        self.assertFalse(figures["problems"])
