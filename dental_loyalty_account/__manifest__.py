{
    "name": "Dental Loyalty: Accounting",
    "summary": "Books the loyalty points patients hold as a contract liability, "
    "net of expected breakage, with one journal entry per month",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "dental_loyalty developers",
    "website": "https://github.com/dental-loyalty/dental_loyalty",
    "maintainers": ["dental-loyalty"],
    "depends": ["dental_loyalty", "account"],
    "data": [
        "security/ir.model.access.csv",
        "security/dental_loyalty_account_security.xml",
        "data/ir_cron_data.xml",
        "wizard/dental_loyalty_liability_book_views.xml",
        "views/dental_loyalty_liability_booking_views.xml",
        "views/res_config_settings_views.xml",
        "views/dental_loyalty_account_menus.xml",
    ],
}
