/**
 * What a bill earns, as the server computes it at sync: the arithmetic of
 * dental_loyalty/rules (settlement.py's sale_line, money_share and bonus_points,
 * earning.py's eligible_amount and earned_points), put together as the wallet's
 * _settle_sale puts them. Plain functions without imports: tests_rules runs them
 * under Node.js against the table of cases the Python rules are tested with
 * (dental_loyalty/tests/data/earn_preview_cases.json). A preview: the server decides.
 */

// Six decimals are far below a point or a cent and far above float noise.
const NOISE = 1e6;

function roundNoise(value) {
    return Math.round(value * NOISE) / NOISE;
}

function clamp(value, low, high) {
    return Math.min(Math.max(value, low), high);
}

/** A line as rung up, as the engine sees it: its price before the discount at
 * the service's own price, or at the line's if dearer, and after it. */
export function saleLine({bonusPoints, quantity, priceUnit, discount, listPrice}) {
    return {
        bonusPoints,
        quantity,
        listAmount: Math.max(priceUnit, listPrice) * quantity,
        paidAmount: priceUnit * quantity * (1 - (discount || 0) / 100),
    };
}

/** The part of a bill paid with money, from 0 to 1; not rounded, as the
 * server's (a bill of 3000 a third paid with money earns 1000 points, not 999). */
export function moneyShare(billTotal, paidWithPoints) {
    if (billTotal <= 0) {
        return 0;
    }
    return clamp(billTotal - paidWithPoints, 0, billTotal) / billTotal;
}

/** The lines' bonus points, earned only on what was paid with money. */
export function bonusPoints(lines, shareOfMoney) {
    let total = 0;
    for (const line of lines) {
        if (line.quantity <= 0 || line.bonusPoints <= 0 || line.listAmount <= 0) {
            continue;
        }
        const paidShare = clamp(line.paidAmount / line.listAmount, 0, 1);
        total += line.bonusPoints * line.quantity * paidShare;
    }
    return roundNoise(total * clamp(shareOfMoney, 0, 1));
}

/** Points per currency unit plus the bonus, times the tier's multiplier; whole
 * points, rounded down. */
export function earnedPoints(eligible, rate, bonus, multiplier) {
    return Math.max(0, Math.floor(roundNoise((eligible * rate + bonus) * multiplier)));
}

/**
 * What a bill earns: ``billTotal`` after vouchers, of which points pay
 * ``pointsAmount``; ``covered`` what vouchers and other lines of negative price
 * took off it (it earns nothing); ``lines`` its sold lines as saleLine takes them.
 */
export function earnPreview({
    billTotal,
    covered,
    pointsAmount,
    lines,
    rate,
    multiplier,
}) {
    const gross = billTotal + covered;
    const share = moneyShare(gross, pointsAmount + covered);
    const eligible = Math.max(0, gross - pointsAmount - covered);
    return earnedPoints(
        eligible,
        rate,
        bonusPoints(lines.map(saleLine), share),
        multiplier
    );
}
