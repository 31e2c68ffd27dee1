# The model is split by concern on purpose (one file each), as Odoo core does.
# pylint: disable=consider-merging-classes-inherited


from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import format_datetime

from ..rules import spendable_less_holds

_GC_BATCH = 1000


class DentalLoyaltyVoucher(models.Model):
    """A reward chosen at the register is a line of the bill: its voucher is
    held for that order (its points held as a points payment's are, its stock
    and the patient's limit taken), committed when the bill is paid, given
    back at once when the line, the order or its patient goes, and cancelled
    when the hold lapses."""

    _inherit = "dental.loyalty.voucher"

    state = fields.Selection(
        selection_add=[("held", "On a bill"), ("used",)],
        ondelete={"held": "set default"},
    )
    hold_order_uuid = fields.Char(
        string="Held for Order",
        index=True,
        readonly=True,
        copy=False,
        help="The register's order this reward was chosen on: only that bill "
        "can use it, and paying it commits the points.",
        # The uuid is the register's proof it runs the bill (it releases the
        # reward): read by managers, and by the engine for the register.
        groups="dental_loyalty.group_dental_loyalty_manager",
    )
    redeemed_order_uuid = fields.Char(
        string="Redeemed for Order",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The register's order this reward was redeemed at once for: a code "
        "by SMS for that bill counts it with the bill's other spends.",
        groups="dental_loyalty.group_dental_loyalty_manager",
    )
    # Holds are the engine's bookkeeping, read by managers (and the engine).
    hold_ids = fields.One2many(
        "dental.loyalty.reservation",
        "voucher_id",
        groups="dental_loyalty.group_dental_loyalty_manager",
    )

    @api.model
    def _hold_reward(self, wallet, reward, *, patient, order_uuid, config, bill_total):
        """Hold ``reward`` for ``patient`` on the order ``order_uuid``: under
        the wallet's lock, its terms, the spendable points less every hold, its
        stock. Nothing is posted to the ledger until the bill is paid. Returns
        the held voucher and the wallet's spendable points less every hold,
        this one's included: what the register shows, known from the holds
        read under the lock (the reward fitted within them) without reading
        them again."""
        if reward.kind == "gift" and not reward.product_id:
            raise UserError(
                self.env._(
                    "%s names no product to put on the bill: give it from the "
                    "patient's form (Give Reward).",
                    reward.name,
                )
            )
        # Every hold counts, this order's points payment too.
        today, spendable = self._check_redeemable_spendable(wallet, reward, patient)
        # Vouchers are made by the engine only: no user creates them.
        voucher = self._create_issued(
            self._new_voucher_vals(
                wallet, reward, patient, today, state="held", hold_order_uuid=order_uuid
            )
        )
        # Holds are the engine's bookkeeping: cashiers have no rights on them.
        Hold = self.env["dental.loyalty.reservation"].sudo()
        Hold._hold(
            wallet,
            order_uuid,
            points=reward.points_cost,
            amount=0.0,
            bill_total=bill_total,
            config=config,
            voucher=voucher,
            patient=patient,
        )
        # Every hold counted (the key is no order's), and the cost fitted.
        return voucher, spendable - reward.points_cost

    def _refusal(self, partner, today, on_bill=True, order_uuid=None):
        """A held voucher is usable only on its order's bill, while its hold
        lasts (a gift too: it is handed over when that bill is paid)."""
        self.ensure_one()
        if self.state != "held":
            return super()._refusal(partner, today, on_bill=on_bill)
        code = self.code_hint
        # The order a voucher is held on is the engine's to read.
        if not order_uuid or self.sudo().hold_order_uuid != order_uuid:
            return self.env._(
                "Voucher %s is on another bill being paid and can be used only there.",
                code,
            )
        hold = self._hold_of()
        if not hold or hold.expires_at <= fields.Datetime.now():
            return self.env._(
                "Voucher %(code)s was held for this bill until %(time)s: the hold "
                "lapsed. Choose the reward again.",
                code=code,
                time=format_datetime(self.env, hold.expires_at, dt_format="short")
                if hold
                else "-",
            )
        return super()._refusal(partner, today, on_bill=on_bill and self.kind != "gift")

    def _hold_of(self):
        """The hold of this held voucher (as the engine), read with its row in
        one query where the one2many and then the hold's columns took two;
        the voucher's ``hold_ids`` are cached with it (pricing it again renews
        them, paying the bill reads their wallet)."""
        self.ensure_one()
        voucher = self.sudo()
        if not self.env.cache.contains(voucher, self._fields["hold_ids"]):
            # Holds are the engine's bookkeeping: cashiers have no rights on them.
            holds = (
                self.env["dental.loyalty.reservation"]
                .sudo()
                .search_fetch(
                    [("voucher_id", "=", self.id)],
                    ["wallet_id", "config_id", "order_uuid", "points", "expires_at"],
                )
            )
            voucher._update_cache({"hold_ids": holds}, validate=False)
        return voucher.hold_ids[:1]

    def _renew_hold(self):
        """The register priced this held voucher again on its bill (before
        the money is taken): its hold lasts a full lifetime from now."""
        self.ensure_one()
        # Holds are the engine's bookkeeping; _refusal checked the order.
        holds = self.sudo().hold_ids
        holds.expires_at = fields.Datetime.now() + holds._LIFETIME

    @api.model
    def _hold_seconds(self):
        """How long a reward's hold lasts from when it is granted or renewed,
        for the register to know when to ask again."""
        return int(self.env["dental.loyalty.reservation"]._LIFETIME.total_seconds())

    def _commit_hold(self, paying=None):
        """The bill these vouchers were held on is paid, with no sale of a
        wallet to post with (a transferable voucher on a bill of no patient):
        under the wallet's lock their points become their redeem lines, posted
        alone, and their holds go. A sale's settlement posts the redeem lines
        with its own (``wallet._settle_sale(held_rewards=)``). ``paying``: as
        for ``_redeem_vals``."""
        vals_list, _redeemed = self._redeem_vals(paying)
        if vals_list:
            self.env["dental.loyalty.wallet"]._post_lines(vals_list)
        # Holds are the engine's bookkeeping: cashiers have no rights on them.
        self.env["dental.loyalty.reservation"].sudo()._consume(None, self)
        # The engine's field: _mark_used cleared it already, with the use.
        for voucher in self.sudo().filtered("hold_order_uuid"):
            voucher.hold_order_uuid = False

    def _redeem_vals(self, paying=None):
        """The redeem lines of these held vouchers, whose bill is paid: each
        under the lock of the wallet its hold is on, its cost, or what is left
        of it (``_points_left_for_hold``), one after the other as if each were
        posted before the next. Their holds stay until the lines are posted.
        ``paying`` (order uuid, points, wallet): the bill's points payment
        (``_points_left_for_hold``). Returns the lines' values and, by wallet
        id, what they redeem of it (vouchers, points): a points payment on the
        same bill is checked as if they were posted
        (``_spendable_for(redeemed=)``)."""
        vals_list = []
        redeemed = {}
        for voucher in self:
            # The points are where the hold is: a patient who joined a family
            # since brought them (and the hold) to the family's wallet.
            wallet = voucher._hold_of().wallet_id or voucher.wallet_id._paying_wallet()
            wallet._lock_for_update()
            before = redeemed.get(wallet.id, (self.browse(), 0))
            taken = voucher._points_left_for_hold(wallet, before, paying)
            redeemed[wallet.id] = (before[0] | voucher, before[1] + taken)
            if taken:
                vals_list.append(voucher._ledger_vals("redeem", -taken, wallet))
        return vals_list, redeemed

    def _points_left_for_hold(self, wallet, redeemed=None, paying=None):
        """What the held voucher's redeem line takes of the locked ``wallet``:
        its cost, or what is left of it when the held points went meanwhile
        (a lot expired during the hold, an adjustment): the bill is paid, so
        it is never refused; the shortfall is noted and the managers told.
        ``redeemed`` (vouchers, points): the held vouchers redeemed before it
        in the same posting; ``paying`` (order uuid, points, wallet): the
        bill's own points payment, whose hold keeps no more than it pays; a
        hold of the bill on another wallet (the patient changed) pays nothing
        and goes with the sync."""
        # Holds are the engine's bookkeeping: cashiers have no rights on them.
        Hold = self.env["dental.loyalty.reservation"].sudo()
        done, taken_before = redeemed or (self.browse(), 0)
        others = Hold._of_wallet(wallet, False).filtered(
            lambda hold: hold.voucher_id != self and hold.voucher_id not in done
        )

        def keeps(hold):
            if not paying or hold.voucher_id or hold.order_uuid != paying[0]:
                return hold.points
            _uuid, points, paying_wallet = paying
            return min(hold.points, points) if hold.wallet_id == paying_wallet else 0

        held = sum(keeps(hold) for hold in others)
        spendable = spendable_less_holds(wallet.points_available - taken_before, held)
        cost = self.points_cost
        taken = min(cost, max(spendable, 0))
        if taken == cost:
            return taken
        label = self.pos_order_id._dental_loyalty_label()
        self.env["dental.loyalty.shortfall"]._record(
            wallet,
            "redeem",
            cost - taken,
            {
                **self._ledger_vals("redeem", -cost, wallet),
                "pos_order_id": self.pos_order_id.id,
            },
        )
        wallet._report_problem(
            self.env._(
                "%(sale)s was paid with reward %(reward)s held for it (%(cost)s "
                "points), but only %(taken)s points were still spendable when it "
                "synced; points missing: %(missing)s.",
                sale=label,
                reward=self.reward_id.name,
                cost=cost,
                taken=taken,
                missing=cost - taken,
            )
        )
        return taken

    def _release_hold(self, reason):
        """Give back what these held vouchers took: their points (the hold
        goes), the reward's stock and the patient's limit (the voucher is
        cancelled). Once each: of two calls at the same moment, one does it."""
        released = self.browse()
        for voucher in self:
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "UPDATE dental_loyalty_voucher SET state = 'cancelled' "
                    "WHERE id = %s AND state = 'held' RETURNING id",
                    voucher.id,
                ),
                # A release racing the sync that uses the voucher: the conflict
                # is expected and retried (see _serialise_rows), no ERROR line.
                log_exceptions=False,
            )
            if not self.env.cr.fetchone():
                continue
            released |= voucher
            if voucher.reward_id.has_stock:
                voucher.reward_id._give_stock_back()
        if not released:
            return released
        released.invalidate_recordset()
        released.modified(["state"])
        self.env.cr.execute(
            SQL(
                "DELETE FROM dental_loyalty_reservation WHERE voucher_id IN %s",
                tuple(released.ids),
            )
        )
        self.env["dental.loyalty.reservation"].invalidate_model()
        for voucher in released:
            voucher._message_log(body=reason)
        return released

    @api.model
    def _release_order_holds(self, order_uuid, config=None, keep_codes=()):
        """Give back the rewards held on the order ``order_uuid`` (at
        ``config``), but those whose code is in ``keep_codes``."""
        domain = [("state", "=", "held"), ("hold_order_uuid", "=", order_uuid)]
        if config:
            domain.append(("hold_ids.config_id", "=", config.id))
        # Held vouchers are the engine's: the caller named its order.
        return self.sudo().search(domain)._release_taken_off(order_uuid, keep_codes)

    def _release_taken_off(self, order_uuid, keep_codes=()):
        """Give back those of these vouchers held on the order ``order_uuid``
        whose code is not in ``keep_codes``: their line left the bill."""
        keep = {self._normalize_code(code) for code in keep_codes}
        # Held vouchers are the engine's: the caller named their order.
        held = self.sudo().filtered(
            lambda v: (
                v.state == "held"
                and v.hold_order_uuid == order_uuid
                and v.code not in keep
            )
        )
        return held._release_hold(
            self.env._("Taken off the bill before it was paid: points given back.")
        )

    @api.model
    def _cron_release_lapsed_held_vouchers(self):
        """Held vouchers whose hold lapsed (the bill was never paid) are
        cancelled, their stock and the patient's limit given back. Every
        quarter of an hour: the points came free when the hold lapsed, and a
        bill left unpaid must not keep the last one of a reward from every
        other patient for the rest of the day."""
        # Lapsed holds are the engine's bookkeeping, not records anyone owns.
        # The batch takes only vouchers with no live hold: held ones still
        # being paid, however many, never keep the lapsed from their turn.
        lapsed = self.sudo().search(
            [
                ("state", "=", "held"),
                ("hold_ids", "not any", [("expires_at", ">", fields.Datetime.now())]),
            ],
            limit=_GC_BATCH,
        )
        lapsed._release_hold(
            self.env._("The bill it was held on was never paid: hold lapsed.")
        )
