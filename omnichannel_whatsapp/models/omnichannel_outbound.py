from odoo import api, models

from ..tools.formatting import html_to_whatsapp

CAPTIONED_TYPES = ("image", "video", "document")


class OmnichannelOutbound(models.Model):
    """WhatsApp's part of the core's send queue: what an agent's message, reaction or read
    receipt becomes, and how each row is sent (called by ``omnichannel.provider.whatsapp``)."""

    _inherit = "omnichannel.outbound"

    # ------------------------------------------------------------------------------------------
    # Queueing (in the agent's transaction)
    # ------------------------------------------------------------------------------------------

    @api.model
    def _whatsapp_values(self, conversation, kind, **values):
        return self._prepare_values(
            conversation,
            conversation.whatsapp_account_id,
            conversation.whatsapp_wa_id,
            kind,
            **values,
        )

    @api.model
    def _whatsapp_enqueue_message(self, conversation, message):
        """The parts of an agent's message: text first, then each attachment (the text rides
        as the caption of a lone image, video or document)."""
        text = html_to_whatsapp(message.body or "")
        base = {
            "message_id": message.id,
            "reply_to_external_id": message.parent_id.omnichannel_whatsapp_id or False,
        }
        attachments = message.attachment_ids.sorted("id")
        values = []
        captioned = (
            len(attachments) == 1 and self._whatsapp_media_type(attachments) in CAPTIONED_TYPES
        )
        if text and not captioned:
            values.append(self._whatsapp_values(conversation, "text", text=text, **base))
        for attachment in attachments:
            values.append(
                self._whatsapp_values(
                    conversation,
                    "media",
                    attachment_id=attachment.id,
                    text=text if captioned else False,
                    **base,
                )
            )
        return self._enqueue(values)

    @api.model
    def _whatsapp_enqueue_template(self, conversation, message, template_payload):
        return self._enqueue(
            [
                self._whatsapp_values(
                    conversation, "template", message_id=message.id, payload=template_payload
                )
            ]
        )

    @api.model
    def _whatsapp_enqueue_reaction(self, message, emoji, action):
        """An agent's reaction to a customer's WhatsApp message reaches the customer."""
        if not message.omnichannel_whatsapp_id or message.model != "discuss.channel":
            return
        # sudo: omnichannel.conversation - the agent reacted in it (Discuss checked that);
        # where the reaction goes is the conversation's number, not the agent's right
        conversation = (
            self.env["discuss.channel"].browse(message.res_id)._get_omnichannel_conversation()
        ).sudo()
        if not conversation.whatsapp_account_id or not conversation.whatsapp_window_open:
            return
        self._enqueue(
            [
                self._whatsapp_values(
                    conversation,
                    "reaction",
                    reply_to_external_id=message.omnichannel_whatsapp_id,
                    text=emoji if action == "add" else "",
                )
            ]
        )

    @api.model
    def _whatsapp_enqueue_read(self, conversation, message):
        self._enqueue(
            [
                self._whatsapp_values(
                    conversation, "read", reply_to_external_id=message.omnichannel_whatsapp_id
                )
            ]
        )

    @staticmethod
    def _whatsapp_media_type(attachment):
        mimetype = attachment.mimetype or ""
        if mimetype in ("image/jpeg", "image/png"):
            return "image"
        if mimetype == "image/webp":
            return "sticker"
        if mimetype in ("video/mp4", "video/3gpp"):
            return "video"
        if mimetype.startswith("audio/"):
            return "audio"
        return "document"

    # ------------------------------------------------------------------------------------------
    # Sending one row (after the commit)
    # ------------------------------------------------------------------------------------------

    def _whatsapp_send_text(self, client):
        return client.send_message(
            self.recipient,
            "text",
            {"body": self.text, "preview_url": "http" in (self.text or "")},
            context_message_id=self.reply_to_external_id or None,
            biz_opaque_callback_data=self.tracker,
        )

    def _whatsapp_send_media(self, client):
        attachment = self.attachment_id.sudo()  # sudo: ir.attachment - the queued file itself
        media_type = self._whatsapp_media_type(attachment)
        media_id = client.upload_media(attachment.raw, attachment.mimetype, attachment.name)
        content = {"id": media_id}
        if self.text and media_type in CAPTIONED_TYPES:
            content["caption"] = self.text
        if media_type == "document":
            content["filename"] = attachment.name
        return client.send_message(
            self.recipient,
            media_type,
            content,
            context_message_id=self.reply_to_external_id or None,
            biz_opaque_callback_data=self.tracker,
        )

    def _whatsapp_send_template(self, client):
        return client.send_message(
            self.recipient,
            "template",
            self.payload,
            biz_opaque_callback_data=self.tracker,
        )

    def _whatsapp_send_reaction(self, client):
        return client.send_reaction(self.recipient, self.reply_to_external_id, self.text or "")

    def _whatsapp_send_read(self, client):
        return client.mark_read(self.reply_to_external_id)
