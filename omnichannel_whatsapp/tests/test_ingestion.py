from datetime import timedelta

from odoo import fields
from odoo.tests import tagged, users, warmup
from odoo.tools import html2plaintext

from odoo.addons.queue_job.job import Job

from .common import DISPLAY_NUMBER, NUMBER_ID, WABA_ID, WhatsappCase, message_webhook

PNG = b"\x89PNG\r\n\x1a\n" + b"pixels"


@tagged("post_install", "-at_install")
class TestIngestion(WhatsappCase):
    def test_text_becomes_a_customer_message_in_the_team_queue(self):
        row = self.text("Hola *Ana*, mi pedido <script>alert(1)</script>")
        conversation = self.conversation_of()
        self.assertEqual((conversation.state, conversation.team_id), ("queued", self.team))
        self.assertEqual(conversation.whatsapp_account_id, self.account)
        self.assertEqual(conversation.whatsapp_wa_id, "34699000111")
        self.assertTrue(conversation.whatsapp_window_open)
        message = row.message_id
        self.assertEqual(message.author_id, conversation.partner_id)
        self.assertIn("<b>Ana</b>", message.body)
        self.assertNotIn("<script", message.body)
        self.assertIn("&lt;script&gt;", message.body)
        self.assertEqual(conversation.partner_id.name, "Carmen López")
        self.assertEqual(conversation.partner_id.phone, "+34 699 00 01 11")

    def test_media_is_downloaded_as_an_attachment(self):
        media_id = self.standin.add_media(PNG, "image/png", filename=None)
        row = self.customer_says(
            {
                "type": "image",
                "image": {"id": media_id, "mime_type": "image/png", "caption": "Roto"},
            }
        )
        attachment = row.message_id.attachment_ids
        self.assertEqual((attachment.raw, attachment.mimetype), (PNG, "image/png"))
        self.assertEqual(attachment.name, "image.png")
        self.assertIn("Roto", row.message_id.body)
        document_id = self.standin.add_media(b"%PDF-1.4", "application/pdf", filename="factura.pdf")
        row = self.customer_says(
            {
                "type": "document",
                "document": {
                    "id": document_id,
                    "mime_type": "application/pdf",
                    "filename": "factura.pdf",
                },
            }
        )
        self.assertEqual(row.message_id.attachment_ids.name, "factura.pdf")

    def test_voice_note_is_a_discuss_voice_message(self):
        media_id = self.standin.add_media(b"OggS voice", "audio/ogg; codecs=opus")
        row = self.customer_says(
            {
                "type": "audio",
                "audio": {"id": media_id, "mime_type": "audio/ogg; codecs=opus", "voice": True},
            }
        )
        attachment = row.message_id.attachment_ids
        self.assertEqual((attachment.name, attachment.mimetype), ("voice-message.ogg", "audio/ogg"))
        self.assertTrue(
            self.env["discuss.voice.metadata"].search([("attachment_id", "=", attachment.id)])
        )

    def test_expired_media_url_is_asked_again(self):
        media_id = self.standin.add_media(PNG, "image/jpeg")
        self.standin.fail_next(path_contains="lookaside", code=None, http_status=404, times=1)
        row = self.customer_says(
            {"type": "image", "image": {"id": media_id, "mime_type": "image/jpeg"}}
        )
        self.assertEqual(row.message_id.attachment_ids.raw, PNG)
        asked = [r for r in self.standin.requests if r["path"].endswith(f"/{media_id}")]
        self.assertEqual(len(asked), 2)
        # The token goes in the header of both the URL request and the download.
        downloads = [r for r in self.standin.requests if "lookaside" in r["path"]]
        self.assertTrue(all(r["headers"].get("authorization") for r in downloads))

    def test_lost_media_shows_a_placeholder_and_keeps_the_message(self):
        row = self.customer_says(
            {
                "type": "video",
                "video": {"id": "404404", "mime_type": "video/mp4", "caption": "mira"},
            }
        )
        self.assertEqual(row.state, "done")
        text = html2plaintext(row.message_id.body)
        self.assertIn("Video not available", text)
        self.assertIn("mira", text)

    def test_transient_media_failure_retries_and_holds_the_next_message_back(self):
        media_id = self.standin.add_media(PNG, "image/jpeg")
        self.standin.fail_next(path_contains=media_id, code=131016, http_status=503, times=2)
        first = self.customer_says(
            {"type": "image", "image": {"id": media_id, "mime_type": "image/jpeg"}}
        )
        self.assertEqual((first.state, first.attempts), ("pending", 1))
        self.assertIn("131016", first.error)
        later = {
            "from": "34699000111",
            "id": "wamid.later",
            "timestamp": "1763700000",
            "type": "text",
            "text": {"body": "¿Lo ves?"},
        }
        self.post_webhook(
            message_webhook(NUMBER_ID, DISPLAY_NUMBER, WABA_ID, "34699000111", "Carmen", later)
        )
        self.process()
        second = self.Inbound.search([("external_id", "=", "wamid.later")])
        # Retried with backoff, not at once; the later message waits behind it.
        self.assertEqual((first.state, first.attempts), ("pending", 1))
        self.assertGreater(first.next_attempt_date, first.create_date)
        self.assertEqual(second.state, "pending")  # held behind the first: order per contact
        first.next_attempt_date = "2000-01-01"  # the backoff has passed
        self.process(include_delayed=True)
        self.assertEqual((first.state, first.attempts), ("pending", 2))
        self.assertEqual(second.state, "pending")
        first.next_attempt_date = "2000-01-01"
        self.process(include_delayed=True)
        self.assertEqual((first.state, second.state), ("done", "done"))
        self.assertEqual(first.message_id.attachment_ids.raw, PNG)
        self.assertLess(first.message_id.id, second.message_id.id)

    def test_location_contacts_interactive_and_button(self):
        row = self.customer_says(
            {
                "type": "location",
                "location": {
                    "latitude": 40.4168,
                    "longitude": -3.7038,
                    "name": "Sol",
                    "address": "Puerta del Sol",
                },
            }
        )
        self.assertIn("Puerta del Sol", row.message_id.body)
        self.assertIn("openstreetmap.org/?mlat=40.4168&amp;mlon=-3.7038", row.message_id.body)
        row = self.customer_says(
            {
                "type": "contacts",
                "contacts": [
                    {
                        "name": {"formatted_name": "Chandler Bing"},
                        "phones": [{"phone": "+1 555-555-5555", "type": "CELL"}],
                    }
                ],
            }
        )
        self.assertIn("Chandler Bing", row.message_id.body)
        self.assertIn("+1 555-555-5555", row.message_id.body)
        question = self.text("¿Cómo pago?")
        row = self.customer_says(
            {
                "type": "interactive",
                "context": {
                    "from": "972123456789",
                    "id": question.message_id.omnichannel_whatsapp_id,
                },
                "interactive": {
                    "type": "list_reply",
                    "list_reply": {"id": "card", "title": "Tarjeta", "description": "Visa"},
                },
            }
        )
        self.assertIn("Tarjeta", row.message_id.body)
        self.assertEqual(row.message_id.parent_id, question.message_id)
        row = self.customer_says({"type": "button", "button": {"payload": "STOP", "text": "Parar"}})
        self.assertIn("Parar", row.message_id.body)

    def test_reactions_are_added_and_removed_on_the_message(self):
        question = self.text("¿Llega mañana?")
        target = question.message_id.omnichannel_whatsapp_id
        partner = question.message_id.author_id
        self.customer_says({"type": "reaction", "reaction": {"message_id": target, "emoji": "👍"}})
        self.assertEqual(question.message_id.reaction_ids.mapped("content"), ["👍"])
        self.customer_says({"type": "reaction", "reaction": {"message_id": target, "emoji": "😮"}})
        self.assertEqual(question.message_id.reaction_ids.mapped("content"), ["😮"])
        self.assertEqual(question.message_id.reaction_ids.partner_id, partner)
        self.customer_says({"type": "reaction", "reaction": {"message_id": target}})
        self.assertFalse(question.message_id.reaction_ids)

    def test_reply_forward_referral_edit_and_delete(self):
        original = self.text("Pedido 1042")
        forwarded = self.customer_says(
            {"type": "text", "text": {"body": "mira esto"}, "context": {"forwarded": True}}
        )
        self.assertIn("Forwarded", forwarded.message_id.body)
        ad = self.customer_says(
            {
                "type": "text",
                "text": {"body": "Info"},
                "referral": {
                    "headline": "Rebajas",
                    "source_url": "https://fb.me/ad",
                    "source_type": "ad",
                },
            }
        )
        conversation = self.conversation_of()
        note = conversation.channel_id.message_ids.filtered(lambda m: "Rebajas" in (m.body or ""))
        self.assertTrue(note.is_internal, "the ad is shown to agents, as an internal note")
        self.assertTrue(ad.message_id)
        self.customer_says(
            {
                "type": "edit",
                "edit": {
                    "original_message_id": original.message_id.omnichannel_whatsapp_id,
                    "message": {"type": "text", "text": {"body": "Pedido 1043"}},
                },
            }
        )
        self.assertIn("Pedido 1043", original.message_id.body)
        self.customer_says(
            {
                "type": "revoke",
                "revoke": {"original_message_id": forwarded.message_id.omnichannel_whatsapp_id},
            }
        )
        self.assertIn("deleted this message", forwarded.message_id.body)

    def test_number_change_moves_the_contact_to_the_new_id(self):
        self.text("Hola")
        partner = self.conversation_of().partner_id
        self.customer_says(
            {
                "type": "system",
                "system": {
                    "body": "User A changed from 34699000111 to 34699000333",
                    "wa_id": "34699000333",
                    "type": "user_changed_number",
                },
            }
        )
        self.assertEqual(partner.whatsapp_wa_id, "34699000333")
        self.text("Soy yo, con otro número", wa_id="34699000333")
        self.assertEqual(self.conversation_of("34699000333").partner_id, partner)

    def test_unsupported_message_shows_metas_reason(self):
        row = self.customer_says(
            {
                "type": "unsupported",
                "errors": [
                    {
                        "code": 131051,
                        "title": "Message type unknown",
                        "error_data": {"details": "Message type is currently not supported."},
                    }
                ],
                "unsupported": {"type": "poll"},
            }
        )
        text = html2plaintext(row.message_id.body)
        self.assertIn("poll", text)
        self.assertIn("Message type unknown", text)


