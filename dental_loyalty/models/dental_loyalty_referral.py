import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang

from .pos_order import PAID_STATES

# States that hold a referral: a patient has one such referrer per company, and
# they count toward the referrer's yearly limit.
_LIVE_STATES = ("pending", "rewarded")
# A number a person can be called on has at least this many digits.
_MIN_PHONE_DIGITS = 6


class DentalLoyaltyReferral(models.Model):
    """One patient brought to the clinic by another: marked with the referrer's
    code, rewarded on the new patient's first paid visit if it reaches the
    clinic's minimum (both get a bonus, pending like earned points), taken back
    if that visit is refunded beyond the clinic's share, or if merging contacts
    shows that the new patient was not new."""

    _name = "dental.loyalty.referral"
    _description = "Loyalty Referral"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _rec_name = "referred_id"
    _check_company_auto = True

    referrer_id = fields.Many2one(
        "res.partner",
        string="Referred By",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    referred_id = fields.Many2one(
        "res.partner",
        string="New Patient",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="restrict"
    )
    code = fields.Char(
        string="Code Given", readonly=True, help="The referrer's code, as typed."
    )
    date = fields.Date(
        string="Referred On",
        required=True,
        readonly=True,
        default=fields.Date.context_today,
    )
    state = fields.Selection(
        selection=[
            ("pending", "Pending"),
            ("rewarded", "Rewarded"),
            ("refused", "Refused"),
            ("reversed", "Reversed"),
        ],
        string="Status",
        required=True,
        default="pending",
        readonly=True,
        tracking=True,
        help="Pending until the new patient's first paid visit; rewarded then, "
        "unless a rule refuses it; reversed when that visit is refunded beyond "
        "the clinic's share, or when merging contacts joins the new patient "
        "with the referrer or with someone who had already come.",
    )
    refusal_reason = fields.Char(readonly=True, tracking=True)
    referrer_points = fields.Integer(
        string="Referrer's Bonus",
        readonly=True,
        help="The points the referrer received, as posted.",
    )
    referred_points = fields.Integer(
        string="New Patient's Bonus",
        readonly=True,
        help="The points the new patient received, as posted.",
    )
    reward_date = fields.Date(string="Rewarded On", readonly=True)
    pos_order_id = fields.Many2one(
        "pos.order",
        string="First Visit",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    line_ids = fields.One2many(
        "dental.loyalty.ledger",
        "res_id",
        string="Ledger Lines",
        domain=[("res_model", "=", "dental.loyalty.referral")],
        readonly=True,
    )

    # ------------------------------------------------------------------
    # Marking a patient as referred
    # ------------------------------------------------------------------

    @api.model
    def _normalize_code(self, code):
        """The code as stored, from what reception typed or a patient read out."""
        if not isinstance(code, str):
            return ""
        return re.sub(r"[\s-]", "", code).upper()[:32]

    @api.model
    def _refer(self, referred, code, company):
        """Mark ``referred`` as brought by the patient whose referral code is
        ``code``, in ``company``; raises a UserError naming the rule that
        refuses it. Returns the pending referral."""
        if not (
            self.env.su
            or self.env.user.has_group("dental_loyalty.group_dental_loyalty_user")
        ):
            raise AccessError(self.env._("Only loyalty users mark referrals."))
        referred.ensure_one()
        code = self._normalize_code(code)
        # Reception looks the code up among all contacts and records the referral:
        # referrals are the engine's records, nobody creates them by hand.
        Referral = self.sudo()
        referrer = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("dental_referral_code", "=", code)], limit=1)
            if code
            else self.env["res.partner"]
        )
        if not referrer:
            raise UserError(
                self.env._("No patient has the referral code %s.", code or "-")
            )
        today = fields.Date.context_today(self)
        refusal = Referral._refusal(referrer, referred, company, today)
        if refusal:
            raise UserError(refusal)
        referral = Referral.create(
            {
                "referrer_id": referrer.id,
                "referred_id": referred.id,
                "company_id": company.id,
                "code": code,
                "date": today,
            }
        )
        referred.invalidate_recordset(["dental_referred_by_code"])
        return referral.sudo(self.env.su)

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

    # ------------------------------------------------------------------
    # Rewarding the first paid visit
    # ------------------------------------------------------------------

    @api.model
    def _reward_first_visit(self, order):
        """The POS adapter's call after settling a paid sale: a pending referral
        of the order's patient is rewarded on this first paid visit, or refused
        by the rules that may have changed since it was marked. One query when
        the patient has no pending referral."""
        paid = order.amount_total - order._dental_loyalty_points_paid()
        if not order.partner_id or order.currency_id.compare_amounts(paid, 0) <= 0:
            # Not a visit paid with money: the referral waits for one.
            return self.browse()
        # The engine settles referrals for whoever takes the payment.
        referral = self.sudo().search(
            [
                ("referred_id", "=", order.partner_id.id),
                ("company_id", "=", order.company_id.id),
                ("state", "=", "pending"),
            ],
            limit=1,
        )
        if not referral:
            return referral
        if self.sudo()._has_visited(referral.referred_id, order.company_id, order):
            referral._refuse(
                self.env._(
                    "%s had already come to the clinic before this visit.",
                    referral.referred_id.display_name,
                )
            )
            return referral
        minimum = self._minimum_visit(order.company_id, order.currency_id)
        if order.currency_id.compare_amounts(paid, minimum) < 0:
            referral._refuse(
                self.env._(
                    "The first paid visit of %(patient)s, %(visit)s, came to "
                    "%(paid)s, less than the clinic's minimum of %(minimum)s for a "
                    "referral.",
                    patient=referral.referred_id.display_name,
                    visit=order._dental_loyalty_label(),
                    paid=formatLang(self.env, paid, currency_obj=order.currency_id),
                    minimum=formatLang(
                        self.env, minimum, currency_obj=order.currency_id
                    ),
                )
            )
            return referral
        referral._reward(order)
        return referral

    @api.model
    def _minimum_visit(self, company, currency):
        """The company's minimum first visit, in ``currency``."""
        minimum = company.dental_loyalty_referral_min_visit
        if currency == company.currency_id:
            return minimum
        return company.currency_id._convert(
            minimum, currency, company, fields.Date.context_today(self)
        )

    def _reward(self, order=None):
        """Post both bonuses for the first paid visit (``order``, or none for a
        visit that did not go through the register), after checking again what
        may have changed since the referral was marked: the phone numbers and
        addresses, and the referrer's yearly limit (rewarded referrals count)."""
        self.ensure_one()
        refusal = (
            self._contact_refusal(self.referrer_id, self.referred_id, self.company_id)
            or self._family_refusal(self.referrer_id, self.referred_id, self.company_id)
            or self._limit_refusal(
                self.referrer_id, self.company_id, self.date, states=("rewarded",)
            )
        )
        if refusal:
            self._refuse(refusal)
            return self.env["dental.loyalty.ledger"]
        company = self.company_id
        visit = (
            order._dental_loyalty_visit_date()
            if order
            else fields.Date.context_today(self)
        )
        label = order._dental_loyalty_label() if order else False
        points = {
            "referrer": max(company.dental_loyalty_referrer_points, 0),
            "referred": max(company.dental_loyalty_referred_points, 0),
        }
        reasons = {
            "referrer": self.env._("Referred %s", self.referred_id.display_name),
            "referred": self.env._("Referred by %s", self.referrer_id.display_name),
        }
        partners = {"referrer": self.referrer_id, "referred": self.referred_id}
        lines = self.env["dental.loyalty.wallet"]._post_lines(
            [
                {
                    # Always the wallet the engine names for the patient (a
                    # family member's is the family's).
                    "wallet_id": partners[role]._dental_loyalty_wallet(company).id,
                    "member_id": partners[role].id,
                    "kind": "referral",
                    "points": points[role],
                    # Posted today: the bonus waits from the sync, not the visit.
                    "unique_key": f"referral:{self.id}:{role}",
                    "res_model": self._name,
                    "res_id": self.id,
                    "origin": label,
                    "reason": reasons[role],
                }
                for role in ("referrer", "referred")
                if points[role]
            ]
        )
        # The engine's bookkeeping: nobody writes a referral's state or points.
        self.sudo().write(
            {
                "state": "rewarded",
                "reward_date": visit,
                "pos_order_id": order.id if order else False,
                "referrer_points": points["referrer"],
                "referred_points": points["referred"],
            }
        )
        if points["referrer"]:
            # Posted first: the referrer's line leads.
            bonus = lines[0]
            self.referrer_id._dental_loyalty_notify(
                "referral",
                company,
                points=bonus.points,
                patient=self.referred_id.name,
                # Only worth saying when the points still wait.
                available_date=not bonus.is_released and bonus.available_date,
            )
        values = {
            "referrer": self.referrer_id.display_name,
            "referrer_points": points["referrer"],
            "referred": self.referred_id.display_name,
            "referred_points": points["referred"],
        }
        self._message_log(
            body=self.env._(
                "Rewarded on the first paid visit, %(visit)s: bonus of %(referrer)s, "
                "points: %(referrer_points)s; bonus of %(referred)s, points: "
                "%(referred_points)s.",
                visit=label,
                **values,
            )
            if label
            else self.env._(
                "Rewarded on the first paid visit: bonus of %(referrer)s, points: "
                "%(referrer_points)s; bonus of %(referred)s, points: "
                "%(referred_points)s.",
                **values,
            )
        )
        return lines

    def _refuse(self, reason):
        """Refuse pending referrals with ``reason``, said on their chatter."""
        for referral in self:
            referral.sudo().write({"state": "refused", "refusal_reason": reason})
            referral._message_log(body=self.env._("Refused: %s", reason))

    # ------------------------------------------------------------------
    # Taking the bonuses back when the first visit is refunded
    # ------------------------------------------------------------------

    @api.model
    def _reverse_refunded_visit(self, refund):
        """The POS adapter's call after settling a refund: when the refunds of
        a rewarded first visit together take back more than the company's
        share of it, or leave less than its minimum first visit, both bonuses
        are taken back. Smaller refunds keep them."""
        sale = refund.refunded_order_id
        referral = self.sudo().search(
            [("pos_order_id", "=", sale.id), ("state", "=", "rewarded")], limit=1
        )
        if not referral:
            return self.env["dental.loyalty.ledger"]
        referral._lock_for_refund()
        if not self._refunded_beyond_share(sale):
            return self.env["dental.loyalty.ledger"]
        label = refund._dental_loyalty_label()
        return referral._reverse(
            label,
            self.env._(
                "the refunds of the first visit, the last by %s, took back more "
                "of it than the clinic allows",
                label,
            ),
        )

    def _lock_for_refund(self):
        """Serialise the refunds of one first visit: two partial refunds synced
        at once would each read only itself on its snapshot, and neither would
        see the visit refunded in full (a visit that earned no points locks no
        wallet). Writing the referral's row makes the second wait for the first
        and fail with a serialization error, which Odoo retries on a fresh
        snapshot that sees both refunds."""
        self.env["dental.loyalty.wallet"]._serialise_rows(self._table, self.ids)

    @api.model
    def _refunded_beyond_share(self, sale):
        """Whether the paid refunds of ``sale`` together return more than the
        company's refund share of it, all of it, or leave less money paid than
        the minimum first visit."""
        refunds = sale.lines.refund_orderline_ids.order_id.filtered(
            lambda refund: refund.state in PAID_STATES
        )
        refunded = sum(refund._dental_loyalty_refunded_amount() for refund in refunds)
        currency, total = sale.currency_id, sale.amount_total
        if currency.compare_amounts(refunded, total) >= 0:
            return True
        company = sale.company_id
        share = company.dental_loyalty_referral_refund_share / 100
        if currency.compare_amounts(refunded, total * share) > 0:
            return True
        # What the patient still paid with money for the visit, in proportion:
        # refunds that bring a visit which reached the minimum below it.
        minimum = self._minimum_visit(company, currency)
        paid = total - sale._dental_loyalty_points_paid()
        kept = paid * (1 - refunded / total) if total else 0.0
        return (
            currency.compare_amounts(paid, minimum) >= 0
            and currency.compare_amounts(kept, minimum) < 0
        )

    def _reverse(self, label, why):
        """Take both bonuses back, on the ledger as taken back by ``label``,
        and mark the referral reversed because ``why``."""
        self.ensure_one()
        Ledger = self.env["dental.loyalty.ledger"]
        lines = Ledger
        for lot in self.line_ids.filtered(lambda line: line.kind == "referral"):
            # The bonus's wallet, or the family's it pays from now: a bonus
            # moved there when its patient joined is taken back from there.
            wallet = lot.wallet_id._paying_wallet()
            wallet._lock_for_update()
            key = lot.sudo().unique_key
            vals_list, missing = wallet._take_back_vals(
                "referral_reversal",
                lot.points,
                [(lot, key)],
                {
                    "res_model": self._name,
                    "res_id": self.id,
                    "member_id": lot.member_id.id,
                    "origin": label,
                    "reason": self.env._("Referral bonus taken back by %s", label),
                },
                key,
            )
            # Lot by lot: two bonuses in one wallet each see what the other took.
            lines |= self.env["dental.loyalty.wallet"]._post_lines(vals_list)
            if missing:
                self.env["dental.loyalty.shortfall"]._record(
                    wallet,
                    "referral",
                    missing,
                    {"res_model": self._name, "res_id": self.id, "origin": label},
                )
                wallet._post_on_patient(
                    self.env._(
                        "A referral bonus (the referral of %(referral)s) was "
                        "already spent and could not be taken back by %(refund)s: "
                        "%(points)s.",
                        referral=self.referred_id.display_name,
                        refund=label,
                        points=missing,
                    )
                )
        # The engine's bookkeeping: nobody writes a referral's state.
        self.sudo().write({"state": "reversed", "refusal_reason": why})
        self._message_log(
            body=self.env._("Reversed: %s; the bonuses were taken back.", why)
        )
        return lines

    # ------------------------------------------------------------------
    # Merging contacts: one patient, whatever their contacts were
    # ------------------------------------------------------------------

    @api.model
    def _merge_partners(self, src_partners, dst_partner):
        """Odoo's contact merge joins ``src_partners`` into ``dst_partner``:
        one person. A referral between them, a referral of a contact merged
        with someone who had come to the clinic before its first visit, and
        a second referral of the one patient in a company keep no bonus:
        refused when pending, reversed when rewarded. Runs before Odoo points
        the referrals at the kept contact, while each contact's visits are
        still their own."""
        merged = src_partners | dst_partner
        # The engine's bookkeeping: whoever merges contacts settles referrals.
        referrals = (
            self.sudo()
            .search([("referred_id", "in", merged.ids), ("state", "in", _LIVE_STATES)])
            .sorted(lambda referral: (referral.state != "rewarded", referral.id))
        )
        names = ", ".join(merged.mapped("display_name"))
        kept = {}
        for referral in referrals:
            patient = referral.referred_id
            if referral.referrer_id in merged:
                why = self.env._(
                    "%(patient)s and %(referrer)s were merged into one contact: a "
                    "patient cannot refer themselves",
                    patient=patient.display_name,
                    referrer=referral.referrer_id.display_name,
                )
            elif referral.company_id in kept:
                why = self.env._(
                    "%(patient)s was merged with a contact already referred by "
                    "%(referrer)s: a patient has one referrer",
                    patient=patient.display_name,
                    referrer=kept[referral.company_id].referrer_id.display_name,
                )
            elif visitor := next(
                (
                    other
                    for other in merged - patient
                    if referral._visited_before_reward(other)
                ),
                None,
            ):
                why = self.env._(
                    "%(patient)s was merged with %(other)s, who had already come "
                    "to the clinic",
                    patient=patient.display_name,
                    other=visitor.display_name,
                )
            else:
                kept[referral.company_id] = referral
                continue
            if referral.state == "pending":
                referral._refuse(why)
            else:
                referral._reverse(self.env._("merging %s", names), why)

    def _visited_before_reward(self, partner):
        """Whether ``partner`` had a paid visit in the referral's company
        before its first visit was rewarded (at any time, while it is
        pending). Told by the server's order of records, not by dates."""
        self.ensure_one()
        if self.state != "rewarded":
            return self._has_visited(partner, self.company_id)
        order_domain = [
            ("partner_id", "=", partner.id),
            ("company_id", "=", self.company_id.id),
            ("state", "in", PAID_STATES),
            ("amount_total", ">", 0),
        ]
        if self.pos_order_id:
            order_domain.append(("id", "<", self.pos_order_id.id))
        Ledger = self.env["dental.loyalty.ledger"].sudo()
        line_domain = [
            ("member_id", "=", partner.id),
            ("company_id", "=", self.company_id.id),
            ("kind", "in", Ledger._visit_kinds()),
        ]
        bonuses = self.line_ids.filtered(lambda line: line.kind == "referral")
        if bonuses:
            line_domain.append(("id", "<", min(bonuses.ids)))
        return bool(
            self.env["pos.order"].sudo().search_count(order_domain, limit=1)
            or Ledger.search_count(line_domain, limit=1)
        )

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def _refuse_by_hand(self, reason):
        """What the refusal wizard does: checked, and named on the chatter."""
        if not self.env.user.has_group("dental_loyalty.group_dental_loyalty_manager"):
            raise AccessError(self.env._("Only loyalty managers refuse referrals."))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the referral is refused."))
        for referral in self:
            if referral.state != "pending":
                raise UserError(
                    self.env._(
                        "The referral of %s is not pending: only a pending "
                        "referral can be refused.",
                        referral.referred_id.display_name,
                    )
                )
        self._refuse(
            self.env._(
                "%(reason)s (refused by %(user)s)",
                reason=reason,
                user=self.env.user.name,
            )
        )
        return True
