import {ConnectionLostError, RPCError} from "@web/core/network/rpc";
import {
    addVoucherLine,
    billBeforeVouchers,
    billLines,
    pricingKey,
    voucherLines,
} from "@dental_loyalty/app/vouchers";
import {askServerWithCode} from "@dental_loyalty/app/spend_code";

/**
 * A reward chosen at the register is a line of the bill whose points the
 * server holds until the bill is paid: ask for the hold and add its line.
 *
 * @returns {Promise<{ok: boolean, result?: Object, message?: string}>}
 */
export async function holdReward(pos, order, reward) {
    const partner = order.get_partner();
    const covered = voucherLines(order).reduce(
        (sum, line) => sum + Math.max(-line.get_price_with_tax(), 0),
        0
    );
    const priced = {key: pricingKey(order, covered), askedAt: Date.now()};
    // A costly reward may need the code the server sends the patient by SMS.
    const answer = await askServerWithCode(
        pos,
        order,
        partner,
        "dental_loyalty_hold_reward",
        [
            pos.config.id,
            order.uuid,
            partner.id,
            reward.id,
            billBeforeVouchers(order),
            covered,
            billLines(order),
        ]
    );
    if (!answer.ok) {
        return answer;
    }
    partner.setDentalLoyaltySpendable(answer.result);
    order.uiState.dentalLoyaltyHeldCodes = [
        ...(order.uiState.dentalLoyaltyHeldCodes || []),
        answer.result.code,
    ];
    const added = await addVoucherLine(pos, order, answer, priced);
    if (!added.ok) {
        // The line could not go on the bill: nothing stays held for it.
        await releaseReward(pos, order, answer.result.code);
    }
    return added;
}

/**
 * A voucher's line left the bill: if the server held its reward for this
 * order, the points, the stock and the patient's limit come back at once.
 * Offline (or a voucher not held here), nothing to do: the hold lapses, and
 * the sync gives back what the paid bill does not carry.
 */
export async function releaseReward(pos, order, code) {
    try {
        const answer = await pos.data.call(
            "pos.order",
            "dental_loyalty_release_reward",
            [pos.config.id, order.uuid, code]
        );
        // The points come back to the voucher's patient, who is the bill's
        // unless the bill changed patient since.
        const partner = order.get_partner();
        if (partner?.id === answer.partner_id) {
            partner.setDentalLoyaltySpendable(answer);
        }
        return true;
    } catch (error) {
        if (error instanceof ConnectionLostError || error instanceof RPCError) {
            return false;
        }
        throw error;
    }
}

/** Codes of voucher lines removed from ``order`` since it was last asked. */
export function takeRemovedCodes(order) {
    const codes = order.uiState.dentalLoyaltyRemovedCodes || [];
    order.uiState.dentalLoyaltyRemovedCodes = [];
    return codes;
}

/** Give back the rewards of the voucher lines removed from ``order``. */
export async function releaseRemovedRewards(pos, order) {
    for (const code of takeRemovedCodes(order)) {
        await releaseReward(pos, order, code);
    }
}

/** The order or its patient went: every reward held on it comes back. */
export async function releaseHeldRewards(pos, order) {
    order.uiState.dentalLoyaltyHeldCodes = [];
    order.uiState.dentalLoyaltyRemovedCodes = [];
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
