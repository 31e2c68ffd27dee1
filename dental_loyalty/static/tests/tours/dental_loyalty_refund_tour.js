import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as Order from "@point_of_sale/../tests/tours/utils/generic_components/order_widget_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as TicketScreen from "@point_of_sale/../tests/tours/utils/ticket_screen_util";
import {inLeftSide, scan_barcode} from "@point_of_sale/../tests/tours/utils/common";
import {registry} from "@web/core/registry";

function receiptHas(label, value) {
    return {
        content: `the receipt says ${label} ${value}`,
        trigger: `.pos-receipt .o_dental_loyalty_receipt div:contains("${label}") span:contains("${value}")`,
    };
}

function screenSaysRefund(where) {
    return [
        {
            content: `the ${where} says what the refund takes back`,
            trigger: `.o_dental_loyalty_refund_take_back:contains("Points taken back"):contains("70")`,
        },
        {
            content: `the ${where} says what the refund gives back, in points and money`,
            trigger: `.o_dental_loyalty_refund_give_back:contains("Points given back"):contains("300"):contains("30.00")`,
        },
        {
            content: `the ${where} shows no earn preview on a refund`,
            trigger: `body:not(:has(.o_dental_loyalty_earn_preview))`,
        },
    ];
}

// Two scale and polish (200.00) paid 60.00 with points (600) and 140.00 in
// cash (140 earned); one of them refunded: the refund takes back the 70 points
// it earned and gives back 300 points (30.00), the rest in cash.
registry.category("web_tour.tours").add("DentalLoyaltyRefundTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Scale and Polish", "2"),
            scan_barcode("0420000000123"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Loyalty Points", true, {
                amount: "60.00",
                remaining: "140.00",
            }),
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            receiptHas("Spent", "600"),
            receiptHas("Earned", "140"),
            ReceiptScreen.clickNextOrder(),

            ...ProductScreen.clickRefund(),
            TicketScreen.selectOrder("-0001"),
            inLeftSide(
                Order.hasLine({productName: "Scale and Polish", withClass: ".selected"})
            ),
            ProductScreen.clickNumpad("1"),
            TicketScreen.toRefundTextContains("To Refund: 1.00"),
            TicketScreen.confirmRefund(),
            ProductScreen.isShown(),
            screenSaysRefund("product screen"),
            ProductScreen.clickPayButton(),
            screenSaysRefund("payment screen"),
            // The points line is there as the screen opens, holding what may be
            // given back, not the whole refund.
            PaymentScreen.selectedPaymentlineHas("Loyalty Points", "-30.00"),
            PaymentScreen.remainingIs("-70.00"),
            {
                content: "the points line says how many points it gives back",
                trigger:
                    ".paymentline.selected .o_dental_loyalty_line_points:contains('Points: 300')",
            },
            // More typed than may be given back is corrected on the spot.
            PaymentScreen.enterPaymentLineAmount("Loyalty Points", "50", true, {
                amount: "-30.00",
                remaining: "-70.00",
            }),
            {
                content: "the cashier reads why, in money and points",
                trigger:
                    ".o_notification:contains('At most'):contains('30.00'):contains('300 points')",
            },
            PaymentScreen.clickPaymentMethod("Cash", true, {remaining: "0.00"}),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            receiptHas("Points taken back", "70"),
            receiptHas("Points given back", "300 (= $ 30.00)"),
            {
                content: "the refund's receipt does not read in negative earnings",
                trigger:
                    ".pos-receipt .o_dental_loyalty_receipt:not(:has(.o_dental_loyalty_receipt_earned)):not(:has(.o_dental_loyalty_receipt_spent))",
            },
            receiptHas("Spendable now", "770"),
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});
