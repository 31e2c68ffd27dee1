"""The PNGs of docs/screenshots/, taken from a running demo clinic.

Run through scripts/screenshots, which finds Odoo's Python; the environment it reads is
described there. Each screen waits for what it shows, never for network idleness (the
web client keeps a bus connection open).
"""

import io
import json
import os
import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path

import screenshots_register  # scripts/, beside this file
from PIL import Image

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
except ImportError:
    sys.exit(
        f"error: Playwright is not installed in Odoo's Python ({sys.executable}); "
        f"install it: {sys.executable} -m pip install playwright"
    )

URL = os.environ.get("URL", f"http://localhost:{os.environ.get('PORT', '8069')}")
URL = URL.rstrip("/")
DB = os.environ.get("DEMO_DB", "dental_loyalty_demo")
LOGIN = os.environ.get("LOGIN", "admin")
PASSWORD = os.environ.get("PASSWORD", "admin")
CHROMIUM = (
    os.environ.get("CHROMIUM")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
)
OUT = Path(
    os.environ.get("OUT", Path(__file__).resolve().parent.parent / "docs/screenshots")
)

VIEWPORT = {"width": 1280, "height": 800}
# The form puts its chatter beside the sheet from 1534 pixels on.
WIDE_VIEWPORT = {"width": 1600, "height": 900}
# The patient's page on a phone.
PHONE_VIEWPORT = {"width": 375, "height": 667}
LANGUAGES = ("vi_VN", "ru_RU", "fa_IR")
TIMEOUT_MS = 60_000


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


