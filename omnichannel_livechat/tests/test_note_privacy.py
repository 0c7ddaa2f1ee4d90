"""Internal notes stay agent-only in every form, and a visitor can neither forge one nor make
live HTML load in the agent's browser: tried as the visitor of the website's chat (guest cookie,
and the CORS twins with the guest token), watching what the visitor's websocket would receive
(the bus rows of the guest and of the channel)."""

import base64
import json
from unittest.mock import patch

from markupsafe import Markup

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import LivechatCase

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@tagged("post_install", "-at_install")
class TestNotePrivacy(LivechatCase):
    def setUp(self):
        super().setUp()
        self.channel = self.channel_of(self.visitor_opens())
        self.token = self.guest_token()
        self.visitor_says(self.channel, "My order is late")
        self.conversation = self.conversation_of(self.channel)
        self.conversation.with_user(self.agent_ana).action_take()
        self.guest = self.conversation.guest_id

    # -- helpers ---------------------------------------------------------------------------

    def as_agent(self, route, params, user=None):
        """A route the agent's web client calls, then back to the visitor's session (the
        visitor's guest cookie stays)."""
        user = user or self.agent_ana
        guest_cookie = self.opener.cookies.get("dgid")
        self.authenticate(user.login, user.login)
        try:
            return self.make_jsonrpc_request(route, params)
        finally:
            self.authenticate(None, None)
            if guest_cookie:
                self.opener.cookies.set("dgid", guest_cookie)

    def post_note(self, body="Customer is rude"):
        """A note through the desk's route, as the agent writes one."""
        self.act(self.agent_ana, self.conversation, "post_note", body=body)
        return self.env["mail.message"].search(
            [("model", "=", "discuss.channel"), ("res_id", "=", self.channel.id)], limit=1
        )

    def note_with_files(self, body="Refund form attached"):
        """A note holding a document and an image (as the edit composer attaches them)."""
        note = self.post_note(body)
        # sudo: the files as the agent's upload creates them, on the channel
        files = (
            self.env["ir.attachment"]
            .sudo()
            .create(
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
        )
        note.sudo().attachment_ids = files
        return note, files

    def last_bus_id(self):
        return self.env["bus.bus"].sudo().search([], order="id desc", limit=1).id

    def bus_since(self, last_id):
        """(target, notification type, payload as text) of the bus rows written since."""
        rows = self.env["bus.bus"].sudo().search([("id", ">", last_id)], order="id")
        return [
            (tuple(json.loads(row.channel)[1:]), json.loads(row.message)["type"], row.message)
            for row in rows
        ]

    def visitor_bus(self, sent):
        """What the visitor's websocket receives of it: the guest's and the channel's rows
        (with its subchannels)."""
        guest, channel = ("mail.guest", self.guest.id), ("discuss.channel", self.channel.id)
        return [row for row in sent if row[0][:2] in (guest, channel)]

    def agent_bus(self, sent, user=None):
        partner = ("res.partner", (user or self.agent_ana).partner_id.id)
        return [row for row in sent if row[0] == partner]

    def visitor_get(self, url):
        with mute_logger("odoo.http", "werkzeug"):
            return self.url_open(url, allow_redirects=False)

    def visitor_fetch_bodies(self):
        """The bodies the visitor reads back, and their parents' (both fetch routes)."""
        bodies = []
        for route, params in (
            ("/discuss/channel/messages", {"channel_id": self.channel.id}),
            (
                "/im_livechat/cors/channel/messages",
                {"channel_id": self.channel.id, "guest_token": self.token},
            ),
        ):
            data = self.make_jsonrpc_request(route, params)["data"]
            bodies += [message["body"] for message in data.get("mail.message", [])]
        return bodies

    # -- a note's changes stay on the agents' bus --------------------------------------------

    def test_edited_note_is_not_on_the_visitors_bus(self):
        note = self.post_note("Customer is rude")
        last = self.last_bus_id()
        self.as_agent(
            "/mail/message/update_content",
            {"message_id": note.id, "body": "Customer is very rude", "attachment_ids": []},
        )
        sent = self.bus_since(last)
        self.assertFalse(self.visitor_bus(sent))
        self.assertTrue(
            [row for row in self.agent_bus(sent) if "Customer is very rude" in row[2]], sent
        )

    def test_link_preview_of_a_note_is_not_on_the_visitors_bus(self):
        note = self.post_note("See the refund policy")
        preview = {"og_title": "Refund policy (internal)", "source_url": "https://intra.example/r"}
        with patch(
            "odoo.addons.mail.models.mail_link_preview.get_link_preview_from_url",
            return_value=dict(preview, og_type="website"),
        ):
            last = self.last_bus_id()
            self.as_agent(
                "/mail/message/update_content",
                {
                    "message_id": note.id,
                    "body": '<a href="https://intra.example/r">https://intra.example/r</a>',
                    "attachment_ids": [],
                },
            )
            self.as_agent("/mail/link_preview", {"message_id": note.id})
            link_preview = note.sudo().link_preview_ids
            self.assertTrue(link_preview)
            self.as_agent("/mail/link_preview/hide", {"link_preview_ids": link_preview.ids})
        sent = self.bus_since(last)
        self.assertFalse(self.visitor_bus(sent))
        agent_rows = [row[2] for row in self.agent_bus(sent)]
        self.assertTrue([row for row in agent_rows if "Refund policy (internal)" in row], sent)
        self.assertTrue([row for row in agent_rows if "DELETE" in row and "linkPreviews" in row])

    def test_reaction_to_a_note_is_not_on_the_visitors_bus(self):
        note = self.post_note()
        last = self.last_bus_id()
        for action in ("add", "remove"):
            self.as_agent(
                "/mail/message/reaction",
                {"message_id": note.id, "content": "👍", "action": action},
            )
        sent = self.bus_since(last)
        self.assertFalse(self.visitor_bus(sent))
        self.assertEqual(len([row for row in self.agent_bus(sent) if "reactions" in row[2]]), 2)

    def test_pinned_note_is_not_on_the_visitors_bus(self):
        note = self.post_note()
        last = self.last_bus_id()
        for pinned in (True, False):
            self.as_agent(
                "/web/dataset/call_kw/discuss.channel/set_message_pin",
                {
                    "model": "discuss.channel",
                    "method": "set_message_pin",
                    "args": [[self.channel.id]],
                    "kwargs": {"message_id": note.id, "pinned": pinned},
                },
            )
        sent = self.bus_since(last)
        self.assertFalse(self.visitor_bus(sent))
        pins = [row for row in self.agent_bus(sent) if row[1] == "mail.record/insert"]
        self.assertEqual(len([row for row in pins if "pinned_at" in row[2]]), 2, sent)
        # Discuss's notice "Ana pinned a message" points at the note: for the agents as well.
        notice = self.env["mail.message"].search(
            [
                ("model", "=", "discuss.channel"),
                ("res_id", "=", self.channel.id),
                ("message_type", "=", "notification"),
                ("body", "ilike", f'data-oe-id="{note.id}"'),
            ]
        )
        self.assertTrue(notice)
        self.assertFalse([b for b in self.visitor_fetch_bodies() if "pinned a message" in b])
        pins = self.make_jsonrpc_request(
            "/discuss/channel/pinned_messages", {"channel_id": self.channel.id}
        )
        self.assertFalse(pins.get("mail.message"))

    def test_deleted_note_is_not_on_the_visitors_bus(self):
        note, files = self.note_with_files()
        last = self.last_bus_id()
        self.as_agent(
            "/mail/message/update_content",
            {"message_id": note.id, "body": "", "attachment_ids": []},
        )
        self.assertFalse(files.exists())
        sent = self.bus_since(last)
        self.assertFalse(self.visitor_bus(sent))
        kinds = [row[1] for row in self.agent_bus(sent)]
        self.assertEqual(kinds.count("ir.attachment/delete"), 2, sent)
        self.assertIn("mail.record/insert", kinds)

    # -- a note's files ----------------------------------------------------------------------

    def test_note_files_are_not_listed_or_served_to_the_visitor(self):
        _note, (document, image) = self.note_with_files()
        # A file the agent sends the visitor: listed and served (the routes work).
        public = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": "invoice.pdf",
                    "raw": b"%PDF-1.4 your invoice",
                    "res_model": "discuss.channel",
                    "res_id": self.channel.id,
                }
            )
        )
        self.channel.sudo().message_post(
            body="Here is your invoice",
            author_id=self.agent_ana.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=public.ids,
        )
        listed = self.make_jsonrpc_request(
            "/discuss/channel/attachments", {"channel_id": self.channel.id}
        )
        self.assertEqual([a["id"] for a in listed.get("ir.attachment", [])], public.ids)
        cid, token = self.channel.id, self.token
        served = self.visitor_get(f"/discuss/channel/{cid}/attachment/{public.id}")
        self.assertEqual(served.status_code, 200)
        self.assertEqual(served.content, b"%PDF-1.4 your invoice")
        for attachment in (document, image):
            for url in (
                f"/discuss/channel/{cid}/attachment/{attachment.id}?download=true",
                f"/discuss/channel/{cid}/image/{attachment.id}",
                f"/im_livechat/cors/channel/{cid}/attachment/{attachment.id}?guest_token={token}",
                f"/im_livechat/cors/channel/{cid}/image/{attachment.id}?guest_token={token}",
                f"/web/content/{attachment.id}",
                f"/web/content/ir.attachment/{attachment.id}/raw",
                f"/web/image/{attachment.id}",
                f"/im_livechat/cors/web/image?model=ir.attachment&id={attachment.id}"
                f"&field=raw&guest_token={token}",
            ):
                with self.subTest(url=url):
                    response = self.visitor_get(url)
                    self.assertNotIn(b"secret", response.content)
                    self.assertNotEqual(response.content, PNG)
                    if "/web/image" not in url:  # which serves a placeholder image instead
                        self.assertIn(response.status_code, (403, 404))

    # -- what the visitor posts --------------------------------------------------------------

    def test_visitor_cannot_post_a_note_or_a_system_line(self):
        forged = [
            ({"subtype_xmlid": "mail.mt_note"}, False),
            ({"message_type": "notification"}, False),
            ({"message_type": "notification", "subtype_xmlid": "mail.mt_note"}, True),
            ({"subtype_xmlid": "mail.mt_note", "message_type": "comment"}, True),
        ]
        for index, (fields, cors) in enumerate(forged):
            with self.subTest(fields=fields, cors=cors):
                route, params = self.post_params(
                    self.channel, f"forged {index}", cors=cors, guest_token=self.token
                )
                params["post_data"].pop("message_type")
                params["post_data"].pop("subtype_xmlid")
                params["post_data"].update(fields)
                self.make_jsonrpc_request(route, params)
                message = self.env["mail.message"].search(
                    [("res_id", "=", self.channel.id), ("body", "ilike", f"forged {index}")]
                )
                self.assertEqual(message.author_guest_id, self.guest)
                self.assertEqual(message.message_type, "comment")
                self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
                self.assertFalse(message._is_omnichannel_internal_note())
        # Each counts as the visitor's, and the visitor reads each back.
        self.assertEqual(self.conversation.customer_message_count, 1 + len(forged))
        bodies = self.visitor_fetch_bodies()
        self.assertEqual(len([b for b in bodies if "forged" in b]), 2 * len(forged))

    def test_visitor_html_is_stored_as_text(self):
        html = (
            '<img src="https://tracker.example/pixel.gif?v=42">Hello<br/>'
            'see <a href="https://evil.example/x">my order</a> &amp; '
            "<b>thanks</b><script>alert(1)</script>"
        )
        expected = "<p>Hello<br>see my order &amp; thanks</p>"
        for cors in (False, True):
            with self.subTest(cors=cors):
                self.visitor_says(self.channel, html, cors=cors, guest_token=self.token)
                message = self.env["mail.message"].search(
                    [("res_id", "=", self.channel.id), ("author_guest_id", "=", self.guest.id)],
                    limit=1,
                )
                self.assertEqual(message.body, expected)
        # What the visitor edits, as what they post.
        self.make_jsonrpc_request(
            "/mail/message/update_content",
            {
                "message_id": message.id,
                "body": '<img src="https://tracker.example/edit.gif">Edited <a href="x">link</a>',
                "attachment_ids": [],
            },
        )
        self.assertNotIn("<img", message.body)
        self.assertNotIn("<a", message.body)
        self.assertIn("Edited link", message.body)
        # The agent's own messages keep their HTML.
        reply = self.channel.sudo().message_post(
            body=Markup('<p>See <a href="https://shop.example/track">tracking</a></p>'),
            author_id=self.agent_ana.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertIn('href="https://shop.example/track"', reply.body)

    def test_visitor_cannot_react_to_a_note(self):
        note = self.post_note()
        for route, params in (
            ("/mail/message/reaction", {}),
            ("/im_livechat/cors/message/reaction", {"guest_token": self.token}),
        ):
            with self.subTest(route=route):
                error = self.refusal(
                    route, {"message_id": note.id, "content": "😀", "action": "add", **params}
                )
                self.assertTrue(error)
        self.assertFalse(note.sudo().reaction_ids)

    # -- replies quoting a note --------------------------------------------------------------

    def test_reply_quoting_a_note_does_not_carry_it(self):
        note = self.post_note("Customer is rude, offer 10% at most")
        last = self.last_bus_id()
        self.as_agent(
            "/mail/message/post",
            {
                "thread_model": "discuss.channel",
                "thread_id": self.channel.id,
                "post_data": {
                    "body": "We can offer you a discount",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                    "parent_id": note.id,
                },
            },
        )
        reply = self.env["mail.message"].search(
            [("res_id", "=", self.channel.id), ("body", "ilike", "offer you a discount")]
        )
        self.assertEqual(reply.parent_id, note)  # the agents keep the link
        sent = self.bus_since(last)
        visitor = self.visitor_bus(sent)
        self.assertTrue([row for row in visitor if "offer you a discount" in row[2]])
        self.assertFalse([row for row in visitor if "10%" in row[2]], visitor)
        self.assertFalse([body for body in self.visitor_fetch_bodies() if "10%" in body])
        # The visitor quoting the note (its id is guessable) does not read it either.
        route, params = self.post_params(self.channel, "What note?")
        params["post_data"]["parent_id"] = note.id
        answer = self.make_jsonrpc_request(route, params)
        self.assertNotIn("10%", json.dumps(answer))
        quoting = self.env["mail.message"].search(
            [("res_id", "=", self.channel.id), ("body", "ilike", "What note?")]
        )
        self.assertFalse(quoting.parent_id)

    # -- transcripts -------------------------------------------------------------------------

    def test_transcripts_leave_notes_out(self):
        note, _files = self.note_with_files("Customer is rude")
        self.channel.sudo().message_post(
            body="Sorry for the delay",
            author_id=self.agent_ana.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            parent_id=note.id,
        )
        for route, params in (
            ("/im_livechat/email_livechat_transcript", {}),
            ("/im_livechat/cors/email_livechat_transcript", {"guest_token": self.token}),
        ):
            with self.subTest(route=route):
                email = f"visitor{len(params)}@example.com"
                self.make_jsonrpc_request(
                    route, {"channel_id": self.channel.id, "email": email, **params}
                )
                mail = self.env["mail.mail"].search([("email_to", "=", email)], limit=1)
                self.assertIn("Sorry for the delay", mail.body_html)
                self.assertNotIn("rude", mail.body_html)
                self.assertNotIn("refund.pdf", mail.body_html)
        history = self.channel._get_channel_history()
        self.assertIn("Sorry for the delay", history)
        self.assertNotIn("rude", history)
