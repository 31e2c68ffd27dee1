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

// The steps that pick the dashboard GROUP / NAME and wait for its figures.
function openDashboard(group, name) {
    return [
        {
            content:
                "pick the loyalty programme's dashboard in the Dental Loyalty group",
            trigger: `.o_spreadsheet_dashboard_search_panel section:contains('${group}') li[data-name='${name}']`,
            run: "click",
        },
        {
            content: "the dashboard is the one on screen",
            trigger: `.o_spreadsheet_dashboard_search_panel li.active[data-name='${name}']`,
        },
        {
            content: "its figures are loaded from the server",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer .o-figure",
            run: figuresLoaded,
        },
    ];
}

registry.category("web_tour.tours").add("dental_loyalty_dashboard_tour", {
    steps: () => openDashboard("Dental Loyalty", "Loyalty Programme"),
});

// In Persian: the names are Persian, the page right to left, the sheet left to right.
registry.category("web_tour.tours").add("dental_loyalty_dashboard_fa_tour", {
    steps: () => [
        ...openDashboard("وفاداری دندانپزشکی", "برنامه وفاداری"),
        {
            content: "the figures' names are Persian; the page is right to left",
            trigger: "body.o_rtl .o_spreadsheet_dashboard_action .o-spreadsheet",
            run() {
                const model = dashboardModel();
                const sheetId = model.getters.getSheetIdByName("Data");
                const name = model.getters.getEvaluatedCell({sheetId, col: 0, row: 1});
                if (name.value !== "امتیاز کسب‌شده") {
                    throw new Error(`Points earned reads "${name.value}" in Persian`);
                }
                const grid = document.querySelector(".o-spreadsheet");
                if (getComputedStyle(grid).direction !== "ltr") {
                    throw new Error("Odoo 18 draws the sheet left to right");
                }
            },
        },
    ],
});
