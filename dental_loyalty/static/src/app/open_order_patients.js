import {browser} from "@web/core/browser/browser";

/**
 * The patient of each open order of this register, kept in the browser apart
 * from Odoo's own copy of the orders. Odoo 18 writes an open order to the
 * browser's database when it is created, and its later changes only when it
 * judges them new: a patient chosen after the first line can be missing from
 * that copy, and a reload then brings the order back without them (issue 20,
 * point 11). The register re-links them from here after a reload.
 */
function storageKey(configId) {
    return `dental_loyalty.open_order_patients.${configId}`;
}

function read(configId) {
    try {
        return JSON.parse(browser.localStorage.getItem(storageKey(configId)) || "{}");
    } catch {
        return {};
    }
}

function write(configId, patients) {
    browser.localStorage.setItem(storageKey(configId), JSON.stringify(patients));
}

/** Remember (or forget, without a patient) the patient of the order ``uuid``. */
export function rememberPatient(configId, uuid, partnerId) {
    const patients = read(configId);
    if (partnerId) {
        patients[uuid] = partnerId;
    } else {
        delete patients[uuid];
    }
    write(configId, patients);
}

/**
 * After a reload: give each open order that came back without its patient
 * the patient it had, and forget the orders that are no longer open.
 */
export async function restorePatients(pos) {
    const configId = pos.config.id;
    const patients = read(configId);
    const open = pos.models["pos.order"].filter((order) => !order.finalized);
    const kept = {};
    const missing = [];
    for (const order of open) {
        const partnerId = patients[order.uuid];
        if (!partnerId) {
            continue;
        }
        kept[order.uuid] = partnerId;
        if (!order.get_partner()) {
            missing.push([order, partnerId]);
        }
    }
    write(configId, kept);
    const unloaded = missing
        .map(([, partnerId]) => partnerId)
        .filter((partnerId) => !pos.models["res.partner"].get(partnerId));
    if (unloaded.length) {
        try {
            await pos.data.read("res.partner", [...new Set(unloaded)]);
        } catch {
            return; // offline: the cashier chooses the patient again
        }
    }
    for (const [order, partnerId] of missing) {
        const partner = pos.models["res.partner"].get(partnerId);
        if (partner && !order.finalized) {
            order.set_partner(partner);
        }
    }
}
