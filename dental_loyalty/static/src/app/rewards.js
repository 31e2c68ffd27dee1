import {_t} from "@web/core/l10n/translation";
import {AlertDialog} from "@web/core/confirmation_dialog/confirmation_dialog";
import {makeAwaitable} from "@point_of_sale/app/store/make_awaitable_dialog";
import {SelectionPopup} from "@point_of_sale/app/utils/input_popups/selection_popup";
import {RewardCatalog} from "@dental_loyalty/app/reward_catalog/reward_catalog";
import {askServer} from "@dental_loyalty/app/vouchers";
import {holdReward} from "@dental_loyalty/app/held_rewards";

function showAlert(pos, title, body) {
    pos.dialog.add(AlertDialog, {title, body});
}

/**
 * The patient exchanges points for a reward of the catalog: the server holds
 * its points and the reward becomes a line of the bill (a gift's line at no
 * charge, handed over when the bill is paid), committed only when the bill is
 * paid; deleting the line gives everything back.
 *
 * @returns {Promise<{held: boolean}|{claimable: number}|undefined>} whether
 * the reward chosen was held; if none was chosen, how many rewards the catalog
 * said the patient can have now; nothing when there was no catalog to show.
 */
export async function chooseReward(pos) {
    const order = pos.get_order();
    const partner = order.get_partner();
    if (!partner) {
        pos.notification.add(
            _t("Choose the patient first: rewards are paid with their points."),
            {
                type: "warning",
            }
        );
        return;
    }
    // The catalog the server listed with the patient's offers, or after a
    // hold or a release, while recent; else asked now.
    let catalog = partner.dentalLoyaltyCatalog;
    if (!catalog) {
        const answer = await askServer(pos, "dental_loyalty_rewards", [
            pos.config.id,
            partner.id,
        ]);
        if (!answer.ok) {
            return showAlert(pos, _t("Rewards"), answer.message);
        }
        catalog = answer.result;
    }
    const reward = await makeAwaitable(pos.dialog, RewardCatalog, {
        title: _t("Rewards for %s", partner.name),
        spendable: catalog.spendable,
        rewards: catalog.rewards,
    });
    if (!reward) {
        // Nothing changed on the server: the catalog shown is the cue.
        const claimable = catalog.rewards.filter((r) => r.affordable).length;
        return {claimable};
    }
    const held = await holdReward(pos, order, reward);
    if (!held.ok) {
        showAlert(pos, _t("Reward refused"), held.message);
    }
    return {held: held.ok};
}

/** Who treated the patient: a reward used on the bill is charged to them for their share. */
export async function choosePractitioner(pos) {
    const order = pos.get_order();
    const answer = await askServer(pos, "dental_loyalty_practitioners", [
        pos.config.id,
    ]);
    if (!answer.ok) {
        return showAlert(pos, _t("Practitioner"), answer.message);
    }
    const current = order.dentalLoyaltyPractitioner;
    const choice = await makeAwaitable(pos.dialog, SelectionPopup, {
        title: _t("Who treated the patient?"),
        list: [
            {id: 0, label: _t("Nobody"), isSelected: !current, item: {id: false}},
            ...answer.result.map((practitioner) => ({
                id: practitioner.id,
                label: practitioner.name,
                isSelected: practitioner.id === current?.id,
                item: practitioner,
            })),
        ],
    });
    if (choice) {
        order.setDentalLoyaltyPractitioner(choice.id ? choice : null);
    }
}
