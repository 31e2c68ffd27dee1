import colorsys
import secrets

from psycopg2.errors import ReadOnlySqlTransaction

from odoo import SUPERUSER_ID, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.barcode import get_barcode_check_digit
from odoo.tools.misc import formatLang

# The register's default nomenclature reads a barcode starting with 042 as a
# customer's (point_of_sale's "Customer Barcodes" rule): the card code is that
# prefix, nine random digits and the EAN-13 check digit.
CARD_CODE_PREFIX = "042"
CARD_CODE_RANDOM_DIGITS = 9

# Odoo's colour indexes as the backend paints them (web's $o-colors); index 0
# ("no colour") gets the grey of the list's first entry.
ODOO_COLORS = (
    "#a2a2a2",
    "#ee2d2d",
    "#dc8534",
    "#e8bb1d",
    "#5794dd",
    "#9f628f",
    "#db8865",
    "#41a9a2",
    "#304be0",
    "#ee2f8a",
    "#61c36e",
    "#9872e6",
)


def new_card_code():
    """042, nine random digits, and the EAN-13 check digit."""
    body = CARD_CODE_PREFIX + str(secrets.randbelow(10**CARD_CODE_RANDOM_DIGITS)).zfill(
        CARD_CODE_RANDOM_DIGITS
    )
    # The check digit is computed over all digits but the last one.
    return body + str(get_barcode_check_digit(body + "0"))


def _adjust_color(hex_color, lightness, saturation):
    """Sass's adjust-color: add to the HSL lightness and saturation."""
    red, green, blue = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, light, sat = colorsys.rgb_to_hls(red, green, blue)
    light = min(max(light + lightness, 0.0), 1.0)
    sat = min(max(sat + saturation, 0.0), 1.0)
    rgb = colorsys.hls_to_rgb(hue, light, sat)
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in rgb)


def tier_badge_colors(index):
    """(background, text) of a tier's badge in Odoo colour ``index``, as the
    backend's ``o_colorlist_item_color_N`` classes compute them."""
    base = ODOO_COLORS[index if 0 <= (index or 0) < len(ODOO_COLORS) else 0]
    return _adjust_color(base, 0.25, 0.15), _adjust_color(base, -0.40, -0.15)


