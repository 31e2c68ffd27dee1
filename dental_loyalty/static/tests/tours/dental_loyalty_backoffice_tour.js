import {registry} from "@web/core/registry";

// At 1024 px the patient's form shows the Points button in its button box (not
// under More), counting total points (spendable and pending) with their unit.
registry.category("web_tour.tours").add("dental_loyalty_points_button_tour", {
    steps: () => [
        {
            content: "the Points button is in the box, with the total points",
            trigger:
                ".o-form-buttonbox > button.o_dental_loyalty_points_button:contains('1,913'):contains('Total points')",
        },
        {
            content: "it opens the patient's ledger",
            trigger: ".o-form-buttonbox > button.o_dental_loyalty_points_button",
            run: "click",
        },
        {
            content: "the ledger of the patient",
            trigger: ".o_list_view .o_data_row",
        },
    ],
});

// The Overview is a page to read, not a blank record to fill in.
registry.category("web_tour.tours").add("dental_loyalty_overview_tour", {
    steps: () => [
        {
            content: "the overview's figures, read-only",
            trigger:
                ".o_form_view .o_form_readonly .o_field_widget[name='points_available']",
        },
        {
            content: "its figures say their unit",
            trigger:
                ".o_form_view .o_row:has(.o_field_widget[name='points_available']):contains('points')",
        },
        {
            content: "its breadcrumb says Overview, not New",
            trigger:
                ".o_control_panel .o_breadcrumb:contains('Overview'):not(:contains('New'))",
        },
        {
            content: "no save or discard",
            trigger:
                "body:not(:has(.o_form_button_save)):not(:has(.o_form_button_cancel))",
        },
    ],
});
