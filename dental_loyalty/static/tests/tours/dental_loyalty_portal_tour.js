import {registry} from "@web/core/registry";

// A portal patient opens "My Loyalty" from their portal home and reads their
// points, pending points with their day, expiring points, tier, voucher code,
// referral code and history (the patient and figures of the test's setup).
registry.category("web_tour.tours").add("dental_loyalty_portal_tour", {
    steps: () => [
        {
            content: "the portal home offers My Loyalty, with its count",
            trigger:
                ".o_portal_index_card:not(.d-none) a[href='/my/loyalty']:contains('My Loyalty')",
            run: "click",
        },
        {
            content: "the breadcrumbs lead back home",
            trigger: ".o_portal_submenu .breadcrumb-item:contains('My Loyalty')",
        },
        {
            content: "300 points are spendable, worth 30.00",
            trigger:
                "#dl_points:has(.o_dental_loyalty_spendable:contains('300')):has(.o_dental_loyalty_worth:contains('30.00'))",
        },
        {
            content: "250 points are pending, with the day they become spendable",
            trigger:
                "#dl_points .o_dental_loyalty_pending_batches li:contains('Points spendable from'):contains(': 250')",
        },
        {
            content: "300 points expire soon, with their day",
            trigger:
                "#dl_expiring .o_dental_loyalty_expiring li:contains('Points expiring on'):contains(': 300')",
        },
        {
            content: "the tier and what is missing for the next, in points",
            trigger:
                "#dl_tier:has(.o_dental_loyalty_tier:contains('Bronze')):has(.progress-bar) .o_dental_loyalty_next_tier:contains('Points still needed for Silver: 250')",
        },
        {
            content: "the unused voucher shows its QR code",
            trigger:
                "#dl_vouchers .o_dental_loyalty_voucher:contains('Free Cleaning Kit') img[src^='data:image/png']",
        },
        {
            content: "the referral code can be shared by email",
            trigger:
                "#dl_referral:has(.o_dental_loyalty_referral_code) a[href^='mailto:']",
        },
        {
            content: "the history says what happened in plain words",
            trigger:
                "#dl_history .o_dental_loyalty_history tr:contains('Points exchanged for a reward'):contains('-100')",
        },
    ],
});

// A patient without an account opens the link of their card on a phone: the
// page fits the 375 px screen and shows their points.
registry.category("web_tour.tours").add("dental_loyalty_portal_phone_tour", {
    steps: () => [
        {
            content: "the page shows the patient's spendable points",
            trigger: "#dl_points .o_dental_loyalty_spendable:contains('300')",
        },
        {
            content: "the window is a phone's, and nothing is wider than it",
            trigger: "#dl_history .table-responsive",
            run() {
                const width = window.innerWidth;
                const scroll = document.documentElement.scrollWidth;
                if (width > 375 || scroll > width) {
                    throw new Error(`window ${width} px wide, page ${scroll} px wide`);
                }
            },
        },
        {
            content: "the voucher's QR code fits the screen",
            trigger:
                "#dl_vouchers .o_dental_loyalty_voucher img[src^='data:image/png']",
        },
        {
            content: "the referral code can be sent by text message",
            trigger: "#dl_referral a[href^='sms:']",
        },
    ],
});
