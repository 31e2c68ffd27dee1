import {patch} from "@web/core/utils/patch";
import {ResPartner} from "@point_of_sale/app/models/res_partner";
import {formatPoints} from "@dental_loyalty/app/points_payment";

patch(ResPartner.prototype, {
    get dentalLoyaltyPointsText() {
        return formatPoints(this.loyalty_points_available);
    },

    get dentalLoyaltyPendingText() {
        return formatPoints(this.loyalty_points_pending);
    },
});
