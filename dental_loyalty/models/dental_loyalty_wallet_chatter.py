from collections import defaultdict

from markupsafe import Markup

from odoo import api, models
from odoo.tools import html_sanitize


class DentalLoyaltyWallet(models.Model):
    """What the engine notes on wallets and patients, and the to-dos it
    leaves loyalty managers."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.wallet"  # pylint: disable=consider-merging-classes-inherited

    def _post_on_patient(self, body):
        self.ensure_one()
        self._log_on_patients({self: body})

    def _post_on_wallet_and_patient(self, body):
        """What a manager did by hand, and why: on the wallet and the patient."""
        self.ensure_one()
        self._log_on_patients({self: body})
        self._log_on_wallets({self: body})

    @api.model
    def _log_on_wallets(self, bodies):
        """Note on each wallet's chatter, in one go (see _log_on_patients)."""
        if bodies:
            self.browse([wallet.id for wallet in bodies])._message_log_batch(
                {wallet.id: body for wallet, body in bodies.items()},
                author_id=self.env.user.partner_id.id,
            )

    @api.model
    def _log_on_patients(self, bodies):
        """Note on each patient's chatter what happened to their points, in one
        go for many wallets (the nightly jobs touch thousands). ``bodies`` maps
        wallets to their note; the author is the acting user. Loyalty staff may
        not edit contacts, yet the history must show: the batch log writes as
        the superuser, on notes only."""
        by_partner = defaultdict(list)
        for wallet, body in bodies.items():
            by_partner[wallet.partner_id.id].append(body)
        if by_partner:
            self.env["res.partner"].browse(by_partner)._message_log_batch(
                {
                    partner_id: Markup("<br/>").join(notes)
                    for partner_id, notes in by_partner.items()
                },
                author_id=self.env.user.partner_id.id,
            )

    def _report_problem(self, problem):
        """Note ``problem`` on the patient and leave a to-do for a loyalty manager,
        once while it is open."""
        for wallet in self:
            wallet._post_on_patient(problem)
        self._schedule_manager_activities(
            dict.fromkeys(self, problem),
            self.env._("Loyalty points to check"),
        )

    def _schedule_manager_activities(self, notes, summary):
        """A to-do on each wallet's patient for a loyalty manager of its company;
        where one with the same summary is still open, the note is added to it
        (once: a problem found again each night is not repeated), so that a
        manager who closes it after the first problem misses none after."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        managers = self.env.ref("dental_loyalty.group_dental_loyalty_manager").users
        # Loyalty managers need no rights on contacts for the engine to warn them.
        Activity = self.env["mail.activity"].sudo()
        open_on = {
            activity.res_id: activity
            for activity in Activity.search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", [wallet.partner_id.id for wallet in notes]),
                    ("summary", "=", summary),
                ]
            )
        }
        vals_list = []
        for wallet, note in notes.items():
            manager = managers.filtered(
                lambda user, company=wallet.company_id: (
                    not user.share and company in user.company_ids
                )
            )[:1]
            # The note as the to-do stores it, its words escaped: found again
            # in an open to-do whatever signs it holds (an apostrophe, quotes).
            paragraph = html_sanitize(Markup("<p>%s</p>") % note)
            activity = open_on.get(wallet.partner_id.id)
            if activity:
                if paragraph not in (activity.note or ""):
                    activity.note = (activity.note or Markup()) + paragraph
                continue
            if not todo or not manager:
                continue
            vals_list.append(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": wallet.partner_id.id,
                    "activity_type_id": todo.id,
                    "summary": summary,
                    "note": paragraph,
                    "user_id": manager.id,
                }
            )
        return Activity.create(vals_list)
