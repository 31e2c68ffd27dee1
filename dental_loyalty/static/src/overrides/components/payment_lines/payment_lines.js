import {patch} from "@web/core/utils/patch";
import {PaymentScreenPaymentLines} from "@point_of_sale/app/screens/payment_screen/payment_lines/payment_lines";
import {formatPoints, pointsForAmount} from "@dental_loyalty/app/points_payment";

patch(PaymentScreenPaymentLines.prototype, {
    /** How many points a Loyalty Points line takes; null for other lines. */
    dentalLoyaltyPoints(line) {
        if (!line.payment_method_id.dental_loyalty_points) {
            return null;
        }
        return formatPoints(pointsForAmount(this.pos, line.get_amount()));
    },
});
