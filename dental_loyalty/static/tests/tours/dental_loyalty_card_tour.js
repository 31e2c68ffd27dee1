import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import {simulateBarCode} from "@barcodes/../tests/helpers";
import {registry} from "@web/core/registry";

// The test prints the patient's card and hands its code over as
// window.dentalLoyaltyCardCode; the tour scans it as a scanner types it.
registry.category("web_tour.tours").add("DentalLoyaltyMemberCardTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            {
                content: "scan the code printed on the patient's member card",
                trigger: "body",
                run: () => simulateBarCode([...window.dentalLoyaltyCardCode, "Enter"]),
            },
            {
                content: "the card's patient is the order's",
                trigger: '.set-partner:contains("Thu Ha Vu")',
            },
            {
                content: "with their tier, in its colour, and their points",
                trigger:
                    '.set-partner .o_dental_loyalty_tier.o_colorlist_item_color_4:contains("Silver") ~ .o_dental_loyalty_points:contains("Spendable: 800")',
            },
        ].flat(),
});
