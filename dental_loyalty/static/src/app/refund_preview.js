import {_t} from "@web/core/l10n/translation";
import {ConnectionLostError, RPCError} from "@web/core/network/rpc";

/** The order's lines that return a line of an earlier sale. */
export function returnedLines(order) {
    return order.get_orderlines().filter((line) => line.refunded_orderline_id);
}

/** What the order returns, as the server's refund preview asks for it: each
 * sold line with the quantity returned of it (positive). */
function returnedQuantities(order) {
    return returnedLines(order)
        .filter((line) => line.qty < 0 && line.refunded_orderline_id.id)
        .map((line) => ({line_id: line.refunded_orderline_id.id, qty: -line.qty}));
}

function previewKey(order) {
    return JSON.stringify([
        order.get_partner()?.id || false,
        returnedQuantities(order),
    ]);
}

/**
 * Ask the server what the refund being rung up takes back (points the
 * returned lines earned) and gives back (points, and their worth in money):
 * the figures the sync will settle with. Kept in the order's state for the
 * lines as they stand.
 *
 * @returns {Promise<{ok: boolean, figures?: Object, message?: string}>}
 */
export async function refundPreview(pos, order) {
    const returned = returnedQuantities(order);
    if (!returned.length) {
        return {ok: true, figures: null};
    }
    const key = previewKey(order);
    const known = order.uiState.dentalLoyaltyRefund;
    if (known?.key === key && known.figures) {
        return {ok: true, figures: known.figures};
    }
    try {
        const figures = await pos.data.call(
            "pos.order",
            "dental_loyalty_refund_preview",
            [pos.config.id, order.get_partner()?.id || false, returned]
        );
        order.uiState.dentalLoyaltyRefund = {key, figures, message: ""};
        return {ok: true, figures};
    } catch (error) {
        let message;
        if (error instanceof ConnectionLostError) {
            message = _t("What a refund gives back in points is known only online.");
        } else if (error instanceof RPCError) {
            message = error.data.message;
        } else {
            throw error;
        }
        order.uiState.dentalLoyaltyRefund = {key, figures: null, message};
        return {ok: false, message};
    }
}

/**
 * The refund's figures for the screen, as last answered for the lines as they
 * stand; asks the server again (once) when the lines changed. The screen
 * renders again when the answer comes.
 */
export function refundFigures(pos, order) {
    if (!returnedLines(order).length || order.finalized) {
        return null;
    }
    const key = previewKey(order);
    const known = order.uiState.dentalLoyaltyRefund;
    if (known?.key === key) {
        return known;
    }
    if (order.uiState.dentalLoyaltyRefundAsked !== key) {
        order.uiState.dentalLoyaltyRefundAsked = key;
        refundPreview(pos, order);
    }
    return null;
}
