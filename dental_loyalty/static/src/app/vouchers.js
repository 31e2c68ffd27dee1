import {_t} from "@web/core/l10n/translation";
import {ConnectionLostError, RPCError} from "@web/core/network/rpc";

/**
 * Ask the server about rewards and vouchers. It decides; a refusal comes back
 * as the message it raised, for the cashier to read.
 *
 * @returns {Promise<{ok: boolean, result?: any, message?: string, offline?: boolean}>}
 */
export async function askServer(pos, method, args) {
    try {
        return {ok: true, result: await pos.data.call("pos.order", method, args)};
    } catch (error) {
        if (error instanceof ConnectionLostError) {
            return {
                ok: false,
                offline: true,
                message: _t(
                    "Rewards and vouchers work only while the register is online."
                ),
            };
        }
        if (error instanceof RPCError) {
            // ``error``: the server's refusal, for those that offer a way on.
            return {ok: false, message: error.data.message, error: error.data};
        }
        throw error;
    }
}

/** A code as the server stores it, from what a cashier typed or a scanner read. */
export function normalizeCode(code) {
    return (code || "").replace(/[\s-]/g, "").toUpperCase();
}

export function voucherLines(order) {
    return order.get_orderlines().filter((line) => line.dental_loyalty_voucher_code);
}

/** The bill a voucher is priced on: the order's total with tax, vouchers left out. */
export function billBeforeVouchers(order) {
    const vouchers = voucherLines(order).reduce(
        (sum, line) => sum + line.get_price_with_tax(),
        0
    );
    return Math.max(order.get_total_with_tax() - vouchers, 0);
}

/**
 * The bill's sold lines as the server reads a reward's scope from them: each
 * line's product and total with tax after its discount; vouchers and rewards
 * left out. A preview: at sync the server reads the order's own lines.
 */
export function billLines(order) {
    return order
        .get_orderlines()
        .filter(
            (line) => !line.dental_loyalty_voucher_code && !line.refunded_orderline_id
        )
        .map((line) => ({
            product_id: line.get_product().id,
            amount: line.get_price_with_tax(),
        }));
}

// A held reward priced this long before its hold lapses is priced again at
// Pay (which renews the hold): the sync that follows finds it still held.
const HOLD_MARGIN_S = 5 * 60;

/**
 * What a voucher's line is priced from: the patient, the bill before vouchers,
 * what the vouchers before it cover and the bill's sold lines. Two equal keys,
 * the same price.
 */
export function pricingKey(order, covered) {
    // Sums of floats: what differs past the sixth decimal is the same bill.
    const amount = (value) => value.toFixed(6);
    return JSON.stringify([
        order.get_partner()?.id || false,
        amount(billBeforeVouchers(order)),
        amount(covered),
        billLines(order).map((line) => [line.product_id, amount(line.amount)]),
    ]);
}

/**
 * Remember what the server priced ``line`` from (``key``, see pricingKey; its
 * answer ``voucher``), on which day, at which price, and until when its hold
 * (if held) lasts with a margin: Pay need not ask again while all of it holds.
 */
function notePriced(order, line, key, voucher, askedAt) {
    let until = voucher.held ? 0 : Infinity;
    if (voucher.hold_seconds) {
        until = askedAt + Math.max(voucher.hold_seconds - HOLD_MARGIN_S, 0) * 1000;
    }
    order.uiState.dentalLoyaltyPriced = {
        ...(order.uiState.dentalLoyaltyPriced || {}),
        [line.dental_loyalty_voucher_code]: {
            key,
            day: new Date(askedAt).toDateString(),
            until,
            price: line.get_unit_price(),
        },
    };
}

/**
 * Whether ``line`` still has the price the server gave it for the bill as it
 * is (``key``): same patient, bill, lines and vouchers before it, priced
 * today, at the price it was given, and its hold (if any) not about to lapse.
 * The server checks the line again at sync whatever this says.
 */
function stillPriced(order, line, key) {
    const priced =
        order.uiState.dentalLoyaltyPriced?.[line.dental_loyalty_voucher_code];
    return Boolean(
        priced &&
            priced.key === key &&
            priced.price === line.get_unit_price() &&
            priced.day === new Date().toDateString() &&
            Date.now() < priced.until
    );
}

