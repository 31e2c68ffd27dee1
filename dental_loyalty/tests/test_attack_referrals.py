from odoo.tests import HttpCase, tagged

from .common_pos import PosJsonRpcMixin
from .test_referrals import ReferralCommon


class AttackOverTheWire(PosJsonRpcMixin, ReferralCommon, HttpCase):
    """The front desk's user over JSON-RPC: Point of Sale rights, plus Contact
    Creation as the register's customer editor needs (and Odoo gives new
    users), which also opens Odoo's contact merge."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cashier.groups_id += cls.env.ref("base.group_partner_manager")
        cls.vn, cls.us = cls.env.ref("base.vn"), cls.env.ref("base.us")
        # The clinic's country is not the patients' numbers' country.
        cls.company.country_id = cls.us
        cls._set_loyalty_settings(waiting_days=0)

    def setUp(self):
        super().setUp()
        self.authenticate(self.cashier.login, self.cashier.login)

    def assertRefused(self, error, message):
        """A person's message: a UserError saying ``message``, no SQL text and
        no Python error name."""
        self.assertIsNotNone(error, f"accepted, expected {message!r}")
        self.assertEqual(error["name"], "odoo.exceptions.UserError", error)
        self.assertIn(message, error["message"])
        for leak in ("psycopg2", "SQL", "integer", "Error", "Traceback", "None"):
            self.assertNotIn(leak, error["message"])

    def _save_new(self, vals):
        """The register's customer editor saving a new customer."""
        result, error = self._call(
            "res.partner",
            "web_save",
            [],
            vals,
            {"dental_referred_by_code": {}},
        )
        return (result and self.env["res.partner"].browse(result[0]["id"])), error

    def _referred(self, name, **vals):
        """A new customer saved at the register with the referrer's code."""
        partner, error = self._save_new(
            {"name": name, "dental_referred_by_code": "MINH2345", **vals}
        )
        self.assertIsNone(error)
        return partner, self.Referral.search([("referred_id", "=", partner.id)])

    def _pay(self, partner, lines):
        order, error = self._sync_rpc(self._order(lines, partner=partner))
        self.assertIsNone(error)
        return order

    def _refund(self, order, quantity):
        refund, error = self._sync_rpc(
            self._order(
                [
                    {
                        "product": line.product_id,
                        "quantity": -quantity,
                        "refunded_orderline_id": line.id,
                    }
                    for line in order.lines
                ],
                partner=order.partner_id,
            )
        )
        self.assertIsNone(error)
        return refund

    def _balance(self, partner=None):
        return self._wallet(partner).points_balance


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestReferralAttacks(AttackOverTheWire):
    """Observation 5 of issue 16: a referred "patient" needs a patient behind
    them: reachable, paying a real first visit, keeping it, and not the
    referrer under another contact."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.patient.write({"phone": "+84 90 555 1234", "country_id": False})
        cls.tray = cls.create_product("Aligner tray", cls.categ_basic, 1.5)
        cls.sample = cls.create_product("Floss sample", cls.categ_basic, 0.01)

    def test_a_code_with_a_nul_character_is_read_as_typed_without_it(self):
        # PostgreSQL takes no NUL in a string: dropped as a space would be.
        partner, error = self._save_new(
            {
                "name": "Nul Byte",
                "email": "nul@example.org",
                "dental_referred_by_code": "MINH\x002345",
            }
        )
        self.assertIsNone(error)
        referral = self.Referral.search([("referred_id", "=", partner.id)])
        self.assertEqual(referral.referrer_id, self.patient)

    def test_a_contact_nobody_can_reach_is_not_referred(self):
        ghost, error = self._save_new(
            {"name": "Ghost", "dental_referred_by_code": "MINH2345"}
        )
        self.assertIsNone(ghost)
        self.assertRefused(error, "Ghost has neither a phone number nor an e-mail")
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Ghost")]))
        self.assertFalse(self.Referral.search([]))
        # A digit or two is no number to call either.
        _ghost, error = self._save_new(
            {"name": "Ghost", "phone": "12", "dental_referred_by_code": "MINH2345"}
        )
        self.assertRefused(error, "neither a phone number nor an e-mail")
        # Reachable when marked, unreachable at the first visit: no bonus.
        newcomer, referral = self._referred("Quynh Dang", email="quynh@example.org")
        self.assertEqual(referral.state, "pending")
        _result, error = self._call(
            "res.partner", "write", [newcomer.id], {"email": False}
        )
        self.assertIsNone(error)
        self._pay(newcomer, [(self.checkup, 1)])
        self.assertEqual(referral.state, "refused")
        self.assertIn("neither a phone number nor an e-mail", referral.refusal_reason)
        self.assertEqual(self._balance(), 0)

    def test_a_first_visit_below_the_minimum_refuses_the_referral(self):
        self.assertEqual(self.company.dental_loyalty_referral_min_visit, 20.0)
        newcomer, referral = self._referred("Quynh Dang", email="quynh@example.org")
        self._pay(newcomer, [(self.sample, 1)])
        self.assertEqual(referral.state, "refused")
        self.assertIn("less than the clinic's minimum", referral.refusal_reason)
        self.assertSaid(referral, "less than the clinic")
        # A real visit afterwards brings nothing: the first one was the first.
        self._pay(newcomer, [(self.tray, 200)])
        self.assertFalse(self._bonus_lines(referral))
        self.assertEqual(self._balance(), 0)
        self.assertEqual(self._balance(newcomer), 300)  # what 300.00 earned
        # A first visit of the minimum is rewarded.
        other, referral = self._referred("Lan Vo", email="lan@example.org")
        self._pay(other, [(self.tray, 14), (self.sample, 1)])  # 21.01
        self.assertEqual(referral.state, "rewarded")
        self.assertEqual(self._balance(), 100)

    def test_a_first_visit_refunded_beyond_the_share_loses_both_bonuses(self):
        self.assertEqual(self.company.dental_loyalty_referral_refund_share, 50.0)
        newcomer, referral = self._referred("Quynh Dang", email="quynh@example.org")
        visit = self._pay(newcomer, [(self.tray, 200)])  # 300.00
        self.assertEqual(referral.state, "rewarded")
        self.assertEqual(self._balance(), 100)
        # A third back keeps them.
        self._refund(visit, 66)
        self.assertEqual(referral.state, "rewarded")
        self.assertEqual(self._balance(), 100)
        # 99.5 % back in all takes both.
        refund = self._refund(visit, 133)
        self.assertEqual(referral.state, "reversed")
        self.assertIn(refund.pos_reference, referral.refusal_reason)
        self.assertSaid(referral, "took back more of it than the clinic allows")
        self.assertEqual(self._balance(), 0)
        # What the 1.50 kept earned stays; the bonus went.
        self.assertEqual(self._balance(newcomer), 1)

    def test_a_refund_leaving_less_than_the_minimum_loses_both_bonuses(self):
        newcomer, referral = self._referred("Quynh Dang", email="quynh@example.org")
        visit = self._pay(newcomer, [(self.tray, 20)])  # 30.00
        self.assertEqual(referral.state, "rewarded")
        # 40 % back: within the share, but 18.00 kept is below the minimum.
        self._refund(visit, 8)
        self.assertEqual(referral.state, "reversed")
        self.assertEqual(self._balance(), 0)

    def test_one_number_written_two_ways_is_one_number(self):
        for name, vals in [
            ("National Form", {"phone": "090 555 1234"}),
            ("Other Country", {"mobile": "0905551234", "country_id": self.us.id}),
            ("Own Country", {"phone": "090-555-1234", "country_id": self.vn.id}),
        ]:
            with self.subTest(name=name):
                partner, error = self._save_new(
                    {"name": name, "dental_referred_by_code": "MINH2345", **vals}
                )
                self.assertIsNone(partner)
                self.assertRefused(error, "has the same phone number as Minh Tran")
        self.assertFalse(self.Referral.search([]))
        # Another number is another patient.
        _partner, referral = self._referred("Lan Vo", phone="090 555 9876")
        self.assertEqual(referral.state, "pending")

    def test_the_referrer_contact_is_the_referrer(self):
        partner, error = self._save_new(
            {
                "name": "Minh at work",
                "parent_id": self.patient.id,
                "email": "minh.work@example.org",
                "dental_referred_by_code": "MINH2345",
            }
        )
        self.assertIsNone(partner)
        self.assertRefused(error, "are contacts of one another")


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestReferralMergeAttacks(AttackOverTheWire):
    """Odoo's contact merge, open to whoever has Contact Creation, joins two
    contacts into one person after the referral paid: a referral between them,
    or a referred contact who was a patient already, keeps no bonus."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Merging needs one address on both contacts (or none): only phones.
        cls.patient.email = False

    def _merge(self, partners, dst):
        wizard, error = self._call(
            "base.partner.merge.automatic.wizard",
            "create",
            {"partner_ids": [[6, 0, partners.ids]], "dst_partner_id": dst.id},
        )
        self.assertIsNone(error)
        _result, error = self._call(
            "base.partner.merge.automatic.wizard", "action_merge", [wizard]
        )
        self.assertIsNone(error)
        self.assertFalse((partners - dst).exists())

    def test_a_referral_between_two_merged_contacts_is_reversed(self):
        newcomer, referral = self._referred("Minh T.", phone="+84 90 777 0001")
        self._pay(newcomer, [(self.checkup, 1)])
        self.assertEqual(referral.state, "rewarded")
        self.assertEqual(self._balance(), 100)
        self._merge(self.patient | newcomer, dst=self.patient)
        self.assertEqual(referral.state, "reversed")
        self.assertIn("were merged into one contact", referral.refusal_reason)
        # What the visit earned stays; no bonus is left in the one wallet.
        self.assertEqual(self._balance(), 50)

    def test_a_referred_contact_merged_into_a_patient_who_came_is_reversed(self):
        regular = self._newcomer("Hoa Le", phone="+84 90 777 0002")
        self._pay(regular, [(self.checkup, 1)])
        newcomer, referral = self._referred("Hoa Le (new card)", phone="+84 907770003")
        self._pay(newcomer, [(self.checkup, 1)])
        self.assertEqual(referral.state, "rewarded")
        self._merge(regular | newcomer, dst=regular)
        self.assertEqual(referral.state, "reversed")
        self.assertIn("who had already come to the clinic", referral.refusal_reason)
        self.assertEqual(self._balance(), 0)
        self.assertEqual(self._balance(regular), 100)  # two visits, no bonus
        # Pending, the referral of a contact merged with a patient is refused.
        pending, referral = self._referred("Bao Vo", phone="+84 90 777 0004")
        self._merge(pending | regular, dst=pending)
        self.assertEqual(referral.state, "refused")
        self.assertIn("who had already come to the clinic", referral.refusal_reason)

    def test_a_duplicate_made_after_the_first_visit_changes_nothing(self):
        newcomer, referral = self._referred("Quynh Dang", phone="+84 90 777 0005")
        self._pay(newcomer, [(self.checkup, 1)])
        duplicate = self._newcomer("Quynh Dang (typo)", phone="+84 90 777 0006")
        self._pay(duplicate, [(self.checkup, 1)])
        self._merge(newcomer | duplicate, dst=newcomer)
        self.assertEqual(referral.state, "rewarded")
        self.assertEqual(self._balance(), 100)
        self.assertEqual(self._balance(newcomer), 50 + 50 + 50)
