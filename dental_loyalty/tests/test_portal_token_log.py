import logging

from odoo.tests import HttpCase, tagged

from .common import DentalLoyaltyTestMixin


@tagged("post_install", "-at_install")
class TestTokenLog(DentalLoyaltyTestMixin, HttpCase):
    """The server's request lines never show an access token."""

    def test_a_request_line_keeps_no_access_token(self):
        token = "Zq9-SECRET_token_of_a_patient_page_0123456789"
        # A number: Odoo names its level 25 "INFO" too.
        with self.assertLogs("werkzeug", logging.INFO) as logs:
            self.url_open(f"/web/login?redirect=%2Fmy&access_token={token}&x=1")
        lines = "\n".join(logs.output)
        self.assertIn("access_token=[redacted]&x=1", lines)
        self.assertNotIn(token, lines)
        self.assertNotIn("SECRET", lines)

    def test_a_mistyped_link_keeps_no_access_token_either(self):
        token = "Zq9-SECRET_token_of_a_patient_page_0123456789"
        with self.assertLogs("werkzeug", logging.INFO) as logs:
            for query in (
                f"access_token%3D{token}",
                f"ACCESS%5FTOKEN%3d{token}",
                f"access%255Ftoken%253D{token}",
                # helper-113: named as a list.
                f"access_token%5B%5D={token}",
                f"access_token[]={token}",
                f"access_token%5B0%5D%3D{token}",
                # helper-114: half encoded, a space or a NUL, a quote, a "+".
                f"access_token%5B]={token}",
                f"access_token%20={token}",
                f"access_token%00={token}",
                f"access_token='{token}",
                f"access+token={token}",
            ):
                self.url_open(f"/my/loyalty/1?{query}")
        lines = "\n".join(logs.output)
        self.assertNotIn("SECRET", lines)
