import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import { scan_barcode } from "@point_of_sale/../tests/tours/utils/common";
import { registry } from "@web/core/registry";

function patientShows(name, tier, points) {
    return [
        {
            content: `${name} is the order's patient`,
            trigger: `.set-partner:contains("${name}")`,
        },
        {
            content: `the patient is ${tier} with ${points} points`,
            trigger: `.set-partner .o_dental_loyalty_tier:contains("${tier}") ~ .o_dental_loyalty_points:contains("${points} pts")`,
        },
    ];
}

function receiptHas(label, value) {
    return {
        content: `the receipt says ${label} ${value}`,
        trigger: `.pos-receipt .o_dental_loyalty_receipt div:contains("${label}") span:contains("${value}")`,
    };
}

// Scan the card, see the wallet, pay the most points allow (30 % of 100), cash the rest.
registry.category("web_tour.tours").add("DentalLoyaltyPointsPaymentTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            scan_barcode("0420000000123"),
            patientShows("Linh Pham", "Bronze", "1000"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Loyalty Points", true, {
                amount: "30.00",
                remaining: "70.00",
            }),
            {
                content: "the payment screen shows the most payable with points",
                trigger: ".o_dental_loyalty_offer:contains('30.00'):contains('1000 spendable points')",
            },
            PaymentScreen.clickPaymentMethod("Cash", true, { remaining: "0.00" }),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            receiptHas("Points spent", "300"),
            receiptHas("Points earned", "70"),
            receiptHas("Points balance", "770"),
            receiptHas("Loyalty tier", "Bronze"),
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});

// Asking for more than the cap is refused by the server, with the reason.
registry.category("web_tour.tours").add("DentalLoyaltyOverCapTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            scan_barcode("0420000000123"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Loyalty Points", true, { amount: "30.00" }),
            PaymentScreen.enterPaymentLineAmount("Loyalty Points", "45", true, {
                remaining: "55.00",
            }),
            PaymentScreen.clickPaymentMethod("Cash", true, { remaining: "0.00" }),
            PaymentScreen.clickValidate(),
            Dialog.is({ title: "Points payment refused" }),
            {
                content: "the cashier reads why",
                trigger: ".modal .modal-body:contains('At most'):contains('30 % of a bill')",
            },
            Dialog.confirm(),
            PaymentScreen.isShown(),
        ].flat(),
});

// A points line removed frees its points at once: the next order of the same
// patient, on this register or another, is offered all of them again.
registry.category("web_tour.tours").add("DentalLoyaltyHoldReleasedTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            scan_barcode("0420000000123"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Loyalty Points", true, { amount: "30.00" }),
            PaymentScreen.clickPaymentlineDelButton("Loyalty Points", "30.00"),
            PaymentScreen.emptyPaymentlines("100.00"),
            PaymentScreen.clickBack(),
            Chrome.createFloatingOrder(),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            scan_barcode("0420000000123"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Loyalty Points", true, { amount: "30.00" }),
            {
                content: "nothing is held for the first order any more",
                trigger: ".o_dental_loyalty_offer:contains('1000 spendable points')",
            },
        ].flat(),
});
