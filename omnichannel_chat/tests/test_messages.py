import json

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import MailCase

from .common import OmnichannelCase, OmnichannelHttpCase


@tagged("post_install", "-at_install")
class TestConversationMessages(OmnichannelCase, MailCase):
    def test_customer_and_agent_times(self):
        conversation = self.route(body="Hi")
        self.assertTrue(conversation.last_customer_message_date)
        self.assertFalse(conversation.first_agent_reply_date)
        conversation.with_user(self.agent_ana).action_take()
        self.post_as_agent(conversation, self.agent_ana, "Hello, Ana here")
        first_reply = conversation.first_agent_reply_date
        self.assertTrue(first_reply)
        self.assertEqual(conversation.last_agent_message_date, first_reply)

    def test_reply_takes_a_queued_conversation(self):
        conversation = self.route()
        self.post_as_agent(conversation, self.agent_bruno, "I can help")
        self.assertEqual((conversation.state, conversation.user_id), ("taken", self.agent_bruno))
        self.assertEqual(self.events(conversation), ["create", "take"])

    def test_reply_does_not_take_when_the_team_says_so(self):
        self.team_support.omnichannel_take_on_reply = False
        conversation = self.route()
        self.post_as_agent(conversation, self.agent_bruno, "I can help")
        self.assertEqual(conversation.state, "queued")

    def test_note_does_not_count_as_a_reply(self):
        conversation = self.route()
        conversation.with_user(self.agent_ana).action_post_note("Known customer")
        self.assertEqual(conversation.state, "queued")
        self.assertFalse(conversation.first_agent_reply_date)

    def test_note_is_internal_and_escaped(self):
        conversation = self.route()
        message_id = conversation.with_user(self.agent_bruno).action_post_note(
            "<b>VIP</b> customer"
        )
        message = self.env["mail.message"].browse(message_id)
        self.assertTrue(message._is_omnichannel_internal_note())
        self.assertEqual(message.author_id, self.agent_bruno.partner_id)
        self.assertEqual(message.body, "<p>&lt;b&gt;VIP&lt;/b&gt; customer</p>")

    def test_note_refused_to_who_cannot_act(self):
        conversation = self.route()
        conversation.with_user(self.agent_ana).action_take()
        for user in (self.agent_bruno, self.agent_carla, self.internal_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                conversation.with_user(user).action_post_note("hello")

    def bus_targets(self):
        """(target, type, message text) of each notification sent in mock_bus()."""
        return [
            (tuple(json.loads(n.channel)[1:]), json.loads(n.message)["type"], n.message)
            for n in self._new_bus_notifs
        ]

    def test_note_reaches_agents_bus_not_the_channel(self):
        conversation = self.route()
        conversation.with_user(self.agent_ana).action_take()
        self._reset_bus()
        with self.mock_bus():
            conversation.with_user(self.agent_ana).action_post_note("secret note")
        channel = ("discuss.channel", conversation.sudo().channel_id.id)
        sent = self.bus_targets()
        new_message_targets = [t for t, kind, _m in sent if kind == "discuss.channel/new_message"]
        self.assertEqual(new_message_targets, [("res.partner", self.agent_ana.partner_id.id)])
        self.assertFalse([m for t, _k, m in sent if t[:2] == channel and "secret note" in m])

    def test_customer_message_reaches_the_channel_bus(self):
        conversation = self.route()
        self._reset_bus()
        with self.mock_bus():
            self.route(body="public reply please")
        channel = ("discuss.channel", conversation.sudo().channel_id.id)
        self.assertTrue(
            [m for t, k, m in self.bus_targets() if t == channel and "public reply please" in m]
        )


@tagged("post_install", "-at_install")
class TestNotesAsCustomer(OmnichannelHttpCase):
    """The customer's own routes never return an internal note."""

    def fetch(self, channel, headers=None):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"channel_id": channel.id},
        }
        response = self.url_open(
            "/discuss/channel/messages",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        body = response.json()
        self.assertNotIn("error", body, body.get("error"))
        return [m["body"] for m in body["result"]["data"].get("mail.message", [])]

    def test_portal_contact_does_not_fetch_notes(self):
        conversation = self.route(body="customer says hi")
        self.portal_user.partner_id = self.customer  # the WhatsApp contact has a portal account
        conversation.with_user(self.agent_ana).action_take()
        conversation.with_user(self.agent_ana).action_post_note("internal: refund approved")
        conversation.sudo().channel_id.message_post(
            body="public answer",
            author_id=self.agent_ana.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.authenticate(self.portal_user.login, self.portal_user.login)
        bodies = self.fetch(conversation.sudo().channel_id)
        self.assertIn("<p>public answer</p>", bodies)
        self.assertIn("<p>customer says hi</p>", bodies)
        self.assertFalse([b for b in bodies if "refund approved" in b])
        # The agent sees the note.
        self.authenticate(self.agent_ana.login, self.agent_ana.login)
        self.assertTrue(
            [b for b in self.fetch(conversation.sudo().channel_id) if "refund approved" in b]
        )

    def test_guest_does_not_fetch_notes(self):
        guest = self.env["mail.guest"].create({"name": "Visitor 42"})
        conversation = self.Conversation.sudo()._route_customer(self.source, guest=guest)
        channel = conversation.channel_id
        channel.with_user(self.env.ref("base.public_user")).with_context(guest=guest).message_post(
            body="hello from the website", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        conversation.sudo(False).with_user(self.agent_ana).action_take()
        conversation.sudo(False).with_user(self.agent_ana).action_post_note(
            "internal: looks like a bot"
        )
        self.authenticate(None, None)
        with mute_logger("odoo.http"):
            bodies = self.fetch(
                channel, headers={"Cookie": f"{guest._cookie_name}={guest._format_auth_cookie()}"}
            )
        self.assertIn("<p>hello from the website</p>", bodies)
        self.assertFalse([b for b in bodies if "looks like a bot" in b])
