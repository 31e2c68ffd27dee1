import {_t} from "@web/core/l10n/translation";
import {AlertDialog} from "@web/core/confirmation_dialog/confirmation_dialog";
import {ask, makeAwaitable} from "@point_of_sale/app/store/make_awaitable_dialog";
import {VoucherList} from "@dental_loyalty/app/voucher_list/voucher_list";
import {chooseReward} from "@dental_loyalty/app/rewards";
import {applyVoucher, askServer, voucherLines} from "@dental_loyalty/app/vouchers";

/** A refusal stays on screen until the cashier has read it. */
export function showRefusal(pos, title, body) {
    return new Promise((resolve) => {
        pos.dialog.add(AlertDialog, {title, body}, {onClose: resolve});
    });
}

/**
 * What the bill's patient can claim now, from the server in one call: the
 * number of rewards they can have and their own unused vouchers. Offline or
 * without a patient, nothing: the buttons only stay quiet.
 *
 * @returns {Promise<{claimable: number, vouchers: Object[]}>}
 */
export async function patientOffers(pos, partner) {
    if (!partner) {
        return {claimable: 0, vouchers: []};
    }
    const answer = await askServer(pos, "dental_loyalty_patient_offers", [
        pos.config.id,
        partner.id,
    ]);
    return answer.ok ? answer.result : {claimable: 0, vouchers: []};
}

/** The patient's vouchers that are not on the bill yet. */
export function vouchersNotOnBill(order, vouchers) {
    const onBill = new Set(
        voucherLines(order).map((line) => line.dental_loyalty_voucher_code)
    );
    return vouchers.filter((voucher) => !onBill.has(voucher.code));
}

/** The catalog of the bill's patient; without a patient, why not. */
export async function openRewards(pos) {
    const partner = pos.get_order()?.get_partner();
    if (!partner) {
        return showRefusal(
            pos,
            _t("Rewards"),
            _t("Choose the patient first: rewards are paid with their points.")
        );
    }
    return chooseReward(pos);
}

/** The patient's vouchers, one tap each, or a code typed or scanned. */
export async function openVouchers(pos, vouchers) {
    const order = pos.get_order();
    const partner = order.get_partner();
    const code = await makeAwaitable(pos.dialog, VoucherList, {
        title: partner ? _t("Vouchers of %s", partner.name) : _t("Vouchers"),
        vouchers: vouchersNotOnBill(order, vouchers),
    });
    if (code?.trim()) {
        return putVoucherOnBill(pos, order, code);
    }
}

function isOtherPatientsVoucher(answer) {
    return Boolean(
        answer.error?.name?.endsWith(".VoucherOfAnotherPatient") &&
            answer.error.context?.partner_id
    );
}

/** The patient the server named, from the register's list or loaded now. */
async function loadPartner(pos, partnerId) {
    const known = pos.models["res.partner"].get(partnerId);
    if (known) {
        return known;
    }
    const [loaded] = await pos.data.read("res.partner", [partnerId]);
    return loaded;
}

/**
 * Put the voucher ``code`` on the bill. A refusal stays on screen; a voucher of
 * a patient who is not on the bill offers to choose that patient (the server
 * names them only to whoever typed the voucher's exact code) and tries again.
 */
export async function putVoucherOnBill(pos, order, code) {
    const applied = await applyVoucher(pos, order, code);
    if (applied.ok || !isOtherPatientsVoucher(applied)) {
        if (!applied.ok) {
            await showRefusal(pos, _t("Voucher refused"), applied.message);
        }
        return applied.ok;
    }
    const owner = applied.error.context;
    const confirmed = await ask(pos.dialog, {
        title: _t("Voucher of another patient"),
        body: applied.message,
        confirmLabel: _t("Choose %s", owner.partner_name),
    });
    if (!confirmed) {
        return false;
    }
    const partner = await loadPartner(pos, owner.partner_id);
    if (!partner) {
        await showRefusal(
            pos,
            _t("Voucher refused"),
            _t("%s cannot be chosen at this register.", owner.partner_name)
        );
        return false;
    }
    order.set_partner(partner);
    pos.dentalLoyaltyPartnerChanged(order);
    return putVoucherOnBill(pos, order, code);
}
