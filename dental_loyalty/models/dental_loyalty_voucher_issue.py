# The model is split by concern on purpose (one file each), as Odoo core does.
# pylint: disable=consider-merging-classes-inherited

from datetime import timedelta

from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import UserError


class DentalLoyaltyVoucher(models.Model):
    _inherit = "dental.loyalty.voucher"

    # ------------------------------------------------------------------
    # Issuing: the engine takes the points and hands out a code
    # ------------------------------------------------------------------

    @api.model
    def _issue(self, wallet, reward, patient=None):
        """Take ``reward``'s points from ``wallet`` and issue its voucher to
        ``patient`` (by default the wallet's own: a family member gets theirs
        from the family's wallet); raises a UserError saying which rule
        refused."""
        patient = patient or wallet.partner_id
        today = self._check_redeemable(wallet, reward, patient)
        voucher = self._create_issued(
            self._new_voucher_vals(wallet, reward, patient, today)
        )
        self.env["dental.loyalty.wallet"]._post_lines(
            [voucher._ledger_vals("redeem", -reward.points_cost)]
        )
        voucher._send_code()
        return voucher.sudo(self.env.su)

    @api.model
    def _check_redeemable(self, wallet, reward, patient):
        """Lock ``wallet`` and check that ``patient`` may have ``reward`` from
        it now: the reward's terms, its cost within the spendable points less
        every hold (the bill's own points payment too), and its stock, taken
        here (under the wallet's lock two patients may still race for the
        last one). Returns the day; raises a UserError saying which rule
        refused."""
        return self._check_redeemable_spendable(wallet, reward, patient)[0]

    @api.model
    def _check_redeemable_spendable(self, wallet, reward, patient):
        """As ``_check_redeemable``, returning the day and the spendable points
        less every hold, as read under the lock before the reward takes its
        cost (a caller answering the register what is left needs not read the
        holds again)."""
        wallet._lock_for_update()
        today = self.env.company._dental_loyalty_today()
        # The reward's terms read every voucher of the patient (its limit).
        refusal = reward.sudo()._refusal(wallet, today, patient)
        if refusal:
            raise UserError(refusal)
        # Holds are the engine's bookkeeping: cashiers have no rights on them.
        Hold = self.env["dental.loyalty.reservation"].sudo()
        spendable, _own, _others = Hold._spendable_for(wallet, False)
        if spendable < reward.points_cost:
            raise UserError(
                self.env._(
                    "Not enough points for %(reward)s: it costs %(cost)s, "
                    "%(patient)s can spend %(spendable)s.",
                    reward=reward.name,
                    cost=reward.points_cost,
                    patient=wallet.partner_id.display_name,
                    spendable=spendable,
                )
            )
        if reward.has_stock:
            reward._take_stock()
        return today, spendable

    @api.model
    def _create_issued(self, vals):
        """Create the voucher ``vals`` describe, as the engine (sudo, in the
        caller's context otherwise)."""
        Voucher = self.sudo()
        # Vouchers are issued by the engine only: no user creates them. No
        # follower and no "created" note: nobody follows a voucher, and its
        # ledger line, the code sent to the patient and its creator (who may
        # print it) already say who got what, when and from whom.
        return (
            Voucher.with_context(tracking_disable=True)
            .create(vals)
            .with_env(Voucher.env)
        )

    @api.model
    def _new_voucher_vals(self, wallet, reward, patient, today, **vals):
        return {
            "code": self._new_code(),
            "reward_id": reward.id,
            "partner_id": patient.id,
            "wallet_id": wallet.id,
            "company_id": wallet.company_id.id,
            "points_cost": reward.points_cost,
            "issue_date": today,
            "expiry_date": today + timedelta(days=reward.validity_days),
            "clinic_share": reward.clinic_share,
            # What a voucher not used yet costs anyone: stored, not computed
            # again (and the currency read) after the insert.
            "clinic_cost": 0.0,
            "practitioner_cost": 0.0,
            **vals,
        }

    def _ledger_vals(self, kind, points, wallet=None):
        self.ensure_one()
        return {
            "wallet_id": (wallet or self.wallet_id).id,
            "kind": kind,
            "points": points,
            "unique_key": f"voucher:{self.id}:{kind}",
            "member_id": self.partner_id.id,
            "res_model": self._name,
            "res_id": self.id,
            # Ledger lines are read by the whole front desk: not the code.
            "origin": self.code_hint,
            "reason": self.reward_id.name,
        }

    def _send_code(self):
        """Send the patient their code by the channels the clinic chose, with
        the templates the clinic edits. The code is cash: the mail is a
        notification only the patient (and whoever issued it) reads, not a
        message on the voucher's chatter that the front desk lists; the SMS
        leaves no copy on the patient's chatter either."""
        for voucher in self.sudo():
            partner = voucher.partner_id
            channel = voucher.company_id._dental_loyalty_channel("voucher")
            template = channel in ("mail", "both") and (
                voucher.company_id._dental_loyalty_message("voucher").mail_template_id
            )
            if (
                template
                and partner.email
                and not partner.is_blacklisted
                and self.env["dental.loyalty.dispatcher"]._with_consent(
                    partner, partner.browse(), voucher.company_id
                )[0]
            ):
                rendered = {
                    field: template._render_field(
                        field, voucher.ids, compute_lang=True
                    )[voucher.id]
                    for field in ("subject", "body_html", "email_from")
                }
                # Created and authored by the superuser: Odoo lets a message's
                # creator and author read it, code and all.
                voucher.with_user(SUPERUSER_ID).with_context(
                    mail_notify_force_send=False
                ).message_notify(
                    partner_ids=partner.ids,
                    subject=rendered["subject"],
                    body=rendered["body_html"],
                    email_from=rendered["email_from"] or None,
                    subtype_xmlid="mail.mt_comment",
                    email_layout_xmlid="mail.mail_notification_light",
                )
            self.env["dental.loyalty.dispatcher"]._notify(
                partner,
                "voucher",
                voucher.company_id,
                code=voucher.code,
                reward=voucher.reward_id.with_context(lang=partner.lang).name,
                date=voucher.expiry_date,
            )
