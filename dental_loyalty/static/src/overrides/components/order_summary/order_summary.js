import {_t} from "@web/core/l10n/translation";
import {patch} from "@web/core/utils/patch";
import {AlertDialog} from "@web/core/confirmation_dialog/confirmation_dialog";
import {OrderSummary} from "@point_of_sale/app/screens/product_screen/order_summary/order_summary";
import {joinLoyalty} from "@dental_loyalty/app/join";

patch(OrderSummary.prototype, {
    clickDentalLoyaltyJoin(partner) {
        return joinLoyalty(this.pos, partner);
    },

    /** A voucher's line is priced by the server: the numpad can only take it off. */
    async updateSelectedOrderline({buffer, key}) {
        const line = this.currentOrder.get_selected_orderline();
        if (!line?.dental_loyalty_voucher_code) {
            return super.updateSelectedOrderline(...arguments);
        }
        this.numberBuffer.reset();
        if (buffer === null || buffer === "") {
            this.currentOrder.removeOrderline(line);
            this.pos.numpadMode = "quantity";
            return;
        }
        // A refusal stays on screen until read.
        this.dialog.add(AlertDialog, {
            title: _t("Voucher line"),
            body: _t(
                "The server priced this voucher's line; take the line off to remove the voucher."
            ),
        });
    },
});
