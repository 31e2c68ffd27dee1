import json
import re

from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import file_open
from odoo.tools.translate import PoFileReader, extract_spreadsheet_terms

DASHBOARD_FILE = (
    "dental_loyalty_spreadsheet_dashboard/data/files/dental_loyalty_dashboard.json"
)


@tagged("post_install", "-at_install")
class TestDashboardData(TransactionCase):
    """The dashboard's spreadsheet loads, every data source in it names a model and
    fields that exist, and its names are the ones Odoo offers for translation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref(
            "dental_loyalty_spreadsheet_dashboard.spreadsheet_dashboard_dental_loyalty"
        )
        cls.data = json.loads(cls.dashboard.spreadsheet_data)

    def assertPath(self, model, path, where):
        """``path`` (``partner_id.name``, ``date:month``) walks fields of ``model``."""
        for name in path.split(":")[0].split("."):
            self.assertIn(name, self.env[model]._fields, f"{where}: {model}.{name}")
            model = self.env[model]._fields[name].comodel_name or model

    def assertDomain(self, model, domain, where):
        for leaf in domain:
            if isinstance(leaf, list):
                self.assertPath(model, leaf[0], where)
        # The server accepts it as a search.
        self.env[model].search_count(domain)

    def assertMatching(self, model, matching, where):
        filters = {f["id"] for f in self.data["globalFilters"]}
        for filter_id, match in matching.items():
            self.assertIn(filter_id, filters, where)
            self.assertPath(model, match["chain"], where)

    def test_the_spreadsheet_is_the_file_and_readable_by_its_dashboard(self):
        with file_open(DASHBOARD_FILE) as dashboard_file:
            self.assertEqual(self.data, json.load(dashboard_file))
        snapshot = self.dashboard.get_readonly_dashboard()["snapshot"]
        self.assertEqual(
            [sheet["name"] for sheet in snapshot["sheets"]], ["Dashboard", "Data"]
        )

    def test_every_pivot_names_a_model_and_its_fields(self):
        self.assertTrue(self.data["pivots"])
        for pivot_id, pivot in self.data["pivots"].items():
            model, where = pivot["model"], f"pivot {pivot_id} {pivot['name']}"
            self.assertIn(model, self.env, where)
            for measure in pivot["measures"]:
                if measure["fieldName"] != "__count":
                    self.assertPath(model, measure["fieldName"], where)
                    field = self.env[model]._fields[measure["fieldName"]]
                    self.assertTrue(field.store and field.aggregator, where)
            for dimension in pivot["rows"] + pivot["columns"]:
                self.assertPath(model, dimension["fieldName"], where)
            self.assertDomain(model, pivot["domain"], where)
            self.assertMatching(model, pivot["fieldMatching"], where)
        self.assertGreater(self.data["pivotNextId"], max(map(int, self.data["pivots"])))

    def test_every_chart_names_a_model_and_its_fields(self):
        charts = [
            figure["data"]
            for sheet in self.data["sheets"]
            for figure in sheet["figures"]
            if figure["data"]["type"].startswith("odoo_")
        ]
        self.assertEqual(len(charts), 4)
        for chart in charts:
            meta, where = chart["metaData"], chart["title"]["text"]
            self.assertIn(meta["resModel"], self.env, where)
            if meta["measure"] != "__count":
                self.assertPath(meta["resModel"], meta["measure"], where)
            for group_by in meta["groupBy"]:
                self.assertPath(meta["resModel"], group_by, where)
            self.assertDomain(meta["resModel"], chart["searchParams"]["domain"], where)
            self.assertMatching(meta["resModel"], chart["fieldMatching"], where)
        # A click on a chart opens its menu: each names a chart and a menu there is.
        figure_ids = {f["id"] for s in self.data["sheets"] for f in s["figures"]}
        menus = self.data["chartOdooMenusReferences"]
        self.assertEqual(len(menus), len(charts))
        for figure_id, menu in menus.items():
            self.assertIn(figure_id, figure_ids)
            self.assertEqual(self.env.ref(menu)._name, "ir.ui.menu")

    def test_every_formula_names_a_pivot_and_scorecards_read_the_data_sheet(self):
        data_sheet = next(s for s in self.data["sheets"] if s["name"] == "Data")
        for sheet in self.data["sheets"]:
            for ref, cell in sheet["cells"].items():
                for pivot_id in re.findall(
                    r"PIVOT(?:\.VALUE|\.HEADER)?\((\d+)", cell["content"]
                ):
                    self.assertIn(
                        pivot_id, self.data["pivots"], f"{sheet['name']}!{ref}"
                    )
            for figure in sheet["figures"]:
                if figure["data"]["type"] == "scorecard":
                    for key in ("keyValue", "baseline"):
                        if key in figure["data"]:
                            sheet_name, ref = figure["data"][key].split("!")
                            self.assertEqual(sheet_name, "Data")
                            self.assertIn(ref, data_sheet["cells"])
        for filter_ in self.data["globalFilters"]:
            if filter_["type"] == "relation":
                self.assertIn(filter_["modelName"], self.env)

    def test_the_names_are_offered_for_translation(self):
        """Odoo's translation export reads data/**/*_dashboard.json with this
        extractor: the figures' names, the sections, the filters' labels."""
        with file_open(DASHBOARD_FILE, "rb") as dashboard_file:
            terms = {
                term
                for _l, _f, term, _c in extract_spreadsheet_terms(
                    dashboard_file, [], [], {}
                )
            }
        for name in (
            "Points earned",
            "Points spent",
            "Points expired",
            "New members",
            "Members",
            "Vouchers used",
            "Rewards' cost to the clinic",
            "Money taken in points",
            "Points by month",
            "Members by tier",
            "since last period",
            "Period",
            "Clinic",
        ):
            self.assertIn(name, terms)
        self.assertTrue(self.dashboard._fields["name"].translate)

    def test_the_dashboard_is_the_loyalty_managers(self):
        manager_group = self.env.ref("dental_loyalty.group_dental_loyalty_manager")
        self.assertEqual(self.dashboard.group_ids, manager_group)
        self.assertEqual(self.dashboard.dashboard_group_id.name, "Dental Loyalty")
        manager = new_test_user(
            self.env,
            login="dl_dash_manager",
            groups="base.group_user,dental_loyalty.group_dental_loyalty_manager",
        )
        reception = new_test_user(
            self.env,
            login="dl_dash_reception",
            groups="base.group_user,dental_loyalty.group_dental_loyalty_user",
        )
        Dashboard = self.env["spreadsheet.dashboard"]
        self.assertIn(self.dashboard, Dashboard.with_user(manager).search([]))
        self.assertNotIn(self.dashboard, Dashboard.with_user(reception).search([]))

    def test_every_name_reads_in_vietnamese_russian_and_persian(self):
        """Each name of the dashboard (record names and the spreadsheet's terms) has
        a translation in the addon's vi, ru and fa files, the spreadsheet's marked
        for the web client (odoo-javascript) as Odoo's export marks them."""
        with file_open(DASHBOARD_FILE, "rb") as dashboard_file:
            terms = {
                term
                for _l, _f, term, _c in extract_spreadsheet_terms(
                    dashboard_file, [], [], {}
                )
            }
        records = {self.dashboard.name, self.dashboard.dashboard_group_id.name}
        for lang in ("vi", "ru", "fa"):
            path = f"dental_loyalty_spreadsheet_dashboard/i18n/{lang}.po"
            with file_open(path, "rb") as po_file:
                entries = list(PoFileReader(po_file))
            translated = {
                e["src"] for e in entries if e["value"] and e["value"] != e["src"]
            }
            web = {
                e["src"]
                for e in entries
                if e["type"] == "code" and "odoo-javascript" in e["comments"]
            }
            self.assertLessEqual(terms | records, translated, lang)
            self.assertLessEqual(terms, web, lang)
