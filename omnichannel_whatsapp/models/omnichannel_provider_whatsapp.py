from odoo import models
from odoo.exceptions import UserError

from odoo.addons.omnichannel_chat.models.omnichannel_outbound import OmnichannelSendError

from ..tools.graph_api import GraphApiError


class OmnichannelProviderWhatsapp(models.AbstractModel):
    _name = "omnichannel.provider.whatsapp"
    _inherit = "omnichannel.provider"
    _description = "WhatsApp Cloud API provider"

    def _send_message(self, conversation, message):
        """Queue the agent's message; it is sent after this transaction commits."""
        # sudo: omnichannel.conversation - the agent posting may act on it (checked by core)
        conversation = conversation.sudo()
        if not conversation.whatsapp_account_id or not conversation.whatsapp_wa_id:
            raise UserError(self.env._("This conversation has no WhatsApp number to reply to."))
        Outbound = self.env["omnichannel.outbound"]
        template_payload = self.env.context.get("omnichannel_whatsapp_template")
        if template_payload:
            return Outbound._whatsapp_enqueue_template(conversation, message, template_payload)
        if not conversation.whatsapp_window_open:
            raise UserError(
                self.env._(
                    "More than 24 hours have passed since %(customer)s last wrote: WhatsApp "
                    "only accepts an approved template now. Use “Send template” in the "
                    "conversation.",
                    customer=conversation.partner_id.name,
                )
            )
        return Outbound._whatsapp_enqueue_message(conversation, message)

    # Inbound ----------------------------------------------------------------------------------

    def _process_inbound(self, row, payload):
        return row._whatsapp_process(payload)

    # Outbound ---------------------------------------------------------------------------------

    def _can_send(self, account):
        return bool(account) and account.state == "ok"

    def _send_outbound(self, outbound):
        client = outbound._get_account()._get_client()
        try:
            response = getattr(outbound, f"_whatsapp_send_{outbound.kind}")(client)
        except GraphApiError as error:
            raise OmnichannelSendError(
                str(error),
                transient=error.transient,
                account_blocked=error.token_invalid,
                maybe_delivered=error.code is None,
            ) from error
        return ((response or {}).get("messages") or [{}])[0].get("id")

    def _on_outbound_sent(self, outbound):
        message = outbound.message_id
        if message and not message.omnichannel_whatsapp_id:
            # sudo: mail.message - Meta's id of the message, recorded by the sender
            message.sudo().omnichannel_whatsapp_id = outbound.external_id

    def _on_account_blocked(self, account, error):
        account._report_error(error.__cause__ or error)

    def _find_sent_by_tracker(self, outbound):
        status = self.env["omnichannel.inbound"].search(
            [
                ("source_id", "=", outbound.source_id.id),
                ("kind", "=", "status"),
                ("payload", "like", f'"biz_opaque_callback_data": "{outbound.tracker}"'),
            ],
            limit=1,
        )
        return status.external_id or None
