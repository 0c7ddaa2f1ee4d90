import logging
import secrets
from datetime import timedelta

from odoo import api, fields, models

from ..tools.formatting import html_to_whatsapp
from ..tools.graph_api import GraphApiError

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Seconds before the n-th retry of a transient error (Meta asks to back off, 4^n for a pair).
BACKOFF_SECONDS = (4, 16, 64, 256, 1024)
CAPTIONED_TYPES = ("image", "video", "document")


class OmnichannelWhatsappOutbound(models.Model):
    """One WhatsApp message (or reaction, or read receipt) to send: queued by the agent's
    transaction, sent after its commit by a cron job, retried without duplicates."""

    _name = "omnichannel.whatsapp.outbound"
    _description = "WhatsApp message to send"
    _order = "id"

    account_id = fields.Many2one(
        "omnichannel.whatsapp.account", required=True, ondelete="cascade", index=True
    )
    conversation_id = fields.Many2one("omnichannel.conversation", ondelete="cascade", index=True)
    message_id = fields.Many2one("mail.message", ondelete="cascade", index="btree_not_null")
    kind = fields.Selection(
        [
            ("text", "Text"),
            ("media", "Attachment"),
            ("template", "Template"),
            ("reaction", "Reaction"),
            ("read", "Read receipt"),
        ],
        required=True,
    )
    recipient = fields.Char(required=True, help="The customer's WhatsApp id, as received.")
    attachment_id = fields.Many2one("ir.attachment", ondelete="set null")
    text = fields.Text()
    reply_to_wamid = fields.Char()
    template_payload = fields.Json()
    tracker = fields.Char(
        required=True,
        index=True,
        default=lambda self: secrets.token_hex(12),
        help="Echoed by Meta in statuses: recognises a send whose answer was lost.",
    )
    wamid = fields.Char(string="WhatsApp message ID", index="btree_not_null", readonly=True)
    state = fields.Selection(
        [("queued", "Queued"), ("sent", "Sent"), ("failed", "Failed")],
        default="queued",
        required=True,
        index=True,
    )
    attempts = fields.Integer()
    next_attempt_date = fields.Datetime(default=fields.Datetime.now, required=True)
    error = fields.Char()

    # ------------------------------------------------------------------------------------------
    # Queueing (in the agent's transaction)
    # ------------------------------------------------------------------------------------------

    @api.model
    def _enqueue_message(self, conversation, message):
        """The parts of an agent's message: text first, then each attachment (the text rides
        as the caption of a lone image, video or document)."""
        text = html_to_whatsapp(message.body or "")
        base = {
            "account_id": conversation.whatsapp_account_id.id,
            "conversation_id": conversation.id,
            "message_id": message.id,
            "recipient": conversation.whatsapp_wa_id,
            "reply_to_wamid": message.parent_id.omnichannel_whatsapp_id or False,
        }
        attachments = message.attachment_ids.sorted("id")
        values = []
        captioned = len(attachments) == 1 and self._media_type(attachments) in CAPTIONED_TYPES
        if text and not captioned:
            values.append(dict(base, kind="text", text=text))
        for attachment in attachments:
            values.append(
                dict(
                    base,
                    kind="media",
                    attachment_id=attachment.id,
                    text=text if captioned else False,
                )
            )
        records = self.create(values)
        self._trigger_sending()
        return records

    @api.model
    def _enqueue_template(self, conversation, message, template_payload):
        record = self.create(
            {
                "account_id": conversation.whatsapp_account_id.id,
                "conversation_id": conversation.id,
                "message_id": message.id,
                "recipient": conversation.whatsapp_wa_id,
                "kind": "template",
                "template_payload": template_payload,
            }
        )
        self._trigger_sending()
        return record

    @api.model
    def _enqueue_reaction(self, message, emoji, action):
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
        self.sudo().create(  # sudo: omnichannel.whatsapp.outbound - queued for the agent
            {
                "account_id": conversation.whatsapp_account_id.id,
                "conversation_id": conversation.id,
                "recipient": conversation.whatsapp_wa_id,
                "kind": "reaction",
                "reply_to_wamid": message.omnichannel_whatsapp_id,
                "text": emoji if action == "add" else "",
            }
        )
        self._trigger_sending()

    @api.model
    def _enqueue_read(self, conversation, message):
        self.sudo().create(  # sudo: omnichannel.whatsapp.outbound - queued for the agent
            {
                "account_id": conversation.whatsapp_account_id.id,
                "conversation_id": conversation.id,
                "recipient": conversation.whatsapp_wa_id,
                "kind": "read",
                "reply_to_wamid": message.omnichannel_whatsapp_id,
            }
        )
        self._trigger_sending()

    @api.model
    def _trigger_sending(self):
        # sudo: ir.cron - agents queue messages; the trigger runs after their commit
        self.env.ref("omnichannel_whatsapp.ir_cron_send_outbound").sudo()._trigger()

    @staticmethod
    def _media_type(attachment):
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
    # Sending (cron, after the commit)
    # ------------------------------------------------------------------------------------------

    @api.model
    def _cron_send(self):
        done, remaining = self._send_due(commit=True)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _send_due(self, limit=200, commit=False):
        rows = self.search(
            [
                ("state", "=", "queued"),
                ("next_attempt_date", "<=", fields.Datetime.now()),
                ("account_id.state", "=", "ok"),
            ],
            order="id",
            limit=limit,
        )
        held_back = set()  # keep each conversation's order: a part waiting holds the next
        done = 0
        for row in rows:
            if row.conversation_id.id in held_back:
                continue
            row._send()
            if row.state == "queued":
                held_back.add(row.conversation_id.id)
            else:
                done += 1
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        remaining = self.search_count([("state", "=", "queued")])
        return done, remaining

    def _send(self):
        self.ensure_one()
        client = self.account_id._get_client()
        try:
            response = getattr(self, f"_send_{self.kind}")(client)
        except GraphApiError as error:
            self._on_error(error)
            return
        wamid = ((response or {}).get("messages") or [{}])[0].get("id")
        self._mark_sent(wamid)

    def _send_text(self, client):
        return client.send_message(
            self.recipient,
            "text",
            {"body": self.text, "preview_url": "http" in (self.text or "")},
            context_message_id=self.reply_to_wamid or None,
            biz_opaque_callback_data=self.tracker,
        )

    def _send_media(self, client):
        attachment = self.attachment_id.sudo()  # sudo: ir.attachment - the queued file itself
        media_type = self._media_type(attachment)
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
            context_message_id=self.reply_to_wamid or None,
            biz_opaque_callback_data=self.tracker,
        )

    def _send_template(self, client):
        return client.send_message(
            self.recipient,
            "template",
            self.template_payload,
            biz_opaque_callback_data=self.tracker,
        )

    def _send_reaction(self, client):
        return client.send_reaction(self.recipient, self.reply_to_wamid, self.text or "")

    def _send_read(self, client):
        return client.mark_read(self.reply_to_wamid)

    def _mark_sent(self, wamid):
        self.write(
            {
                "state": "sent",
                "wamid": wamid or False,
                "error": False,
                "attempts": self.attempts + 1,
            }
        )
        if self.message_id and wamid:
            if not self.message_id.omnichannel_whatsapp_id:
                # sudo: mail.message - Meta's id of the message, recorded by the sender
                self.message_id.sudo().omnichannel_whatsapp_id = wamid
            self._apply_status("sent")
        if wamid:
            self.env["omnichannel.whatsapp.inbound"]._apply_waiting_statuses([wamid])

    def _on_error(self, error):
        attempts = self.attempts + 1
        if error.token_invalid:
            # Not this message's fault: it waits for a valid token.
            self.account_id._report_error(error)
            self.write({"attempts": attempts, "error": str(error)})
            return
        if error.transient and attempts < MAX_ATTEMPTS:
            if error.code is None and self._already_delivered():
                return
            delay = BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1]
            self.write(
                {
                    "attempts": attempts,
                    "error": str(error),
                    "next_attempt_date": fields.Datetime.now() + timedelta(seconds=delay),
                }
            )
            self._trigger_retry(delay)
            return
        self.write({"state": "failed", "attempts": attempts, "error": str(error)})
        self._apply_status("failed", str(error))

    def _already_delivered(self):
        """A timed-out send may have reached Meta: a status carrying our tracker says so."""
        status = self.env["omnichannel.whatsapp.inbound"].search(
            [
                ("kind", "=", "status"),
                ("payload", "like", f'"biz_opaque_callback_data": "{self.tracker}"'),
            ],
            limit=1,
        )
        if not status:
            return False
        self._mark_sent(status.external_id)
        return True

    def _trigger_retry(self, delay):
        # sudo: ir.cron - the retry is scheduled whoever queued the message
        cron = self.env.ref("omnichannel_whatsapp.ir_cron_send_outbound").sudo()
        cron._trigger(fields.Datetime.now() + timedelta(seconds=delay))

    # ------------------------------------------------------------------------------------------
    # Statuses
    # ------------------------------------------------------------------------------------------

    @api.model
    def _find_for_status(self, status):
        outbound = self.search([("wamid", "=", status["id"])], limit=1)
        tracker = status.get("biz_opaque_callback_data")
        if not outbound and tracker:
            outbound = self.search([("tracker", "=", tracker)], limit=1)
            if outbound and not outbound.wamid:
                outbound._mark_sent(status["id"])
        return outbound

    def _apply_status(self, delivery, error=None):
        message = self.message_id
        if message and message._omnichannel_set_delivery(delivery, error):
            message._omnichannel_notify_delivery()
