import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import {scan_barcode} from "@point_of_sale/../tests/tours/utils/common";
import {registry} from "@web/core/registry";

function payCash() {
    return [
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
        PaymentScreen.clickValidate(),
        ReceiptScreen.isShown(),
    ].flat();
}

function typeReferredByCode(code) {
    return {
        content: `type the referrer's code ${code}`,
        trigger:
            ".modal .o_form_view .o_field_widget[name='dental_referred_by_code'] input",
        run: `edit ${code}`,
    };
}

function saveCustomer() {
    return {
        content: "save the customer",
        trigger: ".modal .modal-footer .o_form_button_save",
        run: "click",
    };
}

// The referrer's receipt prints their referral code; a new customer is created in
// the editor with the referrer's code (typed as a patient reads it out) and pays
// their first visit. (A refusal shows the server's message in a dialog, but the
// register also logs every refused call as a console error, which fails a tour:
// test_referrals tests refusals over JSON-RPC instead.)
registry.category("web_tour.tours").add("DentalLoyaltyReferralTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            scan_barcode("0420000000123"),
            payCash(),
            {
                content: "the receipt prints the patient's own referral code",
                trigger:
                    ".pos-receipt .o_dental_loyalty_receipt_referral_code:contains('Your referral code: LINH2345')",
            },
            ReceiptScreen.clickNextOrder(),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            ProductScreen.clickPartnerButton(),
            {
                content: "create a customer",
                trigger:
                    ".modal .partner-list button:contains('Create'), .modal button[title='Add a customer']",
                run: "click",
            },
            {
                content: "name the new customer",
                trigger: ".modal .o_form_view .o_field_widget[name='name'] input",
                run: "edit Quynh Dang",
            },
            {
                content:
                    "give the new customer an e-mail address (a referred patient is reachable)",
                trigger: ".modal .o_form_view .o_field_widget[name='email'] input",
                run: "edit quynh.dang@example.com",
            },
            {
                content: "open the customer's loyalty tab",
                trigger:
                    ".modal .o_form_view .o_notebook a.nav-link:contains('Loyalty')",
                run: "click",
            },
            typeReferredByCode("linh-2345"),
            saveCustomer(),
            ProductScreen.customerIsSelected("Quynh Dang"),
            payCash(),
            {
                content: "the new patient's receipt prints their own referral code",
                trigger:
                    ".pos-receipt .o_dental_loyalty_receipt_referral_code:contains('Your referral code:'):not(:contains('LINH2345'))",
            },
        ].flat(),
});
