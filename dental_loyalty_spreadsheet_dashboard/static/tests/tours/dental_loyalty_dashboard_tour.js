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

// The cells of the sheet NAME (its first 10 columns, 110 rows) that are errors, as
// "A1: message": a cell still loading its data is one ("Loading...").
function errorCells(model, name) {
    const sheetId = model.getters.getSheetIdByName(name);
    const errors = [];
    for (let row = 0; row < 110; row++) {
        for (let col = 0; col < 10; col++) {
            const cell = model.getters.getEvaluatedCell({sheetId, col, row});
            if (cell.type === "error") {
                errors.push(`${name}!${"ABCDEFGHIJ"[col]}${row + 1}: ${cell.value}`);
            }
        }
    }
    return errors;
}

// Waits until every cell of both sheets is computed (a sum over nothing is empty,
// not an error) and the tables show their first row (the test's points are this
// month's; its patient has a wallet); then the points earned (Data!B2) include the
// test's 7777.
async function figuresLoaded() {
    let seen = ["no spreadsheet model"];
    for (let attempt = 0; attempt < 40; attempt++) {
        const model = dashboardModel();
        if (model) {
            const sheetId = model.getters.getSheetIdByName("Dashboard");
            const firstRows = ["A29", "A48"].map((ref) =>
                model.getters.getEvaluatedCell({
                    sheetId,
                    col: ref.charCodeAt(0) - 65,
                    row: Number(ref.slice(1)) - 1,
                })
            );
            seen = [...errorCells(model, "Data"), ...errorCells(model, "Dashboard")];
            if (firstRows.some((cell) => cell.value === "")) {
                seen.push("the tables' first rows are empty");
            }
            if (!seen.length) {
                const dataId = model.getters.getSheetIdByName("Data");
                const earned = model.getters.getEvaluatedCell({
                    sheetId: dataId,
                    col: 1,
                    row: 1,
                });
                if (!(earned.value >= 7777)) {
                    throw new Error(
                        `Points earned: ${earned.value}, expected 7777 or more`
                    );
                }
                return;
            }
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(
        `The dashboard's figures did not load: ${seen.slice(0, 5).join("; ")}`
    );
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
