from odoo.tests import tagged
from odoo.tests.common import JsonRpcException, new_test_user
from odoo.tools import mute_logger

from .common_portal import DentalLoyaltyPortalCommon


@tagged("post_install", "-at_install")
class TestPortalTokenDoors(DentalLoyaltyPortalCommon):
    """Odoo's portal opens doors of its own on a record with a token: a public
    method that hands out the link, and the record's chatter. On a wallet,
    neither gives anything: the link is the server's to send, and the page
    opens the page only."""

    @mute_logger("odoo.http")
    def test_no_user_gets_a_patients_link_over_json_rpc(self):
        employee = new_test_user(self.env, login="dl_doors_employee")
        cashier = new_test_user(
            self.env, login="dl_doors_cashier", groups="point_of_sale.group_pos_user"
        )
        for login in ("dl_page_an", employee.login, cashier.login):
            self.authenticate(login, login)
            for method in ("get_portal_url", "_portal_ensure_token"):
                with self.assertRaises(JsonRpcException, msg=(login, method)):
                    self.make_jsonrpc_request(
                        f"/web/dataset/call_kw/dental.loyalty.wallet/{method}",
                        {
                            "model": "dental.loyalty.wallet",
                            "method": method,
                            "args": [[self.binh_wallet.id]],
                            "kwargs": {},
                        },
                    )
        token = self._token(self.binh_wallet)
        self.assertTrue(token)
        self.assertEqual(self._page(self.binh_wallet, token).status_code, 200)

    def test_the_link_does_not_open_the_wallets_chatter(self):
        token = self._token(self.binh_wallet)
        self.authenticate(None, None)
        before = self.binh_wallet.message_ids
        with mute_logger("odoo.http"):
            response = self.url_open(
                "/mail/message/post",
                data=(
                    '{"jsonrpc": "2.0", "method": "call", "params": {'
                    '"thread_model": "dental.loyalty.wallet", '
                    f'"thread_id": {self.binh_wallet.id}, '
                    '"post_data": {"body": "forged", "message_type": "comment"}, '
                    f'"token": "{token}"}}}}'
                ),
                headers={"Content-Type": "application/json"},
            )
        self.assertIn("error", response.json())
        self.binh_wallet.invalidate_recordset()
        self.assertEqual(self.binh_wallet.message_ids, before)

    def test_a_note_on_the_wallet_mints_no_link(self):
        self.binh_wallet._revoke_page_link()
        # Staff write to the patient from the wallet: portal would add a
        # button with the page link to the mail.
        self.binh.email = "binh@example.com"
        self.binh_wallet.message_post(
            body="A word", message_type="comment", partner_ids=self.binh.ids
        )
        self.assertFalse(self._token(self.binh_wallet))
