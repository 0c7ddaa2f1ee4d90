from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class OmnichannelWhatsappTemplateSend(models.TransientModel):
    """The agent picks an approved template, checks the values filled from the contact and
    the conversation, edits them, and sends."""

    _name = "omnichannel.whatsapp.template.send"
    _description = "Send a WhatsApp template"

    conversation_id = fields.Many2one("omnichannel.conversation", required=True)
    account_id = fields.Many2one(related="conversation_id.whatsapp_account_id")
    template_id = fields.Many2one(
        "omnichannel.whatsapp.template",
        required=True,
        domain="[('account_id', '=', account_id), ('is_approved', '=', True)]",
    )
    line_ids = fields.One2many(
        "omnichannel.whatsapp.template.send.line",
        "wizard_id",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )
    preview = fields.Text(compute="_compute_preview")

    @api.depends("template_id")
    def _compute_line_ids(self):
        for wizard in self:
            commands = [(5, 0, 0)]
            for component, key in (
                wizard.template_id._get_placeholders() if wizard.template_id else []
            ):
                commands.append(
                    (
                        0,
                        0,
                        {
                            "component": component,
                            "key": key,
                            "value": wizard._default_value(component, key),
                        },
                    )
                )
            wizard.line_ids = commands

    @api.depends("template_id", "line_ids.value")
    def _compute_preview(self):
        for wizard in self:
            wizard.preview = (
                wizard.template_id._render(wizard._values()) if wizard.template_id else False
            )

    def _values(self):
        return {(line.component, line.key): line.value or "" for line in self.line_ids}

    def _default_value(self, component, key):
        """A value from the contact or the conversation for a template variable: positional
        {{1}} is the customer's name; named ones by their usual names."""
        conversation = self.conversation_id
        customer = conversation.partner_id.name or ""
        known = {
            "1": customer if component == "BODY" else "",
            "name": customer,
            "customer_name": customer,
            "first_name": customer.split(" ")[0] if customer else "",
            "agent_name": self.env.user.name,
            "agent": self.env.user.name,
            "company_name": self.env.company.name,
            "ticket": conversation.ticket_id.number or "",
            "ticket_number": conversation.ticket_id.number or "",
        }
        return known.get(key.lower(), "")

    def action_send(self):
        self.ensure_one()
        conversation = self.conversation_id
        conversation._check_can_act()
        if not self.template_id.is_approved:
            raise UserError(self.env._("Only a template approved by Meta can be sent."))
        missing = self.line_ids.filtered(lambda line: not (line.value or "").strip())
        if missing:
            raise UserError(
                self.env._(
                    "Fill in every variable of the template: %(names)s",
                    names=", ".join(f"{{{{{line.key}}}}}" for line in missing),
                )
            )
        values = self._values()
        payload = self.template_id._prepare_send_payload(values)
        text = self.template_id._render(values)
        body = Markup("<p>%s</p>") % text
        body = Markup(str(body).replace("\n", "<br/>"))
        # sudo: discuss.channel - the agent may act on the conversation (checked above)
        channel = conversation.sudo().channel_id.with_context(omnichannel_whatsapp_template=payload)
        channel.message_post(
            body=body,
            author_id=self.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return {"type": "ir.actions.act_window_close"}


class OmnichannelWhatsappTemplateSendLine(models.TransientModel):
    _name = "omnichannel.whatsapp.template.send.line"
    _description = "WhatsApp template variable"

    wizard_id = fields.Many2one(
        "omnichannel.whatsapp.template.send", required=True, ondelete="cascade"
    )
    component = fields.Char(required=True, readonly=True)
    key = fields.Char(string="Variable", required=True, readonly=True)
    value = fields.Char()
