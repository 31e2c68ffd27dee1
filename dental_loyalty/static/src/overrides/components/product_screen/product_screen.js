import {patch} from "@web/core/utils/patch";
import {ProductScreen} from "@point_of_sale/app/screens/product_screen/product_screen";

patch(ProductScreen.prototype, {
    async _barcodePartnerAction(code) {
        const order = this.currentOrder;
        const before = order.get_partner();
        const result = await super._barcodePartnerAction(...arguments);
        if (order.get_partner() !== before) {
            this.pos.dentalLoyaltyPartnerChanged(order);
        }
        return result;
    },
});
