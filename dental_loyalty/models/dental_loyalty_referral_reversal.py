# The model is split by concern on purpose (one file each), as Odoo core does.
# pylint: disable=consider-merging-classes-inherited

from odoo import api, models


class DentalLoyaltyReferral(models.Model):
    _inherit = "dental.loyalty.referral"

    # ------------------------------------------------------------------
    # Taking the bonuses back when the first visit is refunded
    # ------------------------------------------------------------------

    @api.model
    def _rewarded_by_visit(self, sale):
        """The referral that ``sale``, a first visit, rewarded (if any)."""
        return self.sudo().search(
            [("pos_order_id", "=", sale.id), ("state", "=", "rewarded")], limit=1
        )

    def _reverse_refunded_visit(self, refunded, paid, label, refund=None):
        """The POS adapter's call after settling the refund ``label`` of this
        referral's first visit, with what the visit's paid refunds returned in
        all (``refunded``) and what money paid of it (``paid``): when the
        refunds take back more than the company's share of it, or leave less
        than its minimum first visit, both bonuses are taken back (the referred
        patient's with ``refund``, the order whose receipt says it). Smaller
        refunds keep them."""
        self.ensure_one()
        self._lock_for_refund()
        if not self._refunded_beyond_share(refunded, paid):
            return self.env["dental.loyalty.ledger"]
        return self._reverse(
            label,
            self.env._(
                "the refunds of the first visit, the last by %s, took back more "
                "of it than the clinic allows",
                label,
            ),
            refund=refund,
        )

    def _lock_for_refund(self):
        """Serialise the refunds of one first visit: two partial refunds synced
        at once would each read only itself on its snapshot, and neither would
        see the visit refunded in full (a visit that earned no points locks no
        wallet). Writing the referral's row makes the second wait for the first
        and fail with a serialization error, which Odoo retries on a fresh
        snapshot that sees both refunds."""
        self.env["dental.loyalty.wallet"]._serialise_rows(self._table, self.ids)

    def _refunded_beyond_share(self, refunded, paid):
        """Whether the first visit's refunds, returning ``refunded`` in all,
        return more than the company's refund share of it, all of it, or leave
        less of ``paid`` (its money) than the minimum first visit."""
        sale = self.pos_order_id
        currency, total = sale.currency_id, sale.amount_total
        if currency.compare_amounts(refunded, total) >= 0:
            return True
        company = sale.company_id
        share = company.dental_loyalty_referral_refund_share / 100
        if currency.compare_amounts(refunded, total * share) > 0:
            return True
        # What the patient still paid with money for the visit, in proportion:
        # refunds that bring a visit which reached the minimum below it.
        minimum = self._minimum_visit(company, currency)
        kept = paid * (1 - refunded / total) if total else 0.0
        return (
            currency.compare_amounts(paid, minimum) >= 0
            and currency.compare_amounts(kept, minimum) < 0
        )

    def _reverse(self, label, why, refund=None):
        """Take both bonuses back, on the ledger as taken back by ``label``,
        and mark the referral reversed because ``why``. The referred patient's
        is the ``refund``'s, if any: its receipt counts it."""
        self.ensure_one()
        Ledger = self.env["dental.loyalty.ledger"]
        lines = Ledger
        for lot in self.line_ids.filtered(lambda line: line.kind == "referral"):
            # The bonus's wallet, or the family's it pays from now: a bonus
            # moved there when its patient joined is taken back from there.
            wallet = lot.wallet_id._paying_wallet()
            wallet._lock_for_update()
            key = lot.sudo().unique_key
            vals_list, missing = wallet._take_back_vals(
                "referral_reversal",
                lot.points,
                [(lot, key)],
                {
                    "res_model": self._name,
                    "res_id": self.id,
                    "pos_order_id": refund.id if refund and lot.pos_order_id else False,
                    "member_id": lot.member_id.id,
                    "origin": label,
                    "reason": self.env._("Referral bonus taken back by %s", label),
                },
                key,
            )
            # Lot by lot: two bonuses in one wallet each see what the other took.
            lines |= self.env["dental.loyalty.wallet"]._post_lines(vals_list)
            if missing:
                self.env["dental.loyalty.shortfall"]._record(
                    wallet,
                    "referral",
                    missing,
                    {"res_model": self._name, "res_id": self.id, "origin": label},
                )
                wallet._post_on_patient(
                    self.env._(
                        "A referral bonus (the referral of %(referral)s) was "
                        "already spent and could not be taken back by %(refund)s: "
                        "%(points)s.",
                        referral=self.referred_id.display_name,
                        refund=label,
                        points=missing,
                    )
                )
        # The engine's bookkeeping: nobody writes a referral's state.
        self.sudo().write({"state": "reversed", "refusal_reason": why})
        self._message_log(
            body=self.env._("Reversed: %s; the bonuses were taken back.", why)
        )
        return lines
