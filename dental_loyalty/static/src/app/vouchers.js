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
    return addVoucherLine(pos, order, answer);
}

/**
 * Add the line the server priced for a voucher (or a reward it holds) to
 * ``order``; ``answer`` is askServer's.
 */
export async function addVoucherLine(pos, order, answer) {
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
    pos.numberBuffer.reset();
    return answer;
}

/**
 * The bill changed since its vouchers were priced: have the server price each
 * again, in the order it will check them at sync. Returns a refusal, or null;
 * offline, the lines stay as they are and the server checks them at sync.
 */
export async function repriceVouchers(pos, order) {
    const bill = billBeforeVouchers(order);
    const lines = billLines(order);
    let covered = 0;
    for (const line of voucherLines(order)) {
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
        covered += discountOf(line);
    }
    return null;
}
