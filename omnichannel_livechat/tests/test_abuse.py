from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import LivechatCase


@tagged("post_install", "-at_install")
class TestBlocksAndLimits(LivechatCase):
    def open_and_block(self, days=None):
        channel = self.channel_of(self.visitor_opens())
        token = self.guest_token()
        self.visitor_says(channel, "spam spam spam")
        conversation = self.conversation_of(channel)
        self.act(self.agent_ana, conversation, "take")
        self.act(self.agent_ana, conversation, "block_visitor", reason="Insults", days=days)
        return channel, conversation, token

    def assert_blocked_everywhere(self, channel, token):
        for cors in (False, True):
            route, params = self.session_params(cors=cors, guest_token=token)
            self.assertIn("not available to you", self.refusal(route, params), route)
            route, params = self.post_params(channel, "again", cors=cors, guest_token=token)
            self.assertIn("not available to you", self.refusal(route, params), route)

    def test_blocked_visitor_cannot_start_nor_post_on_any_route(self):
        channel, conversation, token = self.open_and_block(days=7)
        block = self.env["omnichannel.livechat.block"].search(
            [("conversation_id", "=", conversation.id)]
        )
        self.assertEqual((block.ip_address, block.guest_id), ("127.0.0.1", conversation.guest_id))
        self.assertIn("visitor_block", conversation.event_ids.mapped("kind"))
        self.assert_blocked_everywhere(channel, token)

    def test_each_block_rule_on_every_route(self):
        channel, conversation, token = self.open_and_block()
        block = self.env["omnichannel.livechat.block"].search(
            [("conversation_id", "=", conversation.id)]
        )
        for rule, values in (
            ("ip address", {"guest_id": False, "ip_address": "127.0.0.1"}),
            ("guest", {"guest_id": conversation.guest_id.id, "ip_address": False}),
        ):
            with self.subTest(rule=rule):
                block.write(values)
                self.assert_blocked_everywhere(channel, token)
        # Blocked by guest only: another visitor from the same address still chats.
        self.opener.cookies.clear()
        self.assertTrue(self.visitor_opens(name="Someone else"))

    def test_managers_lift_and_extend_blocks(self):
        channel, conversation, token = self.open_and_block(days=1)
        block = (
            self.env["omnichannel.livechat.block"]
            .with_user(self.manager)
            .search([("conversation_id", "=", conversation.id)])
        )
        block.date_end = "2999-01-01 00:00:00"  # extended
        self.assertTrue(block.is_current)
        block.action_lift()
        self.assertFalse(block.is_current)
        route, params = self.post_params(channel, "sorry", cors=True, guest_token=token)
        self.assertIsNone(self.refusal(route, params))

    def test_expired_block_lets_the_visitor_back(self):
        channel, conversation, token = self.open_and_block(days=1)
        block = self.env["omnichannel.livechat.block"].search(
            [("conversation_id", "=", conversation.id)]
        )
        block.date_end = "2000-01-01 00:00:00"
        route, params = self.post_params(channel, "back", cors=True, guest_token=token)
        self.assertIsNone(self.refusal(route, params))

    def test_agents_cannot_manage_blocks(self):
        _channel, conversation, _token = self.open_and_block()
        block = (
            self.env["omnichannel.livechat.block"]
            .with_user(self.agent_bruno)
            .search([("conversation_id", "=", conversation.id)])
        )
        self.assertTrue(block, "agents see the blocks")
        with self.assertRaises(AccessError):
            block.write({"date_end": False})

    def test_new_chats_per_minute_per_ip(self):
        self.livechat.omnichannel_max_sessions_per_minute = 2
        for name in ("one", "two"):
            self.opener.cookies.clear()
            self.visitor_opens(name=name)
        self.opener.cookies.clear()
        for cors in (False, True):
            route, params = self.session_params(cors=cors, name="three")
            self.assertIn("Too many new chats", self.refusal(route, params))

    def test_messages_per_minute_per_ip(self):
        self.livechat.omnichannel_max_messages_per_minute = 3
        channel = self.channel_of(self.visitor_opens())
        token = self.guest_token()
        for i in range(3):
            self.visitor_says(channel, f"message {i}")
        for cors in (False, True):
            route, params = self.post_params(channel, "one too many", cors=cors, guest_token=token)
            self.assertIn("too fast", self.refusal(route, params))
