import { _t } from "@web/core/l10n/translation";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { TextInputPopup } from "@point_of_sale/app/utils/input_popups/text_input_popup";
import { applyVoucher } from "@dental_loyalty/app/vouchers";

function showAlert(pos, title, body) {
    pos.dialog.add(AlertDialog, { title, body });
}

/** A voucher code typed or scanned: the server checks it and prices its line. */
export async function enterVoucherCode(pos) {
    const order = pos.get_order();
    const code = await makeAwaitable(pos.dialog, TextInputPopup, {
        title: _t("Voucher"),
        placeholder: _t("The code on the patient's voucher"),
    });
    if (!code?.trim()) {
        return;
    }
    const applied = await applyVoucher(pos, order, code);
    if (!applied.ok) {
        showAlert(pos, _t("Voucher refused"), applied.message);
    }
}
