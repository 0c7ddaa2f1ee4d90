from odoo import models
from odoo.exceptions import UserError


class OmnichannelProviderWhatsapp(models.AbstractModel):
    _name = "omnichannel.provider.whatsapp"
    _inherit = "omnichannel.provider"
    _description = "WhatsApp Cloud API provider"

    def _send_message(self, conversation, message):
        """Queue the agent's message; the cron sends it after this transaction commits."""
        # sudo: omnichannel.conversation - the agent posting may act on it (checked by core)
        conversation = conversation.sudo()
        if not conversation.whatsapp_account_id or not conversation.whatsapp_wa_id:
            raise UserError(self.env._("This conversation has no WhatsApp number to reply to."))
        Outbound = self.env["omnichannel.whatsapp.outbound"].sudo()
        template_payload = self.env.context.get("omnichannel_whatsapp_template")
        if template_payload:
            return Outbound._enqueue_template(conversation, message, template_payload)
        if not conversation.whatsapp_window_open:
            raise UserError(
                self.env._(
                    "More than 24 hours have passed since %(customer)s last wrote: WhatsApp "
                    "only accepts an approved template now. Use “Send template” in the "
                    "conversation.",
                    customer=conversation.partner_id.name,
                )
            )
        return Outbound._enqueue_message(conversation, message)
