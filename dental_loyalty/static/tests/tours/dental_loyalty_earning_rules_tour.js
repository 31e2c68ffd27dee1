import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import {scan_barcode} from "@point_of_sale/../tests/tours/utils/common";
import {registry} from "@web/core/registry";

function previewNames(rule, points) {
    return {
        content: `the earn preview names ${rule}: ${points}`,
        trigger: `.o_dental_loyalty_earn_rule:contains("${rule}"):contains("${points}")`,
    };
}

/** Fails unless the earn preview names exactly ``rules``, in this order. */
function previewNamesOnly(rules) {
    return {
        content: `the earn preview names ${rules.join(", ")} and no other rule`,
        trigger: ".o_dental_loyalty_earn_rule",
        run() {
            const named = [
                ...document.querySelectorAll(
                    ".o_dental_loyalty_earn_rule > span:first-child"
                ),
            ].map((rule) => rule.textContent.trim());
            if (named.join("|") !== rules.join("|")) {
                throw new Error(`named: ${named.join(", ")}`);
            }
        },
    };
}

// A new patient's whitening bill in the whitening month: the preview and the
// receipt say what the campaign and the first visit give on top of the base
// points; the next bill is no first visit.
registry.category("web_tour.tours").add("DentalLoyaltyCampaignTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Home Whitening", "1"),
            scan_barcode("0420000000123"),
            {
                content: "the order earns its base points and the rules'",
                trigger: ".o_dental_loyalty_earn_preview:contains('+290')",
            },
            previewNames("Whitening month x2", "+120"),
            previewNames("Welcome visit +50", "+50"),
            // Not the implant's rule, nor the staff's: the patient is not staff.
            previewNamesOnly(["Whitening month x2", "Welcome visit +50"]),
            ProductScreen.clickPayButton(),
            previewNames("Whitening month x2", "+120"),
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the receipt says what the visit earned",
                trigger:
                    ".pos-receipt .o_dental_loyalty_receipt_earned span:contains('290')",
            },
            {
                content: "the receipt names the campaign and its points",
                trigger:
                    ".pos-receipt .o_dental_loyalty_receipt_rule:contains('Whitening month x2') span:contains('+120')",
            },
            {
                content: "and the first visit's",
                trigger:
                    ".pos-receipt .o_dental_loyalty_receipt_rule:contains('Welcome visit +50') span:contains('+50')",
            },
            ReceiptScreen.clickNextOrder(),
            ProductScreen.addOrderline("Home Whitening", "1"),
            scan_barcode("0420000000123"),
            {
                content: "the patient's second bill earns no first visit's points",
                trigger: ".o_dental_loyalty_earn_preview:contains('+240')",
            },
            previewNamesOnly(["Whitening month x2"]),
        ].flat(),
});
