import {_t} from "@web/core/l10n/translation";
import publicWidget from "@web/legacy/js/public/public_widget";

// The loyalty page's "Copy" button puts the referral message (code included, no
// link to the page) on the clipboard and says so.
publicWidget.registry.DentalLoyaltyReferralCopy = publicWidget.Widget.extend({
    selector: ".o_dental_loyalty_page",
    events: {
        "click .o_dental_loyalty_copy": "_onCopy",
    },

    async _onCopy(ev) {
        const button = ev.currentTarget;
        await navigator.clipboard.writeText(button.dataset.copy);
        button.querySelector("span").textContent = _t("Copied");
    },
});
