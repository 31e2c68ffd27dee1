from odoo import SUPERUSER_ID
from odoo.tests import tagged

from .common import DentalLoyaltyCommon, load_migration


@tagged("post_install", "-at_install")
class TestTemplateMigration(DentalLoyaltyCommon):
    """An update brings the page link to the messages nobody edited, and keeps
    the ones a clinic wrote itself."""

    def _migrate(self):
        script = load_migration("18.0.1.7.0/end-migrate.py")
        script.migrate(self.env.cr, "18.0.1.6.0")

    def test_untouched_templates_get_the_link_edited_ones_are_kept(self):
        installer = self.env["mail.template"].with_user(SUPERUSER_ID).sudo()
        earned = installer.env.ref("dental_loyalty.mail_template_points_earned")
        earned_sms = installer.env.ref("dental_loyalty.sms_template_points_earned")
        # As an older version installed them: without the link.
        earned.body_html = "<p>Points earned.</p>"
        earned_sms.body = "Points earned."
        admin = self.env.ref("base.user_admin")
        tier_news = self.env.ref("dental_loyalty.mail_template_tier_change")
        tier_news.with_user(admin).sudo().body_html = "<p>Our own words.</p>"

        self._migrate()

        self.assertIn("page_url", earned.body_html)
        self.assertIn("page_url", earned_sms.body)
        self.assertIn("Our own words.", tier_news.body_html)
        self.assertNotIn("page_url", tier_news.body_html)

    def test_reworded_templates_take_the_registers_words_unless_edited(self):
        installer = self.env["mail.template"].with_user(SUPERUSER_ID).sudo()
        statement = installer.env.ref("dental_loyalty.mail_template_statement")
        dormant_sms = installer.env.ref("dental_loyalty.sms_template_dormant")
        # As 18.0.1.8.0 installed them, in other words than the register's.
        statement.body_html = "<p>Points on their way: 120.</p>"
        dormant_sms.body = "We miss you! Points waiting: 800."
        admin = self.env.ref("base.user_admin")
        dormant = self.env.ref("dental_loyalty.mail_template_dormant")
        dormant.with_user(admin).sudo().body_html = "<p>Our own words.</p>"

        script = load_migration("18.0.1.9.0/end-migrate.py")
        script.migrate(self.env.cr, "18.0.1.8.0")

        self.assertIn("Pending points", statement.body_html)
        self.assertNotIn("on their way", statement.body_html)
        self.assertIn("spendable points", dormant_sms.body)
        self.assertIn("Our own words.", dormant.body_html)
