import { registry } from "@web/core/registry";

// The patient's Loyalty tab shows the tier as a badge in the tier's colour (Gold is
// colour 3 in the test), and the badge opens the tier.
registry.category("web_tour.tours").add("dental_loyalty_tier_badge_tour", {
    steps: () => [
        {
            content: "open the patient's Loyalty tab",
            trigger: ".o_form_view .o_notebook a.nav-link[name='dental_loyalty']",
            run: "click",
        },
        {
            content: "the tier is a badge in Gold's colour",
            trigger:
                ".o_field_widget[name='loyalty_tier_id'] a.o_dental_loyalty_tier_link .o_dental_loyalty_tier_badge.o_tag_color_3:contains('Gold')",
            run: "click",
        },
        {
            content: "the badge opened the tier (read-only for reception)",
            trigger:
                ".o_form_view:has(.o_field_widget[name='threshold_unit']) .o_field_widget[name='name']:contains('Gold')",
        },
    ],
});

// The wallets list shows each tier as a badge in its colour; a click on the row
// opens the wallet, whose tier is a badge too, and whose chatter keeps its history.
registry.category("web_tour.tours").add("dental_loyalty_wallet_tier_badge_tour", {
    steps: () => [
        {
            content: "the patient's wallet shows Gold in Gold's colour",
            trigger:
                ".o_list_view .o_data_row:contains('Tier Badge Patient') .o_dental_loyalty_tier_badge.o_tag_color_3:contains('Gold')",
            run: "click",
        },
        {
            content: "the wallet form shows the tier badge",
            trigger:
                ".o_form_view .o_field_widget[name='tier_id'] .o_dental_loyalty_tier_badge.o_tag_color_3:contains('Gold')",
        },
        {
            content: "the wallet's chatter says who pinned the tier and why",
            trigger: ".o-mail-Chatter .o-mail-Message:contains('pinned to Gold'):contains('Tour')",
        },
    ],
});
