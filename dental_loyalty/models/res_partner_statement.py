from collections import defaultdict

from odoo import api, models


# One concern of res.partner per file, as core splits a model across files.
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    """The statement: reception sends members their points, what is on its way
    and what expires soon, with the link to their loyalty page."""

    _inherit = "res.partner"

    def _dental_loyalty_send_statement(self):
        """Loyalty users, from a patient's form or a selection of contacts:
        send each member their statement in the current company by the
        clinic's channel (the patient's consent and addresses apply), and say
        how many were sent and why the others were not."""
        self.check_access("read")
        company = self.env.company
        if company._dental_loyalty_channel("statement") == "none":
            return self._dental_loyalty_statement_notification(
                self.env._(
                    "This clinic sends no statement: choose its channel in the "
                    "loyalty settings."
                ),
                "warning",
            )
        # Membership and figures are the engine's: read in one go, as the
        # nightly jobs read them, for the patients the user may read.
        wallets = (
            self.env["dental.loyalty.wallet"]
            .sudo()
            .search([("partner_id", "in", self.ids), ("company_id", "=", company.id)])
        )
        members = wallets.partner_id
        statements = self._dental_loyalty_statement_values(wallets)
        Dispatcher = self.env["dental.loyalty.dispatcher"]
        Dispatcher._prefetch(members)
        sent = self.browse()
        for wallet in wallets:
            sent |= Dispatcher._notify(
                wallet.partner_id, "statement", company, **statements[wallet.id]
            )
        not_members = len(self - members)
        unreachable = len(members - sent)
        message = self.env._(
            "Statements sent: %(sent)s of %(selected)s.",
            sent=len(sent),
            selected=len(self),
        )
        if not_members:
            message += " " + self.env._(
                "Not members of the programme, skipped: %s.", not_members
            )
        if unreachable:
            message += " " + self.env._(
                "Without an address or number they agreed to be contacted on, "
                "skipped: %s.",
                unreachable,
            )
        return self._dental_loyalty_statement_notification(
            message, "success" if sent else "warning"
        )

    def _dental_loyalty_statement_notification(self, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": False},
        }

    @api.model
    def _dental_loyalty_statement_values(self, wallets):
        """{wallet id: the statement's figures} for these members' ``wallets``, a
        family member's read on the family's wallet: spendable points, pending
        points with the day each batch becomes spendable, points expiring
        within 30 days with their dates. Plain values (numbers, dates), as the
        dispatcher takes them. Two reads for all the wallets."""
        paying = {wallet.id: wallet._paying_wallet() for wallet in wallets}
        payers = wallets.browse({payer.id for payer in paying.values()})
        # The lots are the engine's; the caller chose the patients.
        Ledger = self.env["dental.loyalty.ledger"].sudo()
        # The clinic's day of the wallets read (one clinic's statement).
        today = payers.company_id[:1]._dental_loyalty_today()
        pending = defaultdict(list)
        for wallet, day, points in Ledger._read_group(
            [
                ("wallet_id", "in", payers.ids),
                ("remaining_points", ">", 0),
                ("is_released", "=", False),
            ],
            ["wallet_id", "available_date:day"],
            ["remaining_points:sum"],
            order="available_date:day",
        ):
            pending[wallet.id].append((day, points))
        expiring = defaultdict(list)
        for wallet, day, points in Ledger._read_group(
            [("wallet_id", "in", payers.ids), *Ledger._expiring_domain(today)],
            ["wallet_id", "expiry_date:day"],
            ["remaining_points:sum"],
            order="expiry_date:day",
        ):
            expiring[wallet.id].append((day, points))
        payers.fetch(["points_available", "points_pending"])
        values = {}
        for wallet in wallets:
            payer = paying[wallet.id]
            values[wallet.id] = {
                "spendable": payer.points_available,
                "pending": payer.points_pending,
                "pending_lots": tuple(pending[payer.id]),
                "expiring": sum(points for _day, points in expiring[payer.id]),
                "expiring_lots": tuple(expiring[payer.id]),
            }
        return values
