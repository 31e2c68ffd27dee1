from odoo import models

from ..rules import take_back_from_lots


class DentalLoyaltyWallet(models.Model):
    """Taking back points a sale or a bonus gave: from the lots that gave
    them, wherever their points are now, then from the wallet's free
    spendable points; a refund's share of each of its sale's lots."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.wallet"  # pylint: disable=consider-merging-classes-inherited

    def _take_back_vals(
        self,
        kind,
        points,
        lots,
        source_vals,
        key,
        *,
        in_proportion=False,
        weights=None,
    ):
        """Lines of ``kind`` that take back ``points`` a sale or a bonus gave:
        from the lots that gave them first (``lots``: ``[(lot, line key)]``,
        followed to wherever their points are on this wallet now), then from
        the wallet's spendable points, oldest first. Spendable points a register
        holds for a bill being paid are left to it: the server granted them, and
        its bill must not be refused when it syncs. ``in_proportion``: each lot
        first gives its share of ``points`` (by the points it gave), what one
        cannot give is taken from the others in order; ``weights`` (one per
        lot) weigh the shares instead of the points the lots gave. Returns the
        lines' values and the points gone or held, which nothing takes back."""
        if not points:
            return [], 0
        # Holds are the engine's bookkeeping: cashiers have no rights on them.
        Hold = self.env["dental.loyalty.reservation"].sudo()
        # Spendable points less every register's holds: what is free to take.
        free, _own, _others = Hold._spendable_for(self, False)
        # Each lot's points wherever they are now, with the key of its line.
        currents, counts = [], []
        for lot, lot_key in lots:
            nows = lot._lots_now(self)
            counts.append(len(nows))
            currents += [
                (f"{lot_key}:{current.id}" if rank else lot_key, current)
                for rank, current in enumerate(nows)
            ]
        states = [
            (current.remaining_points, current.is_released)
            for _line_key, current in currents
        ]
        taken_first = [0] * len(currents)
        rest = points
        if in_proportion and len(lots) > 1:
            if weights is None or not sum(weights):
                weights = [lot.points for lot, _key in lots]
            taken_first, rest, free = self._take_back_shares(
                points, weights, counts, states, free
            )
        taken_per_lot, from_others, missing = take_back_from_lots(
            rest,
            [
                (remaining - first, released)
                for (remaining, released), first in zip(
                    states, taken_first, strict=True
                )
            ],
            free,
        )
        taken_per_lot = [
            taken + first
            for taken, first in zip(taken_per_lot, taken_first, strict=True)
        ]
        vals_list = [
            self._line_vals(line_key, kind, -taken, source_vals, lot_id=current.id)
            for (line_key, current), taken in zip(currents, taken_per_lot, strict=True)
            if taken
        ]
        if from_others:
            vals_list.append(
                self._line_vals(f"{key}:fifo", kind, -from_others, source_vals)
            )
        return vals_list, missing

    def _take_back_shares(self, points, given, counts, states, free):
        """Each lot's share of ``points`` by the points it ``given`` (whole
        points, rounded down; the first lots take a point more each until the
        shares make ``points``), taken from wherever its points are now: its
        ``counts`` of ``states`` ((remaining, released), lot by lot, as
        ``_take_back_vals`` lists them). Returns what each gives, what is
        left to take, and the free spendable points left."""
        total = sum(given)
        shares = [points * part // total for part in given]
        # The points rounding leaves go to the first lots that owe any.
        owing = [index for index, part in enumerate(given) if part > 0]
        for index in owing[: points - sum(shares)]:
            shares[index] += 1
        taken_first, index = [], 0
        for share, count in zip(shares, counts, strict=True):
            group = states[index : index + count]
            taken, _others, _missing = take_back_from_lots(share, group, free)
            free -= sum(
                part
                for part, (_left, released) in zip(taken, group, strict=True)
                if released
            )
            taken_first += taken
            index += count
        return taken_first, points - sum(taken_first), free
