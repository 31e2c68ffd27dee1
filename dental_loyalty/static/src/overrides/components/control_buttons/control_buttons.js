import {patch} from "@web/core/utils/patch";
import {ControlButtons} from "@point_of_sale/app/screens/product_screen/control_buttons/control_buttons";
import {choosePractitioner} from "@dental_loyalty/app/rewards";

patch(ControlButtons.prototype, {
    clickDentalLoyaltyPractitioner() {
        return choosePractitioner(this.pos);
    },
});
