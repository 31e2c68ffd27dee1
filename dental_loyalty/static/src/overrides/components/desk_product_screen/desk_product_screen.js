import {patch} from "@web/core/utils/patch";
import {ProductScreen} from "@point_of_sale/app/screens/product_screen/product_screen";
import {DeskButtons} from "@dental_loyalty/app/desk_buttons/desk_buttons";

patch(ProductScreen, {
    components: {...ProductScreen.components, DeskButtons},
});