@tagged("post_install", "-at_install")
class TestContacts(WhatsappCase):
    def assert_matches(self, stored_phone, wa_id, country=None):
        partner = self.env["res.partner"].create(
            {
                "name": f"Known {wa_id}",
                "phone": stored_phone,
                "country_id": country and self.env.ref(country).id,
            }
        )
        self.text("Hola", wa_id=wa_id, name="Someone")
        self.assertEqual(self.conversation_of(wa_id).partner_id, partner, stored_phone)
        self.assertEqual(partner.whatsapp_wa_id, wa_id)

    def test_brazil_ninth_digit(self):
        self.assert_matches("+55 11 98765-4321", "551187654321")
        self.assert_matches("+55 21 8765-4321", "5521987654321")

    def test_mexico_521_and_argentina_549(self):
        self.assert_matches("+52 55 8765 1111", "5215587651111")
        self.assert_matches("55 8765 2222", "5215587652222", country="base.mx")
        self.assert_matches("+54 9 11 4321-9876", "5491143219876")
        self.assert_matches("+54 11 4321-5555", "5491143215555")

    def test_replies_go_to_the_id_received(self):
        self.env["res.partner"].create({"name": "Lucía", "phone": "+52 55 8765 3333"})
        self.text("Hola", wa_id="5215587653333")
        conversation = self.conversation_of("5215587653333")
        self.assertEqual(conversation.whatsapp_wa_id, "5215587653333")
        conversation.with_user(self.agent_ana).action_take()
        self.reply_as(self.agent_ana, conversation, "Hola Lucía")
        self.send_due()
        self.assertEqual(self.standin.sent_messages[-1]["to"], "5215587653333")

    def test_new_contact_gets_profile_name_number_and_user_id(self):
        self.text("Olá", wa_id="5511987654321", name="Maria", user_id="BR.1234567890")
        partner = self.conversation_of("5511987654321").partner_id
        self.assertEqual(
            (partner.name, partner.phone, partner.whatsapp_user_id),
            ("Maria", "+55 11 98765-4321", "BR.1234567890"),
        )

    def test_payload_without_wa_id_or_without_user_id(self):
        row = self.text("sin número", wa_id=None, name="Hidden", user_id="US.999")
        self.assertEqual(row.state, "done", row.error)
        partner = row.message_id.author_id
        self.assertEqual((partner.whatsapp_user_id, partner.whatsapp_wa_id), ("US.999", False))
        again = self.text("otra vez", wa_id=None, name="Hidden", user_id="US.999")
        self.assertEqual(again.message_id.author_id, partner)
        row = self.text("sin user id", wa_id="447700900123", name="Old")
        self.assertEqual(row.message_id.author_id.whatsapp_wa_id, "447700900123")


