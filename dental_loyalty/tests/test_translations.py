import re

import polib
from freezegun import freeze_time

from odoo.tests import Form, TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

from .common import DentalLoyaltyCommon

# Russian nouns whose form changes with the number before them (1 балл, 2 балла,
# 5 баллов, 21 балл): no translation may put a count right before one of them.
INFLECTING_NOUNS = r"(балл|визит|кошел|строк|пациент|месяц|дн[еёяь]|день)"
COUNTS = r"(points|count|visits|days|months|spendable|requested|returned|allowed|"
COUNTS += r"needed|spent|missing|lines|lots)"
COUNT_BEFORE_NOUN = re.compile(
    rf"%(\({COUNTS}\))?s\s+{INFLECTING_NOUNS}", re.IGNORECASE
)


SHIPPED_LANGUAGES = ("vi", "ru", "fa")


@tagged("post_install", "-at_install")
class TestShippedTerms(TransactionCase):
    """The template holds every term Odoo extracts from the addon, the demo
    clinic's names included, and each shipped language translates them all:
    a term changed in the code and not in the template reaches no clinic in
    its language."""

    def _pot(self):
        return polib.pofile(file_path("dental_loyalty/i18n/dental_loyalty.pot"))

    def _of_absent_records(self, entry):
        """The term is only a record's that this database lacks (the demo
        data's, installed without it)."""
        refs = [ref for ref, _line in entry.occurrences]
        return all(
            ref.startswith("model:")
            and not self.env.ref(ref.rsplit(":", 1)[1], raise_if_not_found=False)
            for ref in refs
        )

    def test_the_template_holds_every_term_odoo_extracts(self):
        reader = TranslationModuleReader(self.env.cr, modules=["dental_loyalty"])
        extracted = {src for _mod, _kind, _name, _res, src, _value, _notes in reader}
        pot = self._pot()
        self.assertFalse(
            sorted(extracted - {entry.msgid for entry in pot}),
            "terms of the addon the template lacks",
        )
        self.assertFalse(
            [
                entry.msgid
                for entry in pot
                if entry.msgid not in extracted and not self._of_absent_records(entry)
            ],
            "terms of the template the addon no longer has",
        )

    def test_each_language_translates_every_term(self):
        terms = {entry.msgid for entry in self._pot()}
        for lang in SHIPPED_LANGUAGES:
            po = polib.pofile(file_path(f"dental_loyalty/i18n/{lang}.po"))
            entries = [entry for entry in po if not entry.obsolete]
            self.assertEqual({entry.msgid for entry in entries}, terms, lang)
            self.assertFalse(
                [entry.msgid for entry in entries if not entry.translated()], lang
            )


@tagged("post_install", "-at_install")
class TestCountsInRussian(DentalLoyaltyCommon):
    """Counts read right for 1, 2, 5 and 21 in Russian: they follow their label
    (docs/architecture.md, "Counts in translations")."""

    COUNTS = (1, 2, 5, 21)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ru_RU")

    def test_no_russian_message_puts_a_count_before_its_noun(self):
        po = polib.pofile(file_path("dental_loyalty/i18n/ru.po"))
        offending = [
            entry.msgstr for entry in po if COUNT_BEFORE_NOUN.search(entry.msgstr)
        ]
        self.assertEqual(offending, [])

    def test_the_way_to_the_next_tier_reads_right_for_any_count(self):
        for missing in self.COUNTS:
            patient = self.env["res.partner"].create({"name": f"Missing {missing}"})
            self._earn(patient, 500 - missing)
            text = patient.with_context(lang="ru_RU").loyalty_next_tier
            self.assertRegex(text, rf"^До уровня «.+» осталось баллов: {missing}$")

    def test_the_settings_example_reads_right_for_any_count(self):
        for count in self.COUNTS:
            settings = Form(self.env["res.config.settings"].with_context(lang="ru_RU"))
            settings.dental_loyalty_waiting_days = count
            settings.dental_loyalty_validity_months = count
            example = settings.dental_loyalty_example
            self.assertIn(f"(дней: {count})", example)
            self.assertIn(f"(месяцев: {count})", example)

    def test_expired_points_read_right_for_any_count(self):
        self._set_loyalty_settings(validity_months=1)
        patients = self.env["res.partner"].create(
            [{"name": f"Expiring {count}"} for count in self.COUNTS]
        )
        with freeze_time("2026-01-01"):
            for patient, count in zip(patients, self.COUNTS, strict=True):
                self._earn(patient, count)
        with freeze_time("2026-03-01"):
            self.Wallet.with_context(lang="ru_RU")._cron_expire_lots()
        for patient, count in zip(patients, self.COUNTS, strict=True):
            self.assertIn(
                f"Сгорело баллов лояльности: {count}.", patient.message_ids[0].body
            )
