import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as Order from "@point_of_sale/../tests/tours/utils/generic_components/order_widget_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as TicketScreen from "@point_of_sale/../tests/tours/utils/ticket_screen_util";
import {
    inLeftSide,
    negate,
    scan_barcode,
} from "@point_of_sale/../tests/tours/utils/common";
import {registry} from "@web/core/registry";

const DESK = ".product-screen .o_dental_loyalty_desk";

/** The button is on screen, whole: inside the window and its text not cut. */
function buttonInSight(name) {
    return {
        content: `the ${name} button is in sight on the product screen, its text whole`,
        trigger: `${DESK} button:contains("${name}")`,
        run() {
            const button = this.anchor;
            const box = button.getBoundingClientRect();
            if (box.width === 0 || box.right > window.innerWidth || box.left < 0) {
                throw new Error(
                    `${name} is outside the window: ${JSON.stringify(box)}`
                );
            }
            if (button.scrollWidth > button.clientWidth) {
                throw new Error(
                    `${name} is cut: ${button.scrollWidth} > ${button.clientWidth}`
                );
            }
        },
    };
}

function clickDeskButton(name) {
    return {
        content: `click ${name}`,
        trigger: `${DESK} button:contains("${name}")`,
        run: "click",
    };
}

function typeVoucherCode(code) {
    return [
        clickDeskButton("Vouchers"),
        {
            content: "Apply waits for a code",
            trigger:
                ".o_dental_loyalty_voucher_list .o_dental_loyalty_voucher_apply:disabled",
        },
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

/** The register is as wide as the test says (the browser's size was set). */
function windowIs(width) {
    return {
        content: `the register is ${width} px wide`,
        trigger: ".product-screen",
        run() {
            if (window.innerWidth > width || window.innerWidth < width - 40) {
                throw new Error(`the window is ${window.innerWidth} px wide`);
            }
        },
    };
}

// Rewards and Vouchers are in sight, not under Actions; with a patient they
// say what is claimable; the catalog shows every reward, those out of reach
// greyed with why; one tap puts the patient's voucher on the bill.
const deskButtonsSteps = (width) =>
    [
        Chrome.startPoS(),
        Dialog.confirm("Open Register"),
        windowIs(width),
        ProductScreen.clickControlButtonMore(),
        {
            content: "Actions opens, with the practitioner",
            trigger:
                ".modal .control-buttons-modal .o_dental_loyalty_practitioner_button",
        },
        {
            content: "Rewards and Vouchers are no longer under Actions",
            trigger: negate(".modal .control-buttons-modal button:contains('Reward')"),
        },
        Dialog.cancel(),
        ProductScreen.addOrderline("Scale and Polish", "1"),
        buttonInSight("Rewards"),
        buttonInSight("Vouchers"),
        {
            content: "without a patient, no cue",
            trigger: negate(`${DESK} .badge`),
        },
        scan_barcode("0420000000123"),
        {
            content: "the Rewards button counts the rewards the patient can have now",
            trigger: `${DESK} .o_dental_loyalty_rewards_cue:contains("2")`,
        },
        {
            content: "the Vouchers button counts the patient's unused vouchers",
            trigger: `${DESK} .o_dental_loyalty_vouchers_cue:contains("1")`,
        },
        buttonInSight("Rewards"),
        buttonInSight("Vouchers"),
        clickDeskButton("Rewards"),
        Dialog.is({title: "Rewards for Linh Pham"}),
        {
            content: "a reward over the patient's points says so",
            trigger:
                ".o_dental_loyalty_reward:disabled:contains('Whitening kit'):contains('Not enough points')",
        },
        {
            content: "a reward whose limit the patient reached says which limit",
            trigger:
                ".o_dental_loyalty_reward:disabled:contains('Yearly check-up'):contains('has reached the limit of Yearly check-up: 1 per year')",
        },
        {
            content: "a reward for higher tiers says which tier",
            trigger:
                ".o_dental_loyalty_reward:disabled:contains('Gold polish'):contains('is for Gold patients and above')",
        },
        {
            content: "a reward the patient can have is open",
            trigger: ".o_dental_loyalty_reward:enabled:contains('10 % off your bill')",
        },
        Dialog.cancel(),
        {
            content: "the catalog closed with nothing chosen, the cue is the same",
            trigger: `${DESK} .o_dental_loyalty_rewards_cue:contains("2")`,
        },
        clickDeskButton("Vouchers"),
        Dialog.is({title: "Vouchers of Linh Pham"}),
        {
            content: "one tap on the patient's voucher",
            trigger: ".o_dental_loyalty_voucher_choice:contains('15.00 off your bill')",
            run: "click",
        },
        {
            content: "the voucher is on the bill",
            trigger:
                ".order-container .orderline:has(.product-name:contains('15.00 off your bill')) .price:contains('-15.00')",
        },
        {
            content: "no unused voucher is left to claim",
            trigger: negate(`${DESK} .o_dental_loyalty_vouchers_cue`),
        },
    ].flat();

registry.category("web_tour.tours").add("DentalLoyaltyDeskButtons1024Tour", {
    steps: () => deskButtonsSteps(1024),
});

registry.category("web_tour.tours").add("DentalLoyaltyDeskButtons1280Tour", {
    steps: () => deskButtonsSteps(1280),
});

// A voucher typed on a bill without its patient: the register offers to choose
// the patient it belongs to, then puts it on the bill. A used voucher says
// when and on which order; the refusal stays until read.
registry.category("web_tour.tours").add("DentalLoyaltyDeskVoucherOwnerTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            typeVoucherCode("USED23456789"),
            {
                content: "a used voucher says when",
                trigger:
                    ".modal .modal-body:contains('Voucher \u2022\u2022\u2022\u2022 6789 was already used on')",
            },
            Dialog.confirm(),
            typeVoucherCode("BRUSH2345678"),
            {
                content:
                    "the register names the voucher's patient and offers to choose them",
                trigger:
                    ".modal .modal-body:contains('Voucher \u2022\u2022\u2022\u2022 5678 belongs to Linh Pham')",
            },
            Dialog.confirm("Choose Linh Pham"),
            {
                content: "the patient is on the bill",
                trigger: ".product-screen .set-partner:contains('Linh Pham')",
            },
            {
                content: "and the voucher on the bill",
                trigger:
                    ".order-container .orderline:has(.product-name:contains('15.00 off your bill')) .price:contains('-15.00')",
            },
        ].flat(),
});