# One concern of res.partner per file, as core splits a model across files.
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    """The member card: a member's card code (their barcode in the company,
    which the register reads as a customer's), what the card shows, and the
    card sent by mail."""

    _inherit = "res.partner"

    def _dental_loyalty_members(self, company=None):
        """Those of these contacts who are members in ``company`` (the current
        one by default): who have their own wallet there."""
        company = company or self.env.company
        wallets = self.env["dental.loyalty.wallet"].search_fetch(
            [("partner_id", "in", self.ids), ("company_id", "=", company.id)],
            ["partner_id"],
        )
        return self & wallets.partner_id

    def _dental_loyalty_ensure_card_code(self, company=None):
        """Give each member among these contacts who has no card code in
        ``company`` one, unique in the company; a code already there is kept.
        Returns the members."""
        company = company or self.env.company
        members = self._dental_loyalty_members(company).with_company(company)
        missing = members.filtered(lambda partner: not partner.barcode)
        if missing and self.env.cr.readonly:
            # A report is served on a read-only cursor: Odoo serves it again on
            # a read/write one when told so, before a write fails there (an
            # ERROR line in the log).
            raise ReadOnlySqlTransaction("A card code is given on a read/write cursor.")
        if missing:
            codes = self._dental_loyalty_free_card_codes(len(missing), company)
            # The code is the engine's to give: reception prints cards without
            # the right to edit contacts.
            for partner, code in zip(missing.sudo(), codes, strict=True):
                partner.barcode = code
        return members.with_company(self.env.company)

    def _dental_loyalty_free_card_codes(self, count, company):
        """``count`` new card codes that no contact of ``company`` has, one
        search per round (a clash of nine random digits is rare)."""
        # Every contact's barcode counts, archived or another's unreadable one.
        Partner = (
            self.env["res.partner"]
            .sudo()
            .with_company(company)
            .with_context(active_test=False)
        )
        codes = set()
        while len(codes) < count:
            candidates = {new_card_code() for _ in range(count - len(codes))}
            candidates -= codes
            taken = Partner.search_fetch(
                [("barcode", "in", list(candidates))], ["barcode"]
            ).mapped("barcode")
            codes |= candidates - set(taken)
        return sorted(codes)

    def _dental_loyalty_check_card_rights(self):
        if not self.env.user.has_group("dental_loyalty.group_dental_loyalty_user"):
            raise AccessError(
                self.env._("Only loyalty users print and send member cards.")
            )

    def _dental_loyalty_card_values(self, company=None):
        """What each member's card shows in ``company``, in the member's
        language, giving a card code to those without one. Raises a UserError
        naming the contacts who are not members there."""
        self._dental_loyalty_check_card_rights()
        self.check_access("read")
        company = company or self.env.company
        outsiders = self - self._dental_loyalty_members(company)
        if outsiders:
            raise UserError(
                self.env._(
                    "Only members of the loyalty programme of %(company)s get a "
                    "card; not members: %(names)s",
                    company=company.name,
                    names=", ".join(outsiders.mapped("display_name")),
                )
            )
        partners = self._dental_loyalty_ensure_card_code(company).with_company(company)
        own_wallets = self.env["dental.loyalty.wallet"].search(
            [("partner_id", "in", self.ids), ("company_id", "=", company.id)]
        )
        wallet_of = {wallet.partner_id: wallet for wallet in own_wallets}
        cards = []
        for partner in partners:
            # Figures read for the whole batch; words in the member's language.
            tier = partner.loyalty_tier_id
            lang_env = partner.with_context(lang=partner.lang or self.env.lang).env
            background, text = tier_badge_colors(tier.color)
            pending = partner.loyalty_points_pending
            cards.append(
                {
                    "partner": partner,
                    "lang": lang_env.lang,
                    "name": partner.name,
                    "code": partner.barcode,
                    "tier": tier.with_env(lang_env).name or "",
                    "tier_background": background,
                    "tier_text": text,
                    "points": formatLang(
                        lang_env, partner.loyalty_points_available, digits=0
                    ),
                    "pending": pending and formatLang(lang_env, pending, digits=0),
                    # A bearer credential, never shown to staff: only on the
                    # card the engine renders for the patient's own mail, not
                    # on one a user prints or previews.
                    "page_url": self.env.su and wallet_of[partner._origin]._page_url(),
                }
            )
        return cards

    def _dental_loyalty_send_card(self, company=None):
        """Mail each of these members who agreed to loyalty emails their card
        (the A4 card as a PDF) with the clinic's template, in their language.
        The card carries the link to their page, a bearer credential: the mail
        is no message on the patient (its copy and attachment go once sent),
        and the patient's chatter only notes that the card went. Returns the
        notification telling who got it and why the others did not."""
        self._dental_loyalty_check_card_rights()
        self.check_access("read")
        company = company or self.env.company
        skipped = self._dental_loyalty_card_mail_refusals(company)
        recipients = self.filtered(lambda partner: partner not in skipped)
        if not recipients:
            raise UserError("\n".join(skipped.values()))
        recipients._dental_loyalty_ensure_card_code(company)
        # Rendered by the engine, the rights checked above: the card it attaches
        # carries the patient's page link, which a card a user prints does not.
        template = self.env.ref("dental_loyalty.mail_template_member_card")
        # As the superuser, not the user: Odoo lets a message's creator read it.
        template = template.with_user(SUPERUSER_ID)
        template = template.with_company(company).with_context(
            dental_loyalty={
                "clinic": company.name,
                "email_from": company.email_formatted,
            }
        )
        template.send_mail_batch(
            recipients.ids,
            email_values={
                # Not on the patient's record: no chatter copy of the link, and
                # the mail and its card are deleted once sent.
                "model": False,
                "res_id": False,
                "author_id": company.partner_id.id,
                "auto_delete": True,
            },
        )
        recipients._message_log_batch(
            dict.fromkeys(
                recipients.ids,
                self.env._("Member card sent by email."),
            )
        )
        message = self.env._("Member card sent to: %s", len(recipients))
        if skipped:
            message = "\n".join([message, *skipped.values()])
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if skipped else "success",
                "message": message,
                "sticky": bool(skipped),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _dental_loyalty_card_mail_refusals(self, company):
        """{contact: why their card is not mailed} for these contacts: not a
        member, no consent to loyalty emails, no address, or a blacklisted one."""
        wallets = self.env["dental.loyalty.wallet"].search_fetch(
            [("partner_id", "in", self.ids), ("company_id", "=", company.id)],
            ["partner_id", "consent_mail"],
        )
        consent = {wallet.partner_id: wallet.consent_mail for wallet in wallets}
        refusals = {}
        for partner in self:
            name = partner.display_name
            if partner not in consent:
                refusals[partner] = self.env._("%s is not a member.", name)
            elif not consent[partner]:
                refusals[partner] = self.env._(
                    "%s has not agreed to loyalty emails.", name
                )
            elif not partner.email:
                refusals[partner] = self.env._("%s has no email address.", name)
            elif partner.is_blacklisted:
                refusals[partner] = self.env._("%s is on the email blacklist.", name)
        return refusals
