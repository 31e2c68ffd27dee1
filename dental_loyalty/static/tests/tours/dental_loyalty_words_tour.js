import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import {refresh, scan_barcode} from "@point_of_sale/../tests/tours/utils/common";
import {registry} from "@web/core/registry";

/** One tap on the patient's own voucher, from the Vouchers button in sight. */
function chooseOwnVoucher(reward) {
    return [
        {
            content: "click Vouchers, in sight on the product screen",
            trigger:
                '.product-screen .o_dental_loyalty_desk button:contains("Vouchers")',
            run: "click",
        },
        {
            content: `one tap on the patient's voucher ${reward}`,
            trigger: `.o_dental_loyalty_voucher_choice:contains('${reward}')`,
            run: "click",
        },
    ];
}

function openRegister() {
    return [Chrome.startPoS(), Dialog.confirm("Open Register")].flat();
}

function receiptHas(label, value) {
    return {
        content: `the receipt says ${label} ${value}`,
        trigger: `.pos-receipt .o_dental_loyalty_receipt div:contains("${label}") span:contains("${value}")`,
    };
}

/** Fails unless ``selector`` is shown whole: on screen, with a size, and
 * neither it nor a box around it up to ``within`` cuts its text. */
function shownWhole(selector, within = ".set-partner") {
    return {
        content: `${selector} is shown, not cut`,
        trigger: selector,
        run() {
            // The one on screen: a narrow register keeps the order pane hidden.
            const element = [...document.querySelectorAll(selector)].find(
                (node) => node.getClientRects().length
            );
            const rect = element.getBoundingClientRect();
            if (!rect.width || !rect.height) {
                throw new Error(`${selector} takes no room on the screen`);
            }
            if (rect.left < 0 || rect.right > window.innerWidth + 1) {
                throw new Error(
                    `${selector} is off the screen (${rect.left}-${rect.right} of ${window.innerWidth})`
                );
            }
            const box = element.closest(within);
            for (let node = element; node; node = node.parentElement) {
                if (node.scrollWidth > node.clientWidth + 1) {
                    throw new Error(
                        `${selector} is cut: "${node.className}" is ${node.clientWidth}px wide for ${node.scrollWidth}px of text`
                    );
                }
                if (node === box) {
                    break;
                }
            }
            const outer = box.getBoundingClientRect();
            if (rect.right > outer.right + 1 || rect.left < outer.left - 1) {
                throw new Error(`${selector} overflows ${within}`);
            }
        },
    };
}

// A bill with two services, one of them with a bonus, a voucher, points and cash:
// the earn preview the cashier read is the figure the receipt prints.
let previewed = null;
registry.category("web_tour.tours").add("DentalLoyaltyMixedPaymentTour", {
    steps: () =>
        [
            openRegister(),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            ProductScreen.addOrderline("Fluoride Varnish", "1"),
            scan_barcode("0420000000123"),
            ...chooseOwnVoucher("15.00 off your bill"),
            ProductScreen.totalAmountIs("135.00"),
            ProductScreen.clickPayButton(),
            // 30 % of 135.00 paid with points; the rest in cash.
            PaymentScreen.clickPaymentMethod("Loyalty Points", true, {amount: "40.50"}),
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            {
                content: "the payment screen previews what the bill earns",
                trigger: ".o_dental_loyalty_earn_preview:contains('+106')",
                run() {
                    const text = document.querySelector(
                        ".o_dental_loyalty_earn_preview .text-success"
                    ).textContent;
                    previewed = text.replace(/[^0-9]/g, "");
                },
            },
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            receiptHas("Earned", "106"),
            {
                content: "the receipt earned what the register previewed",
                trigger: ".pos-receipt .o_dental_loyalty_receipt_earned span",
                run() {
                    const printed = document
                        .querySelector(
                            ".pos-receipt .o_dental_loyalty_receipt_earned span"
                        )
                        .textContent.replace(/[^0-9]/g, "");
                    if (!previewed || printed !== previewed) {
                        throw new Error(
                            `the register previewed +${previewed}, the receipt says ${printed}`
                        );
                    }
                },
            },
            // The voucher bought today counts in what the visit spent.
            receiptHas("Before", "1,000"),
            receiptHas("Spent", "555"),
            receiptHas("of which vouchers", "150"),
            receiptHas("After", "551"),
        ].flat(),
});

