import {patch} from "@web/core/utils/patch";
import {PosOrder} from "@point_of_sale/app/models/pos_order";
import {PosStore} from "@point_of_sale/app/store/pos_store";
import {
    rememberPatient,
    restorePatients,
} from "@dental_loyalty/app/open_order_patients";

patch(PosOrder.prototype, {
    set_partner(partner) {
        const result = super.set_partner(...arguments);
        const config = this.models["pos.config"].getFirst();
        if (config && this.uuid) {
            rememberPatient(config.id, this.uuid, partner?.id || false);
        }
        return result;
    },
});

patch(PosStore.prototype, {
    async afterProcessServerData() {
        const result = await super.afterProcessServerData(...arguments);
        await restorePatients(this);
        return result;
    },
});
