import json
import logging
import mimetypes
from datetime import datetime, timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.formatting import whatsapp_to_html
from ..tools.graph_api import GraphApiError
from ..tools.notification import NotificationReader

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A status may arrive before the send that produced it is recorded: kept this long.
ORPHAN_STATUS_TTL = timedelta(days=7)
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
# A body full of malformed items is recorded this far (each is logged).
MAX_REFUSALS_RECORDED = 50


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


class OmnichannelWhatsappInbound(models.Model):
    """What Meta's webhook delivered: one row per inbound message or status, unique on Meta's
    id. The webhook only stores rows (and commits) before answering; everything else
    (contacts, media, routing, bus) happens here, in order of arrival, from a cron job.
    A part of a signed body that does not have Meta's shape is kept here too, as a refused
    row with the reason, for managers to see; it is never processed."""

    _name = "omnichannel.whatsapp.inbound"
    _description = "WhatsApp webhook item"
    _order = "id desc"

    account_id = fields.Many2one("omnichannel.whatsapp.account", ondelete="cascade", index=True)
    kind = fields.Selection(
        [("message", "Message"), ("status", "Status"), ("other", "Other part")], required=True
    )
    external_id = fields.Char(string="Meta ID", required=True)
    status = fields.Char(required=True, default="", help="Status name, for a status.")
    contact_key = fields.Char(help="The customer's WhatsApp id (or user id): order key.")
    payload = fields.Text(required=True)
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("waiting", "Waiting for its message"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("refused", "Refused"),
        ],
        default="pending",
        required=True,
        index=True,
    )
    attempts = fields.Integer()
    error = fields.Text()
    message_id = fields.Many2one("mail.message", ondelete="set null", readonly=True)

    _sql_constraints = [
        (
            "external_unique",
            "UNIQUE(kind, external_id, status)",
            "Meta delivered this item already.",
        ),
        (
            "account_unless_refused",
            "CHECK(state = 'refused' OR account_id IS NOT NULL)",
            "A webhook item to process belongs to a WhatsApp number.",
        ),
    ]

    # ------------------------------------------------------------------------------------------
    # Storing (inside the webhook request: nothing else)
    # ------------------------------------------------------------------------------------------

    @api.model
    def _parse_notification(self, body, accounts_by_number):
        """The rows to store of a verified body (a dict): each message and status of the
        numbers of ``accounts_by_number`` that has Meta's shape, and a refused row for each
        part that does not (logged too)."""
        reader = NotificationReader(accounts_by_number).read_body(body)
        rows = [(*row[:5], json.dumps(row.payload), "pending", None) for row in reader.rows]
        unrecorded = len(reader.refusals) - MAX_REFUSALS_RECORDED
        for index, refusal in enumerate(reader.refusals[:MAX_REFUSALS_RECORDED]):
            error = f"{refusal.path}: {refusal.problem}"  # translated in self.env's language
            _logger.warning("WhatsApp webhook: refused %s", error)
            if index == MAX_REFUSALS_RECORDED - 1 and unrecorded > 0:
                _logger.warning("WhatsApp webhook: %s more parts refused", unrecorded)
                error = self.env._(
                    "%(error)s (and %(count)s more refused parts of the same notification)",
                    error=error,
                    count=unrecorded,
                )
            rows.append(
                (
                    refusal.account_id,
                    refusal.kind,
                    f"refused:{refusal.fingerprint}",
                    "",
                    refusal.contact_key,
                    refusal.excerpt,
                    "refused",
                    error,
                )
            )
        return rows

    @api.model
    def _store_rows(self, rows):
        """Insert the rows Meta has not delivered before (a retry, a re-batched body or a
        concurrent duplicate inserts nothing). Returns how many are new and to process."""
        if not rows:
            return 0
        values = SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s, %s, %s, %s, %s, 0, %s, %s, now() at time zone 'UTC', "
                "now() at time zone 'UTC')",
                account_id,
                kind,
                external_id,
                status,
                key,
                payload,
                state,
                error,
                self.env.uid,
                self.env.uid,
            )
            for account_id, kind, external_id, status, key, payload, state, error in rows
        )
        self.env.cr.execute(
            SQL(
                "INSERT INTO omnichannel_whatsapp_inbound (account_id, kind, external_id, status, "
                "contact_key, payload, state, error, attempts, create_uid, write_uid, "
                "create_date, write_date) VALUES %s "
                "ON CONFLICT (kind, external_id, status) DO NOTHING RETURNING state",
                values,
            )
        )
        return sum(1 for (state,) in self.env.cr.fetchall() if state == "pending")

    # ------------------------------------------------------------------------------------------
    # Processing (cron)
    # ------------------------------------------------------------------------------------------

    @api.model
    def _cron_process(self):
        done, remaining = self._process_pending(commit=True)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _process_pending(self, limit=500, commit=False):
        """Process new rows in arrival order; a row that fails holds back the later rows of
        the same customer (order per contact) and is retried on the next run. Then apply the
        statuses whose message has been sent since they arrived."""
        rows = self.search([("state", "=", "pending")], order="id", limit=limit)
        held_back = set()
        done = 0
        for row in rows | self._get_waiting_statuses_now_known():
            order_key = (row.account_id.id, row.contact_key)
            if order_key in held_back:
                continue
            try:
                with self.env.cr.savepoint():
                    row._process()
                done += 1
            except Exception as error:  # any failure: the row is kept, retried, shown
                _logger.warning("WhatsApp webhook item %s not processed: %s", row.id, error)
                row._record_failure(error)
                if row.state == "pending":
                    held_back.add(order_key)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        self._expire_waiting_statuses()
        remaining = self.search_count([("state", "=", "pending")])
        return done, remaining

    @api.model
    def _get_waiting_statuses_now_known(self):
        self.env.cr.execute(
            """
            SELECT inbound.id FROM omnichannel_whatsapp_inbound inbound
            JOIN omnichannel_whatsapp_outbound outbound ON outbound.wamid = inbound.external_id
            WHERE inbound.state = 'waiting' AND inbound.kind = 'status'
            ORDER BY inbound.id
            """
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _expire_waiting_statuses(self):
        """A status whose message never shows up (sent from another app on the same number)
        is kept a week, then marked failed: it stays in the log, out of the way."""
        self.search(
            [
                ("state", "=", "waiting"),
                ("create_date", "<", fields.Datetime.now() - ORPHAN_STATUS_TTL),
            ]
        ).write({"state": "failed"})

    def _record_failure(self, error):
        self.ensure_one()
        attempts = self.attempts + 1
        self.write(
            {
                "attempts": attempts,
                "error": str(error),
                "state": "failed" if attempts >= MAX_ATTEMPTS else "pending",
            }
        )

    def action_retry(self):
        """Failed rows only: a refused one is not Meta's shape and would fail the same way."""
        failed = self.filtered(lambda row: row.state == "failed")
        failed.write({"state": "pending", "attempts": 0, "error": False})
        if failed:
            self._trigger_processing()

    def _process(self):
        self.ensure_one()
        # sudo: omnichannel.whatsapp.inbound - webhook items are processed for no user
        row = self.sudo().with_context(omnichannel_whatsapp_inbound=True)
        payload = json.loads(row.payload)
        if row.kind == "status":
            row._process_status(payload)
        else:
            row._process_message(payload)

    @api.model
    def _trigger_processing(self):
        # sudo: ir.cron - the webhook (public) and managers' retries wake the processing job
        self.env.ref("omnichannel_whatsapp.ir_cron_process_inbound").sudo()._trigger()

    # ------------------------------------------------------------------------------------------
    # Statuses
    # ------------------------------------------------------------------------------------------

    def _process_status(self, status):
        outbound = self.env["omnichannel.whatsapp.outbound"]._find_for_status(status)
        if not outbound:
            self.write(
                {"state": "waiting", "error": self.env._("No message sent with this id (yet).")}
            )
            return
        delivery = STATUS_TO_DELIVERY.get(status["status"])
        if delivery:
            outbound._apply_status(delivery, _error_text(status.get("errors")))
        self.write({"state": "done", "error": False, "message_id": outbound.message_id.id})

    @api.model
    def _apply_waiting_statuses(self, wamids):
        """Statuses that arrived before their send was recorded."""
        waiting = self.search(
            [("kind", "=", "status"), ("state", "=", "waiting"), ("external_id", "in", wamids)],
            order="id",
        )
        for row in waiting:
            row._process()

    # ------------------------------------------------------------------------------------------
    # Messages
    # ------------------------------------------------------------------------------------------

    def _process_message(self, payload):
        message = payload["message"]
        contact = payload.get("contact") or {}
        account = self.account_id
        wa_id = contact.get("wa_id") or message.get("from")
        user_id = contact.get("user_id") or message.get("from_user_id")
        name = (contact.get("profile") or {}).get("name")
        partner = self.env["res.partner"]._omnichannel_whatsapp_find_or_create(wa_id, user_id, name)
        Conversation = self.env["omnichannel.conversation"]
        source = self.env.ref("omnichannel_whatsapp.source_whatsapp")
        conversation = Conversation._route_customer(
            source, partner=partner, team=account._get_team(), name=partner.name
        )
        sent_at = self._meta_datetime(message.get("timestamp"))
        conversation._whatsapp_record_inbound(account, wa_id, sent_at)
        handler = self._get_ingest_handlers().get(message["type"], self._ingest_unsupported)
        posted = handler(conversation, partner, message, payload)
        if message.get("referral"):
            self._post_referral_note(conversation, message["referral"])
        self.write({"state": "done", "error": False, "message_id": posted and posted.id})

    @staticmethod
    def _meta_datetime(timestamp):
        try:
            return datetime.utcfromtimestamp(int(timestamp))
        except (TypeError, ValueError, OverflowError, OSError):
            return fields.Datetime.now()

    def _post(self, conversation, partner, message, body, attachments=None, **values):
        """Post the customer's message in the conversation's channel, with its reply context."""
        channel = conversation.channel_id
        context = message.get("context") or {}
        prefix = Markup()
        if context.get("frequently_forwarded"):
            prefix = Markup("<p><i>%s</i></p>") % self.env._("Forwarded many times")
        elif context.get("forwarded"):
            prefix = Markup("<p><i>%s</i></p>") % self.env._("Forwarded")
        parent = self._find_message(conversation, context.get("id"))
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

    def _find_message(self, conversation, wamid):
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
            or self.env["omnichannel.whatsapp.outbound"]
            .search([("wamid", "=", wamid), ("conversation_id", "=", conversation.id)], limit=1)
            .message_id
        )

    def _post_referral_note(self, conversation, referral):
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

    # One method per Meta message type: ``_ingest_<type>`` returns the posted message.

    def _get_ingest_handlers(self):
        handlers = dict.fromkeys(MEDIA_TYPES, self._ingest_media)
        handlers.update((kind, getattr(self, f"_ingest_{kind}")) for kind in OTHER_TYPES)
        return handlers

    def _ingest_text(self, conversation, partner, message, payload):
        body = Markup(whatsapp_to_html((message.get("text") or {}).get("body") or ""))
        return self._post(conversation, partner, message, body)

    def _download_media(self, media):
        """The file behind a media id: a transient failure raises (the row is retried), a
        permanent one returns an explanation shown in the message instead."""
        try:
            content, mimetype = self.account_id._get_client().download_media(media["id"])
        except GraphApiError as error:
            if error.transient and self.attempts + 1 < MAX_ATTEMPTS:
                raise
            return None, str(error)
        return (content, mimetype or media.get("mime_type") or "application/octet-stream"), None

    def _ingest_media(self, conversation, partner, message, payload):
        kind = message["type"]
        media = message.get(kind) or {}
        is_voice = kind == "audio" and bool(media.get("voice"))
        caption = media.get("caption") or ""
        body = Markup(whatsapp_to_html(caption)) if caption else Markup()
        downloaded, problem = self._download_media(media) if media.get("id") else (None, None)
        attachments = []
        if downloaded:
            content, mimetype = downloaded
            mimetype = mimetype.split(";")[0].strip()
            name = media.get("filename") or self._media_name(kind, is_voice, mimetype)
            attachments.append((name, content, mimetype, is_voice))
        else:
            placeholder = self.env._(
                "[%(kind)s not available: %(reason)s]",
                kind=self._media_label(kind, is_voice),
                reason=problem or self.env._("no media id"),
            )
            body = Markup("<p>%s</p>") % placeholder + body
        return self._post(conversation, partner, message, body, attachments)

    def _media_label(self, kind, is_voice):
        labels = {
            "image": self.env._("Image"),
            "video": self.env._("Video"),
            "document": self.env._("Document"),
            "audio": self.env._("Voice message") if is_voice else self.env._("Audio"),
            "sticker": self.env._("Sticker"),
        }
        return labels.get(kind, kind)

    @staticmethod
    def _media_name(kind, is_voice, mimetype):
        extension = {"audio/ogg": ".ogg", "image/webp": ".webp", "image/jpeg": ".jpg"}.get(
            mimetype
        ) or (mimetypes.guess_extension(mimetype) or "")
        base = "voice-message" if is_voice else kind
        return f"{base}{extension}"

    def _ingest_location(self, conversation, partner, message, payload):
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
        return self._post(conversation, partner, message, Markup("<br/>").join(lines))

    def _ingest_contacts(self, conversation, partner, message, payload):
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
        return self._post(conversation, partner, message, body)

    def _ingest_interactive(self, conversation, partner, message, payload):
        interactive = message.get("interactive")
        if not interactive:
            return self._ingest_unsupported(conversation, partner, message, payload)
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
        return self._post(conversation, partner, message, body)

    def _ingest_button(self, conversation, partner, message, payload):
        button = message.get("button") or {}
        body = Markup("<p>%s</p>") % (button.get("text") or button.get("payload") or "")
        return self._post(conversation, partner, message, body)

    def _ingest_reaction(self, conversation, partner, message, payload):
        reaction = message.get("reaction") or {}
        emoji = reaction.get("emoji") or ""
        target = self._find_message(conversation, reaction.get("message_id"))
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
        return self._post(conversation, partner, message, Markup("<p><i>%s</i></p>") % text)

    def _ingest_order(self, conversation, partner, message, payload):
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
        return self._post(conversation, partner, message, body)

    def _ingest_system(self, conversation, partner, message, payload):
        system = message.get("system") or {}
        if system.get("type") == "user_changed_number" and system.get("wa_id"):
            partner.whatsapp_wa_id = system["wa_id"]
            conversation.whatsapp_wa_id = system["wa_id"]
        text = system.get("body") or system.get("type") or ""
        return self._post(conversation, partner, message, Markup("<p><i>%s</i></p>") % text)

    def _ingest_unsupported(self, conversation, partner, message, payload):
        errors = message.get("errors") or payload.get("errors") or []
        kind = (message.get("unsupported") or {}).get("type") or message.get("type") or ""
        reason = _error_text(errors) or self.env._("Message type unknown")
        text = self.env._(
            "[This %(kind)s message cannot be shown here: %(reason)s]", kind=kind, reason=reason
        )
        return self._post(conversation, partner, message, Markup("<p><i>%s</i></p>") % text)

    def _ingest_revoke(self, conversation, partner, message, payload):
        original_id = (message.get("revoke") or {}).get("original_message_id")
        original = self._find_message(conversation, original_id)
        text = self.env._("The customer deleted this message.")
        if original:
            conversation.channel_id._message_update_content(
                original, Markup("<p><i>%s</i></p>") % text, attachment_ids=[], strict=False
            )
            return original
        text = self.env._("The customer deleted a message.")
        return self._post(conversation, partner, message, Markup("<p><i>%s</i></p>") % text)

    def _ingest_edit(self, conversation, partner, message, payload):
        edit = message.get("edit") or {}
        new = edit.get("message") or {}
        content = new.get(new.get("type")) or {}
        text = content.get("body") if new.get("type") == "text" else content.get("caption")
        body = Markup(whatsapp_to_html(text or ""))
        original = self._find_message(conversation, edit.get("original_message_id"))
        if original:
            conversation.channel_id._message_update_content(original, body, strict=False)
            return original
        label = Markup("<p><i>%s</i></p>") % self.env._("Edited a message:")
        return self._post(conversation, partner, message, label + body)
