# The model is split by concern on purpose (one file each), as Odoo core does.
# pylint: disable=consider-merging-classes-inherited

import re

from odoo import api, models

from .dental_loyalty_referral import _LIVE_STATES
from .pos_order import PAID_STATES

# A number a person can be called on has at least this many digits.
_MIN_PHONE_DIGITS = 6


class DentalLoyaltyReferral(models.Model):
    _inherit = "dental.loyalty.referral"

    # ------------------------------------------------------------------
    # Who may refer whom: the rules checked when marking and rewarding
    # ------------------------------------------------------------------

    @api.model
    def _refusal(self, referrer, referred, company, day):
        """Why ``referrer`` cannot refer ``referred`` in ``company`` on ``day``,
        or None; the rules in the order they are checked."""
        if referrer == referred:
            return self.env._(
                "%s cannot be referred with their own referral code.",
                referred.display_name,
            )
        if self._has_visited(referred, company):
            return self.env._(
                "%s already came to the clinic: only a new patient can be referred.",
                referred.display_name,
            )
        earlier = self.search(
            [
                ("referred_id", "=", referred.id),
                ("company_id", "=", company.id),
                ("state", "in", _LIVE_STATES),
            ],
            limit=1,
        )
        if earlier:
            return self.env._(
                "%(patient)s was already referred by %(referrer)s: a patient has "
                "one referrer.",
                patient=referred.display_name,
                referrer=earlier.referrer_id.display_name,
            )
        return (
            self._contact_refusal(referrer, referred, company)
            or self._family_refusal(referrer, referred, company)
            or self._limit_refusal(referrer, company, day)
        )

    def _contact_refusal(self, referrer, referred, company):
        """Refuses a new patient the clinic cannot reach (neither a phone
        number nor an e-mail address), or who shares the referrer's phone
        number or e-mail address, or is one of the referrer's own contacts (or
        the other way round): most likely the same person, or one household."""
        if not self._is_reachable(referred):
            return self.env._(
                "%s has neither a phone number nor an e-mail address: a referred "
                "patient must be reachable. Add one to the contact first.",
                referred.display_name,
            )
        if self._is_contact_of(referred, referrer) or self._is_contact_of(
            referrer, referred
        ):
            return self.env._(
                "%(patient)s and %(referrer)s are contacts of one another: a "
                "patient cannot be referred by their own contact.",
                patient=referred.display_name,
                referrer=referrer.display_name,
            )
        if referrer.email_normalized and (
            referrer.email_normalized == referred.email_normalized
        ):
            return self.env._(
                "%(patient)s has the same e-mail address as %(referrer)s: a "
                "patient cannot be referred by someone with their own address.",
                patient=referred.display_name,
                referrer=referrer.display_name,
            )
        if self._shared_phone_numbers(referrer, referred, company):
            return self.env._(
                "%(patient)s has the same phone number as %(referrer)s: a patient "
                "cannot be referred by someone with their own number.",
                patient=referred.display_name,
                referrer=referrer.display_name,
            )
        return None

    @api.model
    def _family_refusal(self, referrer, referred, company):
        """Refuses a new patient of the referrer's own family in ``company``:
        both bonuses would land in the one wallet they share."""
        # Families are the engine's: reception may not read every wallet.
        wallets = (
            self.env["dental.loyalty.wallet"]
            .sudo()
            .search_fetch(
                [
                    ("partner_id", "in", (referrer | referred).ids),
                    ("company_id", "=", company.id),
                    ("family_id", "!=", False),
                ],
                ["family_id"],
            )
        )
        # One wallet per patient and company: two wallets of one family.
        if len(wallets) == 2 and len(wallets.family_id) == 1:
            return self.env._(
                "%(patient)s belongs to the family of %(referrer)s: a patient "
                "cannot be referred by a member of their own family.",
                patient=referred.display_name,
                referrer=referrer.display_name,
            )
        return None

    @api.model
    def _is_reachable(self, partner):
        """Whether the clinic can reach ``partner``: an e-mail address, or a
        phone number with enough digits to be called."""
        return bool(partner.email_normalized) or any(
            len(re.sub(r"\D", "", partner[fname] or "")) >= _MIN_PHONE_DIGITS
            for fname in ("phone", "mobile")
        )

    @api.model
    def _is_contact_of(self, partner, other):
        """Whether ``other`` is ``partner``'s parent contact, or one above."""
        parent = partner.parent_id
        seen = partner.browse()
        while parent and parent not in seen:
            if parent == other:
                return True
            seen |= parent
            parent = parent.parent_id
        return False

    @api.model
    def _shared_phone_numbers(self, referrer, referred, company):
        """The numbers both contacts have, compared in E.164. A number typed in
        national form is read with the country of each contact, of the
        company, and of the other contact's numbers in international form: a
        contact without a country, or given another one, does not make one
        number two."""
        contacts = referrer | referred
        countries = contacts.country_id | company.country_id
        countries |= self._phone_countries(self._phone_numbers(contacts, countries))
        return self._phone_numbers(referrer, countries) & self._phone_numbers(
            referred, countries
        )

    @api.model
    def _phone_numbers(self, partners, countries):
        """The phone and mobile numbers of ``partners``, each in E.164 as read
        with every one of ``countries`` where it is a valid number (through
        phone_validation), else as its digits."""
        numbers = set()
        for partner in partners:
            for fname in ("phone", "mobile"):
                number = partner[fname]
                if not number:
                    continue
                readings = {
                    partner._phone_format(number=number, country=country)
                    for country in countries
                } - {False}
                numbers |= readings or {re.sub(r"\D", "", number)}
        return numbers - {""}

    @api.model
    def _phone_countries(self, numbers):
        """The countries whose calling code begins the E.164 ``numbers``."""
        codes = {
            int(number[1 : length + 1])
            for number in numbers
            if number.startswith("+")
            for length in (1, 2, 3)
            if number[1 : length + 1].isdigit()
        }
        if not codes:
            return self.env["res.country"]
        return self.env["res.country"].search([("phone_code", "in", list(codes))])

    def _limit_refusal(self, referrer, company, day, states=_LIVE_STATES):
        """Refuses a referral beyond the company's yearly limit per referrer:
        those of ``states`` dated in the calendar year of ``day`` count."""
        limit = company.dental_loyalty_referral_yearly_limit
        if not limit:
            return None
        count = self.search_count(
            [
                ("referrer_id", "=", referrer.id),
                ("company_id", "=", company.id),
                ("state", "in", states),
                ("date", ">=", day.replace(month=1, day=1)),
                ("date", "<=", day.replace(month=12, day=31)),
                ("id", "not in", self.ids),
            ]
        )
        if count >= limit:
            return self.env._(
                "%(referrer)s has reached the clinic's yearly limit of referrals "
                "(referrals this year: %(count)s, limit: %(limit)s).",
                referrer=referrer.display_name,
                count=count,
                limit=limit,
            )
        return None

    @api.model
    def _has_visited(self, partner, company, except_order=None):
        """Whether ``partner`` has a paid visit in ``company``: a paid POS order
        of some amount (other than ``except_order``), or a ledger line of a
        visit in their name (on a family's wallet too)."""
        order_domain = [
            ("partner_id", "=", partner.id),
            ("company_id", "=", company.id),
            ("state", "in", PAID_STATES),
            # A free consultation is no paid visit: it neither earns the bonus
            # nor spends the patient's chance of it.
            ("amount_total", ">", 0),
        ]
        Ledger = self.env["dental.loyalty.ledger"].sudo()
        line_domain = [
            ("member_id", "=", partner.id),
            ("company_id", "=", company.id),
            ("kind", "in", Ledger._visit_kinds()),
        ]
        if except_order:
            order_domain.append(("id", "!=", except_order.id))
            line_domain.append(("pos_order_id", "!=", except_order.id))
        return bool(
            self.env["pos.order"].sudo().search_count(order_domain, limit=1)
            or Ledger.search_count(line_domain, limit=1)
        )
