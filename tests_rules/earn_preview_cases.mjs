// Runs the register's preview (dental_loyalty/static/src/app/earning.js) on the
// table of cases and prints what it computes as JSON, for
// test_earn_preview_cases.py to compare with the table and the Python rules.
// Usage: node earn_preview_cases.mjs EARNING_JS CASES_JSON
import {readFileSync} from "node:fs";

const [modulePath, casesPath] = process.argv.slice(2);
// The module has no imports: loaded from its source, as the register's bundle
// loads it, without Odoo's module loader.
const source = readFileSync(modulePath, "utf8");
const earning = await import(
    `data:text/javascript;base64,${Buffer.from(source).toString("base64")}`
);
const cases = JSON.parse(readFileSync(casesPath, "utf8"));

const asLine = (line) => ({
    bonusPoints: line.bonus_points,
    quantity: line.quantity,
    priceUnit: line.price_unit,
    discount: line.discount,
    listPrice: line.list_price,
});

const result = {
    line_amounts: cases.line_amounts.map((item) => {
        const line = earning.saleLine(asLine(item.line));
        return {list_amount: line.listAmount, paid_amount: line.paidAmount};
    }),
    earn_preview: cases.earn_preview.map((item) => ({
        points: earning.earnPreview({
            billTotal: item.bill_total,
            covered: item.covered,
            pointsAmount: item.points_amount,
            lines: item.lines.map(asLine),
            rate: item.rate,
            multiplier: item.multiplier,
        }),
    })),
};
process.stdout.write(JSON.stringify(result));
