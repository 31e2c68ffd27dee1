import {patch} from "@web/core/utils/patch";
import {PosOrderline} from "@point_of_sale/app/models/pos_order_line";

patch(PosOrderline.prototype, {
    /** A voucher's line keeps the reward's name it was given, through reloads too. */
    set_full_product_name() {
        if (this.dental_loyalty_voucher_code && this.full_product_name) {
            return;
        }
        return super.set_full_product_name(...arguments);
    },

    /** Each voucher has a line of its own: the server checks it against the voucher. */
    can_be_merged_with(orderline) {
        if (this.dental_loyalty_voucher_code || orderline.dental_loyalty_voucher_code) {
            return false;
        }
        return super.can_be_merged_with(...arguments);
    },

    getDisplayData() {
        return {
            ...super.getDisplayData(...arguments),
            dentalLoyaltyVoucherCode: this.dental_loyalty_voucher_code || "",
        };
    },
});
