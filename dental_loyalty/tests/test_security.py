from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestSecurity(DentalLoyaltyCommon):
    @mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_a_loyalty_user_cannot_adjust_points_or_edit_tiers(self):
        line = self._earn(self.patient, 50)
        as_reception = self.env(user=self.receptionist)
        # Reading is the receptionist's job.
        self.assertEqual(
            as_reception["res.partner"]
            .browse(self.patient.id)
            .loyalty_points_available,
            50,
        )
        with self.assertRaises(AccessError):
            as_reception["dental.loyalty.points.adjust"].create(
                {"partner_id": self.patient.id, "points": 500, "reason": "Friend"}
            )
        with self.assertRaises(AccessError):
            as_reception["dental.loyalty.tier"].browse(self.gold.id).threshold = 1
        with self.assertRaises(AccessError):
            as_reception["dental.loyalty.tier"].create({"name": "Mine", "threshold": 9})
        with self.assertRaises(AccessError):
            as_reception["dental.loyalty.ledger"].create(
                {"wallet_id": line.wallet_id.id, "kind": "adjust", "points": 500}
            )
        with self.assertRaises(AccessError):
            as_reception["dental.loyalty.ledger"].browse(line.id).points = 5000
        with self.assertRaises(AccessError):
            as_reception["dental.loyalty.wallet"].browse(line.wallet_id.id).write(
                {"tier_id": self.gold.id}
            )

    @mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_no_one_but_the_superuser_edits_or_deletes_a_line(self):
        line = self._earn(self.patient, 50)
        as_manager = self.env(user=self.manager)
        with self.assertRaises(AccessError):
            as_manager["dental.loyalty.ledger"].browse(line.id).points = 1
        with self.assertRaises(AccessError):
            as_manager["dental.loyalty.ledger"].browse(line.id).unlink()
        self.assertEqual(line.points, 50)

    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_another_company_sees_no_ledger_line(self):
        line = self._earn(self.patient, 50)
        other_company = self.env["res.company"].create({"name": "Second Clinic"})
        other_manager = new_test_user(
            self.env,
            login="dl_other_manager",
            groups="base.group_user,dental_loyalty.group_dental_loyalty_manager",
            company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)],
        )
        as_other = self.env(user=other_manager)
        self.assertFalse(as_other["dental.loyalty.ledger"].search([]))
        self.assertFalse(as_other["dental.loyalty.wallet"].search([]))
        with self.assertRaises(AccessError):
            as_other["dental.loyalty.ledger"].browse(line.id).read(["points"])
        # The patient is shared, the wallet is not: nothing shows in the second clinic.
        self.assertEqual(
            as_other["res.partner"].browse(self.patient.id).loyalty_points_available, 0
        )
