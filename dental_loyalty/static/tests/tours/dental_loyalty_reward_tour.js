import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as SelectionPopup from "@point_of_sale/../tests/tours/utils/selection_popup_util";
import {
    negate,
    refresh,
    scan_barcode,
} from "@point_of_sale/../tests/tours/utils/common";
import {registry} from "@web/core/registry";

function openWithScaleAndPolish() {
    return [
        Chrome.startPoS(),
        Dialog.confirm("Open Register"),
        ProductScreen.addOrderline("Scale and Polish", "1"),
    ].flat();
}

function clickDeskButton(name) {
    return {
        content: `click the ${name} button, in sight on the product screen`,
        trigger: `.product-screen .o_dental_loyalty_desk button:contains("${name}")`,
        run: "click",
    };
}

function enterVoucherCode(code) {
    return [
        clickDeskButton("Vouchers"),
        {
            content: `type the voucher code ${code}`,
            trigger: ".o_dental_loyalty_voucher_list .o_dental_loyalty_voucher_code",
            run: `edit ${code}`,
        },
        {
            content: "apply it",
            trigger: ".o_dental_loyalty_voucher_list .o_dental_loyalty_voucher_apply",
            run: "click",
        },
    ];
}

function voucherLineShows(reward, price, code = "") {
    const line = `.order-container .orderline:has(.product-name:contains("${reward}"))`;
    return [
        {
            content: `the order has the line of ${reward} at ${price}`,
            trigger: `${line}:has(.qty:contains("1")):has(.price:contains("${price}"))`,
        },
        {
            content: "the line shows the voucher's code",
            trigger: `${line} .o_dental_loyalty_voucher_code:contains("Voucher ${code}")`,
        },
    ];
}

function practitionerIs(name) {
    return [
        ProductScreen.clickControlButtonMore(),
        {
            content: "the button names the practitioner",
            trigger: `.o_dental_loyalty_practitioner_button:contains("${name}")`,
        },
        Dialog.cancel(),
    ].flat();
}

function receiptShowsVoucher(reward, code = "") {
    return {
        content: "the receipt prints the voucher's code under its line",
        trigger: `.pos-receipt .orderline:has(.product-name:contains("${reward}")) .o_dental_loyalty_voucher_code:contains("Voucher ${code}")`,
    };
}

function payCash() {
    return [
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
        PaymentScreen.clickValidate(),
        ReceiptScreen.isShown(),
    ].flat();
}

// Rewards need a patient; the catalog shows costs and what is left; the 10 % off
// goes on the bill at once with its code, is priced again when the bill grows,
// and the receipt prints the code.
registry.category("web_tour.tours").add("DentalLoyaltyRewardTour", {
    steps: () =>
        [
            openWithScaleAndPolish(),
            clickDeskButton("Rewards"),
            {
                content: "without a patient, the register asks for one",
                trigger: ".modal .modal-body:contains('Choose the patient first')",
            },
            Dialog.confirm(),
            scan_barcode("0420000000123"),
            clickDeskButton("Rewards"),
            Dialog.is({title: "Rewards for Linh Pham"}),
            {
                content: "the catalog says what the patient can spend",
                trigger:
                    ".o_dental_loyalty_catalog_spendable:contains('Spendable points: 1,000')",
            },
            {
                content: "each reward says its cost and the points left after it",
                trigger:
                    ".o_dental_loyalty_reward:contains('10 % off your bill'):contains('Cost in points: 200'):contains('left after: 800')",
            },
            {
                content:
                    "a reward beyond the patient's points is greyed out, with the reason",
                trigger:
                    ".o_dental_loyalty_reward:disabled:contains('Whitening kit'):contains('Cost in points: 5,000'):contains('Not enough points: Whitening kit costs 5,000')",
            },
            {
                content: "the patient takes the 10 % off",
                trigger: ".o_dental_loyalty_reward:contains('10 % off your bill')",
                run: "click",
            },
            voucherLineShows("10 % off your bill", "-10.00"),
            {
                content: "the patient's points went down by the reward's cost",
                trigger:
                    ".set-partner .o_dental_loyalty_points:contains('Spendable: 800')",
            },
            ProductScreen.totalAmountIs("90.00"),
            // A reload keeps the line, its name, code and price, and the patient.
            refresh(),
            voucherLineShows("10 % off your bill", "-10.00"),
            ProductScreen.customerIsSelected("Linh Pham"),
            // The bill grows after the voucher was priced: Pay has the server price it again.
            ProductScreen.clickDisplayedProduct("Scale and Polish"),
            ProductScreen.clickPayButton(),
            PaymentScreen.totalIs("180.00"),
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            receiptShowsVoucher("10 % off your bill"),
            {
                content: "the receipt has the discount on the grown bill",
                trigger:
                    ".pos-receipt .orderline:has(.product-name:contains('10 % off your bill')) .price:contains('-20.00')",
            },
            {
                content: "what the vouchers took off earns nothing",
                trigger:
                    ".pos-receipt .o_dental_loyalty_receipt_earned span:contains('180')",
            },
            {
                content: "the balance after the reward and the visit",
                trigger:
                    ".pos-receipt .o_dental_loyalty_receipt_balance span:contains('980')",
            },
        ].flat(),
});

