from odoo import SUPERUSER_ID, api

# The shipped messages that now carry the patient's page link.
LINKED_TEMPLATES = [
    f"dental_loyalty.{kind}_template_{event}"
    for kind in ("mail", "sms")
    for event in (
        "points_earned",
        "tier_change",
        "near_tier",
        "expiry_warning",
        "birthday",
    )
]


def migrate(cr, version):
    carry_the_page_link(api.Environment(cr, SUPERUSER_ID, {}))


def carry_the_page_link(env):
    """The message templates are the clinic's to edit, so an update leaves them
    (noupdate). Those nobody edited (last written by the installer) are reset
    from the addon's files, translations included, and carry the page link; the
    ones a clinic edited are kept, and the clinic adds the link when it wants."""
    templates = [env.ref(xmlid, raise_if_not_found=False) for xmlid in LINKED_TEMPLATES]
    untouched = [
        template
        for template in templates
        if template and template.write_uid.id == SUPERUSER_ID
    ]
    for template in untouched:
        template.reset_template()
