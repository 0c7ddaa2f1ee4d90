import json
import mimetypes
from datetime import datetime

from markupsafe import Markup, escape

from odoo import api, fields, models

from odoo.addons.omnichannel_chat.models.omnichannel_inbound import (
    MAX_ATTEMPTS,
    OmnichannelInboundNotReady,
)

from ..tools.formatting import whatsapp_to_html
from ..tools.graph_api import GraphApiError
from ..tools.notification import NotificationReader

STATUS_TO_DELIVERY = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "played": "played",
    "failed": "failed",
}
MEDIA_TYPES = ("image", "video", "document", "audio", "sticker")
OTHER_TYPES = (
    "text",
    "location",
    "contacts",
    "interactive",
    "button",
    "reaction",
    "order",
    "system",
    "unsupported",
    "revoke",
    "edit",
)


def _error_text(errors):
    """Meta's errors[] as one readable line: (#code) title: details."""
    parts = []
    for error in errors or []:
        details = (error.get("error_data") or {}).get("details") or error.get("message") or ""
        title = error.get("title") or ""
        text = f"(#{error.get('code')}) {title}"
        if details and details != title:
            text += f": {details}"
        parts.append(text)
    return "; ".join(parts)


class OmnichannelInbound(models.Model):
    """WhatsApp's part of the core's webhook items: reading Meta's body into items, and
    processing each message and status (called by ``omnichannel.provider.whatsapp``)."""

    _inherit = "omnichannel.inbound"

    # ------------------------------------------------------------------------------------------
    # Reading a verified body (inside the webhook request)
    # ------------------------------------------------------------------------------------------

    @api.model
    def _whatsapp_get_source(self):
        source_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "omnichannel_whatsapp.source_whatsapp"
        )
        return self.env["omnichannel.source"].browse(source_id)

    @api.model
    def _whatsapp_prepare_items(self, body, accounts_by_number):
        """The items to store of a verified body (a dict): each message and status of the
        numbers of ``accounts_by_number`` that has Meta's shape, and a refusal for each part
        that does not."""
        reader = NotificationReader(accounts_by_number).read_body(body)
        Account = self.env["omnichannel.whatsapp.account"]
        items = [
            self._prepare_item(
                Account.browse(row.account_id),
                row.kind,
                row.external_id,
                row.payload,
                contact_key=row.contact_key,
                status=row.status,
            )
            for row in reader.rows
        ]
        for refusal in reader.refusals:
            items.append(
                self._prepare_refusal(
                    Account.browse(refusal.account_id) if refusal.account_id else None,
                    refusal.kind,
                    refusal.path,
                    refusal.problem,
                    refusal.excerpt,
                    refusal.fingerprint,
                    contact_key=refusal.contact_key,
                )
            )
        return items

    def _whatsapp_process(self, payload):
        self.ensure_one()
        if self.kind == "status":
            return self._whatsapp_process_status(payload)
        return self._whatsapp_process_message(payload)

    # ------------------------------------------------------------------------------------------
    # Statuses
    # ------------------------------------------------------------------------------------------

    def _whatsapp_process_status(self, status):
        outbound = self.env["omnichannel.outbound"]._find_for_status(
            self.source_id, status["id"], status.get("biz_opaque_callback_data")
        )
        if not outbound:
            raise OmnichannelInboundNotReady(self.env._("No message sent with this id (yet)."))
        delivery = STATUS_TO_DELIVERY.get(status["status"])
        if delivery:
            outbound._apply_status(delivery, _error_text(status.get("errors")))
        return {"message_id": outbound.message_id.id}

    # ------------------------------------------------------------------------------------------
    # Messages
    # ------------------------------------------------------------------------------------------

    def _whatsapp_process_message(self, payload):
        message = payload["message"]
        contact = payload.get("contact") or {}
        account = self._get_account()
        wa_id = contact.get("wa_id") or message.get("from")
        user_id = contact.get("user_id") or message.get("from_user_id")
        name = (contact.get("profile") or {}).get("name")
        partner = self.env["res.partner"]._omnichannel_whatsapp_find_or_create(wa_id, user_id, name)
        Conversation = self.env["omnichannel.conversation"]
        conversation = Conversation._route_customer(
            self.source_id, partner=partner, team=account._get_team(), name=partner.name
        )
        sent_at = self._whatsapp_meta_datetime(message.get("timestamp"))
        conversation._whatsapp_record_inbound(account, wa_id, sent_at)
        handler = self._whatsapp_get_ingest_handlers().get(
            message["type"], self._whatsapp_ingest_unsupported
        )
        posted = handler(conversation, partner, message, payload)
        if message.get("referral"):
            self._whatsapp_post_referral_note(conversation, message["referral"])
        return {"message_id": posted.id if posted else False}

    @staticmethod
    def _whatsapp_meta_datetime(timestamp):
        try:
            return datetime.utcfromtimestamp(int(timestamp))
        except (TypeError, ValueError, OverflowError, OSError):
            return fields.Datetime.now()

    def _whatsapp_post(self, conversation, partner, message, body, attachments=None, **values):
        """Post the customer's message in the conversation's channel, with its reply context."""
        channel = conversation.channel_id
        context = message.get("context") or {}
        prefix = Markup()
        if context.get("frequently_forwarded"):
            prefix = Markup("<p><i>%s</i></p>") % self.env._("Forwarded many times")
        elif context.get("forwarded"):
            prefix = Markup("<p><i>%s</i></p>") % self.env._("Forwarded")
        parent = self._whatsapp_find_message(conversation, context.get("id"))
        if context.get("id") and not parent:
            prefix += Markup("<p><i>%s</i></p>") % self.env._("In reply to an earlier message")
        attachment_ids = []
        for name, content, mimetype, is_voice in attachments or []:
            attachment = self.env["ir.attachment"].create(
                {
                    "name": name,
                    "raw": content,
                    "mimetype": mimetype,
                    "res_model": "discuss.channel",
                    "res_id": channel.id,
                }
            )
            if is_voice:
                self.env["discuss.voice.metadata"].create({"attachment_id": attachment.id})
            attachment_ids.append(attachment.id)
        return channel.message_post(
            author_id=partner.id,
            body=prefix + body if prefix else body,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            parent_id=parent.id,
            attachment_ids=attachment_ids,
            omnichannel_whatsapp_id=message["id"],
            **values,
        )

    def _whatsapp_find_message(self, conversation, wamid):
        if not wamid:
            return self.env["mail.message"]
        return (
            self.env["mail.message"].search(
                [
                    ("omnichannel_whatsapp_id", "=", wamid),
                    ("model", "=", "discuss.channel"),
                    ("res_id", "=", conversation.channel_id.id),
                ],
                limit=1,
            )
            or self.env["omnichannel.outbound"]
            .search(
                [("external_id", "=", wamid), ("conversation_id", "=", conversation.id)], limit=1
            )
            .message_id
        )

    def _whatsapp_post_referral_note(self, conversation, referral):
        lines = [self.env._("The customer came from an ad or post (click to WhatsApp):")]
        for label, key in (
            (self.env._("Headline"), "headline"),
            (self.env._("Text"), "body"),
            (self.env._("Type"), "source_type"),
            (self.env._("Ad or post ID"), "source_id"),
            (self.env._("Link"), "source_url"),
        ):
            if referral.get(key):
                lines.append(f"{label}: {referral[key]}")
        conversation.channel_id.message_post(
            body=Markup("<br/>").join(escape(line) for line in lines),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            is_internal=True,
            author_id=self.env.ref("base.partner_root").id,
        )

    # One method per Meta message type: ``_whatsapp_ingest_<type>`` returns the posted message.

    def _whatsapp_get_ingest_handlers(self):
        handlers = dict.fromkeys(MEDIA_TYPES, self._whatsapp_ingest_media)
        handlers.update((kind, getattr(self, f"_whatsapp_ingest_{kind}")) for kind in OTHER_TYPES)
        return handlers

    def _whatsapp_ingest_text(self, conversation, partner, message, payload):
        body = Markup(whatsapp_to_html((message.get("text") or {}).get("body") or ""))
        return self._whatsapp_post(conversation, partner, message, body)

    def _whatsapp_download_media(self, media):
        """The file behind a media id: a transient failure raises (the row is retried), a
        permanent one returns an explanation shown in the message instead."""
        try:
            content, mimetype = self._get_account()._get_client().download_media(media["id"])
        except GraphApiError as error:
            if error.transient and self.attempts + 1 < MAX_ATTEMPTS:
                raise
            return None, str(error)
        return (content, mimetype or media.get("mime_type") or "application/octet-stream"), None

    def _whatsapp_ingest_media(self, conversation, partner, message, payload):
        kind = message["type"]
        media = message.get(kind) or {}
        is_voice = kind == "audio" and bool(media.get("voice"))
        caption = media.get("caption") or ""
        body = Markup(whatsapp_to_html(caption)) if caption else Markup()
        downloaded, problem = (
            self._whatsapp_download_media(media) if media.get("id") else (None, None)
        )
        attachments = []
        if downloaded:
            content, mimetype = downloaded
            mimetype = mimetype.split(";")[0].strip()
            name = media.get("filename") or self._whatsapp_media_name(kind, is_voice, mimetype)
            attachments.append((name, content, mimetype, is_voice))
        else:
            placeholder = self.env._(
                "[%(kind)s not available: %(reason)s]",
                kind=self._whatsapp_media_label(kind, is_voice),
                reason=problem or self.env._("no media id"),
            )
            body = Markup("<p>%s</p>") % placeholder + body
        return self._whatsapp_post(conversation, partner, message, body, attachments)

    def _whatsapp_media_label(self, kind, is_voice):
        labels = {
            "image": self.env._("Image"),
            "video": self.env._("Video"),
            "document": self.env._("Document"),
            "audio": self.env._("Voice message") if is_voice else self.env._("Audio"),
            "sticker": self.env._("Sticker"),
        }
        return labels.get(kind, kind)

    @staticmethod
    def _whatsapp_media_name(kind, is_voice, mimetype):
        extension = {"audio/ogg": ".ogg", "image/webp": ".webp", "image/jpeg": ".jpg"}.get(
            mimetype
        ) or (mimetypes.guess_extension(mimetype) or "")
        base = "voice-message" if is_voice else kind
        return f"{base}{extension}"

    def _whatsapp_ingest_location(self, conversation, partner, message, payload):
        location = message.get("location") or {}
        latitude, longitude = location.get("latitude"), location.get("longitude")
        lines = [escape(self.env._("📍 Location"))]
        for key in ("name", "address"):
            if location.get(key):
                lines.append(escape(location[key]))
        if latitude is not None and longitude is not None:
            url = (
                f"https://www.openstreetmap.org/?mlat={float(latitude)}&mlon={float(longitude)}"
                f"#map=17/{float(latitude)}/{float(longitude)}"
            )
            lines.append(
                Markup('<a href="%s" target="_blank" rel="noreferrer noopener">%s</a>')
                % (url, self.env._("Open the map"))
            )
        if location.get("url"):
            lines.append(escape(location["url"]))
        return self._whatsapp_post(conversation, partner, message, Markup("<br/>").join(lines))

    def _whatsapp_ingest_contacts(self, conversation, partner, message, payload):
        cards = []
        for card in message.get("contacts") or []:
            name = (card.get("name") or {}).get("formatted_name") or self.env._("Contact")
            lines = [Markup("<b>%s</b>") % name]
            if (card.get("org") or {}).get("company"):
                lines.append(escape(card["org"]["company"]))
            for number in card.get("phones") or []:
                lines.append(
                    escape(f"{number.get('type') or ''} {number.get('phone') or ''}".strip())
                )
            for email in card.get("emails") or []:
                lines.append(escape(email.get("email") or ""))
            for url in card.get("urls") or []:
                lines.append(escape(url.get("url") or ""))
            cards.append(Markup("<br/>").join(lines))
        body = Markup("<p>%s</p>") % self.env._("👤 Shared contacts:") + Markup("").join(
            Markup("<p>%s</p>") % card for card in cards
        )
        return self._whatsapp_post(conversation, partner, message, body)

    def _whatsapp_ingest_interactive(self, conversation, partner, message, payload):
        interactive = message.get("interactive")
        if not interactive:
            return self._whatsapp_ingest_unsupported(conversation, partner, message, payload)
        kind = interactive.get("type")
        reply = interactive.get(kind) or {}
        if kind in ("button_reply", "list_reply"):
            text = reply.get("title") or reply.get("id") or ""
            body = Markup("<p>%s</p>") % text
            if reply.get("description"):
                body += Markup("<p><i>%s</i></p>") % reply["description"]
        elif kind == "nfm_reply":
            body = Markup("<p>%s</p>") % (reply.get("body") or self.env._("Form sent"))
            try:
                answers = json.loads(reply.get("response_json") or "{}")
            except (ValueError, RecursionError):
                answers = {}
            if not isinstance(answers, dict):
                answers = {"": answers}
            lines = [
                escape(f"{key}: {value}") for key, value in answers.items() if key != "flow_token"
            ]
            if lines:
                body += Markup("<p>%s</p>") % Markup("<br/>").join(lines)
        elif kind == "call_permission_reply":
            answer = reply.get("response")
            body = Markup("<p>%s</p>") % (
                self.env._("Allowed WhatsApp calls")
                if answer == "accept"
                else self.env._("Declined WhatsApp calls")
            )
        else:
            body = Markup("<p>%s</p>") % self.env._("Answered with %(kind)s", kind=kind)
        return self._whatsapp_post(conversation, partner, message, body)

    def _whatsapp_ingest_button(self, conversation, partner, message, payload):
        button = message.get("button") or {}
        body = Markup("<p>%s</p>") % (button.get("text") or button.get("payload") or "")
        return self._whatsapp_post(conversation, partner, message, body)

    def _whatsapp_ingest_reaction(self, conversation, partner, message, payload):
        reaction = message.get("reaction") or {}
        emoji = reaction.get("emoji") or ""
        target = self._whatsapp_find_message(conversation, reaction.get("message_id"))
        if target:
            # One reaction per person on WhatsApp: a new one replaces the previous one.
            for previous in target.reaction_ids.filtered(lambda r: r.partner_id == partner):
                target._message_reaction(
                    previous.content, "remove", partner, self.env["mail.guest"]
                )
            if emoji:
                target._message_reaction(emoji, "add", partner, self.env["mail.guest"])
            return self.env["mail.message"]
        text = (
            self.env._("Reacted %(emoji)s to a message", emoji=emoji)
            if emoji
            else self.env._("Removed a reaction")
        )
        return self._whatsapp_post(
            conversation, partner, message, Markup("<p><i>%s</i></p>") % text
        )

    def _whatsapp_ingest_order(self, conversation, partner, message, payload):
        order = message.get("order") or {}
        lines = [
            escape(
                f"{item.get('quantity')} x {item.get('product_retailer_id')} "
                f"({item.get('item_price')} {item.get('currency') or ''})".strip()
            )
            for item in order.get("product_items") or []
        ]
        body = Markup("<p><b>%s</b></p>") % self.env._("🛒 Order")
        body += Markup("<p>%s</p>") % Markup("<br/>").join(lines)
        if order.get("text"):
            body += Markup(whatsapp_to_html(order["text"]))
        return self._whatsapp_post(conversation, partner, message, body)

    def _whatsapp_ingest_system(self, conversation, partner, message, payload):
        system = message.get("system") or {}
        if system.get("type") == "user_changed_number" and system.get("wa_id"):
            partner.whatsapp_wa_id = system["wa_id"]
            conversation.whatsapp_wa_id = system["wa_id"]
        text = system.get("body") or system.get("type") or ""
        return self._whatsapp_post(
            conversation, partner, message, Markup("<p><i>%s</i></p>") % text
        )

    def _whatsapp_ingest_unsupported(self, conversation, partner, message, payload):
        errors = message.get("errors") or payload.get("errors") or []
        kind = (message.get("unsupported") or {}).get("type") or message.get("type") or ""
        reason = _error_text(errors) or self.env._("Message type unknown")
        text = self.env._(
            "[This %(kind)s message cannot be shown here: %(reason)s]", kind=kind, reason=reason
        )
        return self._whatsapp_post(
            conversation, partner, message, Markup("<p><i>%s</i></p>") % text
        )

    def _whatsapp_ingest_revoke(self, conversation, partner, message, payload):
        original_id = (message.get("revoke") or {}).get("original_message_id")
        original = self._whatsapp_find_message(conversation, original_id)
        text = self.env._("The customer deleted this message.")
        if original:
            conversation.channel_id._message_update_content(
                original, Markup("<p><i>%s</i></p>") % text, attachment_ids=[], strict=False
            )
            return original
        text = self.env._("The customer deleted a message.")
        return self._whatsapp_post(
            conversation, partner, message, Markup("<p><i>%s</i></p>") % text
        )

    def _whatsapp_ingest_edit(self, conversation, partner, message, payload):
        edit = message.get("edit") or {}
        new = edit.get("message") or {}
        content = new.get(new.get("type")) or {}
        text = content.get("body") if new.get("type") == "text" else content.get("caption")
        body = Markup(whatsapp_to_html(text or ""))
        original = self._whatsapp_find_message(conversation, edit.get("original_message_id"))
        if original:
            conversation.channel_id._message_update_content(original, body, strict=False)
            return original
        label = Markup("<p><i>%s</i></p>") % self.env._("Edited a message:")
        return self._whatsapp_post(conversation, partner, message, label + body)
