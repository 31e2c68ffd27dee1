import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

// A loyalty manager opens each report of Dental Loyalty > Reporting from the menu
// and sees it drawn: the movements' pivot with this quarter's earnings, the
// liability at today with its breakage and the details behind it, the costs, the
// members against other patients, and the tiers' movements.
function openReport(menuXmlid, ready, content) {
    return [
        {
            content: "open Reporting",
            trigger:
                ".o_main_navbar [data-menu-xmlid='dental_loyalty.menu_dental_loyalty_reporting']",
            run: "click",
        },
        {
            content: `open ${content}`,
            trigger: `.dropdown-menu [data-menu-xmlid='${menuXmlid}']`,
            run: "click",
        },
        {content: `${content} is drawn`, trigger: ready},
    ];
}

registry.category("web_tour.tours").add("dental_loyalty_reports_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "open Dental Loyalty",
            trigger:
                ".o_app[data-menu-xmlid='dental_loyalty.menu_dental_loyalty_root']",
            run: "click",
        },
        ...openReport(
            "dental_loyalty.menu_dental_loyalty_movement_report",
            ".o_pivot .o_pivot_header_cell_closed, .o_pivot th:contains('Earned')",
            "the movements"
        ),
        {
            content: "the movements pivot shows points",
            trigger: ".o_pivot td.o_pivot_cell_value:not(:empty)",
        },
        ...openReport(
            "dental_loyalty.menu_dental_loyalty_liability",
            ".modal .o_form_view .o_field_widget[name='points']",
            "the liability"
        ),
        {
            content: "the liability today counts the points patients hold",
            trigger: ".modal .o_field_widget[name='points']",
            run() {
                const points = document.querySelector(
                    ".modal .o_field_widget[name='points']"
                ).textContent;
                if (!(Number(points.replace(/\D/g, "")) >= 1234)) {
                    throw new Error(`the liability counts ${points} points`);
                }
            },
        },
        {
            content: "show the details",
            trigger: ".modal .modal-footer button[name='action_open_lines']",
            run: "click",
        },
        {
            content: "the liability's details are drawn",
            trigger: ".o_pivot, .o_list_view, .o_graph_view",
        },
        ...openReport(
            "dental_loyalty.menu_dental_loyalty_cost_report",
            ".o_pivot, .o_graph_view, .o_list_view",
            "the programme's costs"
        ),
        ...openReport(
            "dental_loyalty.menu_dental_loyalty_patient_year_report",
            ".o_pivot, .o_graph_view",
            "members and other patients"
        ),
        ...openReport(
            "dental_loyalty.menu_dental_loyalty_tier_history",
            ".o_pivot, .o_graph_view, .o_list_view",
            "the tier movements"
        ),
        ...openReport(
            "dental_loyalty.menu_dental_loyalty_tier_distribution",
            ".o_pivot, .o_graph_view, .o_list_view",
            "the tier distribution"
        ),
    ],
});
