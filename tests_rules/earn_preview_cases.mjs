// Runs the register's preview (dental_loyalty/static/src/app/earning.js and
// earning_rules.js) on the table of cases and prints what it computes as JSON,
// for test_earn_preview_cases.py to compare with the table and the Python rules.
// Usage: node earn_preview_cases.mjs EARNING_JS CASES_JSON [EARNING_RULES_JS]
// Each section of the table is optional: a table of earning_rules cases alone
// checks the rules on bills drawn at random.
import {readFileSync} from "node:fs";

const [modulePath, casesPath, rulesModulePath] = process.argv.slice(2);

// The modules have no imports: loaded from their source, as the register's
// bundle loads them, without Odoo's module loader.
async function load(path) {
    const source = readFileSync(path, "utf8");
    return import(
        `data:text/javascript;base64,${Buffer.from(source).toString("base64")}`
    );
}

const earning = await load(modulePath);
const earningRules = rulesModulePath ? await load(rulesModulePath) : null;
const cases = JSON.parse(readFileSync(casesPath, "utf8"));

const asLine = (line) => ({
    bonusPoints: line.bonus_points,
    quantity: line.quantity,
    priceUnit: line.price_unit,
    discount: line.discount,
    listPrice: line.list_price,
});

// The table speaks the Python rules' words; the register's are camelCase.
const asRule = (rule) => ({
    id: rule.id,
    name: rule.name,
    effect: rule.effect,
    factor: rule.factor,
    sequence: rule.sequence,
    productIds: rule.product_ids,
    categPaths: rule.categ_paths,
    audience: rule.audience,
    tierIds: rule.tier_ids,
    tagIds: rule.tag_ids,
    partnerIds: rule.partner_ids,
    dateFrom: rule.date_from,
    dateTo: rule.date_to,
    weekdays: rule.weekdays,
    hourFrom: rule.hour_from,
    hourTo: rule.hour_to,
    tierMultiplied: rule.tier_multiplied,
    capPoints: rule.cap_points,
    capPeriod: rule.cap_period,
    combination: rule.combination,
});

const asRuleLine = (line) => ({
    productId: line.product_id,
    categPath: line.categ_path,
    quantity: line.quantity,
    listAmount: line.list_amount,
    paidAmount: line.paid_amount,
});

const result = {
    line_amounts: (cases.line_amounts || []).map((item) => {
        const line = earning.saleLine(asLine(item.line));
        return {list_amount: line.listAmount, paid_amount: line.paidAmount};
    }),
    earn_preview: (cases.earn_preview || []).map((item) => ({
        points: earning.earnPreview({
            billTotal: item.bill_total,
            covered: item.covered,
            pointsAmount: item.points_amount,
            lines: item.lines.map(asLine),
            rate: item.rate,
            multiplier: item.multiplier,
        }),
    })),
    earning_rules: (earningRules ? cases.earning_rules || [] : []).map((item) =>
        earningRules
            .awardRules(item.rules.map(asRule), item.lines.map(asRuleLine), {
                patient: {
                    partnerId: item.patient.partner_id,
                    tierId: item.patient.tier_id,
                    tagIds: item.patient.tag_ids,
                    firstVisit: item.patient.first_visit,
                },
                when: item.when,
                share: item.share,
                rate: item.rate,
                tierMultiplier: item.tier_multiplier,
                // As the register reads it from the server: keys are strings.
                used: item.used,
            })
            .map((award) => ({
                rule_id: award.ruleId,
                name: award.name,
                points: award.points,
                basis: award.basis,
            }))
    ),
};
process.stdout.write(JSON.stringify(result));
