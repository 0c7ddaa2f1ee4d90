from datetime import timedelta

from odoo import fields
from odoo.http import root
from odoo.tests import tagged

from .common import LivechatCase


@tagged("post_install", "-at_install")
class TestLivechatDeskTours(LivechatCase):
    """The agent's desk in Discuss, in Chromium: the live chat actions of the thread header."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Read the addons' manifests once now: the browser's parallel first requests would
        # parse them in threads, which CPython 3.11.7's ast.parse does not survive (gh-106905).
        root.statics  # noqa: B018

    def test_agent_blocks_the_visitor_then_ends_the_chat(self):
        channel = self.channel_of(self.visitor_opens(name="Visitor 42"))
        self.visitor_says(channel, "Hello, you are useless")
        conversation = self.conversation_of(channel)
        conversation.with_user(self.agent_ana).action_take()
        self.start_tour("/odoo/discuss", "omnichannel_livechat_block_and_end", login="lc_ana")
        block = self.env["omnichannel.livechat.block"].search(
            [("conversation_id", "=", conversation.id)]
        )
        self.assertEqual(len(block), 1)
        self.assertEqual(
            (block.reason, block.guest_id, block.ip_address),
            ("Insults to the agent", conversation.guest_id, "127.0.0.1"),
        )
        self.assertAlmostEqual(
            block.date_end,
            fields.Datetime.now() + timedelta(days=7),
            delta=timedelta(minutes=10),
        )
        self.assertEqual(
            (conversation.state, conversation.user_id, conversation.reason_id),
            ("resolved", self.agent_ana, self.reason_resolved),
        )
        self.assertFalse(channel.livechat_active)
        events = conversation.event_ids
        self.assertIn("visitor_block", events.mapped("kind"))
        self.assertIn("session_end", events.mapped("kind"))
        self.assertIn("Abusive visitor", events.filtered(lambda e: e.kind == "resolve").note)
