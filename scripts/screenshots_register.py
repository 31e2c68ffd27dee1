"""The register's shots at the widths the front desk uses and in Persian, for
scripts/screenshots.py (which holds the Demo it is given)."""

REGISTER_1024 = {"width": 1024, "height": 768}
PATIENT = "Ольга Смирнова"


def open_register_with_patient(demo, viewport):
    """The Front Desk register at ``viewport``: a scale and polish on a new
    order, the demo patient chosen, her tier and points shown."""
    page = demo.page
    page.set_viewport_size(viewport)
    config = demo.ref("dental_loyalty.pos_config_front_desk")
    demo.call("pos.config", "open_ui", [config])
    demo.open(f"/pos/ui?config_id={config}", ".pos")
    products = page.locator(".product-screen")
    # A register seen for the first time in this browser asks to be unlocked;
    # one left on a receipt asks for the next order.
    unlock = page.locator(".screen-login .open-register-btn")
    receipt = page.locator(".receipt-screen .button.next")
    products.or_(unlock).or_(receipt).first.wait_for()
    if unlock.count():
        unlock.click()
        products.or_(receipt).first.wait_for()
    if receipt.count():
        receipt.click()
    # By its id: in Persian the service's name is translated.
    service = demo.ref("dental_loyalty.product_scale_polish")
    page.locator(f'article.product[data-product-id="{service}"]').click()
    page.locator(".product-screen .set-partner").click()
    page.locator(f'.modal .partner-list b:text-is("{PATIENT}")').click()
    page.wait_for_selector(".set-partner .o_dental_loyalty_points")
    page.wait_for_selector(".o_dental_loyalty_earn_preview")
    page.wait_for_timeout(500)


def register_at_1024(demo, viewport):
    """The product screen at 1024 px: the patient, their spendable and pending
    points, the register's buttons, what the order earns."""
    open_register_with_patient(demo, REGISTER_1024)
    demo.shot("pos-register-1024")
    demo.page.set_viewport_size(viewport)


def reward_catalog(demo, viewport):
    """Rewards at 1024 px: the whole catalog for the demo patient, those she
    cannot have greyed with why; one chosen becomes a held line of the bill."""
    open_register_with_patient(demo, REGISTER_1024)
    page = demo.page
    page.locator('.o_dental_loyalty_desk button:has-text("Rewards")').click()
    page.wait_for_selector(".o_dental_loyalty_catalog .o_dental_loyalty_reward")
    page.wait_for_timeout(300)
    demo.shot("pos-rewards-1024")
    page.locator(".o_dental_loyalty_catalog .btn-close").click()
    demo.page.set_viewport_size(viewport)


def register_in_persian(demo, viewport):
    """The register in Persian, right to left (Odoo builds those assets with
    rtlcss: a shot left to right means it was missing)."""
    demo.use_language("fa_IR")
    try:
        open_register_with_patient(demo, viewport)
        if not demo.page.evaluate("document.body.classList.contains('o_rtl')"):
            raise SystemExit("error: the register in Persian is not right to left")
        demo.shot("pos-register.fa")
    finally:
        demo.use_language("en_US")
