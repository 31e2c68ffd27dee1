from odoo.tests import HttpCase, new_test_user, tagged

from .test_held_rewards_over_the_wire import HeldRewardCommon


@tagged("post_install", "-at_install")
class TestRewardFactsOverTheWire(HeldRewardCommon, HttpCase):
    """Whether a reward is limited to services or kept for chosen patients is
    read from its lists, stored for the engine: nobody writes it over RPC,
    not even a loyalty manager who may edit the reward."""

    def setUp(self):
        super().setUp()
        new_test_user(
            self.env,
            login="dl_reward_manager",
            groups="base.group_user,dental_loyalty.group_dental_loyalty_manager",
        )
        self.other = self.env["res.partner"].create({"name": "Not Chosen"})
        self.whitening_off.write({"product_ids": self.cleaning})
        self.ten_off.write({"partner_ids": self.patient})
        self._give_points(self.other, 500)

    def _as_manager(self, reward, vals):
        self.authenticate("dl_reward_manager", "dl_reward_manager")
        _result, error = self._call("dental.loyalty.reward", "write", reward.ids, vals)
        self.authenticate(self.cashier.login, self.cashier.login)
        return error

    def test_a_manager_cannot_lift_a_rewards_limits_by_writing_its_facts(self):
        self.assertIsNone(self._as_manager(self.whitening_off, {"has_scope": False}))
        self.assertIsNone(
            self._as_manager(self.ten_off, {"for_chosen_patients": False})
        )
        self.env.invalidate_all()
        self.assertTrue(self.whitening_off.has_scope)
        self.assertTrue(self.ten_off.for_chosen_patients)
        # The register still refuses the reward kept for another patient.
        uuid = self._voucher_order([(self.checkup, 2)], [], partner=self.other)["uuid"]
        line, error = self._hold(uuid, self.ten_off, partner=self.other)
        self.assertIsNone(line)
        self.assertTrue(error["message"])

    def test_the_facts_follow_the_lists(self):
        self.whitening_off.product_ids = False
        self.ten_off.partner_ids = False
        self.assertFalse(self.whitening_off.has_scope)
        self.assertFalse(self.ten_off.for_chosen_patients)
