import {_t} from "@web/core/l10n/translation";
import {patch} from "@web/core/utils/patch";
import {PosStore} from "@point_of_sale/app/store/pos_store";
import {askServer} from "@dental_loyalty/app/vouchers";

patch(PosStore.prototype, {
    /** The customer editor saved: say so, with who referred the patient. */
    async editPartner() {
        const partner = await super.editPartner(...arguments);
        if (partner) {
            await this.dentalLoyaltyConfirmSaved(partner);
        }
        return partner;
    },

    async dentalLoyaltyConfirmSaved(partner) {
        const answer = await askServer(this, "dental_loyalty_referrer_of", [
            this.config.id,
            partner.id,
        ]);
        const referrer = answer.ok && answer.result;
        this.notification.add(
            referrer
                ? _t(
                      "%(patient)s is saved, referred by %(referrer)s: both get their bonus on the first paid visit.",
                      {patient: partner.name, referrer}
                  )
                : _t("%s is saved.", partner.name),
            {type: "success"}
        );
    },
});
