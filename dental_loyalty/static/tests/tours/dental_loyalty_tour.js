import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as Numpad from "@point_of_sale/../tests/tours/utils/numpad_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import {refresh, scan_barcode} from "@point_of_sale/../tests/tours/utils/common";
import {registry} from "@web/core/registry";

function patientShows(name, tier, points) {
    return [
        {
            content: `${name} is the order's patient`,
            trigger: `.set-partner:contains("${name}")`,
        },
        {
            content: `the patient is ${tier} with ${points} points`,
            trigger: `.set-partner .o_dental_loyalty_tier:contains("${tier}") ~ .o_dental_loyalty_points:contains("Spendable: ${points}")`,
        },
    ];
}

// Open the register, ring up a scale and polish, scan the patient's card, and pay.
function payForPatient(barcode) {
    return [
        Chrome.startPoS(),
        Dialog.confirm("Open Register"),
        ProductScreen.addOrderline("Scale and Polish", "1"),
        scan_barcode(barcode),
        ProductScreen.clickPayButton(),
    ].flat();
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
            scan_barcode("0420000000123"),
            patientShows("Linh Pham", "Bronze", "1,000"),
            {
                content: "an empty bill previews no points",
                trigger: "body:not(:has(.o_dental_loyalty_earn_preview))",
            },
            ProductScreen.addOrderline("Scale and Polish", "1"),
            {
                content: "the tier badge wears the tier's colour",
                trigger: ".set-partner .o_dental_loyalty_tier.o_colorlist_item_color_2",
            },
            {
                content: "before payment, the order says what it will earn",
                trigger: ".o_dental_loyalty_earn_preview:contains('+100')",
            },
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Loyalty Points", true, {
                amount: "30.00",
                remaining: "70.00",
            }),
            {
                content: "the payment screen shows the most payable with points",
                trigger:
                    ".o_dental_loyalty_offer:contains('30.00'):contains('spendable points: 1,000')",
            },
            {
                content: "what points pay earns nothing: the preview follows",
                trigger: ".o_dental_loyalty_earn_preview:contains('+70')",
            },
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            receiptHas("Before", "1,000"),
            receiptHas("Spent", "300"),
            receiptHas("Earned", "70"),
            receiptHas("After", "770"),
            receiptHas("Spendable now", "770"),
            receiptHas("Tier", "Bronze"),
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});

// Typing more than the cap on the points line is corrected on the spot, before any
// cash is taken; the line says how many points it takes.
registry.category("web_tour.tours").add("DentalLoyaltyOverCapTour", {
    steps: () =>
        [
            payForPatient("0420000000123"),
            PaymentScreen.clickPaymentMethod("Loyalty Points", true, {amount: "30.00"}),
            {
                content: "the points line says how many points it takes",
                trigger:
                    ".paymentline.selected .o_dental_loyalty_line_points:contains('Points: 300')",
            },
            PaymentScreen.enterPaymentLineAmount("Loyalty Points", "45", true, {
                remaining: "70.00",
                amount: "30.00",
            }),
            {
                content: "the cashier reads why, and which limit bit: the cap",
                trigger:
                    ".modal .modal-body:contains('At most'):contains('30.00'):contains('the clinic lets points pay at most 30 % of a bill')",
            },
            Dialog.confirm(),
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            receiptHas("Spent", "300"),
        ].flat(),
});

// Points first among the methods, and digits typed with no payment line: the
// line is added as a tap on the method adds it, held for the bill and capped,
// not for what was typed.
registry.category("web_tour.tours").add("DentalLoyaltyTypedWithoutLineTour", {
    steps: () =>
        [
            payForPatient("0420000000123"),
            PaymentScreen.clickPaymentMethod("Loyalty Points", true, {amount: "30.00"}),
            PaymentScreen.clickPaymentlineDelButton("Loyalty Points", "30.00"),
            PaymentScreen.emptyPaymentlines("100.00"),
            Numpad.click("4"),
            Numpad.click("5"),
            {
                content:
                    "one points line, of what the hold allows, not of what was typed",
                trigger:
                    ".paymentline.selected:contains('Loyalty Points'):contains('30.00')",
                run() {
                    const lines = document.querySelectorAll(".paymentline");
                    if (lines.length !== 1) {
                        throw new Error(`${lines.length} payment lines`);
                    }
                },
            },
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            receiptHas("Spent", "300"),
        ].flat(),
});

