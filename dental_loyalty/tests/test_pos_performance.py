from unittest.mock import patch

from odoo.tests import tagged

from .common_pos import DentalLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestPosOrderQueries(DentalLoyaltyPosCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.newcomer = cls.env["res.partner"].create({"name": "Few Lines"})
        cls.regular = cls.env["res.partner"].create({"name": "Many Lines"})
        for partner, visits in ((cls.newcomer, 10), (cls.regular, 300)):
            wallet = partner._dental_loyalty_wallet(cls.company)
            cls.env["dental.loyalty.ledger"]._post(
                [
                    {"wallet_id": wallet.id, "kind": "adjust", "points": 100, "reason": "History"}
                    for _visit in range(visits)
                ]
            )
            # Most of the history is spent: open lots stay few, lines many.
            cls.env["dental.loyalty.ledger"]._post(
                [
                    {"wallet_id": wallet.id, "kind": "adjust", "points": -100 * (visits - 2),
                     "reason": "History"}
                ]
            )

    def _count_sync_queries(self, data):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        self._sync(data)
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def _count_sync_queries_logged(self, data):
        import logging
        logging.getLogger("odoo.sql_db").setLevel(logging.DEBUG)
        try:
            return self._count_sync_queries(data)
        finally:
            logging.getLogger("odoo.sql_db").setLevel(logging.INFO)

    def test_loyalty_queries_do_not_grow_with_history(self):
        # Warm the caches the first order of a session fills.
        self._sync(self._order([(self.checkup, 1)], partner=self.env["res.partner"].create({"name": "Warm"})))
        PosOrder = type(self.env["pos.order"])
        with patch.object(PosOrder, "_dental_loyalty_settle", lambda order: None):
            plain = self._count_sync_queries(
                self._order([(self.checkup, 2)], points=10, partner=self.newcomer)
            )
        counts = {
            "plain": plain,
            "few": self._count_sync_queries(self._order([(self.checkup, 2)], points=10, partner=self.newcomer)),
            "many": self._count_sync_queries_logged(self._order([(self.checkup, 2)], points=10, partner=self.regular)),
        }
        print("QUERYCOUNTS", counts)
