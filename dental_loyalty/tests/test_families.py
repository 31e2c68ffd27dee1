from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import DentalLoyaltyCommon


class FamilyMixin:
    @classmethod
    def _make_family(cls, env, holder, *members, name="Nguyen family"):
        return env["dental.loyalty.family"].create(
            {
                "name": name,
                "holder_id": holder.id,
                "member_ids": [(6, 0, [holder.id, *(m.id for m in members)])],
            }
        )


@tagged("post_install", "-at_install")
class TestFamilies(FamilyMixin, DentalLoyaltyCommon):
    """One wallet for a household: the holder's. Members earn into it and spend
    from it, each line naming whose it was."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.parent = cls.patient  # Lan Nguyen, who pays
        cls.child = Partner.create({"name": "Bao Nguyen"})
        cls.other_child = Partner.create({"name": "An Nguyen"})
        cls.stranger = Partner.create({"name": "Sara Ahmadi"})
        cls.Family = cls.env["dental.loyalty.family"]

    def _wallet(self, partner):
        wallet = partner._dental_loyalty_wallet()
        wallet.invalidate_recordset()
        return wallet

    def _own_wallet(self, partner):
        wallet = self.env["dental.loyalty.wallet"]._get_for_partners(partner)
        wallet.invalidate_recordset()
        return wallet

    def test_members_bring_their_points_which_keep_their_dates(self):
        with freeze_time("2026-01-10"):
            self._earn(self.child, 120)
        with freeze_time("2026-03-01"):
            self._earn(self.parent, 300)
            self._set_loyalty_settings(waiting_days=30)
            self._earn(self.child, 80)  # pending until March 31
            family = self.as_manager(self.parent, self.child)
            wallet = self._wallet(self.child)
            self.assertEqual(wallet, family.wallet_id)
            self.assertEqual(wallet.partner_id, self.parent)
            self.assertEqual(
                (wallet.points_available, wallet.points_pending), (420, 80)
            )
            self.assertEqual(self._own_wallet(self.child).points_balance, 0)
            moved_in = wallet.line_ids.filtered(lambda line: line.kind == "transfer_in")
            self.assertEqual(
                sorted((line.points, str(line.expiry_date)) for line in moved_in),
                [(80, "2027-03-01"), (120, "2027-01-10")],
            )
            self.assertEqual(moved_in.member_id, self.child)
            self.assertEqual(
                self.child.with_company(self.company).loyalty_points_available, 420
            )
        with freeze_time("2026-03-31"):
            self.env["dental.loyalty.ledger"]._cron_release_pending()
            self.assertEqual(self._wallet(self.child).points_available, 500)
        self.assertWalletMatchesLines(self.parent)

    def as_manager(self, holder, *members):
        return self._make_family(self.env(user=self.manager), holder, *members)

    def test_members_earn_and_spend_on_the_family_wallet_in_their_name(self):
        family = self.as_manager(self.parent, self.child, self.other_child)
        wallet = family.wallet_id
        self._earn(self.child, 200, member_id=self.child.id)
        self._spend(self.other_child, 50, member_id=self.other_child.id)
        wallet.invalidate_recordset()
        self.assertEqual(wallet.points_available, 150)
        self.assertEqual(
            [(line.member_id, line.points) for line in wallet.line_ids],
            [(self.other_child, -50), (self.child, 200)],
        )
        action = self.child.action_view_loyalty_ledger()
        self.assertEqual(self.Ledger.search(action["domain"]).member_id, self.child)

    def test_the_tier_is_decided_on_the_family_figures(self):
        family = self.as_manager(self.parent, self.child)
        self._earn(self.parent, 300)
        self._earn(self.child, 300, member_id=self.child.id)
        self.assertEqual(family.wallet_id.tier_id, self.silver)
        self.assertEqual(
            self.child.with_company(self.company).loyalty_tier_id, self.silver
        )
        # The member's own empty wallet is left alone by the nightly job.
        own = self._own_wallet(self.child)
        self.env["dental.loyalty.wallet"]._cron_evaluate_tiers()
        self.assertEqual(own.tier_id, self.bronze)
        self.assertEqual(family.wallet_id.tier_id, self.silver)

    def test_segments_find_members_by_the_family_figures(self):
        self.as_manager(self.parent, self.child)
        self._earn(self.child, 600, member_id=self.child.id)
        Partner = self.env["res.partner"]
        family = self.parent | self.child
        self.assertEqual(
            Partner.search([("loyalty_tier_id", "=", self.silver.id)]) & family,
            family,
        )
        self.assertFalse(
            Partner.search([("loyalty_tier_id", "=", self.bronze.id)]) & family
        )
        groups = dict(
            Partner._read_group(
                [("id", "in", family.ids)], ["loyalty_tier_id"], ["__count"]
            )
        )
        self.assertEqual(groups, {self.silver: 2})

    def test_a_member_leaving_takes_nothing_and_a_manager_may_move_points(self):
        family = self.as_manager(self.parent, self.child)
        self._earn(self.child, 400, member_id=self.child.id)
        family.with_user(self.manager).member_ids = [(3, self.child.id)]
        self.assertEqual(self._wallet(self.child), self._own_wallet(self.child))
        self.assertEqual(self._wallet(self.child).points_balance, 0)
        self.assertEqual(family.wallet_id.points_balance, 400)
        self.assertIn(
            self.child,
            family.wallet_id.line_ids.member_id,
            "their past lines stay in the family's history",
        )
        wizard = Form(
            self.env["dental.loyalty.points.transfer"]
            .with_user(self.manager)
            .with_context(default_source_partner_id=self.parent.id)
        )
        wizard.target_partner_id = self.child
        wizard.points = 150
        wizard.reason = "Moved out: their share"
        wizard.save().action_confirm()
        self.assertEqual(self._wallet(self.child).points_available, 150)
        self.assertEqual(self._wallet(self.parent).points_available, 250)
        pair = self.Ledger.search([("kind", "in", ("transfer_out", "transfer_in"))])
        self.assertEqual(sorted(pair.mapped("points")), [-150, 150])
        self.assertEqual(set(pair.mapped("reason")), {"Moved out: their share"})
        self.assertEqual(pair.user_id, self.manager)
        self.assertTrue(
            any(
                "Points moved by" in message.body
                and "150. Reason: Moved out: their share" in message.body
                for message in self.child.message_ids
            )
        )

    def test_more_than_the_spendable_points_cannot_be_moved(self):
        self.as_manager(self.parent)
        self._earn(self.parent, 100)
        with self.assertRaisesRegex(UserError, "spendable: 100, asked for: 101"):
            self._wallet(self.parent).with_user(self.manager)._transfer_points(
                self._wallet(self.stranger), "Too many", 101
            )

    def test_a_patient_belongs_to_one_family_per_company(self):
        self.as_manager(self.parent, self.child)
        with self.assertRaisesRegex(UserError, "already belongs to the family"):
            self._make_family(
                self.env(user=self.manager), self.stranger, self.child, name="Other"
            )
        with self.assertRaisesRegex(UserError, "already belongs to the family"):
            self._make_family(self.env(user=self.manager), self.child, name="Own")

    def test_the_holder_cannot_leave_but_the_family_can_end(self):
        family = self.as_manager(self.parent, self.child)
        self._earn(self.child, 100, member_id=self.child.id)
        with self.assertRaisesRegex(UserError, "cannot leave it"):
            family.with_user(self.manager).member_ids = [(3, self.parent.id)]
        with self.assertRaisesRegex(UserError, "keeps its holder"):
            family.with_user(self.manager).holder_id = self.child
        family.with_user(self.manager).unlink()
        self.assertEqual(self._wallet(self.parent).points_balance, 100)
        self.assertEqual(self._wallet(self.child).points_balance, 0)
        self.assertFalse(self._own_wallet(self.child).family_id)

    def test_reception_moves_points_between_families_only_if_allowed(self):
        family = self.as_manager(self.parent, self.child)
        self._earn(self.parent, 100)
        reception = self.env(user=self.receptionist)
        transfer = reception["dental.loyalty.points.transfer"].create(
            {
                "source_partner_id": self.parent.id,
                "target_partner_id": self.stranger.id,
                "points": 40,
                "reason": "A gift",
            }
        )
        for denied in (
            transfer.action_confirm,
            lambda: self._make_family(reception, self.stranger, name="Ahmadi"),
            lambda: family.with_user(self.receptionist).write(
                {"member_ids": [(4, self.stranger.id)]}
            ),
            family.with_user(self.receptionist).unlink,
        ):
            with self.assertRaisesRegex(AccessError, "Only loyalty managers"):
                denied()
        self.assertEqual(self._wallet(self.parent).points_available, 100)
        self._set_loyalty_settings(family_reception=True)
        # Reception is a loyalty user who creates contacts: a loyalty user who
        # may not (every Point of Sale user is one) is still refused.
        with self.assertRaisesRegex(AccessError, "Only loyalty managers"):
            transfer.action_confirm()
        self.receptionist.groups_id += self.env.ref("base.group_partner_manager")
        transfer.action_confirm()
        family.with_user(self.receptionist).member_ids = [(4, self.other_child.id)]
        self.assertEqual(self._wallet(self.stranger).points_available, 40)
        self.assertEqual(self._wallet(self.other_child), family.wallet_id)

    def test_a_member_birthday_gift_goes_to_the_family(self):
        self.silver.birthday_points = 50
        family = self.as_manager(self.parent, self.child)
        self._earn(self.parent, 600)  # Silver for the whole family
        self.child.dental_birthday = date(2015, 11, 28)
        with freeze_time("2026-11-28"):
            self.env["dental.loyalty.wallet"]._cron_birthday_gifts()
        gift = family.wallet_id.line_ids.filtered(lambda line: line.kind == "birthday")
        self.assertEqual((gift.points, gift.member_id), (50, self.child))

    def test_a_member_gets_a_reward_from_the_family_points(self):
        reward = self.env["dental.loyalty.reward"].create(
            {
                "name": "Kids' toothbrush",
                "kind": "gift",
                "points_cost": 80,
                "company_id": self.company.id,
            }
        )
        family = self.as_manager(self.parent, self.child)
        self._earn(self.parent, 100)
        wizard = (
            self.env["dental.loyalty.reward.redeem"]
            .with_user(self.receptionist)
            .create({"partner_id": self.child.id, "reward_id": reward.id})
        )
        self.assertEqual(wizard.spendable_points, 100)
        wizard.action_confirm()
        voucher = self.env["dental.loyalty.voucher"].search(
            [("reward_id", "=", reward.id)]
        )
        self.assertEqual(
            (voucher.partner_id, voucher.wallet_id), (self.child, family.wallet_id)
        )
        self.assertEqual(family.wallet_id.points_available, 20)
        redeem = family.wallet_id.line_ids.filtered(lambda line: line.kind == "redeem")
        self.assertEqual(redeem.member_id, self.child)

    def test_merging_the_holder_keeps_the_family(self):
        family = self.as_manager(self.parent, self.child)
        self._earn(self.child, 300, member_id=self.child.id)
        duplicate = self.env["res.partner"].create({"name": "Lan Nguyen (new)"})
        self._earn(duplicate, 50)
        self.env["base.partner.merge.automatic.wizard"].create(
            {
                "partner_ids": [(6, 0, (self.parent | duplicate).ids)],
                "dst_partner_id": duplicate.id,
            }
        ).action_merge()
        self.assertEqual(family.holder_id, duplicate)
        self.assertEqual(family.wallet_id.partner_id, duplicate)
        self.assertEqual(family.member_ids, duplicate | self.child)
        self.assertEqual(self._wallet(self.child), family.wallet_id)
        self.assertEqual(family.wallet_id.points_balance, 350)

    def test_merging_a_member_keeps_the_membership(self):
        family = self.as_manager(self.parent, self.child)
        duplicate = self.env["res.partner"].create({"name": "Bao Nguyen (old)"})
        self._earn(duplicate, 70)
        self._own_wallet(self.child)  # both have a wallet
        self.env["base.partner.merge.automatic.wizard"].create(
            {
                "partner_ids": [(6, 0, (self.child | duplicate).ids)],
                "dst_partner_id": duplicate.id,
            }
        ).action_merge()
        self.assertEqual(family.member_ids, self.parent | duplicate)
        self.assertEqual(self._wallet(duplicate), family.wallet_id)
        self.assertEqual(family.wallet_id.points_balance, 70)