function discountOf(line) {
    return Math.max(-line.get_price_with_tax(), 0);
}

/** The product a voucher's line books, loaded now if the register does not hold it. */
async function voucherProduct(pos, productId) {
    const product = pos.models["product.product"].get(productId);
    if (product) {
        return product;
    }
    const [loaded] = await pos.data.read("product.product", [productId]);
    return loaded;
}

/**
 * Check ``code`` with the server and add the line it prices to ``order``.
 *
 * @returns {Promise<{ok: boolean, result?: Object, message?: string}>}
 */
export async function applyVoucher(pos, order, code) {
    const onBill = new Set(
        voucherLines(order).map((line) => line.dental_loyalty_voucher_code)
    );
    const alreadyOn = (voucherCode) => ({
        ok: false,
        message: _t("Voucher %s is already on this bill.", voucherCode),
    });
    if (onBill.has(normalizeCode(code))) {
        return alreadyOn(normalizeCode(code));
    }
    const covered = voucherLines(order).reduce(
        (sum, line) => sum + discountOf(line),
        0
    );
    const priced = {key: pricingKey(order, covered), askedAt: Date.now()};
    const answer = await askServer(pos, "dental_loyalty_voucher_line", [
        pos.config.id,
        code,
        order.get_partner()?.id || false,
        billBeforeVouchers(order),
        covered,
        billLines(order),
        order.uuid,
    ]);
    if (!answer.ok) {
        return answer;
    }
    if (onBill.has(answer.result.code)) {
        return alreadyOn(answer.result.code);
    }
    return addVoucherLine(pos, order, answer, priced);
}

/**
 * Add the line the server priced for a voucher (or a reward it holds) to
 * ``order``; ``answer`` is askServer's, ``priced`` what it was asked on
 * (``{key, askedAt}``, see pricingKey), so that Pay need not ask again.
 */
export async function addVoucherLine(pos, order, answer, priced = null) {
    const voucher = answer.result;
    const product = await voucherProduct(pos, voucher.product_id);
    if (!product) {
        return {
            ok: false,
            message: _t(
                "The product of voucher %s cannot be sold at this register.",
                voucher.code
            ),
        };
    }
    pos.addPendingOrder([order.id]);
    await pos.addLineToOrder(
        {
            product_id: product,
            price_unit: voucher.price_unit,
            qty: voucher.qty,
            full_product_name: voucher.label || voucher.reward,
            dental_loyalty_voucher_code: voucher.code,
        },
        order,
        {},
        false
    );
    const line = voucherLines(order).find(
        (onBill) => onBill.dental_loyalty_voucher_code === voucher.code
    );
    if (priced && line) {
        notePriced(order, line, priced.key, voucher, priced.askedAt);
    }
    pos.numberBuffer.reset();
    return answer;
}

/**
 * Before the money is taken: have the server price again, in the order it will
 * check them at sync, the voucher lines whose bill changed since they were
 * priced (its lines, its patient, the vouchers before them) or whose hold is
 * about to lapse (the call renews it); the others keep their price. Returns a
 * refusal, or null; offline, the lines stay as they are and the server checks
 * them at sync (it checks every line there anyway).
 */
export async function repriceVouchers(pos, order) {
    const bill = billBeforeVouchers(order);
    const lines = billLines(order);
    let covered = 0;
    for (const line of voucherLines(order)) {
        const key = pricingKey(order, covered);
        if (stillPriced(order, line, key)) {
            covered += discountOf(line);
            continue;
        }
        const askedAt = Date.now();
        const answer = await askServer(pos, "dental_loyalty_voucher_line", [
            pos.config.id,
            line.dental_loyalty_voucher_code,
            order.get_partner()?.id || false,
            bill,
            covered,
            lines,
            order.uuid,
        ]);
        if (answer.offline) {
            return null;
        }
        if (!answer.ok) {
            return answer.message;
        }
        if (line.get_unit_price() !== answer.result.price_unit) {
            line.set_unit_price(answer.result.price_unit);
        }
        notePriced(order, line, key, answer.result, askedAt);
        covered += discountOf(line);
    }
    return null;
}