@tagged("post_install", "-at_install")
class TestIngestionQueries(WhatsappCase):
    @users("__system__")
    @warmup
    def test_text_into_existing_conversation_queries(self):
        self.text("primero")
        self.text("segundo")
        message = {"type": "text", "text": {"body": "tercero"}, "from": "34699000111"}
        body_message = dict(message, id=f"wamid.q{self.next_id()}", timestamp="1763700000")
        self.post_webhook(
            message_webhook(
                NUMBER_ID, DISPLAY_NUMBER, WABA_ID, "34699000111", "Carmen López", body_message
            )
        )
        # message_post stamps the channel's last interest, and the ORM skips writing a value
        # equal to the one it has: whether the setup's messages came in the same second as
        # the measured one decided one query. The last message was a minute ago.
        self.conversation_of().channel_id.last_interest_dt = fields.Datetime.now() - timedelta(
            minutes=1
        )
        # Start cold whatever ran before, but with what every run has loaded anyway: pending
        # bus rows written, the acting user's row, bus.bus's defaults (when these got loaded
        # depended on the setup's own notifications: one query more or less).
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()
        self.env.user.partner_id  # noqa: B018 - loads the user's row
        self.env["bus.bus"].default_get(["channel", "message"])
        (record,) = self.env["queue.job"].search(
            [("channel", "=", "root.omnichannel_inbound"), ("state", "=", "pending")]
        )
        job = Job.load(self.env, record.uuid)
        self.env.invalidate_all()
        self.env.user.partner_id  # noqa: B018 - loads the user's row
        # The customer's job: 1 its pending rows, locked (FOR UPDATE), 2 SAVEPOINT, 3 the row,
        # 4 its source (the provider). Contact and conversation: 5 partner by wa_id, 6 its
        # fields, 7 the account, 8 routing lock upsert, 9 open conversation, 10 its fields,
        # 11 its channel. message_post: 12 channel avatar, 13 channel groups, 14 member count,
        # 15 company, 16-17 alias domain and alias, 18 INSERT mail_message, 19 partner exists,
        # 20 root's membership, 21 the channel's conversation (after hook), 22 subtype, 23 the
        # team, 24 members to notify, 25 schedule, 26 message fields, 27 attachments,
        # 28 partners, 29 notifications, 30 users, 31 rating (store), 32-36 the queue's agents
        # (not members yet: participants, team users, users, members, their channels),
        # 37 UPDATE the channel's last interest, 38 UPDATE the conversation (the customer's
        # message count and time), 39 UPDATE the row, 40 INSERT bus, 41 RELEASE.
        with self.assertQueryCount(41):
            job.perform()
        self.assertEqual(
            self.Inbound.search([("external_id", "=", body_message["id"])]).state, "done"
        )
