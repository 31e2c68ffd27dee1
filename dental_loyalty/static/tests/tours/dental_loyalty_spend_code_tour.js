import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import {scan_barcode} from "@point_of_sale/../tests/tours/utils/common";
import {rpc} from "@web/core/network/rpc";
import {registry} from "@web/core/registry";

/** The code the patient read on their phone: the test's SMS gateway mock
 * answers it through a method the test adds (never the register). */
async function codeFromThePatientsPhone() {
    return rpc("/web/dataset/call_kw/pos.order/dental_loyalty_test_last_sms_code", {
        model: "pos.order",
        method: "dental_loyalty_test_last_sms_code",
        args: [],
        kwargs: {},
    });
}

// In a clinic that asks for a code from 300 points, paying 300 points asks for
// the code sent by SMS: a wrong one is refused in the dialog, the right one
// lets the points pay.
registry.category("web_tour.tours").add("DentalLoyaltySpendCodeTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            scan_barcode("0420000000400"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Loyalty Points"),
            {
                content: "the register asks for the code and says why",
                trigger:
                    ".o_dental_loyalty_spend_code .o_dental_loyalty_spend_code_reason:contains('Spending 300 points needs the code')",
            },
            {
                content:
                    "the code went to the patient's mobile, shown masked, for the spend the server named",
                trigger:
                    ".o_dental_loyalty_spend_code_sent:contains('•••• 56'):contains('Points it spends at most: 300.')",
            },
            {
                content: "the cashier types a wrong code",
                trigger: ".o_dental_loyalty_spend_code_input",
                run: "edit 12",
            },
            {
                content: "and confirms",
                trigger: ".o_dental_loyalty_spend_code_confirm",
                run: "click",
            },
            {
                content: "the wrong code is refused, in the dialog",
                trigger:
                    ".o_dental_loyalty_spend_code_refusal:contains('Wrong code: 2 tries left.')",
            },
            {
                content: "no payment line yet",
                trigger: "body:not(:has(.paymentline))",
            },
            {
                content: "the cashier types what the patient reads on their phone",
                trigger: ".o_dental_loyalty_spend_code_input",
                run: async function (helpers) {
                    await helpers.edit(await codeFromThePatientsPhone());
                },
            },
            {
                content: "and confirms",
                trigger: ".o_dental_loyalty_spend_code_confirm",
                run: "click",
            },
            {
                content: "the dialog closes",
                trigger: "body:not(:has(.o_dental_loyalty_spend_code))",
            },
            PaymentScreen.selectedPaymentlineHas("Loyalty Points", "30.00"),
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the receipt says the points spent",
                trigger:
                    ".pos-receipt .o_dental_loyalty_receipt div:contains('Spent') span:contains('300')",
            },
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});
