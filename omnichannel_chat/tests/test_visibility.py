from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import OmnichannelCase


@tagged("post_install", "-at_install")
class TestVisibility(OmnichannelCase):
    """product.md's visibility table, row by row, through every ORM read path."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        customers = cls.env["res.partner"].create([{"name": f"Customer {i}"} for i in range(4)])
        cls.queued = cls.route(customers[0], body="queued")
        cls.taken_by_ana = cls.route(customers[1], body="taken by Ana")
        cls.taken_by_ana.with_user(cls.agent_ana).action_take()
        cls.conference = cls.route(customers[2], body="conference")
        cls.conference.with_user(cls.agent_ana).action_take()
        cls.conference.with_user(cls.agent_ana).action_invite(cls.agent_bruno.id)
        cls.conference.with_user(cls.agent_bruno).action_accept_conference()
        cls.queued_sales = cls.route(customers[3], body="sales", team=cls.team_sales)
        cls.all = cls.queued | cls.taken_by_ana | cls.conference | cls.queued_sales

    def visible(self, user):
        """The conversations user sees, checked through each read path to agree."""
        Conversation = self.Conversation.with_user(user)
        domain = [("id", "in", self.all.ids)]
        found = Conversation.search(domain)
        self.assertEqual(Conversation.search_count(domain), len(found))
        self.assertEqual(
            {r["id"] for r in Conversation.search_read(domain, ["state"])}, set(found.ids)
        )
        groups = Conversation.read_group(domain, ["state"], ["state"])
        self.assertEqual(sum(g["state_count"] for g in groups), len(found))
        named = {i for i, _name in Conversation.name_search("", args=domain, limit=100)}
        self.assertEqual(named, set(found.ids))
        return found

    def visible_channels(self, user):
        channels = self.all.sudo().channel_id
        return self.env["discuss.channel"].with_user(user).search([("id", "in", channels.ids)])

    def test_agent_owner(self):
        self.assertEqual(
            self.visible(self.agent_ana), self.queued | self.taken_by_ana | self.conference
        )
        self.assertEqual(
            self.visible_channels(self.agent_ana),
            (self.queued | self.taken_by_ana | self.conference).sudo().channel_id,
        )

    def test_agent_of_the_team_does_not_see_what_others_took(self):
        # Bruno: the queue of his team and the conference he joined; not Ana's own.
        self.assertEqual(self.visible(self.agent_bruno), self.queued | self.conference)
        self.assertEqual(
            self.visible_channels(self.agent_bruno),
            (self.queued | self.conference).sudo().channel_id,
        )
        with self.assertRaises(AccessError):
            self.taken_by_ana.with_user(self.agent_bruno).read(["name"])
        messages = (
            self.env["mail.message"]
            .with_user(self.agent_bruno)
            .search(
                [
                    ("model", "=", "discuss.channel"),
                    ("res_id", "=", self.taken_by_ana.sudo().channel_id.id),
                ]
            )
        )
        self.assertFalse(messages)

    def test_agent_of_another_team(self):
        self.assertEqual(self.visible(self.agent_carla), self.queued_sales)
        self.assertEqual(
            self.visible_channels(self.agent_carla), self.queued_sales.sudo().channel_id
        )

    def test_manager_sees_all(self):
        self.assertEqual(self.visible(self.manager), self.all)
        self.assertEqual(self.visible_channels(self.manager), self.all.sudo().channel_id)

    def test_queued_messages_readable_by_team(self):
        channel = self.queued.sudo().channel_id
        messages = (
            self.env["mail.message"]
            .with_user(self.agent_bruno)
            .search([("model", "=", "discuss.channel"), ("res_id", "=", channel.id)])
        )
        self.assertIn("<p>queued</p>", messages.mapped("body"))

    def test_non_agents_see_nothing(self):
        for user in (self.internal_user, self.portal_user):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.Conversation.with_user(user).search([])
                self.assertFalse(self.visible_channels(user))

    def test_events_follow_the_conversation(self):
        Event = self.env["omnichannel.event"].with_user(self.agent_bruno)
        self.assertEqual(
            Event.search([("conversation_id", "in", self.all.ids)]).conversation_id,
            self.queued | self.conference,
        )
