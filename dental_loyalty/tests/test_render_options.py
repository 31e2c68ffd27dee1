from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.mail.models.mail_render_mixin import (
    MailRenderMixin as CoreRenderMixin,
)

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestRenderOptions(DentalLoyaltyCommon):
    """A loyalty template rendered on several patients (the composers' batch
    comment mode) renders each with the options it was given."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.third = cls.env["res.partner"].create({"name": "Hoa Le"})

    def test_each_patient_is_rendered_with_its_own_options(self):
        """Core writes into the options it renders with (a user outside the
        template editors); the second patient must not get the first one's."""
        seen = []

        def render_field(template, field, res_ids, *args, options=None, **kwargs):
            seen.append(dict(options))
            options["raise_on_forbidden_code_for_model"] = "res.partner"
            return dict.fromkeys(res_ids, "")

        statement = self.env.ref("dental_loyalty.mail_template_statement")
        with patch.object(CoreRenderMixin, "_render_field", render_field):
            statement.with_user(self.receptionist)._render_field(
                "body_html",
                (self.patient | self.third).ids,
                options={"post_process": True},
            )
        self.assertEqual(seen, [{"post_process": True}] * 2)
