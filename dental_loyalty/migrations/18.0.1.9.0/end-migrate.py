from odoo import SUPERUSER_ID, api

# The shipped messages whose words are now the register's: spendable, pending, total.
REWORDED_TEMPLATES = (
    "dental_loyalty.mail_template_dormant",
    "dental_loyalty.mail_template_statement",
    "dental_loyalty.sms_template_dormant",
    "dental_loyalty.sms_template_statement",
)


def migrate(cr, version):
    """Reset the reworded messages nobody edited (last written by the
    installer), translations included; a clinic's own words are kept."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in REWORDED_TEMPLATES:
        template = env.ref(xmlid, raise_if_not_found=False)
        if template and template.write_uid.id == SUPERUSER_ID:
            template.reset_template()
