from odoo.tests import tagged

from .common import OmnichannelBrowserCase


@tagged("post_install", "-at_install")
class TestDeskTours(OmnichannelBrowserCase):
    """The agent desk in Discuss, in Chromium with the bus live: each tour asserts what the
    agent sees; the test then checks what the server recorded."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tag_vip = cls.env["helpdesk.ticket.tag"].create({"name": "VIP customer"})
        category = cls.env["omnichannel.quick.reply.category"].create({"name": "Delays"})
        cls.env["mail.canned.response"].create(
            {
                "source": "t-late",
                "substitution": "Sorry {{customer_first_name|there}}, your order leaves today.",
                "description": "Order late",
                "omnichannel_category_id": category.id,
                "group_ids": [(4, cls.env.ref("omnichannel_chat.group_omnichannel_agent").id)],
            }
        )

    def setUp(self):
        super().setUp()
        self.conversation = self.route(body="Hello, my order is late")

    def test_take_reply_note_quick_reply_tag_resolve(self):
        self.start_tour("/odoo/discuss", "omnichannel_desk_take_to_resolve", login="t_ana")
        conversation = self.conversation
        self.assertEqual(
            (conversation.state, conversation.user_id, conversation.reason_id),
            ("resolved", self.agent_ana, self.reason_resolved),
        )
        self.assertEqual(conversation.tag_ids, self.tag_vip)
        messages = conversation.sudo().channel_id.message_ids
        note = messages.filtered(lambda m: "check the warehouse" in (m.body or ""))
        self.assertTrue(note._is_omnichannel_internal_note(), "posted as an internal note")
        reply = messages.filtered(lambda m: "your order leaves today" in (m.body or ""))
        self.assertIn("Sorry Customer, your order leaves today.", reply.body)
        self.assertFalse(reply._is_omnichannel_internal_note())
