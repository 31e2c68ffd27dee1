import {patch} from "@web/core/utils/patch";
import {ControlButtons} from "@point_of_sale/app/screens/product_screen/control_buttons/control_buttons";
import {
    chooseReward,
    choosePractitioner,
    enterVoucherCode,
} from "@dental_loyalty/app/rewards";

patch(ControlButtons.prototype, {
    clickDentalLoyaltyRewards() {
        return chooseReward(this.pos);
    },

    clickDentalLoyaltyVoucher() {
        return enterVoucherCode(this.pos);
    },

    clickDentalLoyaltyPractitioner() {
        return choosePractitioner(this.pos);
    },
});
