from odoo import api, models
from odoo.tools import SQL


class DentalLoyaltyWallet(models.Model):
    """Folding wallets: merging contacts, and the family a merged wallet
    held or belonged to."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.wallet"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _fold_into(self, src_partners, dst_partner):
        """Merging contacts: each wallet of ``src_partners`` in a company where
        ``dst_partner`` has one too gives it its ledger lines, holds, vouchers
        and notes, and goes; the lines keep their points, lots and keys, so every
        figure adds up as before. Wallets in other companies simply follow their
        patient (Odoo's merge moves them)."""
        # The engine's bookkeeping: whoever merges contacts moves whole wallets.
        Wallet = self.sudo()
        sources = Wallet.search([("partner_id", "in", src_partners.ids)])
        targets = {
            wallet.company_id: wallet
            for wallet in Wallet.search([("partner_id", "=", dst_partner.id)])
        }
        for src in sources:
            dst = targets.get(src.company_id)
            if not dst:
                # The first wallet of this company becomes the kept patient's, so
                # that a third patient's wallet folds into it rather than clash.
                src.partner_id = dst_partner
                targets[src.company_id] = src
                continue
            (src | dst)._lock_for_update()
            points = src.points_balance
            joins = src._fold_family_into(dst)
            src.line_ids.write({"wallet_id": dst.id})
            # What the lines took from their lots follows them.
            self.env["dental.loyalty.ledger.take"].sudo().search(
                [("wallet_id", "=", src.id)]
            ).write({"wallet_id": dst.id})
            self.env["dental.loyalty.reservation"].sudo().search(
                [("wallet_id", "=", src.id)]
            ).write({"wallet_id": dst.id})
            self.env["dental.loyalty.voucher"].sudo().search(
                [("wallet_id", "=", src.id)]
            ).write({"wallet_id": dst.id})
            # Losses follow the lines they are about.
            self.env["dental.loyalty.shortfall"].sudo().search(
                [("wallet_id", "=", src.id)]
            ).write({"wallet_id": dst.id})
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE mail_message SET res_id = %(dst)s
                     WHERE model = %(model)s AND res_id = %(src)s;
                    DELETE FROM mail_followers
                     WHERE res_model = %(model)s AND res_id = %(src)s;
                    -- The running balance of the merged statement, in posting order.
                    UPDATE dental_loyalty_ledger line
                       SET balance_after = running.balance
                      FROM (SELECT id, SUM(points) OVER (ORDER BY id) AS balance
                              FROM dental_loyalty_ledger
                             WHERE wallet_id = %(dst)s) running
                     WHERE line.id = running.id
                    """,
                    dst=dst.id,
                    src=src.id,
                    model=self._name,
                )
            )
            self.env.invalidate_all()
            dst.write(
                {
                    "birthday_gift_date": max(
                        filter(None, (src.birthday_gift_date, dst.birthday_gift_date)),
                        default=False,
                    ),
                    "anniversary_gift_date": max(
                        filter(
                            None, (src.anniversary_gift_date, dst.anniversary_gift_date)
                        ),
                        default=False,
                    ),
                }
            )
            src_name = src.partner_id.display_name
            src.unlink()
            dst._post_on_wallet_and_patient(
                self.env._(
                    "Merged with the wallet of %(patient)s; points it held: "
                    "%(points)s.",
                    patient=src_name,
                    points=points,
                )
            )
            if joins:
                joins._add_members(dst.partner_id)
            if not dst.tier_pinned:
                dst._evaluate_tier()

    def _fold_family_into(self, dst):
        """Merging contacts: the family this wallet holds is held by ``dst``
        from now on, unless ``dst`` belongs to another family, which it keeps
        (this one then ends, its points folded with the rest). Returns the
        family ``dst`` should join, if this wallet was a member of one."""
        self.ensure_one()
        family = self.family_id
        if not family:
            return family
        if family.wallet_id != self:
            return family if not dst.family_id else family.browse()
        if dst.family_id and dst.family_id != family:
            family._message_log(
                body=self.env._(
                    "The holder was merged into %s, who belongs to another family: "
                    "this family ends; its points went with the holder's wallet.",
                    dst.partner_id.display_name,
                )
            )
            family.member_wallet_ids.write({"family_id": False})
            # The engine's bookkeeping: the merge goes on whoever runs it.
            self.env["dental.loyalty.family"].sudo().browse(family.id).unlink()
            return family.browse()
        self.family_id = False
        family.wallet_id = dst
        dst.family_id = family
        return family.browse()
