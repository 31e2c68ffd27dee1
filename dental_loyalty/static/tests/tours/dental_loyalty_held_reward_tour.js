import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import {negate, scan_barcode} from "@point_of_sale/../tests/tours/utils/common";
import {registry} from "@web/core/registry";

function chooseReward(name) {
    return [
        {
            content: "click Rewards, in sight on the product screen",
            trigger:
                '.product-screen .o_dental_loyalty_desk button:contains("Rewards")',
            run: "click",
        },
        {
            content: `the patient takes ${name}`,
            trigger: `.o_dental_loyalty_reward:contains('${name}')`,
            run: "click",
        },
    ].flat();
}

function lineShows(label, price) {
    return {
        content: `the bill has the line of ${label} at ${price}`,
        trigger: `.order-container .orderline:has(.product-name:contains("${label}")):has(.price:contains("${price}"))`,
    };
}

function rewardsCueIs(count) {
    return {
        content: `the Rewards button says ${count} rewards can be had now`,
        trigger: `.product-screen .o_dental_loyalty_rewards_cue:contains("${count}")`,
    };
}

function pointsAre(points) {
    return {
        content: `the patient can spend ${points} points`,
        trigger: `.set-partner .o_dental_loyalty_points:contains('${points}')`,
    };
}

// A reward chosen is a line of the bill whose points are held: taken off, the
// points come back; chosen again with a gift and paid, both are on the receipt.
registry.category("web_tour.tours").add("DentalLoyaltyHeldRewardTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            scan_barcode("0420000000123"),
            rewardsCueIs("3"),
            chooseReward("10 % off your bill"),
            lineShows("10 % off your bill", "-10.00"),
            pointsAre("800"),
            // 800 points left: the night guard (850) is out of reach now.
            rewardsCueIs("2"),
            ProductScreen.selectedOrderlineHas("10 % off your bill"),
            ProductScreen.clickNumpad("⌫"),
            {
                content: "the reward's line is gone",
                trigger: negate(
                    `.order-container .orderline:has(.product-name:contains("10 % off your bill"))`
                ),
            },
            pointsAre("1,000"),
            rewardsCueIs("3"),
            ProductScreen.totalAmountIs("100.00"),
            chooseReward("10 % off your bill"),
            lineShows("10 % off your bill", "-10.00"),
            {
                content: "click Rewards again",
                trigger:
                    '.product-screen .o_dental_loyalty_desk button:contains("Rewards")',
                run: "click",
            },
            {
                content:
                    "the catalog is the one the hold answered with: 800 points, the night guard out of reach",
                trigger:
                    ".o_dental_loyalty_catalog:has(.o_dental_loyalty_catalog_spendable:contains('800')) .o_dental_loyalty_reward:disabled:contains('Night guard') .o_dental_loyalty_reward_refusal:contains('Not enough points')",
            },
            Dialog.cancel(),
            chooseReward("Toothbrush kit"),
            lineShows("Toothbrush kit, gift, handed over", "0.00"),
            pointsAre("700"),
            ProductScreen.totalAmountIs("90.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the receipt has the reward's line",
                trigger:
                    ".pos-receipt .orderline:has(.product-name:contains('10 % off your bill')) .price:contains('-10.00')",
            },
            {
                content: "the receipt says the gift was handed over",
                trigger:
                    ".pos-receipt .orderline .product-name:contains('Toothbrush kit, gift, handed over')",
            },
        ].flat(),
});

// A discount with a scope takes its share of the lines it applies to, and its
// line says which: 10 % of the whitening (200.00), not of the whole bill.
registry.category("web_tour.tours").add("DentalLoyaltyRewardScopeTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            ProductScreen.addOrderline("Teeth Whitening", "1"),
            scan_barcode("0420000000123"),
            chooseReward("10 % off whitening"),
            lineShows("10 % off whitening, on Teeth Whitening", "-20.00"),
            ProductScreen.totalAmountIs("280.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the receipt says what the discount covered",
                trigger:
                    ".pos-receipt .orderline:has(.product-name:contains('10 % off whitening, on Teeth Whitening')) .price:contains('-20.00')",
            },
        ].flat(),
});

// The bill grew after the reward was held: at Pay the register has the server
// price its line again (10 % of 200.00), which the receipt shows.
registry.category("web_tour.tours").add("DentalLoyaltyHeldRewardRepricedTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Scale and Polish", "1"),
            scan_barcode("0420000000123"),
            chooseReward("10 % off your bill"),
            lineShows("10 % off your bill", "-10.00"),
            ProductScreen.clickDisplayedProduct("Scale and Polish"),
            ProductScreen.totalAmountIs("190.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.totalIs("180.00"),
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the receipt has the reward's line priced on the new bill",
                trigger:
                    ".pos-receipt .orderline:has(.product-name:contains('10 % off your bill')) .price:contains('-20.00')",
            },
        ].flat(),
});
