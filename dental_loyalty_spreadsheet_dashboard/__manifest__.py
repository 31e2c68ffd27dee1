{
    "name": "Dental Loyalty Dashboard",
    "summary": "The loyalty programme's headline figures and their trend in Odoo's "
    "spreadsheet dashboards",
    "version": "18.0.1.0.0",
    "category": "Productivity/Dashboard",
    "license": "LGPL-3",
    "author": "dental_loyalty developers",
    "website": "https://github.com/dental-loyalty/dental_loyalty",
    "maintainers": ["dental-loyalty"],
    "depends": ["dental_loyalty", "spreadsheet_dashboard"],
    "data": ["data/dashboards.xml"],
    "assets": {
        "web.assets_tests": [
            "dental_loyalty_spreadsheet_dashboard/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
}
