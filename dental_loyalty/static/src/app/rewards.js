import {_t} from "@web/core/l10n/translation";
import {deserializeDate, formatDate} from "@web/core/l10n/dates";
import {AlertDialog} from "@web/core/confirmation_dialog/confirmation_dialog";
import {makeAwaitable} from "@point_of_sale/app/store/make_awaitable_dialog";
import {SelectionPopup} from "@point_of_sale/app/utils/input_popups/selection_popup";
import {RewardCatalog} from "@dental_loyalty/app/reward_catalog/reward_catalog";
import {applyVoucher, askServer} from "@dental_loyalty/app/vouchers";
import {askServerWithCode} from "@dental_loyalty/app/spend_code";

function showAlert(pos, title, body) {
    pos.dialog.add(AlertDialog, {title, body});
}

/**
 * The patient exchanges points for a reward of the catalog: the server takes
 * the points and issues a voucher; a discount or a free service goes on the
 * current bill at once, a gift is handed at the desk.
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
    const catalog = await askServer(pos, "dental_loyalty_rewards", [
        pos.config.id,
        partner.id,
    ]);
    if (!catalog.ok) {
        return showAlert(pos, _t("Rewards"), catalog.message);
    }
    const reward = await makeAwaitable(pos.dialog, RewardCatalog, {
        title: _t("Rewards for %s", partner.name),
        spendable: catalog.result.spendable,
        rewards: catalog.result.rewards,
    });
    if (!reward) {
        return;
    }
    // A costly reward may need the code the server sends the patient by SMS.
    const redeemed = await askServerWithCode(
        pos,
        order,
        partner,
        "dental_loyalty_redeem_reward",
        [pos.config.id, partner.id, reward.id, order.uuid]
    );
    if (!redeemed.ok) {
        return showAlert(pos, _t("Reward refused"), redeemed.message);
    }
    const voucher = redeemed.result;
    partner.loyalty_points_available = voucher.spendable;
    const until = formatDate(deserializeDate(voucher.expiry_date));
    if (voucher.kind === "gift") {
        return showAlert(
            pos,
            _t("Gift voucher issued"),
            _t(
                "Voucher %(code)s: hand %(reward)s over at the desk. Valid until %(date)s.",
                {
                    code: voucher.code,
                    reward: voucher.reward,
                    date: until,
                }
            )
        );
    }
    const applied = await applyVoucher(pos, order, voucher.code);
    if (!applied.ok) {
        showAlert(
            pos,
            _t("Voucher issued, not applied"),
            _t(
                "Voucher %(code)s is issued and valid until %(date)s, but it could not be put on this bill: %(reason)s",
                {code: voucher.code, date: until, reason: applied.message}
            )
        );
    }
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
