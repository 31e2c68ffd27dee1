from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import DentalLoyaltyAccountCommon

MARCH = date(2026, 3, 31)


@tagged("post_install", "-at_install")
@freeze_time("2026-04-15")
class TestLiabilityBookingDoors(DentalLoyaltyAccountCommon):
    """What the attack on the books tried: dates no one means, and a manager
    without the right to post entries."""

    def test_a_date_no_one_means_is_refused_in_words(self):
        Wizard = self.env["dental.loyalty.liability.book"].with_user(self.manager)
        for day in ("garbage", "0001-01-01", 20260331):
            with self.assertRaises(UserError, msg=day):
                Wizard.create({"company_id": self.company.id, "date": day})

    def test_a_manager_without_accounting_rights_is_told_so(self):
        manager = new_test_user(
            self.env,
            login="dl_books_manager_no_accounting",
            groups="base.group_user,dental_loyalty.group_dental_loyalty_manager",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.worth[self.company.id, MARCH] = 300.0
        with self.assertRaises(AccessError) as refusal:
            self.book(MARCH, user=manager)
        self.assertNotIn("locked", str(refusal.exception))
