import json
from pathlib import Path

from odoo.tests import tagged
from odoo.tools import html2plaintext

from .common import APP_SECRET, WhatsappCase

CORPUS = Path(__file__).parent / "fixtures" / "pywa"
MEDIA_TYPES = ("image", "video", "document", "audio", "sticker")
# The corpus speaks for two numbers; bodies for other numbers must be acknowledged and ignored.
SECOND_NUMBER_ID = "106540352242922"


def corpus():
    for path in sorted(CORPUS.glob("*.json")):
        for case, body in json.loads(path.read_text()).items():
            yield f"{path.stem}/{case}", path.read_bytes(), body


def inbound_messages(body, numbers):
    for entry in body.get("entry", []):
        for change in entry.get("changes", []):
            value = change.get("value", {})
            if change.get("field") != "messages":
                continue
            if value.get("metadata", {}).get("phone_number_id") not in numbers:
                continue
            contacts = {c.get("wa_id"): c for c in value.get("contacts", [])}
            for message in value.get("messages", []):
                contact = contacts.get(message["from"]) or next(iter(contacts.values()), {})
                sender = contact.get("wa_id") or message["from"]
                if message.get("system", {}).get("type") == "user_changed_number":
                    sender = message["system"]["wa_id"]  # replies now go to the new number
                yield message, sender


def expected_texts(message):
    """What an agent must read of each message, whatever the markup around it."""
    kind = message.get("type")
    content = message.get(kind) or {}
    if kind == "text":
        return [content["body"]]
    if kind in MEDIA_TYPES:
        return [content["caption"]] if content.get("caption") else []
    if kind == "location":
        return [content[key] for key in ("name", "address") if content.get(key)] or ["Location"]
    if kind == "contacts":
        return [card["name"]["formatted_name"] for card in content]
    if kind == "interactive" and not content:
        return ["cannot be shown", "Something went wrong"]
    if kind == "interactive":
        reply = content.get(content.get("type")) or {}
        return [reply.get("title") or reply.get("body") or "WhatsApp calls"]
    if kind == "button":
        return [content["text"]]
    if kind == "reaction":
        return [content["emoji"]] if content.get("emoji") else ["Removed a reaction"]
    if kind == "order":
        return [item["product_retailer_id"] for item in content["product_items"]]
    if kind == "system":
        return [content["body"]]
    if kind == "unsupported":
        return [message["errors"][0]["title"]]
    if kind == "revoke":
        return ["deleted a message"]
    if kind == "edit":
        return [content["message"]["image"]["caption"]]
    raise AssertionError(f"no expectation for {kind}")


@tagged("post_install", "-at_install")
class TestConformanceCorpus(WhatsappCase):
    """Every body of pywa's corpus (bodies nobody here wrote), signed and posted to the real
    webhook: each is accepted, and each inbound message becomes exactly one message, with
    its content, in the conversation of its sender."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.second_account = cls.account.copy(
            {"name": "Second line", "phone_number_id": SECOND_NUMBER_ID, "app_secret": APP_SECRET}
        )
        cls.numbers = {cls.account.phone_number_id, SECOND_NUMBER_ID}

    def serve_media_of(self, message):
        kind = message.get("type")
        media = message.get(kind) if kind in MEDIA_TYPES else None
        if media and media.get("id"):
            mimetype = media["mime_type"].split(";")[0]
            self.standin.add_media(
                f"{kind} bytes".encode(),
                mimetype,
                filename=media.get("filename"),
                media_id=media["id"],
            )
            return mimetype
        return None

    def test_every_body_is_accepted_and_ingested(self):
        checked = 0
        for name, _raw_file, body in corpus():
            with self.subTest(case=name):
                self.env.cr.execute("SAVEPOINT conformance_case")
                try:
                    checked += self.check_case(body)
                finally:
                    self.env.cr.execute("ROLLBACK TO SAVEPOINT conformance_case")
                    self.env.invalidate_all()
        # 74 bodies, of which these many carry inbound messages for our two numbers.
        self.assertEqual(checked, 35)

    def check_case(self, body):
        messages = list(inbound_messages(body, self.numbers))
        mimetypes = [self.serve_media_of(message) for message, _sender in messages]
        response = self.post_webhook(body)
        self.assertEqual(response.status_code, 200, response.text)
        self.process()
        for (message, sender), mimetype in zip(messages, mimetypes, strict=True):
            row = self.Inbound.search(
                [("kind", "=", "message"), ("external_id", "=", message["id"])]
            )
            self.assertEqual(row.state, "done", row.error)
            posted = self.env["mail.message"].search(
                [("omnichannel_whatsapp_id", "=", message["id"]), ("message_type", "=", "comment")]
            )
            self.assertEqual(len(posted), 1)
            self.assertEqual(posted, row.message_id)
            conversation = self.Conversation.search([("channel_id", "=", posted.res_id)])
            self.assertEqual(conversation.whatsapp_wa_id, sender)
            self.assertEqual(posted.author_id, conversation.partner_id)
            text = html2plaintext(posted.body)
            for expected in expected_texts(message):
                self.assertIn(expected, text)
            if mimetype:
                self.assertEqual(posted.attachment_ids.mimetype, mimetype)
            self.assertNotIn("<script", posted.body)
        return len(messages)
