/**
 * What the earning rules give a bill, as the server decides it at sync: the
 * arithmetic of dental_loyalty/rules/earning_rules.py (award_rules), line for
 * line. Plain functions without imports: tests_rules runs them under Node.js
 * against the table of cases the Python rules are tested with
 * (dental_loyalty/tests/data/earn_preview_cases.json, section earning_rules).
 * A preview: the server decides.
 *
 * The shapes, as the Python dataclasses in camelCase:
 * - a rule: {id, name, effect ("multiplier", "per_line", "per_unit", "per_bill"),
 *   factor (the multiplier, or the bonus points), sequence, productIds,
 *   categPaths (the categories' parent_path, "1/4/"), audience ("all", "tiers",
 *   "tags", "patients", "first_visit"), tierIds, tagIds, partnerIds, dateFrom,
 *   dateTo ("YYYY-MM-DD" or false), weekdays (0 is Monday; empty: every day),
 *   hourFrom, hourTo (float hours, [from, to); both 0: all day), tierMultiplied,
 *   capPoints (0: none), capPeriod, combination ("add", "best")}; lists of ids
 *   as arrays or Sets, of ids or of records;
 * - a line: {productId, categPath, quantity, listAmount, paidAmount}, the
 *   amounts as earning.js's saleLine gives them;
 * - the patient: {partnerId, tierId, tagIds, firstVisit};
 * - when: the sale's time in the clinic's time zone, as "YYYY-MM-DD HH:MM:SS"
 *   or an object with year, month (1 to 12), day, hour, minute, second (a luxon
 *   DateTime set to the clinic's zone);
 * - used: {ruleId: points the patient already got from that capped rule in its
 *   current period} (an object or a Map).
 */

// Six decimals are far below a point or a cent and far above float noise.
// toFixed rounds the number's exact value, as Python's round(value, 6) does
// (Math.round(value * 1e6) rounds the product, which is off by float noise);
// the two differ only on an exact tie (1/128 = 0.0078125), never across a
// whole point.
function roundNoise(value) {
    return Number(value.toFixed(6));
}

// What a rule may say, and the most one rule gives one bill (as the server's
// rules/earning_rules.py bounds them).
const MAX_MULTIPLIER = 10;
const MAX_BONUS_POINTS = 100000;
const MAX_AWARD_POINTS = 10000000;

function clamp(value, low, high) {
    return Math.min(Math.max(value, low), high);
}

/** Ids as a Set, from ids or from the register's records (which have an id). */
function idSet(ids) {
    return new Set([...(ids || [])].map((item) => item?.id ?? item));
}

/** Whole points, rounded down, never negative; none for what is no number. */
export function wholePoints(points) {
    if (Number.isNaN(points)) {
        return 0;
    }
    return Math.max(0, Math.floor(roundNoise(points)));
}

/** A day as a number that orders as the days do; from "YYYY-MM-DD" or an
 * object with year, month and day. False for none. */
function dayNumber(value) {
    if (!value) {
        return false;
    }
    if (typeof value === "string") {
        const [year, month, day] = value.slice(0, 10).split("-").map(Number);
        return Date.UTC(year, month - 1, day) / 86400000;
    }
    return Date.UTC(value.year, value.month - 1, value.day) / 86400000;
}

/** The clinic-local time's day (as dayNumber), weekday (0 is Monday) and hour
 * (a float). */
function clinicTime(when) {
    let parts = when;
    if (typeof when === "string") {
        // The clinic's local time, naive: whatever follows the seconds is not read.
        const match = when
            .trim()
            .match(/^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/);
        const [year, month, day, hour = 0, minute = 0, second = 0] = (match || [])
            .slice(1)
            .map((part) => (part === undefined ? undefined : Number(part)));
        parts = {year, month, day, hour, minute, second};
    }
    const fields = [parts?.year, parts?.month, parts?.day];
    if (!fields.every(Number.isFinite)) {
        throw new Error(`a clinic-local time is needed, got ${when}`);
    }
    const day = dayNumber(parts);
    return {
        day,
        // 1970-01-01 was a Thursday: 3 when Monday is 0.
        weekday: (((day + 3) % 7) + 7) % 7,
        // Whole seconds, as the server reads a datetime.
        hour:
            (parts.hour || 0) +
            (parts.minute || 0) / 60 +
            Math.floor(parts.second || 0) / 3600,
    };
}

/** Whether the rule applies to the line: every line when it names no service
 * nor category; else a line of its services, or of a product in its categories
 * or below them. */
export function inScope(rule, line) {
    const products = idSet(rule.productIds);
    const paths = [...(rule.categPaths || [])];
    if (!products.size && !paths.length) {
        return true;
    }
    if (products.has(line.productId)) {
        return true;
    }
    return paths.some((path) => path && (line.categPath || "").startsWith(path));
}

function inHours(rule, hour) {
    const from = rule.hourFrom || 0;
    const to = rule.hourTo || 0;
    if (!from && !to) {
        return true;
    }
    if (from <= to) {
        return from <= hour && hour < to;
    }
    // Hours across midnight: 20:00 to 02:00.
    return hour >= from || hour < to;
}

/** Whether the sale's time falls within the rule's dates (both days
 * included), weekdays and hours. */
