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

// A whitening bill in the whitening month: the preview and the receipt say
// what the campaign gives on top of the base points.
registry.category("web_tour.tours").add("DentalLoyaltyCampaignTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Home Whitening", "1"),
            scan_barcode("0420000000123"),
            {
                content: "the order earns its base points and the campaign's",
                trigger: ".o_dental_loyalty_earn_preview:contains('+240')",
            },
            previewNames("Whitening month x2", "+120"),
            {
                content: "a rule of other services is not named",
                trigger: ".o_dental_loyalty_earn_rule",
                run() {
                    const named = [
                        ...document.querySelectorAll(".o_dental_loyalty_earn_rule"),
                    ].map((rule) => rule.textContent);
                    if (named.length !== 1 || named[0].includes("Implant")) {
                        throw new Error(`named: ${named.join(", ")}`);
                    }
                },
            },
            ProductScreen.clickPayButton(),
            previewNames("Whitening month x2", "+120"),
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the receipt says what the visit earned",
                trigger:
                    ".pos-receipt .o_dental_loyalty_receipt_earned span:contains('240')",
            },
            {
                content: "the receipt names the campaign and its points",
                trigger:
                    ".pos-receipt .o_dental_loyalty_receipt_rule:contains('Whitening month x2') span:contains('+120')",
            },
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});
