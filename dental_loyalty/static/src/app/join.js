import {_t} from "@web/core/l10n/translation";
import {AlertDialog} from "@web/core/confirmation_dialog/confirmation_dialog";
import {makeAwaitable} from "@point_of_sale/app/store/make_awaitable_dialog";
import {JoinLoyaltyDialog} from "@dental_loyalty/app/join_dialog/join_dialog";
import {askServer} from "@dental_loyalty/app/vouchers";

/**
 * Reception joins the bill's patient to the programme with their consent to
 * emails and SMS; the server records it and answers with the patient's
 * figures, which replace what the register shows.
 */
export async function joinLoyalty(pos, partner) {
    const consent = await makeAwaitable(pos.dialog, JoinLoyaltyDialog, {
        title: _t("%s joins the loyalty programme", partner.name),
    });
    if (!consent) {
        return false;
    }
    const joined = await askServer(pos, "dental_loyalty_join", [
        pos.config.id,
        partner.id,
        consent.mail,
        consent.sms,
    ]);
    if (!joined.ok) {
        pos.dialog.add(AlertDialog, {
            title: _t("Not joined"),
            body: joined.message,
        });
        return false;
    }
    const figures = {...joined.result};
    delete figures.id;
    Object.assign(partner, figures);
    pos.notification.add(_t("%s is a member of the loyalty programme.", partner.name), {
        type: "success",
    });
    return true;
}
