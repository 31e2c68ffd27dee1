import {_t} from "@web/core/l10n/translation";
import {ConnectionLostError, RPCError} from "@web/core/network/rpc";
import {formatFloat} from "@web/core/utils/numbers";

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
    try {
        const offer = await pos.data.call(
            "pos.order",
            "dental_loyalty_reserve_points",
            [pos.config.id, order.uuid, partner.id, order.get_total_with_tax(), amount]
        );
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
 * The order's points payment line went away (or its patient changed, or the
 * order was deleted): free the points the server held for it at once. Offline,
 * the hold lapses on its own.
 */
export async function releasePoints(pos, order) {
    if (!order.uiState.dentalLoyaltyOffer) {
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
 * What ``order`` will earn, as the server will compute it (rules/earning.py and
 * rules/settlement.py): the rate on what money pays, each line's bonus on the
 * share of it paid with money, times the tier's multiplier. A preview only.
 */
export function earnPreview(pos, order) {
    const partner = order.get_partner();
    const total = order.get_total_with_tax();
    if (!partner || total <= 0) {
        return 0;
    }
    const paidWithPoints = pointsPaymentLines(order).reduce(
        (sum, line) => sum + line.amount,
        0
    );
    const money = Math.min(Math.max(total - paidWithPoints, 0), total);
    const moneyShare = money / total;
    let bonus = 0;
    for (const line of order.get_orderlines()) {
        const perUnit = line.product_id.dental_loyalty_bonus_points || 0;
        if (line.qty > 0 && perUnit > 0 && line.price_unit > 0) {
            // get_discount(): a line rung up by a click has no discount field yet.
            const paidShare = Math.min(Math.max(1 - line.get_discount() / 100, 0), 1);
            bonus += perUnit * line.qty * paidShare;
        }
    }
    const rate = pos.company.dental_loyalty_earn_rate || 0;
    const multiplier = partner.loyalty_tier_multiplier || 1;
    return Math.max(
        0,
        Math.floor((money * rate + bonus * moneyShare) * multiplier + 1e-6)
    );
}
