import {_t} from "@web/core/l10n/translation";
import {ConnectionLostError, RPCError} from "@web/core/network/rpc";
import {floatIsZero, formatFloat} from "@web/core/utils/numbers";
import {earnPreview as earnedOnBill, moneyShare} from "@dental_loyalty/app/earning";
import {ruleAwards} from "@dental_loyalty/app/earning_rules_register";
import {withSpendCode} from "@dental_loyalty/app/spend_code";

// A hold asked for this long before it lapses is asked for again at Validate:
// the sync that follows finds it still holding the points.
const HOLD_MARGIN_S = 5 * 60;

/** A number of points in the user's language: 1,300 in English, 1.300 in Vietnamese. */
export function formatPoints(points) {
    return formatFloat(points || 0, {digits: [0, 0]});
}

/**
 * Ask the server to check a points payment and hold its points for the order.
 * The server decides; this only carries the question and the answer.
 *
 * @param {Object} pos the POS store
 * @param {Object} order the order being paid
 * @param {number|null} amount the amount to pay with points, or null for the most allowed
 * @returns {Promise<{ok: boolean, offer?: Object, message?: string}>}
 */
export async function reservePoints(pos, order, amount = null) {
    const partner = order.get_partner();
    if (!partner) {
        return {
            ok: false,
            message: _t("Choose the patient before paying with points."),
        };
    }
    const billTotal = order.get_total_with_tax();
    const askedAt = Date.now();
    try {
        // A large spend may need the code the server sends the patient by SMS.
        const offer = await withSpendCode(pos, order, partner, () =>
            pos.data.call("pos.order", "dental_loyalty_reserve_points", [
                pos.config.id,
                order.uuid,
                partner.id,
                billTotal,
                amount,
            ])
        );
        // What the hold was granted for, so that Validate need not ask again.
        offer.held_for = {
            partnerId: partner.id,
            billTotal,
            until:
                askedAt + Math.max((offer.hold_seconds || 0) - HOLD_MARGIN_S, 0) * 1000,
        };
        return {ok: true, offer};
    } catch (error) {
        if (error instanceof ConnectionLostError) {
            return {
                ok: false,
                message: _t("Points can be spent only while the register is online."),
            };
        }
        if (error instanceof RPCError) {
            return {ok: false, message: error.data.message};
        }
        throw error;
    }
}

/**
 * Whether the hold the server granted for ``order`` (``offer``, the answer of
 * reservePoints) still covers a points payment of ``amount``: granted for this
 * patient, for this very bill total, for at least ``amount``, and not about to
 * lapse. The sync then settles within that hold (the server checks it again),
 * and the register need not ask the server again before the money is taken.
 */
export function offerCovers(pos, order, offer, amount) {
    const held = offer?.held_for;
    if (!held) {
        return false;
    }
    const decimals = pos.currency.decimal_places;
    return (
        held.partnerId === order.get_partner()?.id &&
        floatIsZero(held.billTotal - order.get_total_with_tax(), decimals) &&
        (amount <= offer.amount || floatIsZero(amount - offer.amount, decimals)) &&
        Date.now() < held.until
    );
}

/**
 * The order's points payment line went away (or its patient changed, or the
 * order was deleted): free the points the server held for it at once. Offline,
 * the hold lapses on its own.
 */
/**
 * Free what the server holds for ``order``'s points payment. Without
 * ``held`` only a hold this register remembers asking for is freed; a page
 * reloaded forgets it, so a caller that saw the points line go passes it.
 */
export async function releasePoints(pos, order, held = false) {
    if (!order.uiState.dentalLoyaltyOffer && !held) {
        return;
    }
    order.uiState.dentalLoyaltyOffer = null;
    try {
        await pos.data.call("pos.order", "dental_loyalty_release_points", [
            pos.config.id,
            order.uuid,
        ]);
    } catch (error) {
        if (!(error instanceof ConnectionLostError)) {
            throw error;
        }
    }
}

export function pointsPaymentLines(order) {
    return order.payment_ids.filter(
        (line) => line.payment_method_id.dental_loyalty_points
    );
}

/** The points a points payment of ``amount`` takes: rounded up, as the server
 * takes them, so the points always cover the money. */
export function pointsForAmount(pos, amount) {
    const value = pos.company.dental_loyalty_point_value;
    return value > 0 ? Math.ceil(Math.abs(amount) / value - 1e-6) : 0;
}

/**
 * What ``order`` will earn, as the server will compute it at sync (earning.js
 * and earning_rules.js hold the arithmetic, checked against the server's rules
 * on a shared table of cases): the rate on what money pays, times the tier's
 * multiplier, and what each earning rule gives on top. A preview only.
 *
 * @returns {{points: number, rules: Array<{ruleId: number, name: string, points: number}>}}
 */
export function earnPreviewDetail(pos, order) {
    const partner = order.get_partner();
    if (!partner) {
        return {points: 0, rules: []};
    }
    const lines = order.get_orderlines();
    // Returned lines are a refund of their sale, settled apart.
    const sold = lines.filter((line) => !line.refunded_orderline_id);
    const returned = lines.filter((line) => line.refunded_orderline_id);
    let pointsAmount = pointsPaymentLines(order).reduce(
        (sum, line) => sum + line.amount,
        0
    );
    if (returned.length) {
        // Points given back belong to the returned part.
        pointsAmount = Math.max(pointsAmount, 0);
    }
    const billTotal =
        order.get_total_with_tax() -
        returned.reduce((sum, line) => sum + line.get_price_with_tax(), 0);
    // What vouchers and other lines of negative price took off the bill.
    const covered = sold
        .filter((line) => line.price_unit * line.qty < 0)
        .reduce((sum, line) => sum + Math.max(-line.get_price_with_tax(), 0), 0);
    const base = earnedOnBill({
        billTotal,
        covered,
        pointsAmount,
        // The services' bonuses are earning rules now: the base is the rate's.
        lines: [],
        rate: pos.company.dental_loyalty_earn_rate || 0,
        multiplier: partner.loyalty_tier_multiplier || 1,
    });
    const share = moneyShare(billTotal + covered, pointsAmount + covered);
    const rules = ruleAwards(pos, partner, sold, share);
    return {
        points: rules.reduce((sum, award) => sum + award.points, base),
        rules,
    };
}

/** The points ``order`` will earn, the rules' included: a preview only. */
export function earnPreview(pos, order) {
    return earnPreviewDetail(pos, order).points;
}
