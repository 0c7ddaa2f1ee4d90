from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import OmnichannelHttpCase


@tagged("post_install", "-at_install")
class TestHelpdeskTickets(OmnichannelHttpCase):
    def test_create_ticket_from_the_conversation(self):
        tag = self.env["helpdesk.ticket.tag"].create({"name": "Refund"})
        conversation = self.route(body="My parcel never arrived")
        mine = conversation.with_user(self.agent_ana)
        mine.action_take()
        mine.action_add_tags([tag.id])
        self.post_as_agent(conversation, self.agent_ana, "Sorry! Opening a ticket.")
        mine.action_post_note("customer already called twice")
        ticket = self.env["helpdesk.ticket"].browse(mine.action_create_ticket())
        self.assertEqual(
            (ticket.partner_id, ticket.team_id, ticket.user_id, ticket.tag_ids),
            (self.customer, self.team_support, self.agent_ana, tag),
        )
        self.assertEqual(
            ticket.channel_id, self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_other")
        )
        self.assertEqual(ticket.name, "Test source conversation with Customer Carmen")
        self.assertIn("My parcel never arrived", ticket.description)
        self.assertIn("Opening a ticket", ticket.description)
        self.assertNotIn("called twice", ticket.description)
        self.assertEqual(conversation.ticket_id, ticket)
        self.assertEqual(ticket.omnichannel_conversation_ids, conversation)
        with self.assertRaisesRegex(UserError, "already has the ticket"):
            mine.action_create_ticket()

    def test_source_ticket_channel(self):
        self.source.ticket_channel_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web")
        conversation = self.route()
        conversation.with_user(self.agent_ana).action_take()
        ticket_id = conversation.with_user(self.agent_ana).action_create_ticket(name="Custom title")
        ticket = self.env["helpdesk.ticket"].browse(ticket_id)
        self.assertEqual((ticket.name, ticket.channel_id.name), ("Custom title", "Web"))

    def test_link_a_ticket(self):
        Ticket = self.env["helpdesk.ticket"]
        ana_ticket = Ticket.create(
            {
                "name": "Earlier issue",
                "description": "x",
                "user_id": self.agent_ana.id,
                "team_id": self.team_support.id,
            }
        )
        bruno_ticket = Ticket.create(
            {
                "name": "Bruno's",
                "description": "x",
                "user_id": self.agent_bruno.id,
                "team_id": self.team_support.id,
            }
        )
        conversation = self.route()
        mine = conversation.with_user(self.agent_ana)
        mine.action_take()
        with self.assertRaises(AccessError):
            mine.action_link_ticket(bruno_ticket.id)
        mine.action_link_ticket(ana_ticket.id)
        self.assertEqual(conversation.ticket_id, ana_ticket)

    def test_only_who_handles_it(self):
        conversation = self.route()
        conversation.with_user(self.agent_ana).action_take()
        with self.assertRaises(AccessError):
            conversation.with_user(self.agent_bruno).action_create_ticket()

    def test_route(self):
        conversation = self.route(body="Need an invoice copy")
        self.act(self.agent_bruno, conversation, "take")
        result, error = self.act(self.agent_bruno, conversation, "create_ticket")
        self.assertIsNone(error)
        self.assertEqual(result["ticket"]["id"], conversation.ticket_id.id)
        self.assertIn("Need an invoice copy", conversation.ticket_id.description)