// An open order keeps its patient through a reload of the register, also after
// a voucher made the register send it to the server as a draft.
registry.category("web_tour.tours").add("DentalLoyaltyReloadKeepsPatientTour", {
    steps: () =>
        [
            openRegister(),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            scan_barcode("0420000000123"),
            ...chooseOwnVoucher("15.00 off your bill"),
            ProductScreen.totalAmountIs("85.00"),
            refresh(),
            ProductScreen.customerIsSelected("Linh Pham"),
            {
                content: "the patient's points are shown again",
                trigger: ".set-partner .o_dental_loyalty_points:contains('Spendable:')",
            },
            ProductScreen.totalAmountIs("85.00"),
            // The patient changed after the order reached the server, then a reload.
            ProductScreen.clickPartnerButton(),
            ProductScreen.clickCustomer("Bao Vo"),
            refresh(),
            ProductScreen.customerIsSelected("Bao Vo"),
        ].flat(),
});

// The patient's name, tier, spendable and pending points and family on the
// product screen, whole, at the width the test's browser has (1024 or 768 px).
registry.category("web_tour.tours").add("DentalLoyaltyLayoutTour", {
    steps: () =>
        [
            openRegister(),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            scan_barcode("0420000000126"),
            shownWhole(".set-partner .o_dental_loyalty_tier"),
            shownWhole(".set-partner .o_dental_loyalty_points"),
            shownWhole(".set-partner .o_dental_loyalty_pending"),
            shownWhole(".set-partner .o_dental_loyalty_family"),
            shownWhole(
                ".o_dental_loyalty_earn_preview",
                ".o_dental_loyalty_earn_preview"
            ),
        ].flat(),
});

// Persian: the register is right to left, its order on the right.
registry.category("web_tour.tours").add("DentalLoyaltyRegisterRtlTour", {
    steps: () =>
        [
            openRegister(),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            ProductScreen.addOrderline("Fluoride Varnish", "1"),
            scan_barcode("0420000000123"),
            {
                content: "the points the order earns read +N, not N+, in Persian too",
                trigger: ".product-screen .o_dental_loyalty_earn_rule .text-success",
                run() {
                    // The order's total and its rules' lines (the narrow
                    // screen's patient button says it too, when shown).
                    const signed = document.querySelectorAll(
                        [
                            ".o_dental_loyalty_earn_preview .text-success",
                            ".o_dental_loyalty_earn_rule .text-success",
                            ".set-partner .o_dental_loyalty_earn_preview span",
                        ]
                            .map((selector) => `.product-screen ${selector}`)
                            .join(", ")
                    );
                    if (signed.length < 2) {
                        throw new Error("the points the order earns are not shown");
                    }
                    for (const node of signed) {
                        const direction = getComputedStyle(node).direction;
                        if (direction !== "ltr") {
                            throw new Error(
                                `"${node.textContent}" reads ${direction}: its sign goes after the number`
                            );
                        }
                    }
                },
            },
            {
                content: "the register is right to left, the order on the right",
                trigger:
                    ".product-screen .leftpane .set-partner .o_dental_loyalty_points",
                run() {
                    const rtl =
                        document.documentElement.dir === "rtl" ||
                        document.body.classList.contains("o_rtl");
                    const direction = getComputedStyle(
                        document.querySelector(".product-screen")
                    ).direction;
                    const pane = document
                        .querySelector(".product-screen .leftpane")
                        .getBoundingClientRect();
                    if (!rtl || direction !== "rtl") {
                        throw new Error(
                            `the register is ${direction}, not right to left`
                        );
                    }
                    if (pane.left < window.innerWidth / 2 - pane.width / 2) {
                        throw new Error("the order pane is on the left");
                    }
                },
            },
            {
                content: "open the rewards",
                trigger: ".product-screen .o_dental_loyalty_rewards_button",
                run: "click",
            },
            {
                content:
                    "a reward the clinic named in Latin letters reads left to right, its figures and signs in place",
                trigger:
                    ".o_dental_loyalty_reward_name:contains('15.00 off your bill')",
                run() {
                    const name = document.querySelector(
                        ".o_dental_loyalty_reward_name"
                    );
                    const direction = getComputedStyle(name).direction;
                    if (direction !== "ltr") {
                        throw new Error(`the reward's name reads ${direction}`);
                    }
                },
            },
        ].flat(),
});

// Persian in the back office: the page is right to left, the apps menu on the right.
registry.category("web_tour.tours").add("DentalLoyaltyBackendRtlTour", {
    url: "/odoo",
    steps: () => [
        {
            content: "the back office is right to left, its apps menu on the right",
            trigger: ".o_main_navbar .o_navbar_apps_menu",
            run() {
                const rtl =
                    document.documentElement.dir === "rtl" ||
                    document.body.classList.contains("o_rtl");
                const menu = document
                    .querySelector(".o_main_navbar .o_navbar_apps_menu")
                    .getBoundingClientRect();
                if (!rtl || getComputedStyle(document.body).direction !== "rtl") {
                    throw new Error("the back office is not right to left");
                }
                if (menu.left < window.innerWidth / 2) {
                    throw new Error("the apps menu is on the left");
                }
            },
        },
    ],
});
