import logging

from odoo.tests import tagged

from .common_portal import DentalLoyaltyPortalCommon


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestPortalPageTour(DentalLoyaltyPortalCommon):
    """A portal patient finds their loyalty page in the portal, on a desktop."""

    def test_a_portal_patient_reads_their_loyalty_page(self):
        with self.assertLogs("werkzeug", logging.INFO) as logs:
            self.start_tour(
                "/my", "dental_loyalty_portal_tour", login=self.an_user.login
            )
        # The tour reached the page through the portal home.
        self.assertTrue(
            any(f"GET /my/loyalty/{self.an_wallet.id} " in line for line in logs.output)
        )


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestPortalPagePhoneTour(DentalLoyaltyPortalCommon):
    """A patient without an account opens their link on a phone."""

    browser_size = "375x667"
    touch_enabled = True

    def test_a_patient_opens_their_link_on_a_phone(self):
        token = self._token(self.an_wallet)
        with self.assertLogs("werkzeug", logging.INFO) as logs:
            self.start_tour(
                f"/my/loyalty/{self.an_wallet.id}?access_token={token}",
                "dental_loyalty_portal_phone_tour",
            )
        lines = "\n".join(logs.output)
        self.assertIn(f"/my/loyalty/{self.an_wallet.id}?access_token=[redacted]", lines)
        self.assertNotIn(token, lines)
