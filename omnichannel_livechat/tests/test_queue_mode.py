import json
import re

from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase

from .common import LivechatCase


@tagged("post_install", "-at_install")
class TestQueueMode(LivechatCase, MailCase):
    def test_visitor_chat_waits_in_the_team_queue_then_sees_the_agent(self):
        session = self.visitor_opens()
        channel = self.channel_of(session)
        conversation = self.conversation_of(channel)
        self.assertEqual((conversation.state, conversation.team_id), ("queued", self.team))
        self.assertTrue(conversation.guest_id)
        self.assertEqual(
            channel.livechat_operator_id, self.env.ref("omnichannel_livechat.partner_queue")
        )
        self.assertNotIn(self.agent_ana.partner_id, channel.channel_member_ids.partner_id)
        self.visitor_says(channel, "Hello, anyone?")
        bodies = self.visitor_reads(channel)
        self.assertTrue(any("An agent will answer you shortly" in body for body in bodies))
        conversation.with_user(self.agent_ana).action_take()
        self.assertEqual(channel.livechat_operator_id, self.agent_ana.partner_id)
        self.assertTrue(
            any("Ana Live joined the chat" in body for body in self.visitor_reads(channel))
        )
        channel.with_user(self.agent_ana).message_post(
            body="Hi! I'm Ana.", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertEqual(self.visitor_reads(channel).count("<p>Hi! I'm Ana.</p>"), 1)
        self.assertEqual(
            conversation.first_agent_reply_date.date(), conversation.create_date.date()
        )

    def test_queue_mode_off_keeps_odoos_own_operator_choice(self):
        self.livechat.omnichannel_queue_mode = False
        self.env["bus.presence"].create({"user_id": self.agent_bruno.id, "status": "online"})
        channel = self.channel_of(self.visitor_opens())
        self.assertEqual(channel.livechat_operator_id, self.agent_bruno.partner_id)
        self.assertFalse(self.conversation_of(channel))

    def test_nobody_online_the_chat_still_opens_and_waits(self):
        self.assertFalse(self.livechat.available_operator_ids)
        init = self.make_jsonrpc_request("/im_livechat/init", {"channel_id": self.livechat.id})
        self.assertTrue(init["available_for_me"])
        self.assertTrue(self.livechat.get_livechat_info()["available"])
        channel = self.channel_of(self.visitor_opens())
        conversation = self.conversation_of(channel)
        self.assertEqual(conversation.state, "queued")
        # The manager (supervisor) sees it; the button still follows the channel's rules.
        self.assertEqual(
            self.Conversation.with_user(self.manager).search([("id", "=", conversation.id)]),
            conversation,
        )
        self.env["im_livechat.channel.rule"].create(
            {"channel_id": self.livechat.id, "action": "hide_button", "regex_url": ".*"}
        )
        init = self.make_jsonrpc_request("/im_livechat/init", {"channel_id": self.livechat.id})
        self.assertFalse(init["available_for_me"])

    def test_returning_visitor_goes_back_to_the_same_conversation(self):
        channel = self.channel_of(self.visitor_opens())
        conversation = self.conversation_of(channel)
        conversation.with_user(self.agent_ana).action_take()
        again = self.channel_of(self.visitor_opens())
        self.assertEqual(again, channel)
        self.assertEqual(
            len(self.Conversation.search([("guest_id", "=", conversation.guest_id.id)])), 1
        )
        self.assertEqual(conversation.user_id, self.agent_ana)  # sticky
        cors_again = self.channel_of(self.visitor_opens(cors=True, guest_token=self.guest_token()))
        self.assertEqual(cors_again, channel)

    def test_end_session_tells_the_visitor_and_refuses_further_posts(self):
        channel = self.channel_of(self.visitor_opens())
        token = self.guest_token()
        self.visitor_says(channel, "Hola")
        conversation = self.conversation_of(channel)
        self.act(self.agent_ana, conversation, "take")
        self.authenticate(self.agent_bruno.login, self.agent_bruno.login)
        refusal = self.refusal(
            f"/omnichannel/conversation/{conversation.id}/end_session",
            {"reason_id": self.reason_resolved.id},
        )
        self.assertTrue(refusal)  # Bruno does not even see Ana's conversation
        self.assertTrue(channel.livechat_active)
        self.authenticate(None, None)
        self.opener.cookies.set("dgid", token)
        self._reset_bus()
        with self.mock_bus():
            state = self.act(
                self.agent_ana, conversation, "end_session", reason_id=self.reason_resolved.id
            )
        self.assertEqual(state["state"], "resolved")
        self.assertEqual(
            (conversation.state, conversation.reason_id), ("resolved", self.reason_resolved)
        )
        self.assertFalse(channel.livechat_active)
        # The visitor's widget (subscribed to its channel) is told, and learns it is closed.
        to_visitor = [
            notification.message
            for notification in self._new_bus_notifs
            if json.loads(notification.channel)[1:3] == ["discuss.channel", channel.id]
        ]
        self.assertTrue(any("The chat has ended" in message for message in to_visitor))
        self.assertTrue(
            any(re.search(r'"livechat_active":\s*false', message) for message in to_visitor)
        )
        self.assertIn("session_end", conversation.event_ids.mapped("kind"))
        self.assertNotIn("visitor_left", conversation.event_ids.mapped("kind"))
        for cors in (False, True):
            route, params = self.post_params(channel, "¿Sigues ahí?", cors=cors, guest_token=token)
            # Odoo itself no longer lets a closed session be posted to (404); where it would,
            # ours says the chat has ended.
            self.assertTrue(self.refusal(route, params), route)
        self.assertFalse(channel.message_ids.filtered(lambda m: "Sigues" in (m.body or "")))

    def test_visitor_closing_the_widget_is_logged(self):
        channel = self.channel_of(self.visitor_opens())
        self.visitor_says(channel, "bye")
        self.make_jsonrpc_request("/im_livechat/visitor_leave_session", {"channel_id": channel.id})
        conversation = self.conversation_of(channel)
        self.assertIn("visitor_left", conversation.event_ids.mapped("kind"))

    def test_first_message_reaches_the_team_on_the_bus(self):
        channel = self.channel_of(self.visitor_opens())
        self._reset_bus()
        with self.mock_bus():
            self.visitor_says(channel, "First question")
        reached = set()
        for notification in self._new_bus_notifs:
            message = json.loads(notification.message)
            if message["type"] != "discuss.channel/new_message":
                continue
            target = json.loads(notification.channel)
            bodies = [m["body"] for m in message["payload"]["data"]["mail.message"]]
            if target[1] == "res.partner" and "<p>First question</p>" in bodies:
                reached.add(target[2])
        self.assertEqual(reached, {self.agent_ana.partner_id.id, self.agent_bruno.partner_id.id})