export function inPeriod(rule, when) {
    const time = clinicTime(when);
    const from = dayNumber(rule.dateFrom);
    const to = dayNumber(rule.dateTo);
    if (from !== false && time.day < from) {
        return false;
    }
    if (to !== false && time.day > to) {
        return false;
    }
    const weekdays = idSet(rule.weekdays);
    if (weekdays.size && !weekdays.has(time.weekday)) {
        return false;
    }
    return inHours(rule, time.hour);
}

/** Whether the patient is among those the rule is for. */
export function inAudience(rule, patient) {
    switch (rule.audience) {
        case "tiers":
            return idSet(rule.tierIds).has(patient.tierId);
        case "tags": {
            const tags = idSet(rule.tagIds);
            return [...(patient.tagIds || [])].some((tag) => tags.has(tag));
        }
        case "patients":
            return idSet(rule.partnerIds).has(patient.partnerId);
        case "first_visit":
            return Boolean(patient.firstVisit);
        default:
            return true;
    }
}

function paidShare(line) {
    if (line.listAmount <= 0) {
        return 0;
    }
    return clamp(line.paidAmount / line.listAmount, 0, 1);
}

/** What the rule's factor applies to on the bill, on what money paid of it
 * (share, from 0 to 1): the base points of its lines for a multiplier, the
 * units, lines (each at most once and at most its quantity) or the bill of
 * its services for a bonus. */
export function ruleBasis(rule, lines, share, rate) {
    const shareOfMoney = clamp(share, 0, 1);
    const scoped = lines.filter(
        (line) => line.quantity > 0 && line.listAmount > 0 && inScope(rule, line)
    );
    let basis = 0;
    if (rule.effect === "multiplier") {
        for (const line of scoped) {
            basis += Math.max(line.paidAmount, 0);
        }
        basis *= rate;
    } else if (rule.effect === "per_unit") {
        for (const line of scoped) {
            basis += line.quantity * paidShare(line);
        }
    } else if (rule.effect === "per_line") {
        for (const line of scoped) {
            // At most once and at most its quantity: ten lines of a tenth
            // of a service are one line.
            basis += Math.min(line.quantity, 1) * paidShare(line);
        }
    } else {
        // per_bill: once, on what money paid of its services
        let listed = 0;
        let paid = 0;
        for (const line of scoped) {
            listed += line.listAmount;
            paid += clamp(line.paidAmount, 0, line.listAmount);
        }
        basis = listed > 0 ? paid / listed : 0;
    }
    return roundNoise(basis * shareOfMoney);
}

/** The factor within what a rule of its effect may say: a multiplier from 1
 * to MAX_MULTIPLIER, a bonus from 0 to MAX_BONUS_POINTS; no number gives
 * nothing. */
export function boundedFactor(effect, factor) {
    const [low, high] =
        effect === "multiplier" ? [1, MAX_MULTIPLIER] : [0, MAX_BONUS_POINTS];
    return Number.isNaN(factor) ? low : clamp(factor, low, high);
}

/** The points the rule gives on basis, before its cap; not rounded. */
export function rulePoints(rule, basis, tierMultiplier) {
    let factor = boundedFactor(rule.effect, rule.factor);
    if (rule.effect === "multiplier") {
        factor -= 1;
    }
    if (rule.tierMultiplied ?? true) {
        factor *= Math.max(tierMultiplier, 0);
    }
    return roundNoise(Math.max(basis, 0) * Math.max(factor, 0));
}

function usedPoints(used, ruleId) {
    if (!used) {
        return 0;
    }
    const value = used instanceof Map ? used.get(ruleId) : used[ruleId];
    return Math.max(value || 0, 0);
}

/**
 * What the rules give a bill of lines for the patient at when (the clinic's
 * local time), of which money paid share: [{ruleId, name, points, basis}], in
 * the rules' order (sequence, then id), only those that give points. Of the
 * rules that take the best one, only the one that gives most (the first in
 * order on a tie) applies; the others add up. No rule gives one bill more
 * than MAX_AWARD_POINTS.
 */
export function awardRules(
    rules,
    lines,
    {patient, when, share, rate, tierMultiplier = 1, used = {}}
) {
    const ordered = [...rules].sort(
        (a, b) => (a.sequence ?? 10) - (b.sequence ?? 10) || a.id - b.id
    );
    const awards = [];
    for (const rule of ordered) {
        if (!(inAudience(rule, patient) && inPeriod(rule, when))) {
            continue;
        }
        const basis = ruleBasis(rule, lines, share, rate);
        let points = wholePoints(
            Math.min(rulePoints(rule, basis, tierMultiplier), MAX_AWARD_POINTS)
        );
        if (rule.capPoints) {
            let left = rule.capPoints;
            if ((rule.capPeriod || "bill") !== "bill") {
                left -= usedPoints(used, rule.id);
            }
            points = Math.min(points, Math.max(left, 0));
        }
        if (points > 0) {
            awards.push({rule, points, basis});
        }
    }
    let winner = null;
    for (const award of awards) {
        // Strictly more: the first in order wins a tie.
        if (
            award.rule.combination === "best" &&
            (!winner || award.points > winner.points)
        ) {
            winner = award;
        }
    }
    return awards
        .filter((award) => award.rule.combination !== "best" || award === winner)
        .map(({rule, points, basis}) => ({
            ruleId: rule.id,
            name: rule.name,
            points,
            basis,
        }));
}
