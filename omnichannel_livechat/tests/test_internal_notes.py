import json

from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase

from .common import LivechatCase


@tagged("post_install", "-at_install")
class TestNotesNeverReachTheVisitor(LivechatCase, MailCase):
    def setUp(self):
        super().setUp()
        self.channel = self.channel_of(self.visitor_opens())
        self.token = self.guest_token()
        self.visitor_says(self.channel, "My order is late")
        self.conversation = self.conversation_of(self.channel)
        self.conversation.with_user(self.agent_ana).action_take()
        self.guest = self.conversation.guest_id

    def test_note_is_not_on_the_visitors_bus(self):
        self._reset_bus()
        with self.mock_bus():
            self.conversation.with_user(self.agent_ana).action_post_note("Customer is rude")
        targets = [
            json.loads(notification.channel)[1:3]
            for notification in self._new_bus_notifs
            if "Customer is rude" in notification.message
        ]
        self.assertIn(["res.partner", self.agent_ana.partner_id.id], targets)
        self.assertTrue(all(target[0] == "res.partner" for target in targets), targets)
        self.assertNotIn(["mail.guest", self.guest.id], targets)

    def test_note_is_not_in_the_visitors_message_fetch(self):
        self.conversation.with_user(self.agent_ana).action_post_note("Customer is rude")
        for cors in (False, True):
            bodies = self.visitor_reads(self.channel, cors=cors, guest_token=self.token)
            self.assertIn("<p>My order is late</p>", bodies)
            self.assertFalse([body for body in bodies if "rude" in body], cors)

    def test_note_is_not_in_the_transcript(self):
        self.conversation.with_user(self.agent_ana).action_post_note("Customer is rude")
        self.make_jsonrpc_request(
            "/im_livechat/email_livechat_transcript",
            {"channel_id": self.channel.id, "email": "visitor@example.com"},
        )
        mail = self.env["mail.mail"].search([("email_to", "=", "visitor@example.com")], limit=1)
        self.assertIn("My order is late", mail.body_html)
        self.assertNotIn("rude", mail.body_html)
        self.assertNotIn("rude", self.channel._get_channel_history())
