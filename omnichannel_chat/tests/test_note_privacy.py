"""Internal notes stay agent-only in every form, and a customer can neither forge one nor make
live HTML load in the agent's browser: tried as the customer of a conversation who has a
portal account (a WhatsApp contact, say), through the routes Discuss calls, watching what their
websocket would receive (the bus rows of their partner and of the channel)."""

import base64
import json
from unittest.mock import patch

import odoo
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import OmnichannelHttpCase

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@tagged("post_install", "-at_install")
class TestNotePrivacy(OmnichannelHttpCase):
    def setUp(self):
        super().setUp()
        self.conversation = self.route(body="customer says hi")
        self.portal_user.partner_id = self.customer  # the contact has a portal account
        self.conversation.with_user(self.agent_ana).action_take()
        self.channel = self.conversation.sudo().channel_id

    # -- helpers ---------------------------------------------------------------------------

    def ok(self, user, route, **params):
        result, error = self.call(user, route, **params)
        self.assertFalse(error, error)
        return result

    def post_note(self, body="internal: refund approved"):
        """A note through the desk's route, as the agent writes one."""
        self.ok(
            self.agent_ana, f"/omnichannel/conversation/{self.conversation.id}/post_note", body=body
        )
        return self.env["mail.message"].search(
            [("model", "=", "discuss.channel"), ("res_id", "=", self.channel.id)], limit=1
        )

    def note_with_files(self, body="internal: refund form"):
        note = self.post_note(body)
        files = self.env["ir.attachment"].create(
            [
                {
                    "name": "refund.pdf",
                    "raw": b"%PDF-1.4 secret refund form",
                    "res_model": "discuss.channel",
                    "res_id": self.channel.id,
                },
                {
                    "name": "screenshot.png",
                    "raw": PNG,
                    "res_model": "discuss.channel",
                    "res_id": self.channel.id,
                },
            ]
        )
        note.attachment_ids = files
        return note, files

    def last_bus_id(self):
        return self.env["bus.bus"].sudo().search([], order="id desc", limit=1).id

    def bus_since(self, last_id):
        rows = self.env["bus.bus"].sudo().search([("id", ">", last_id)], order="id")
        return [
            (tuple(json.loads(row.channel)[1:]), json.loads(row.message)["type"], row.message)
            for row in rows
        ]

    def customer_bus(self, sent):
        """What the contact's websocket receives of it: their partner's and the channel's
        rows (with its subchannels)."""
        partner, channel = ("res.partner", self.customer.id), ("discuss.channel", self.channel.id)
        return [row for row in sent if row[0][:2] in (partner, channel)]

    def agent_bus(self, sent):
        return [row for row in sent if row[0] == ("res.partner", self.agent_ana.partner_id.id)]

    def customer_reads(self):
        data = self.ok(self.portal_user, "/discuss/channel/messages", channel_id=self.channel.id)
        return json.dumps(data)

    def customer_posts(self, body, **post_data):
        post_data = {
            "body": body,
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_comment",
            **post_data,
        }
        self.ok(
            self.portal_user,
            "/mail/message/post",
            thread_model="discuss.channel",
            thread_id=self.channel.id,
            post_data={key: value for key, value in post_data.items() if value is not None},
        )
        return self.env["mail.message"].search(
            [("res_id", "=", self.channel.id), ("model", "=", "discuss.channel")], limit=1
        )

    # -- a note's changes stay on the agents' bus --------------------------------------------

    def test_note_changes_are_not_on_the_customers_bus(self):
        note, _files = self.note_with_files()
        steps = [
            (
                "edit",
                "/mail/message/update_content",
                {
                    "message_id": note.id,
                    "body": "refund of 80 EUR",
                    "attachment_ids": note.attachment_ids.ids,
                },
            ),
            (
                "react",
                "/mail/message/reaction",
                {"message_id": note.id, "content": "👍", "action": "add"},
            ),
            (
                "unreact",
                "/mail/message/reaction",
                {"message_id": note.id, "content": "👍", "action": "remove"},
            ),
            *[
                (
                    "pin" if pinned else "unpin",
                    "/web/dataset/call_kw/discuss.channel/set_message_pin",
                    {
                        "model": "discuss.channel",
                        "method": "set_message_pin",
                        "args": [[self.channel.id]],
                        "kwargs": {"message_id": note.id, "pinned": pinned},
                    },
                )
                for pinned in (True, False)
            ],
            (
                "delete",
                "/mail/message/update_content",
                {"message_id": note.id, "body": "", "attachment_ids": []},
            ),
        ]
        for step, route, params in steps:
            with self.subTest(step=step):
                last = self.last_bus_id()
                self.ok(self.agent_ana, route, **params)
                sent = self.bus_since(last)
                self.assertFalse(self.customer_bus(sent))
                self.assertTrue(self.agent_bus(sent), sent)
        self.assertNotIn("pinned a message", self.customer_reads())

    # -- a note's files ----------------------------------------------------------------------

    def test_note_files_are_not_listed_or_served_to_the_customer(self):
        _note, files = self.note_with_files()
        public = self.env["ir.attachment"].create(
            {
                "name": "invoice.pdf",
                "raw": b"%PDF-1.4 your invoice",
                "res_model": "discuss.channel",
                "res_id": self.channel.id,
            }
        )
        self.post_as_agent(self.conversation, self.agent_ana, "Your invoice")
        self.channel.message_ids[:1].attachment_ids = public
        listed = self.ok(
            self.portal_user, "/discuss/channel/attachments", channel_id=self.channel.id
        )
        self.assertEqual([a["id"] for a in listed.get("ir.attachment", [])], public.ids)
        # (still authenticated as the contact)
        cid = self.channel.id
        served = self.url_open(f"/discuss/channel/{cid}/attachment/{public.id}")
        self.assertEqual(served.status_code, 200)
        for attachment in files:
            for url in (
                f"/discuss/channel/{cid}/attachment/{attachment.id}?download=true",
                f"/discuss/channel/{cid}/image/{attachment.id}",
                f"/web/content/{attachment.id}",
                f"/web/image/{attachment.id}",
            ):
                with self.subTest(url=url), mute_logger("odoo.http", "werkzeug"):
                    response = self.url_open(url, allow_redirects=False)
                    self.assertNotIn(b"secret", response.content)
                    self.assertNotEqual(response.content, PNG)
                    if "/web/image" not in url:  # which serves a placeholder image instead
                        self.assertIn(response.status_code, (403, 404))
        # The agent lists them all.
        listed = self.ok(self.agent_ana, "/discuss/channel/attachments", channel_id=cid)
        self.assertEqual(
            sorted(a["id"] for a in listed["ir.attachment"]), sorted((files | public).ids)
        )

    # -- notifications -----------------------------------------------------------------------

    @patch.object(odoo.addons.mail.models.mail_thread, "push_to_end_point")
    def test_note_notifies_no_customer(self, push_to_end_point):
        """Not by e-mail nor inbox when mentioned, not by web push as a member."""
        # The contact's Discuss settings, as opening a chat creates them (Discuss pushes to
        # the members who have them).
        self.env["res.users.settings"]._find_or_create_for_user(self.portal_user)
        self.env["mail.push.device"].get_web_push_vapid_public_key()
        self.env["mail.push.device"].sudo().create(
            {
                "endpoint": "https://push.example/customer",
                "keys": json.dumps(
                    {
                        "p256dh": "BGbhnoP_91U7oR59BaaSx0JnDv2oEooYnJRV2AbY5TBeKGCRCf0HcIJ9b"
                        "OKchUCDH4cHYWo9SYDz3U-8vSxPL_A",
                        "auth": "DJFdtAgZwrT6yYkUMgUqow",
                    }
                ),
                "partner_id": self.customer.id,
            }
        )
        self.ok(
            self.agent_ana,
            "/mail/message/post",
            thread_model="discuss.channel",
            thread_id=self.channel.id,
            post_data={
                "body": "internal: @Customer Carmen is lying",
                "message_type": "comment",
                "subtype_xmlid": "mail.mt_note",
                "partner_ids": [self.customer.id],
            },
        )
        note = self.env["mail.message"].search([("res_id", "=", self.channel.id)], limit=1)
        self.assertTrue(note._is_omnichannel_internal_note())
        self.assertFalse(
            note.notification_ids.filtered(lambda n: n.res_partner_id == self.customer)
        )
        self.assertFalse(self.env["mail.mail"].search([("mail_message_id", "=", note.id)]))
        self.assertFalse(push_to_end_point.called)
        # A public reply reaches the contact's device (the push works).
        self.post_as_agent(self.conversation, self.agent_ana, "We are on it")
        self.assertTrue(push_to_end_point.called)

    # -- what the customer posts -------------------------------------------------------------

    def test_customer_cannot_post_a_note_or_a_system_line(self):
        comment = self.env.ref("mail.mt_comment")
        for index, fields in enumerate(
            (
                {"subtype_xmlid": "mail.mt_note"},
                {"message_type": "notification"},
                {"message_type": "notification", "subtype_xmlid": "mail.mt_note"},
                {"message_type": None, "subtype_xmlid": None},
            )
        ):
            with self.subTest(fields=fields):
                message = self.customer_posts(f"forged {index}", **fields)
                self.assertIn(f"forged {index}", message.body)
                self.assertEqual(message.author_id, self.customer)
                self.assertEqual((message.message_type, message.subtype_id), ("comment", comment))
                self.assertFalse(message._is_omnichannel_internal_note())
                self.assertIn(f"forged {index}", self.customer_reads())

    def test_customer_html_is_stored_as_text(self):
        message = self.customer_posts(
            '<p><img src="https://tracker.example/p.gif">Hi</p><p>'
            '<a href="https://evil.example">click</a> <i>here</i></p>'
        )
        self.assertEqual(message.body, "<p>Hi<br>click here</p>")
        self.assertIn("Hi<br>click here", self.customer_reads())

    def test_customer_cannot_react_to_a_note(self):
        note = self.post_note()
        _result, error = self.call(
            self.portal_user,
            "/mail/message/reaction",
            message_id=note.id,
            content="😀",
            action="add",
        )
        self.assertTrue(error)
        self.assertFalse(note.reaction_ids)

    # -- replies quoting a note, tickets -----------------------------------------------------

    def test_reply_quoting_a_note_does_not_carry_it(self):
        note = self.post_note("internal: offer 10% at most")
        last = self.last_bus_id()
        self.ok(
            self.agent_ana,
            "/mail/message/post",
            thread_model="discuss.channel",
            thread_id=self.channel.id,
            post_data={
                "body": "We can offer a discount",
                "message_type": "comment",
                "subtype_xmlid": "mail.mt_comment",
                "parent_id": note.id,
            },
        )
        customer = self.customer_bus(self.bus_since(last))
        self.assertTrue([row for row in customer if "offer a discount" in row[2]])
        self.assertFalse([row for row in customer if "10%" in row[2]], customer)
        read = self.customer_reads()
        self.assertIn("offer a discount", read)
        self.assertNotIn("10%", read)
        # The agent sees what the reply quotes.
        data = self.ok(self.agent_ana, "/discuss/channel/messages", channel_id=self.channel.id)
        self.assertIn("10%", json.dumps(data))

    def test_ticket_transcript_leaves_notes_out(self):
        note, _files = self.note_with_files("internal: customer is rude")
        self.ok(
            self.agent_ana,
            "/mail/message/post",
            thread_model="discuss.channel",
            thread_id=self.channel.id,
            post_data={
                "body": "Sorry for the delay",
                "message_type": "comment",
                "subtype_xmlid": "mail.mt_comment",
                "parent_id": note.id,
            },
        )
        self.ok(self.agent_ana, f"/omnichannel/conversation/{self.conversation.id}/create_ticket")
        description = self.conversation.sudo().ticket_id.description
        self.assertIn("Sorry for the delay", description)
        self.assertIn("customer says hi", description)
        self.assertNotIn("rude", description)
        self.assertNotIn("refund.pdf", description)
