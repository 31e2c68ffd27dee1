import {registry} from "@web/core/registry";

// The spreadsheet model of the dashboard on screen, found in Owl's component tree.
function dashboardModel() {
    const pending = [odoo.__WOWL_DEBUG__.root.__owl__];
    while (pending.length) {
        const node = pending.pop();
        const model = node.component.state?.activeDashboard?.model;
        if (model) {
            return model;
        }
        pending.push(...Object.values(node.children));
    }
    return undefined;
}

// Waits until the Data sheet's figures (B2:B9) are computed: no cell still loading
// nor in error (a sum over nothing is empty); then the points earned include the
// test's 7777.
async function figuresLoaded() {
    let seen = "no spreadsheet model";
    for (let attempt = 0; attempt < 40; attempt++) {
        const model = dashboardModel();
        if (model) {
            const sheetId = model.getters.getSheetIdByName("Data");
            const cells = [1, 2, 3, 4, 5, 6, 7, 8].map((row) =>
                model.getters.getEvaluatedCell({sheetId, col: 1, row})
            );
            if (cells.every((cell) => cell.type !== "error")) {
                if (cells[0].value < 7777) {
                    throw new Error(
                        `Points earned: ${cells[0].value}, expected 7777 or more`
                    );
                }
                return;
            }
            seen = JSON.stringify(cells.map((cell) => [cell.type, cell.value]));
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`The dashboard's figures did not load: ${seen}`);
}

registry.category("web_tour.tours").add("dental_loyalty_dashboard_tour", {
    steps: () => [
        {
            content:
                "pick the loyalty programme's dashboard in the Dental Loyalty group",
            trigger:
                ".o_spreadsheet_dashboard_search_panel section:contains('Dental Loyalty') li[data-name='Loyalty Programme']",
            run: "click",
        },
        {
            content: "the dashboard is drawn with its figures",
            trigger:
                ".o_spreadsheet_dashboard_search_panel li.active[data-name='Loyalty Programme']",
        },
        {
            content: "its figures are loaded from the server",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer .o-figure",
            run: figuresLoaded,
        },
    ],
});
