from odoo import api, models

from .dental_loyalty_message import DEFAULTS

# The shipped templates' xml ids: event, for a template no clinic chose yet.
SHIPPED = {
    f"dental_loyalty.{xmlid}": event
    for event, (_channel, mail_xmlid, sms_xmlid) in DEFAULTS.items()
    for xmlid in (mail_xmlid, sms_xmlid)
}


class MailRenderMixin(models.AbstractModel):
    """A loyalty message rendered with no event (the template's preview,
    Contacts > Send email or SMS to a selection) reads each patient's own
    figures from their records, in their language, instead of the empty
    values of no event or another patient's sample."""

    _inherit = "mail.render.mixin"

    def _render_field(  # noqa: PLR0917 (core's signature)
        self,
        field,
        res_ids,
        engine="inline_template",
        compute_lang=False,
        set_lang=False,
        add_context=None,
        options=None,
    ):
        event = self._dental_loyalty_event(field, res_ids)
        if not event:
            return super()._render_field(
                field,
                res_ids,
                engine=engine,
                compute_lang=compute_lang,
                set_lang=set_lang,
                add_context=add_context,
                options=options,
            )
        Partner = self.env["res.partner"]
        preview_lang = self.env.context.get("template_preview_lang")
        rendered = {}
        for partner in Partner.browse(res_ids):
            lang = preview_lang or set_lang or partner.lang or self.env.lang
            figures = partner.with_context(lang=lang)._dental_loyalty_message_figures(
                event
            )
            rendered.update(
                super(
                    MailRenderMixin, self.with_context(dental_loyalty=figures)
                )._render_field(
                    field,
                    partner.ids,
                    engine=engine,
                    compute_lang=compute_lang,
                    set_lang=set_lang,
                    add_context=add_context,
                    # Core writes into the options it is given: each patient's
                    # render gets its own, or the second one refuses them.
                    options=dict(options or {}),
                )
            )
        return rendered

    @api.model
    def _render_template_qweb(
        self, template_src, model, res_ids, add_context=None, options=None
    ):
        # Core writes raise_on_forbidden_code_for_model into the options it is
        # handed, which are a field's own render_options (body_html's): one
        # render by a user with restricted rendering (a cashier, over
        # JSON-RPC) left it there, and every later render in the process was
        # refused ("not supported as options"). Each render gets its own copy.
        return super()._render_template_qweb(
            template_src,
            model,
            res_ids,
            add_context=add_context,
            options=dict(options or {}),
        )

    def _dental_loyalty_event(self, field, res_ids):
        """The loyalty event whose template renders ``field`` of patients, when
        no event's values were given; False otherwise."""
        if (
            not res_ids
            or "dental_loyalty" in self.env.context
            or len(self) != 1
            or self.render_model != "res.partner"
            or "dental_loyalty" not in str(self[field] or "")
            # Figures are for loyalty users and the engine, not for whoever may
            # read the patient (the dispatcher passes its own, in the context).
            or not self.env["res.partner"]._dental_loyalty_may_read_figures()
        ):
            return False
        template = self
        if self._name not in ("mail.template", "sms.template"):
            template = self.template_id if "template_id" in self._fields else None
        return self._dental_loyalty_template_event(template)

    @api.model
    def _dental_loyalty_template_event(self, template):
        """The loyalty event ``template`` (a mail or SMS template) is the
        message of, in the current company, or of the addon's shipped
        templates that no clinic chose yet; False for any other template."""
        if not template:
            return False
        # Which event a template is for is the clinic's setting, read as such.
        Message = self.env["dental.loyalty.message"].sudo()
        template_field = (
            "sms_template_id"
            if template._name == "sms.template"
            else "mail_template_id"
        )
        message = Message.search(
            [
                (template_field, "=", template.id),
                ("company_id", "=", self.env.company.id),
            ],
            limit=1,
        )
        if message:
            return message.event
        return SHIPPED.get(template.sudo().get_external_id().get(template.id))
