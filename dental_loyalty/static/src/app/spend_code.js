import {_t} from "@web/core/l10n/translation";
import {ConnectionLostError, RPCError} from "@web/core/network/rpc";
import {makeAwaitable} from "@point_of_sale/app/store/make_awaitable_dialog";
import {SpendCodeDialog} from "@dental_loyalty/app/spend_code_dialog/spend_code_dialog";

/** Whether the server refused a spend until the patient's code is typed. */
export function isSpendCodeRequired(error) {
    return Boolean(error?.data?.name?.endsWith(".SpendCodeRequired"));
}

/**
 * The server wants the code it sends to the patient by SMS before this spend:
 * open the dialog that sends it and takes what the cashier types. Resolves to
 * true once the server confirmed the code for this order, else false. The code
 * itself never reaches the register: only the patient's phone.
 *
 * @param {Object} pos the POS store
 * @param {Object} order the order that spends
 * @param {Object} partner the bill's patient
 * @param {string} reason the server's sentence, shown above the code field
 * @param {number} points the spend the code is for, as the server named it:
 *     the SMS tells the patient, and the code confirms no more
 */
export async function askSpendCode(pos, order, partner, reason, points) {
    const verified = await makeAwaitable(pos.dialog, SpendCodeDialog, {
        pos,
        orderUuid: order.uuid,
        partnerId: partner.id,
        reason,
        points,
    });
    return Boolean(verified);
}

/**
 * Run ``ask`` (a call to the server that may hold points for ``order``); when
 * the server wants the patient's code first, ask for it and run it again.
 * Any other error goes to the caller as it came.
 */
export async function withSpendCode(pos, order, partner, ask) {
    try {
        return await ask();
    } catch (error) {
        if (
            !isSpendCodeRequired(error) ||
            !(await askSpendCode(
                pos,
                order,
                partner,
                error.data.message,
                error.data.context?.points
            ))
        ) {
            throw error;
        }
        return ask();
    }
}

/**
 * Ask the server (a method of pos.order) for something that may spend the
 * patient's points on ``order``, asking for the patient's code when the server
 * wants it: ``{ok: true, result}`` or ``{ok: false, message}``.
 */
export async function askServerWithCode(pos, order, partner, method, args) {
    try {
        const result = await withSpendCode(pos, order, partner, () =>
            pos.data.call("pos.order", method, args)
        );
        return {ok: true, result};
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