// The bill grew after the points line was added: the hold was granted for the
// old total, so Validate asks the server again before the money is taken.
registry.category("web_tour.tours").add("DentalLoyaltyBillChangedTour", {
    steps: () =>
        [
            payForPatient("0420000000123"),
            PaymentScreen.clickPaymentMethod("Loyalty Points", true, {
                amount: "30.00",
                remaining: "70.00",
            }),
            PaymentScreen.clickBackToProductScreen(),
            ProductScreen.clickDisplayedProduct("Scale and Polish"),
            ProductScreen.totalAmountIs("200.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.remainingIs("170.00"),
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            receiptHas("Spent", "300"),
        ].flat(),
});

// A patient whose points are all pending: the refusal says until when, and the
// receipt shows the pending points and the day they become spendable.
registry.category("web_tour.tours").add("DentalLoyaltyPendingTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            scan_barcode("0420000000124"),
            {
                content: "the badge shows the pending points",
                trigger: ".set-partner .o_dental_loyalty_pending:contains('500')",
            },
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Loyalty Points"),
            Dialog.is({title: "Points payment refused"}),
            {
                content: "the refusal names the rule and the date",
                trigger:
                    ".modal .modal-body:contains('no spendable points yet; pending: 500 on')",
            },
            Dialog.confirm(),
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            receiptHas("Before", "500"),
            receiptHas("Earned", "100"),
            receiptHas("After", "600"),
            receiptHas("Spendable now", "100"),
            receiptHas("Pending", "500"),
            {
                content: "the receipt says the day the pending batch becomes spendable",
                trigger:
                    ".pos-receipt .o_dental_loyalty_receipt_pending_date span:contains('500 on ')",
            },
        ].flat(),
});

// The points line deleted (after ``afterHold``'s steps), the next order of the
// same patient is offered all of the points again.
function holdFreedSteps(afterHold = []) {
    return [
        payForPatient("0420000000123"),
        PaymentScreen.clickPaymentMethod("Loyalty Points", true, {amount: "30.00"}),
        afterHold,
        PaymentScreen.clickPaymentlineDelButton("Loyalty Points", "30.00"),
        PaymentScreen.emptyPaymentlines("100.00"),
        PaymentScreen.clickBack(),
        Chrome.createFloatingOrder(),
        ProductScreen.addOrderline("Scale and Polish", "1"),
        scan_barcode("0420000000123"),
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Loyalty Points", true, {amount: "30.00"}),
        {
            content: "nothing is held for the first order any more",
            trigger: ".o_dental_loyalty_offer:contains('spendable points: 1,000')",
        },
    ].flat();
}

// A points line removed frees its points at once: the next order of the same
// patient, on this register or another, is offered all of them again.
registry.category("web_tour.tours").add("DentalLoyaltyHoldReleasedTour", {
    steps: () => holdFreedSteps(),
});

// helper-104: a page reloaded forgets the hold it asked for; the points line
// deleted after it frees the points all the same.
registry.category("web_tour.tours").add("DentalLoyaltyHoldReleasedAfterReloadTour", {
    steps: () => holdFreedSteps([refresh(), ProductScreen.clickPayButton()].flat()),
});

// A service with bonus points: the preview adds its bonus to what the money earns
// (50 at one point per unit, and 20 bonus points).
registry.category("web_tour.tours").add("DentalLoyaltyBonusPreviewTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Fluoride Varnish", "1"),
            scan_barcode("0420000000123"),
            {
                content: "the order says it earns its bonus too",
                trigger: ".o_dental_loyalty_earn_preview:contains('+70')",
            },
            {
                content: "and names the rule that gives it",
                trigger:
                    ".o_dental_loyalty_earn_rule:contains('Service bonus: 20 points'):contains('+20')",
            },
        ].flat(),
});

// A patient back on time for a recall service: the receipt says the bonus.
registry.category("web_tour.tours").add("DentalLoyaltyRecallTour", {
    steps: () =>
        [
            payForPatient("0420000000125"),
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            receiptHas("Earned", "150"),
            receiptHas("of which recall bonus", "+50"),
        ].flat(),
});

// A child of a family is chosen: the register shows the family's points, and the
// child pays part of the bill with them.
registry.category("web_tour.tours").add("DentalLoyaltyFamilyPaymentTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            scan_barcode("0420000000125"),
            patientShows("Mai Pham", "Bronze", "1,000"),
            {
                content: "the register says whose points they are",
                trigger:
                    ".set-partner .o_dental_loyalty_family:contains('Family: Pham family')",
            },
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Loyalty Points", true, {
                amount: "30.00",
                remaining: "70.00",
            }),
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            receiptHas("Spent", "300"),
            receiptHas("Spendable now", "770"),
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});
