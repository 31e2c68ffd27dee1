import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

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
        {
            content: "its threshold is a whole figure",
            trigger:
                ".o_field_widget[name='threshold']:contains('1,500'):not(:contains('1,500.0'))",
        },
    ],
});

// A new earning rule's hours read "all day" until the manager sets some.
registry.category("web_tour.tours").add("dental_loyalty_rule_all_day_tour", {
    steps: () => [
        {
            content: "no hours set: the rule applies all day",
            trigger: ".o_form_view .o_dental_loyalty_all_day:contains('all day')",
        },
        {
            content: "the rule starts at nine",
            trigger: ".o_field_widget[name='hour_from'] input",
            run: "edit 09:00 && press Tab",
        },
        {
            content: "with hours set, no more all day",
            trigger: ".o_form_view:not(:has(.o_dental_loyalty_all_day))",
        },
        {
            content: "leave the rule unsaved",
            trigger: ".o_form_button_cancel",
            run: "click",
        },
        {
            content: "the hours are discarded with it",
            trigger: ".o_list_view, .o_form_view .o_dental_loyalty_all_day",
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
            trigger:
                ".o-mail-Chatter .o-mail-Message:contains('pinned to Gold'):contains('Tour')",
        },
    ],
});

// A loyalty manager groups a household: Dental Loyalty > Families, a new family
// with its holder and a member; once saved it shows the family's points and tier.
// Reporting > Families then lists it with its members and points.
registry.category("web_tour.tours").add("dental_loyalty_family_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "open Dental Loyalty",
            trigger:
                ".o_app[data-menu-xmlid='dental_loyalty.menu_dental_loyalty_root']",
            run: "click",
        },
        {
            content: "open Families",
            trigger:
                ".o_main_navbar [data-menu-xmlid='dental_loyalty.menu_dental_loyalty_families']",
            run: "click",
        },
        {
            content: "create a family",
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            content: "name it",
            trigger: ".o_form_view .o_field_widget[name='name'] input",
            run: "edit Tour Tran family",
        },
        {
            content: "choose the holder",
            trigger: ".o_form_view .o_field_widget[name='holder_id'] input",
            run: "edit Tour Holder",
        },
        {
            content: "pick the holder in the list",
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Holder Lan')",
            run: "click",
        },
        {
            content: "add a member",
            trigger:
                ".o_form_view .o_field_widget[name='member_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "look the child up",
            trigger: ".modal .o_searchview_input",
            run: "edit Tour Child Bao",
        },
        {
            content: "search",
            trigger: ".modal .o_searchview_input",
            run: "press Enter",
        },
        {
            content: "pick the child",
            trigger: ".modal .o_data_row:contains('Tour Child Bao') .o_data_cell",
            run: "click",
        },
        {
            content: "the child is in the members' list",
            trigger:
                ".o_form_view .o_field_widget[name='member_ids'] .o_data_row:contains('Tour Child Bao')",
        },
        {
            content: "save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content:
                "the family shows its points: the holder's and what the child brought",
            trigger:
                ".o_form_view .o_form_saved .o_field_widget[name='points_available']:contains('750')",
        },
        {
            content: "and its tier, the holder's",
            trigger:
                ".o_form_view .o_field_widget[name='tier_id'] .o_dental_loyalty_tier_badge:contains('Silver')",
        },
        {
            content: "the holder is a member too",
            trigger:
                ".o_form_view .o_field_widget[name='member_ids'] .o_data_row:contains('Tour Holder Lan')",
        },
        {
            content: "open Reporting",
            trigger:
                ".o_main_navbar button[data-menu-xmlid='dental_loyalty.menu_dental_loyalty_reporting']",
            run: "click",
        },
        {
            content: "open the families report",
            trigger:
                ".dropdown-item[data-menu-xmlid='dental_loyalty.menu_dental_loyalty_family_report']",
            run: "click",
        },
        {
            content: "the family is listed with its members and its points",
            trigger:
                ".o_list_view .o_data_row:contains('Tour Tran family'):contains('Tour Holder Lan'):contains('Tour Child Bao'):has(td[name='points_available']:contains('750'))",
        },
    ],
});