def check_server():
    request = urllib.request.Request(
        f"{URL}/web/webclient/version_info",
        data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            version = json.load(answer)["result"]["server_serie"]
    except (urllib.error.URLError, OSError, KeyError, ValueError) as error:
        fail(f"no Odoo answers at {URL} ({error}); start the demo with scripts/demo")
    if version != "18.0":
        fail(f"{URL} runs Odoo {version}, not 18.0")


def save(png, name):
    """Save ``png`` as OUT/name.png in 256 colours: under half the size, and the
    screens are flat colours and text."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=0)
    path = OUT / f"{name}.png"
    image.save(path, optimize=True)
    print(f"  {path.name} ({path.stat().st_size // 1024} KiB)")


class Demo:
    def __init__(self, page):
        self.page = page
        self.uid = None

    def rpc(self, route, params):
        answer = self.page.request.post(
            f"{URL}{route}",
            data={"jsonrpc": "2.0", "method": "call", "params": params},
            timeout=600_000,
        ).json()
        if "error" in answer:
            fail(f"{route}: {answer['error']['data']['message']}")
        return answer["result"]

    def call(self, model, method, *args, **kwargs):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        found = self.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
        )
        if not found:
            fail(f"{xmlid} is missing: is {DB} the demo clinic (scripts/demo)?")
        return found[0]["res_id"]

    def log_in(self):
        self.page.goto(f"{URL}/web/login?db={DB}")
        self.page.fill("input[name=login]", LOGIN)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        try:
            self.page.wait_for_selector(".o_web_client", timeout=TIMEOUT_MS)
        except PlaywrightError:
            fail(f"could not log in to {DB} at {URL} as {LOGIN}")
        self.uid = self.rpc("/web/session/get_session_info", {})["uid"]

    def install_languages(self):
        """Activate the languages and load their translations, unless the demo
        has them already (a field's label then differs from the English one)."""

        def label(lang):
            fields = self.call(
                "dental.loyalty.wallet",
                "fields_get",
                ["points_available"],
                ["string"],
                context={"lang": lang},
            )
            return fields["points_available"]["string"]

        active = self.call(
            "res.lang", "search_read", [("code", "in", LANGUAGES)], ["code"]
        )
        english = label("en_US")
        translated = {lang["code"] for lang in active if label(lang["code"]) != english}
        missing = [code for code in LANGUAGES if code not in translated]
        if not missing:
            return
        print(f"installing {', '.join(missing)} in {DB} (a minute or two) ...")
        lang_ids = self.call(
            "res.lang",
            "search",
            [("code", "in", missing)],
            context={"active_test": False},
        )
        # Active first, in a request of its own: the wizard loads translations
        # only for languages it finds active.
        self.call("res.lang", "write", lang_ids, {"active": True})
        wizard = self.call(
            "base.language.install",
            "create",
            {"lang_ids": [(6, 0, lang_ids)], "overwrite": False},
        )
        self.call("base.language.install", "lang_install", [wizard])

    def use_language(self, code):
        self.call("res.users", "write", [self.uid], {"lang": code})
        # The session keeps the language it logged in with for the pages the
        # server renders (the register's, right to left or not) until the web
        # client reads its session again, as it does after Preferences.
        self.rpc("/web/session/get_session_info", {})

    def open(self, path, ready):
        self.page.goto(f"{URL}{path}")
        self.page.wait_for_selector(ready, timeout=TIMEOUT_MS)
        # Fonts and badges settle after the first paint.
        self.page.wait_for_timeout(800)

    def shot(self, name):
        save(self.page.screenshot(), name)

    # ------------------------------------------------------------------
    # The screens
    # ------------------------------------------------------------------

    def patient_tab(self, xmlid, name):
        self.open(
            f"/odoo/contacts/{self.ref(xmlid)}",
            ".o_form_view .o_notebook a.nav-link[name=dental_loyalty]",
        )
        self.page.click(".o_notebook a.nav-link[name=dental_loyalty]")
        self.page.wait_for_selector(".o_dental_loyalty_tier_badge")
        # The tab, with the patient's name above it.
        self.page.locator(".o_notebook").scroll_into_view_if_needed()
        self.page.evaluate(
            "document.querySelector('.o_content').scrollBy(0, "
            "document.querySelector('.o_notebook').getBoundingClientRect().top - 260)"
        )
        self.page.wait_for_timeout(300)
        self.shot(name)

    def wallet_form(self):
        self.page.set_viewport_size(WIDE_VIEWPORT)
        wallet = self.ref("dental_loyalty.wallet_ivan_petrov")
        self.open(
            f"/odoo/action-dental_loyalty.dental_loyalty_wallet_action/{wallet}",
            ".o_form_view .o-mail-Chatter .o-mail-Message",
        )
        self.shot("wallet-form")
        self.page.set_viewport_size(VIEWPORT)

    def ledger(self):
        self.open(
            "/odoo/action-dental_loyalty.dental_loyalty_ledger_action",
            ".o_list_view .o_data_row",
        )
        self.shot("ledger")

    def wallets(self, name):
        self.open(
            "/odoo/action-dental_loyalty.dental_loyalty_wallet_action",
            ".o_list_view .o_data_row .o_dental_loyalty_tier_badge",
        )
        self.shot(name)

    def overview(self):
        self.open(
            "/odoo/action-dental_loyalty.dental_loyalty_overview_action",
            ".o_form_view .o_dental_loyalty_tier_badge",
        )
        self.shot("overview")

    def settings(self):
        self.open(
            "/odoo/action-dental_loyalty.dental_loyalty_config_settings_action",
            ".o_setting_container [data-key=dental_loyalty] .o_setting_box, "
            ".app_settings_block[data-key=dental_loyalty]",
        )
        self.page.wait_for_selector("[name=dental_loyalty_example]")
        self.shot("settings")

    def tier_form(self):
        tier = self.ref("dental_loyalty.tier_gold")
        self.open(
            f"/odoo/action-dental_loyalty.dental_loyalty_tier_action/{tier}",
            ".o_form_view .o_field_widget[name=threshold_unit]",
        )
        self.shot("tier-form")

    def family_form(self):
        family = self.ref("dental_loyalty.family_pham")
        self.open(
            f"/odoo/action-dental_loyalty.dental_loyalty_family_action/{family}",
            ".o_form_view .o_field_widget[name=member_ids] .o_data_row",
        )
        self.shot("family-form")

    def referrals(self):
        # Grouped by referrer: open each group to show its referrals' states.
        self.open(
            "/odoo/action-dental_loyalty.dental_loyalty_referral_action",
            ".o_list_view .o_group_header",
        )
        headers = self.page.locator(".o_list_view .o_group_header")
        for index in range(headers.count()):
            headers.nth(index).click()
        self.page.wait_for_selector(".o_list_view .o_data_row")
        self.page.wait_for_timeout(500)
        self.shot("referrals")

    def member_card(self):
        """The card as a card printer prints it (CR80), from the report's HTML."""
        partner = self.ref("dental_loyalty.patient_olga_smirnova")
        self.page.set_viewport_size({"width": 700, "height": 460})
        self.open(
            f"/report/html/dental_loyalty.report_member_card_cr80/{partner}",
            ".o_dental_loyalty_card",
        )
        save(
            self.page.locator(".o_dental_loyalty_card").screenshot(), "member-card-cr80"
        )
        self.page.set_viewport_size(VIEWPORT)

    def page_link(self, xmlid):
        """The patient's signed page link, as their messages carry it (a new
        one when the demo has none yet)."""
        partner = self.ref(xmlid)
        for _attempt in range(2):
            wallets = self.call(
                "dental.loyalty.wallet",
                "search_read",
                [("partner_id", "=", partner)],
                ["access_token"],
            )
            if wallets and wallets[0]["access_token"]:
                wallet = wallets[0]
                token = wallet["access_token"]
                return f"/my/loyalty/{wallet['id']}?access_token={token}"
            self.call("res.partner", "action_dental_loyalty_renew_page_link", [partner])
        fail(f"{xmlid} has no loyalty page link")

    def loyalty_page(self, xmlid, name, viewport, lang=None):
        """The patient's loyalty page through their link, as they open it; in
        ``lang`` (the patient's language for a while) when given."""
        partner = self.ref(xmlid)
        before = self.call("res.partner", "read", [partner], ["lang"])[0]["lang"]
        if lang:
            self.call("res.partner", "write", [partner], {"lang": lang})
        try:
            context = self.page.context.browser.new_context(viewport=viewport)
            visitor = context.new_page()
            visitor.goto(f"{URL}{self.page_link(xmlid)}")
            visitor.wait_for_selector("#dl_points", timeout=TIMEOUT_MS)
            visitor.wait_for_timeout(800)
            save(visitor.screenshot(full_page=True), name)
            context.close()
        finally:
            if lang:
                self.call("res.partner", "write", [partner], {"lang": before})

    def register(self):
        """The Front Desk register: a service, a patient, what the order earns;
        then paid in cash, the receipt."""
        config = self.ref("dental_loyalty.pos_config_front_desk")
        self.call("pos.config", "open_ui", [config])
        self.open(f"/pos/ui?config_id={config}", ".pos")
        page = self.page
        # A new session asks for the opening cash first.
        opening = page.locator(".screen-login .open-register-btn")
        products = page.locator(".product-screen")
        opening.or_(products).first.wait_for()
        if opening.count():
            opening.click()
        cash_control = page.locator(".modal-footer .btn-primary")
        cash_control.or_(products).first.wait_for()
        if cash_control.count():
            cash_control.click()
        page.locator(
            'article.product .product-name:text-is("Scale and Polish")'
        ).click()
        page.locator(".product-screen .set-partner").click()
        page.locator('.modal .partner-list b:text-is("Ольга Смирнова")').click()
        page.wait_for_selector(".o_dental_loyalty_earn_preview")
        page.wait_for_selector(".set-partner .o_dental_loyalty_tier")
        page.wait_for_timeout(500)
        self.shot("pos-register")
        page.locator(".product-screen .pay-order-button").click()
        page.locator(
            '.paymentmethods .button.paymentmethod .payment-name:text-is("Cash")'
        ).click()
        page.locator(".payment-screen .button.next.highlight").click()
        page.wait_for_selector(".pos-receipt .o_dental_loyalty_receipt")
        page.wait_for_timeout(500)
        self.shot("pos-receipt")


def main():
    check_server()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
        except PlaywrightError as error:
            fail(
                f"Chromium did not start ({str(error).splitlines()[0]}); set CHROMIUM "
                "to a Chromium, or run: <odoo's python> -m playwright install chromium"
            )
        page = browser.new_page(viewport=VIEWPORT)
        page.set_default_timeout(TIMEOUT_MS)
        demo = Demo(page)
        demo.log_in()
        demo.install_languages()
        print(f"saving into {OUT}:")
        try:
            demo.use_language("en_US")
            demo.patient_tab(
                "dental_loyalty.patient_olga_smirnova", "patient-loyalty-tab"
            )
            demo.wallet_form()
            demo.ledger()
            demo.overview()
            demo.settings()
            demo.tier_form()
            demo.family_form()
            demo.referrals()
            for lang, xmlid in (
                ("vi_VN", "dental_loyalty.patient_le_hoang_cuong"),
                ("ru_RU", "dental_loyalty.patient_olga_smirnova"),
                ("fa_IR", "dental_loyalty.patient_sara_ahmadi"),
            ):
                demo.use_language(lang)
                demo.patient_tab(xmlid, f"patient-loyalty-tab.{lang[:2]}")
            demo.wallets("wallets.fa")
            demo.use_language("en_US")
            demo.member_card()
            patient = "dental_loyalty.patient_olga_smirnova"
            demo.loyalty_page(patient, "loyalty-page", VIEWPORT)
            demo.loyalty_page(patient, "loyalty-page-phone", PHONE_VIEWPORT)
            demo.loyalty_page(
                "dental_loyalty.patient_sara_ahmadi",
                "loyalty-page-phone.fa",
                PHONE_VIEWPORT,
                lang="fa_IR",
            )
            demo.use_language("en_US")
            demo.register()
            screenshots_register.register_at_1024(demo, VIEWPORT)
            screenshots_register.reward_catalog(demo, VIEWPORT)
            screenshots_register.register_in_persian(demo, VIEWPORT)
        except PlaywrightError as error:
            fail(f"a screen did not show as expected: {error}")
        finally:
            if demo.uid:
                demo.use_language("en_US")
            browser.close()


if __name__ == "__main__":
    main()
