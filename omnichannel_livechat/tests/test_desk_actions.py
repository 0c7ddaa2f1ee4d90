from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import LivechatCase


@tagged("post_install", "-at_install")
class TestLivechatDeskActions(LivechatCase):
    """The thread header offers End the chat and Block the visitor on website chats only, to
    whoever the actions let do them."""

    def actions(self, conversation, user):
        return conversation.with_user(user)._get_available_actions()

    def test_a_website_chat_offers_to_end_it_and_block_its_visitor(self):
        channel = self.channel_of(self.visitor_opens())
        self.visitor_says(channel, "Hello?")
        conversation = self.conversation_of(channel)
        # Queued: any agent of the team may end it or block its visitor, as they may resolve it.
        for user in (self.agent_ana, self.agent_bruno, self.manager):
            actions = self.actions(conversation, user)
            self.assertIn("end_session", actions, user.name)
            self.assertIn("block_visitor", actions, user.name)
        conversation.with_user(self.agent_ana).action_take()
        for user in (self.agent_ana, self.manager):
            actions = self.actions(conversation, user)
            self.assertIn("end_session", actions, user.name)
            self.assertIn("block_visitor", actions, user.name)
        # The visitor closed the widget: no session left to end; still a visitor to block.
        self.make_jsonrpc_request("/im_livechat/visitor_leave_session", {"channel_id": channel.id})
        self.assertFalse(channel.livechat_active)
        actions = self.actions(conversation, self.agent_ana)
        self.assertNotIn("end_session", actions)
        self.assertIn("block_visitor", actions)
        conversation.with_user(self.agent_ana).action_resolve(reason_id=self.reason_resolved.id)
        self.assertNotIn("end_session", self.actions(conversation, self.agent_ana))

    def test_a_conference_guest_may_block_but_not_end(self):
        """Once taken, ending (it resolves) is the owner's or a manager's, as resolving is; a
        conference participant may still block the visitor."""
        channel = self.channel_of(self.visitor_opens())
        conversation = self.conversation_of(channel)
        conversation.with_user(self.agent_ana).action_take()
        conversation.with_user(self.agent_ana).action_invite(self.agent_bruno.id)
        conversation.with_user(self.agent_bruno).action_accept_conference()
        actions = self.actions(conversation, self.agent_bruno)
        self.assertNotIn("end_session", actions)
        self.assertIn("block_visitor", actions)
        with self.assertRaises(AccessError):
            conversation.with_user(self.agent_bruno).action_end_session(
                reason_id=self.reason_resolved.id
            )

    def test_other_sources_offer_neither_and_cost_no_query(self):
        source = self.env["omnichannel.source"].create(
            {"name": "Other source", "code": "lc_other_source", "team_id": self.team.id}
        )
        partner = self.env["res.partner"].create({"name": "Customer Olga"})
        conversation = (
            self.Conversation.sudo()._route_inbound_message(source, partner, "Hello")[0]
        ).sudo(False)
        actions = self.actions(conversation, self.agent_ana)
        self.assertIn("resolve", actions)
        self.assertNotIn("end_session", actions)
        self.assertNotIn("block_visitor", actions)
        # Telling a website chat from another source reads only the conversation's own row
        # (already read by the header) and the cached xmlid of the live chat source.
        conversation = conversation.with_user(self.agent_ana)
        conversation.invalidate_recordset()
        conversation.fetch(["source_id"])
        with self.assertQueryCount(0):
            self.assertFalse(conversation._is_livechat())