// The register offers the patient's own vouchers; the practitioner is named on
// the bill; the same code typed again (dashes, spaces, small letters) is refused.
registry.category("web_tour.tours").add("DentalLoyaltyVoucherCodeTour", {
    steps: () =>
        [
            openWithScaleAndPolish(),
            scan_barcode("0420000000123"),
            ProductScreen.clickControlButton("Practitioner"),
            SelectionPopup.has("Dr. An Tran", {run: "click"}),
            practitionerIs("Dr. An Tran"),
            clickDeskButton("Vouchers"),
            Dialog.is({title: "Vouchers of Linh Pham"}),
            {
                content: "one tap on the patient's voucher puts it on the bill",
                trigger:
                    ".o_dental_loyalty_voucher_choice:contains('15.00 off your bill'):contains('valid until')",
                run: "click",
            },
            voucherLineShows("15.00 off your bill", "-15.00", "BRUSH2345678"),
            // Their only voucher is on the bill: the register asks for a code.
            enterVoucherCode("brush-2345 678"),
            Dialog.is({title: "Voucher refused"}),
            {
                content: "the register says the voucher is already on the bill",
                trigger:
                    ".modal .modal-body:contains('Voucher BRUSH2345678 is already on this bill.')",
            },
            Dialog.confirm(),
            ProductScreen.clickNumpad("Price", "9"),
            {
                content: "the numpad does not reprice a voucher's line",
                trigger:
                    ".modal .modal-body:contains('The server priced this voucher')",
            },
            Dialog.confirm(),
            voucherLineShows("15.00 off your bill", "-15.00", "BRUSH2345678"),
            ProductScreen.checkOrderlinesNumber(2),
            ProductScreen.totalAmountIs("85.00"),
            payCash(),
            receiptShowsVoucher("15.00 off your bill", "BRUSH2345678"),
        ].flat(),
});

// An expired voucher: the server's refusal says when it expired; no line is added.
registry.category("web_tour.tours").add("DentalLoyaltyExpiredVoucherTour", {
    steps: () =>
        [
            openWithScaleAndPolish(),
            scan_barcode("0420000000123"),
            enterVoucherCode("FADED2345678"),
            Dialog.is({title: "Voucher refused"}),
            {
                content: "the refusal says when the voucher expired",
                trigger:
                    ".modal .modal-body:contains('Voucher \u2022\u2022\u2022\u2022 5678 expired on')",
            },
            Dialog.confirm(),
            {
                content: "no voucher line was added",
                trigger: negate(".order-container .o_dental_loyalty_voucher_code"),
            },
            ProductScreen.totalAmountIs("100.00"),
        ].flat(),
});
