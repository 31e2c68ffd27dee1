import uuid

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_round
from odoo.tools.misc import formatLang

from ..rules import (
    bonus_points,
    earned_points,
    eligible_amount,
    max_points_payment,
    money_share,
    points_for_amount,
)


class DentalLoyaltyWallet(models.Model):
    """Settling sales and refunds, and moving points between wallets: what
    every adapter (POS orders, vouchers, invoices) hands its records to, as
    plain figures."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.wallet"  # pylint: disable=consider-merging-classes-inherited

    def _settle_sale(
        self,
        *,
        key,
        bill_total,
        points_amount,
        lines,
        hold_key,
        source_vals,
        label,
        covered_amount=0.0,
        recall_lines=(),
        rule_sale=None,
        held_rewards=None,
    ):
        """Post what a paid sale spends and earns.

        ``key`` makes the lines unique to the sale; ``points_amount`` is the money
        paid with points, ``lines`` the bill's :class:`SaleLine`; ``hold_key`` the
        sale's hold, if the register asked for one; ``source_vals`` the ledger
        fields that link a line to the sale; ``label`` names the sale in notes;
        ``covered_amount`` what vouchers took off the bill, which earns nothing;
        ``recall_lines`` the (service, :class:`SaleLine`) the patient came back
        for on time, each carrying its recall bonus; ``rule_sale`` the sale as
        the earning rules read it (``_rule_vals``), None when no rule is in force;
        ``held_rewards`` the vouchers held for this bill that it bought: their
        redeem lines come first in the sale's one posting, their holds go with
        the sale's.
        A points payment stands only within the balance and the cap, or within the
        hold the server granted for this very bill."""
        self.ensure_one()
        self._lock_for_update()
        currency = self.company_id.currency_id
        if float_compare(points_amount, 0, precision_rounding=currency.rounding) < 0:
            raise UserError(self.env._("Points are given back only by a refund."))
        point_value = self.company_id.dental_loyalty_point_value
        # Before the points payment's check, which counts them as posted; they
        # count the bill's own payment hold for what the bill pays with it.
        vals_list, redeemed = (
            held_rewards._redeem_vals(
                (hold_key, points_for_amount(points_amount, point_value), self)
                if hold_key
                else None
            )
            if held_rewards
            else ([], {})
        )
        if not currency.is_zero(points_amount):
            spent = self._points_for_payment(
                bill_total,
                points_amount,
                hold_key,
                label,
                source_vals,
                redeemed=redeemed.get(self.id),
            )
            if spent:  # a granted bill whose points all went is paid, and flagged
                vals_list.append(
                    self._line_vals(
                        key, "spend", -spent, source_vals, point_value=point_value
                    )
                )
        else:
            points_amount = 0.0
        if hold_key or held_rewards:
            # Paid: whatever the sale held is spent now, or free again.
            self.env["dental.loyalty.reservation"].sudo()._consume(
                hold_key, held_rewards
            )
        # Shares of the bill before vouchers: their lines' bonus was not paid.
        # A service's bonus is an earning rule's now (a line of its own): the
        # sale's lines carry none, so new earn lines have no bonus basis.
        gross = bill_total + covered_amount
        share = money_share(gross, points_amount + covered_amount)
        basis = {
            "earn_rate": self.company_id.dental_loyalty_earn_rate,
            "tier_multiplier": self.tier_id.multiplier or 1.0,
            "bonus_basis": bonus_points(lines, share),
        }
        earned = earned_points(
            eligible_amount(gross, points_amount, covered_amount),
            basis["earn_rate"],
            basis["bonus_basis"],
            basis["tier_multiplier"],
        )
        if earned:
            vals_list.append(
                self._line_vals(
                    key,
                    "earn",
                    earned,
                    source_vals,
                    # Only money counts toward spend-based tiers.
                    paid_amount=currency.round(max(bill_total - points_amount, 0)),
                    **basis,
                )
            )
        # Each earning rule that gives: a line of its own, with what it gave on.
        vals_list += self._rule_vals(key, rule_sale, share, source_vals)
        # A flat bonus, not multiplied by the tier, earned like a service's bonus
        # on what money paid of its line; a line of its own, so the receipt, the
        # refund and the tier read it from the ledger.
        recall = earned_points(
            0.0, 0.0, bonus_points([line for _name, line in recall_lines], share), 1.0
        )
        services = ", ".join(name for name, _line in recall_lines)
        if recall:
            vals_list.append(
                self._line_vals(
                    key,
                    "recall",
                    recall,
                    source_vals,
                    reason=self.env._("Back on time for %s", services),
                )
            )
        lines = self._post_lines(vals_list)
        self._notify_sale(lines, label, services)
        return lines

    def _notify_sale(self, lines, label, services=""):
        """Tell the patient what a settled sale spent and earned, by the channels
        the clinic chose (none by default). The dispatcher only queues the
        messages: the register does not wait for a mail server."""
        self.ensure_one()
        partner, company = self.partner_id, self.company_id
        # The rules' points are earned on the visit too: one message says all.
        rule_points = sum(line.points for line in lines if line.kind == "rule")
        for line in lines:
            if line.kind == "spend":
                self.env["dental.loyalty.dispatcher"]._notify(
                    partner, "spent", company, points=-line.points, order=label
                )
            elif line.kind == "earn":
                self.env["dental.loyalty.dispatcher"]._notify(
                    partner,
                    "earned",
                    company,
                    points=line.points + rule_points,
                    order=label,
                    # Only worth saying when the points still wait.
                    available_date=not line.is_released and line.available_date,
                )
            elif line.kind == "recall":
                self.env["dental.loyalty.dispatcher"]._notify(
                    partner, "recall", company, points=line.points, service=services
                )

    def _settle_refund(
        self,
        *,
        key,
        sale_lines,
        refunded_amount,
        sale_total,
        points_returned_amount,
        source_vals,
        label,
        sale_label,
        refunded_before=0.0,
        rule_returns=None,
        points_rate=None,
    ):
        """Post what a refund takes back and gives back, on the wallet of the sale
        it refunds. ``sale_lines`` are the ledger lines of that sale and of its
        earlier refunds, ``refunded_before`` what those refunds returned of its
        ``sale_total``: together, the refunds take back the share of what the
        sale earned that everything refunded so far is, and give back at most
        that share of what it spent. Earned points already spent elsewhere, or
        held by a register for a bill being paid, are not taken back: that
        shortfall is noted on the patient and left to a loyalty manager.
        ``rule_returns`` (``pos.order._dental_loyalty_rule_returns``): what the
        refunds return of the lines each earning rule gave on, which its
        points go back by."""
        self.ensure_one()
        self._lock_for_update()
        company = self.company_id
        rule_returns = rule_returns or {}
        share = self._refund_share(
            sale_lines, refunded_amount, refunded_before, sale_total, rule_returns
        )
        vals_list = []
        if points_returned_amount:
            returned = points_for_amount(
                points_returned_amount, company.dental_loyalty_point_value
            )
            if returned > share.give_back:
                currency = company.currency_id
                raise UserError(
                    self.env._(
                        "%(refund)s gives back %(amount)s in points (%(returned)s "
                        "points), more than is left to give back for what it "
                        "refunds: at most %(allowed_amount)s (%(allowed)s points). "
                        "Refund the rest in another way.",
                        refund=label,
                        amount=formatLang(
                            self.env, points_returned_amount, currency_obj=currency
                        ),
                        returned=formatLang(self.env, returned, digits=0),
                        allowed_amount=formatLang(
                            self.env,
                            self._refund_points_worth(
                                share.give_back, refunded_amount, points_rate
                            ),
                            currency_obj=currency,
                        ),
                        allowed=formatLang(self.env, share.give_back, digits=0),
                    )
                )
            # The points line is worth the whole points it gives back, as the
            # register's preview prices them, or as the sale paid with them
            # (``points_rate``: a sale's points payment takes whole points, so
            # its points may have paid less than their value): a line saying
            # less (6.52 for 7 points worth 7.00) left the difference to be
            # paid out in money.
            currency = company.currency_id
            worth = self._refund_points_worth(returned, refunded_amount, points_rate)
            if currency.compare_amounts(points_returned_amount, worth) < 0:
                raise UserError(
                    self.env._(
                        "%(refund)s gives back %(returned)s points, worth "
                        "%(worth)s, but its points payment says %(amount)s: give "
                        "back whole points at their worth.",
                        refund=label,
                        returned=formatLang(self.env, returned, digits=0),
                        worth=formatLang(self.env, worth, currency_obj=currency),
                        amount=formatLang(
                            self.env, points_returned_amount, currency_obj=currency
                        ),
                    )
                )
            vals_list += self._give_back_vals(
                key, sale_lines, returned, source_vals, company
            )
        # The sale's own lots first, each what is still due of it (an earning
        # rule's points go back with the lines it gave on, the rest with the
        # bill); the earning's reversal keeps the key it always had.
        own_lots = (
            sale_lines.filtered(lambda line: line.kind in ("earn", "rule", "recall"))
            .sudo()
            .sorted(lambda line: (line.kind != "earn", line.kind == "recall", line.id))
        )
        so_far = refunded_before + refunded_amount
        take_back, missing = self._take_back_vals(
            "earn_reversal",
            share.take_back,
            [(lot, self._own_lot_key(key, lot)) for lot in own_lots],
            source_vals,
            key,
            in_proportion=True,
            weights=[
                max(
                    self._lot_refund_due(lot, so_far, sale_total, rule_returns)
                    + sum(
                        line.points
                        for line in sale_lines
                        if line.kind == "earn_reversal" and line.lot_id == lot
                    ),
                    0,
                )
                for lot in own_lots
            ],
        )
        # A spend-based tier counts the money the patient kept paid: the
        # refund's first take-back line carries what it returned, else its
        # shortfall does (its points were all spent or held).
        paid_back = self._paid_amount_to_take_back(
            sale_lines, so_far, sale_total, source_vals if refunded_before else None
        )
        if take_back and paid_back:
            take_back[0]["paid_amount"] = -paid_back
        if missing:
            self.env["dental.loyalty.shortfall"]._record(
                self,
                "take_back",
                missing,
                source_vals,
                paid_amount=0.0 if take_back else -paid_back,
            )
            self._report_problem(
                self.env._(
                    "Points earned by %(sale)s were already spent, or are held by "
                    "a register for a bill being paid, and could not be taken back "
                    "by %(refund)s: %(points)s.",
                    points=missing,
                    refund=label,
                    sale=sale_label,
                )
            )
        posted = self._post_lines(vals_list + take_back)
        self._undo_refunded_tier(own_lots, label)
        return posted

    def _give_back_vals(self, key, sale_lines, points, source_vals, company):
        """The lines giving back ``points`` a refund returns of what its sale
        paid with points, each with the dates of the lot the sale took them
        from, as a move of points keeps them: a sale paid with points about to
        expire and refunded gave them back for another validity period, and
        again at every sale and refund. The points come back the last taken
        first, after those the sale's earlier refunds gave back (as if the
        sale had spent fewer points); what no take of the sale accounts for
        comes back as a new lot. Points whose lot expired meanwhile come back
        expired (the catch-up expires them), as they would have been."""
        spends = sale_lines.filtered(lambda line: line.kind == "spend")
        takes = (
            self.env["dental.loyalty.ledger.take"]
            .sudo()
            .search_fetch(
                [("line_id", "in", spends.ids)], ["lot_id", "points"], order="id desc"
            )
        )
        # Walked from the last take: what earlier refunds gave back first.
        skip = sum(line.points for line in sale_lines if line.kind == "spend_return")
        left = points
        chunks = []
        for take in takes:
            count = min(max(take.points - skip, 0), left)
            skip = max(skip - take.points, 0)
            if count:
                chunks.append((take.lot_id, count))
                left -= count
        if left:
            chunks.append((None, left))
        vals_list = []
        for index, (lot, count) in enumerate(chunks):
            dates = lot and {
                "available_date": lot.available_date,
                "expiry_date": lot.expiry_date,
            }
            vals = self._line_vals(
                key,
                "spend_return",
                count,
                source_vals,
                point_value=company.dental_loyalty_point_value,
                **(dates or {}),
            )
            # The first keeps the key a refund's give-back always had.
            if index:
                vals["unique_key"] += f":{index}"
            vals_list.append(vals)
        return vals_list

    def _paid_amount_to_take_back(
        self, sale_lines, so_far, sale_total, earlier_source=None
    ):
        """The money the sale paid (its earning's ``paid_amount``) that the
        refunds so far (``so_far`` of ``sale_total``) return, less what its
        earlier refunds took back: on their lines (in ``sale_lines``) and, given
        the sale's ``earlier_source`` (the ledger's source fields, when it was
        refunded before), on their shortfalls."""
        if not sale_total:
            return 0.0
        paid = sum(line.paid_amount for line in sale_lines if line.kind == "earn")
        taken = -sum(
            line.paid_amount for line in sale_lines if line.kind == "earn_reversal"
        )
        if earlier_source and earlier_source.get("res_id"):
            # The engine's bookkeeping: cashiers have no rights on it.
            taken -= sum(
                self.env["dental.loyalty.shortfall"]
                .sudo()
                .search(
                    [
                        ("res_model", "=", earlier_source.get("res_model")),
                        ("res_id", "=", earlier_source["res_id"]),
                        ("paid_amount", "!=", 0),
                    ]
                )
                .mapped("paid_amount")
            )
        currency = self.company_id.currency_id
        due = currency.round(paid * min(so_far / sale_total, 1.0)) - taken
        return due if currency.compare_amounts(due, 0) > 0 else 0.0

    def _own_lot_key(self, key, lot):
        """The key a refund of ``key`` takes back a lot of its sale under."""
        if lot.kind == "earn":
            return key
        if lot.kind == "rule":
            return f"{key}:rule:{lot.earning_rule_id.id}"
        return f"{key}:{lot.kind}"

    def _refund_points_worth(self, points, refunded_amount, points_rate=None):
        """The most money a refund may give back as ``points`` (points it may
        give back), within what it returns (``refunded_amount``): rounded down
        to the currency, so that its points never come to more than
        ``points``. ``points_rate``: what each point paid in the sale, when it
        paid less than its value (a sale's points payment takes whole points):
        they come back for what they paid."""
        self.ensure_one()
        company = self.company_id
        worth = max_points_payment(
            points,
            company.dental_loyalty_point_value,
            refunded_amount,
            100.0,
            company.currency_id.rounding,
        )
        if points_rate:
            worth = min(
                worth,
                float_round(
                    points * points_rate,
                    precision_rounding=company.currency_id.rounding,
                    rounding_method="DOWN",
                ),
            )
        return worth

    def _transfer_points(self, target, reason, points=None):
        """Move ``points`` of the spendable ones (all the wallet holds, pending
        included, when None) to ``target``, as pairs of lines: each point moved
        keeps the dates of the lot it came from, so nobody gains time by moving
        points around. Returns the points moved."""
        self.ensure_one()
        if target == self:
            raise UserError(self.env._("Points move between two different wallets."))
        (self | target)._lock_for_update()
        Ledger = self.env["dental.loyalty.ledger"]
        lots = Ledger._open_lots(self)
        if points is None:
            taken = [(lot, lot.remaining_points) for lot in lots]
        else:
            if points <= 0:
                raise UserError(self.env._("Move a positive number of points."))
            # Holds on this wallet, which the caller's wizard checked and locked.
            Hold = self.env["dental.loyalty.reservation"].sudo()
            spendable, _own, _others = Hold._spendable_for(self, False)
            if points > spendable:
                raise UserError(
                    self.env._(
                        "%(patient)s cannot move that many points now (spendable: "
                        "%(spendable)s, asked for: %(points)s).",
                        patient=self.partner_id.display_name,
                        spendable=spendable,
                        points=points,
                    )
                )
            today = self.company_id._dental_loyalty_today()
            taken = [
                (Ledger.browse(lot_id), count)
                for lot_id, count in Ledger._take_from_lots(self, points, today, {})
            ]
        # A transfer is an act, not a replayable event: its key is its own.
        key = f"transfer:{uuid.uuid4().hex}"
        vals_list = []
        for lot, count in taken:
            if not count:
                continue
            common = {"reason": reason, "member_id": lot.member_id.id}
            vals_list += [
                {
                    **common,
                    "wallet_id": self.id,
                    "kind": "transfer_out",
                    "points": -count,
                    "lot_id": lot.id,
                    "unique_key": f"{key}:{lot.id}:out",
                },
                {
                    **common,
                    "wallet_id": target.id,
                    "kind": "transfer_in",
                    "points": count,
                    "available_date": lot.available_date,
                    "expiry_date": lot.expiry_date,
                    "unique_key": f"{key}:{lot.id}:in",
                },
            ]
        self._post_lines(vals_list)
        return sum(count for _lot, count in taken)

    def _line_vals(self, key, kind, points, source_vals, **vals):
        return {
            "wallet_id": self.id,
            "kind": kind,
            "points": points,
            "unique_key": f"{key}:{kind}",
            **source_vals,
            **vals,
        }