// A bill paid with the patient's voucher, then refunded whole: the refund's
// receipt says the voucher is valid again (its new code went to the patient).
registry.category("web_tour.tours").add("DentalLoyaltyDeskVoucherRefundTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            scan_barcode("0420000000123"),
            clickDeskButton("Vouchers"),
            {
                content: "one tap on the patient's voucher",
                trigger:
                    ".o_dental_loyalty_voucher_choice:contains('15.00 off your bill')",
                run: "click",
            },
            Order.hasLine({productName: "15.00 off your bill", price: "-15.00"}),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "a sale's receipt gives no voucher back",
                trigger: negate(".pos-receipt .o_dental_loyalty_receipt_vouchers_back"),
            },
            ReceiptScreen.clickNextOrder(),

            ...ProductScreen.clickRefund(),
            TicketScreen.selectOrder("-0001"),
            inLeftSide(Order.hasLine({productName: "Scale and Polish", run: "click"})),
            ProductScreen.clickNumpad("1"),
            inLeftSide(
                Order.hasLine({productName: "15.00 off your bill", run: "click"})
            ),
            ProductScreen.clickNumpad("1"),
            TicketScreen.confirmRefund(),
            ProductScreen.isShown(),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the refund's receipt says the voucher is valid again",
                trigger:
                    ".pos-receipt .o_dental_loyalty_receipt_vouchers_back:contains('new code sent to the patient'):contains('15.00 off your bill')",
            },
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});

function typeReferredByCode(code) {
    return {
        content: `type the referrer's code ${code}`,
        trigger:
            ".modal .o_form_view .o_field_widget[name='dental_referred_by_code'] input",
        run: `edit ${code}`,
    };
}

function referrerShows(text) {
    return [
        {
            content: "leave the code's field (as a cashier moves on)",
            trigger: ".modal .o_form_view .o_notebook a.nav-link:contains('Loyalty')",
            run: "click",
        },
        {
            content: `the editor says at once: ${text}`,
            trigger: `.modal .o_form_view .o_field_widget[name='dental_referred_by_name']:contains("${text}")`,
        },
    ];
}

// The register's customer editor names the referrer as soon as the code is
// typed, says when no patient has it, and confirms on save.
registry.category("web_tour.tours").add("DentalLoyaltyDeskReferrerTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
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
                content: "open the customer's loyalty tab",
                trigger:
                    ".modal .o_form_view .o_notebook a.nav-link:contains('Loyalty')",
                run: "click",
            },
            {
                content:
                    "give the new customer an e-mail address (a referred patient is reachable)",
                trigger: ".modal .o_form_view .o_field_widget[name='email'] input",
                run: "edit quynh.dang@example.com",
            },
            {
                content: "no Give Reward on an unsaved contact",
                trigger: negate(".modal .o_form_view button:contains('Give Reward')"),
            },
            {
                content: "no Move Points on an unsaved contact",
                trigger: negate(".modal .o_form_view button:contains('Move Points')"),
            },
            typeReferredByCode("nope-2345"),
            referrerShows("No patient has the referral code NOPE2345."),
            typeReferredByCode("linh-2345"),
            referrerShows("Linh Pham"),
            {
                content: "save the customer",
                trigger: ".modal .modal-footer .o_form_button_save",
                run: "click",
            },
            {
                content: "the register confirms the save and the referrer",
                trigger:
                    ".o_notification:contains('Quynh Dang is saved, referred by Linh Pham')",
            },
            ProductScreen.customerIsSelected("Quynh Dang"),
        ].flat(),
});
