import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import {scan_barcode} from "@point_of_sale/../tests/tours/utils/common";
import {registry} from "@web/core/registry";

// In a clinic that asks, a patient who did not join shows as no member; reception
// joins them with their consent to emails, and their paid bill earns at once.
registry.category("web_tour.tours").add("DentalLoyaltyJoinTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            scan_barcode("0420000000300"),
            {
                content: "the patient is not a member, not Bronze with 0 points",
                trigger:
                    ".set-partner:contains('Nam Do') .o_dental_loyalty_not_member:contains('Not a member')",
            },
            {
                content: "the order offers to join them",
                trigger:
                    ".o_dental_loyalty_not_member .o_dental_loyalty_join_button:contains('Join loyalty')",
                run: "click",
            },
            {
                content: "they agree to emails",
                trigger: ".o_dental_loyalty_join .o_dental_loyalty_join_mail",
                run: "click",
            },
            {
                content: "join",
                trigger: ".o_dental_loyalty_join .o_dental_loyalty_join_confirm",
                run: "click",
            },
            {
                content: "the patient is a member now: Bronze with 0 points",
                trigger:
                    ".set-partner .o_dental_loyalty_tier:contains('Bronze') ~ .o_dental_loyalty_points:contains('Spendable: 0')",
            },
            {
                content: "and the order says what it will earn",
                trigger: ".o_dental_loyalty_earn_preview:contains('+100')",
            },
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the receipt says the points earned",
                trigger:
                    ".pos-receipt .o_dental_loyalty_receipt div:contains('Earned') span:contains('100')",
            },
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});

// A company never joins by itself: it shows as no member, and a clinic that
// enrols every new patient offers no joining at the desk.
registry.category("web_tour.tours").add("DentalLoyaltyCompanyNotMemberTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            scan_barcode("0420000000301"),
            {
                content: "the company is not a member",
                trigger:
                    ".set-partner:contains('Deco Addict') .o_dental_loyalty_not_member:contains('Not a member')",
            },
            {
                content: "the order earns nothing and offers no joining",
                trigger:
                    ".o_dental_loyalty_not_member:contains('Not a member of the loyalty programme'):not(:has(.o_dental_loyalty_join_button))",
            },
        ].flat(),
});
