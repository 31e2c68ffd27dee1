/**
 * The register's side of the earning rules: the loaded rules, the bill's sold
 * lines and the patient as awardRules (earning_rules.js) reads them. A preview:
 * the server awards at sync, on its own figures.
 */
import {awardRules} from "@dental_loyalty/app/earning_rules";
import {saleLine} from "@dental_loyalty/app/earning";

const {DateTime} = luxon;

/** The rules as the engine reads them; a rule for chosen patients names only
 * this patient, if it names them at all (the register is not told the others). */
export function registerRules(pos, partner) {
    const figures = partner.dental_loyalty_rule_figures || {};
    const namedIn = figures.namedIn || [];
    return pos.models["dental.loyalty.earning.rule"]
        .getAll()
        .filter((rule) => rule.pos_rule)
        .map((rule) => ({
            ...rule.pos_rule,
            name: rule.name,
            partnerIds: namedIn.includes(rule.id) ? [partner.id] : [],
        }));
}

/** A sold line as the rules read it: its product's category path, and its
 * amounts as the engine's sale line (earning.js's saleLine, as the server's). */
export function ruleLine(line) {
    const product = line.product_id;
    const {quantity, listAmount, paidAmount} = saleLine({
        bonusPoints: 0,
        quantity: line.qty,
        priceUnit: line.price_unit,
        // get_discount(): a line rung up by a click has no discount field yet.
        discount: line.get_discount(),
        listPrice: product.lst_price || 0,
    });
    return {
        productId: product.id,
        categPath: product.categ_id?.parent_path || "",
        quantity,
        listAmount,
        paidAmount,
    };
}

/** Now on the clinic's clock, which the rules' days and hours are in. */
export function clinicNow(pos) {
    return DateTime.now()
        .setZone(pos.company.dental_loyalty_clinic_tz || "UTC")
        .toFormat("yyyy-MM-dd HH:mm:ss");
}

/** What the rules give ``sold`` lines of the patient's bill, money paying
 * ``share`` of it: [{ruleId, name, points, basis}]. */
export function ruleAwards(pos, partner, sold, share) {
    const rules = registerRules(pos, partner);
    if (!rules.length) {
        return [];
    }
    const figures = partner.dental_loyalty_rule_figures || {};
    return awardRules(rules, sold.map(ruleLine), {
        patient: {
            partnerId: partner.id,
            tierId: figures.tierId || false,
            tagIds: figures.tagIds || [],
            firstVisit: Boolean(figures.firstVisit),
        },
        when: clinicNow(pos),
        share,
        rate: pos.company.dental_loyalty_earn_rate || 0,
        tierMultiplier: partner.loyalty_tier_multiplier || 1,
        used: figures.used || {},
    });
}
