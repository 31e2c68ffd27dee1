import {patch} from "@web/core/utils/patch";
import {Orderline} from "@point_of_sale/app/generic_components/orderline/orderline";

// The voucher code a line carries, shown under it on the order and the receipt.
patch(Orderline, {
    props: {
        ...Orderline.props,
        line: {
            ...Orderline.props.line,
            shape: {
                ...Orderline.props.line.shape,
                dentalLoyaltyVoucherCode: {type: String, optional: true},
            },
        },
    },
});
