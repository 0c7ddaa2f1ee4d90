from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import OmnichannelCase


@tagged("post_install", "-at_install")
class TestConversationWorkflow(OmnichannelCase):
    def test_new_message_queues_a_conversation_on_the_source_team(self):
        conversation = self.route(body="I need help")
        self.assertEqual(conversation.state, "queued")
        self.assertEqual(conversation.team_id, self.team_support)
        self.assertFalse(conversation.user_id)
        self.assertEqual(conversation.channel_id.channel_type, "omnichannel")
        self.assertIn(self.customer, conversation.channel_id.channel_member_ids.partner_id)
        self.assertEqual(conversation.channel_id.message_ids[:1].body, "<p>I need help</p>")
        self.assertEqual(self.events(conversation), ["create"])
        self.assertTrue(conversation.waiting_since)

    def test_take(self):
        conversation = self.route()
        self.as_user(conversation, self.agent_ana).action_take()
        self.assertEqual(conversation.state, "taken")
        self.assertEqual(conversation.user_id, self.agent_ana)
        self.assertTrue(conversation.first_taken_date)
        self.assertIn(
            self.agent_ana.partner_id, conversation.channel_id.channel_member_ids.partner_id
        )
        event = conversation.sudo().event_ids[-1]
        self.assertEqual(
            (event.kind, event.user_id, event.from_state, event.to_state, event.to_user_id),
            ("take", self.agent_ana, "queued", "taken", self.agent_ana),
        )

    def test_take_already_taken_names_the_owner(self):
        conversation = self.route()
        self.as_user(conversation, self.agent_ana).action_take()
        # Bruno no longer reads it, but trying to take it tells him who has it.
        with self.assertRaises(AccessError):
            self.as_user(conversation, self.agent_bruno).read(["state"])
        for user in (self.agent_bruno, self.manager):
            with (
                self.subTest(user=user.login),
                self.assertRaisesRegex(UserError, "Already taken by Ana Test"),
            ):
                self.as_user(conversation, user).action_take()

    def test_take_refused_to_other_team_and_non_agents(self):
        conversation = self.route()
        for user in (self.agent_carla, self.internal_user, self.portal_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.as_user(conversation, user).action_take()
        self.assertEqual(conversation.state, "queued")

    def test_manager_takes_from_any_team(self):
        conversation = self.route()
        self.as_user(conversation, self.manager).action_take()
        self.assertEqual(conversation.user_id, self.manager)

    def test_transfer_to_agent(self):
        conversation = self.route()
        self.as_user(conversation, self.agent_ana).action_take()
        self.as_user(conversation, self.agent_ana).action_transfer(
            user_id=self.agent_carla.id, note="Sales question"
        )
        self.assertEqual((conversation.state, conversation.user_id), ("taken", self.agent_carla))
        members = conversation.channel_id.channel_member_ids.partner_id
        self.assertIn(self.agent_carla.partner_id, members)
        self.assertNotIn(self.agent_ana.partner_id, members)
        event = conversation.sudo().event_ids[-1]
        self.assertEqual(
            (event.kind, event.from_user_id, event.to_user_id, event.note),
            ("transfer_agent", self.agent_ana, self.agent_carla, "Sales question"),
        )
        # The former owner lost access.
        with self.assertRaises(AccessError):
            self.as_user(conversation, self.agent_ana).read(["state"])

    def test_transfer_to_team_requeues(self):
        conversation = self.route()
        self.as_user(conversation, self.agent_ana).action_take()
        self.as_user(conversation, self.agent_ana).action_transfer(team_id=self.team_sales.id)
        self.assertEqual(conversation.state, "queued")
        self.assertFalse(conversation.user_id)
        self.assertEqual(conversation.team_id, self.team_sales)
        event = conversation.sudo().event_ids[-1]
        self.assertEqual(
            (event.kind, event.from_team_id, event.to_team_id, event.to_state),
            ("transfer_team", self.team_support, self.team_sales, "queued"),
        )
        self.as_user(conversation, self.agent_carla).action_take()
        self.assertEqual(conversation.user_id, self.agent_carla)

    def test_transfer_refusals(self):
        conversation = self.route()
        with self.assertRaisesRegex(UserError, "Only a taken conversation"):
            self.as_user(conversation, self.manager).action_transfer(user_id=self.agent_bruno.id)
        self.as_user(conversation, self.agent_ana).action_take()
        mine = self.as_user(conversation, self.agent_ana)
        with self.assertRaisesRegex(UserError, "to an agent or to a team"):
            mine.action_transfer()
        with self.assertRaisesRegex(UserError, "already owns"):
            mine.action_transfer(user_id=self.agent_ana.id)
        with self.assertRaisesRegex(UserError, "omnichannel agent"):
            mine.action_transfer(user_id=self.internal_user.id)
        # A manager may transfer someone else's conversation.
        self.as_user(conversation, self.manager).action_transfer(user_id=self.agent_bruno.id)
        self.assertEqual(conversation.user_id, self.agent_bruno)

    def test_conference_accept_end(self):
        conversation = self.route()
        owner = self.as_user(conversation, self.agent_ana)
        owner.action_take()
        owner.action_invite(self.agent_carla.id)
        self.assertEqual(conversation.conference_state, "requested")
        with self.assertRaisesRegex(UserError, "already invited"):
            owner.action_invite(self.agent_bruno.id)
        with self.assertRaises(AccessError):  # a taken conversation does not exist for Bruno
            self.as_user(conversation, self.agent_bruno).action_accept_conference()
        with self.assertRaisesRegex(UserError, "no pending invitation"):
            owner.action_accept_conference()
        self.as_user(conversation, self.agent_carla).action_accept_conference()
        self.assertEqual(conversation.conference_state, "active")
        self.assertEqual(conversation.participant_ids, self.agent_carla)
        self.assertIn(
            self.agent_carla.partner_id, conversation.channel_id.channel_member_ids.partner_id
        )
        owner.action_end_conference()
        self.assertEqual(conversation.conference_state, "none")
        self.assertFalse(conversation.participant_ids)
        self.assertNotIn(
            self.agent_carla.partner_id, conversation.channel_id.channel_member_ids.partner_id
        )
        self.assertEqual(
            self.events(conversation),
            ["create", "take", "conference_invite", "conference_accept", "conference_end"],
        )

    def test_conference_decline_returns_to_owner(self):
        conversation = self.route()
        owner = self.as_user(conversation, self.agent_ana)
        owner.action_take()
        owner.action_invite(self.agent_carla.id)
        self.as_user(conversation, self.agent_carla).action_decline_conference()
        self.assertEqual(
            (conversation.conference_state, conversation.user_id), ("none", self.agent_ana)
        )
        self.assertFalse(conversation.conference_invitee_id)
        with self.assertRaises(AccessError):
            self.as_user(conversation, self.agent_carla).read(["state"])

    def test_owner_leaves_conference_warm_transfer(self):
        conversation = self.route()
        owner = self.as_user(conversation, self.agent_ana)
        owner.action_take()
        owner.action_invite(self.agent_carla.id)
        self.as_user(conversation, self.agent_carla).action_accept_conference()
        owner.action_leave_conference()
        self.assertEqual(conversation.user_id, self.agent_carla)
        self.assertEqual(conversation.conference_state, "none")
        self.assertFalse(conversation.participant_ids)
        event = conversation.sudo().event_ids[-1]
        self.assertEqual(
            (event.kind, event.from_user_id, event.to_user_id),
            ("conference_leave", self.agent_ana, self.agent_carla),
        )
        with self.assertRaises(AccessError):
            owner.read(["state"])

    def test_participant_leaves_conference(self):
        conversation = self.route()
        owner = self.as_user(conversation, self.agent_ana)
        owner.action_take()
        owner.action_invite(self.agent_carla.id)
        self.as_user(conversation, self.agent_carla).action_accept_conference()
        self.as_user(conversation, self.agent_carla).action_leave_conference()
        self.assertEqual(
            (conversation.user_id, conversation.conference_state), (self.agent_ana, "none")
        )
        with self.assertRaisesRegex(UserError, "not in a conference"):
            owner.action_leave_conference()

    def test_only_owner_invites(self):
        conversation = self.route()
        self.as_user(conversation, self.agent_ana).action_take()
        self.as_user(conversation, self.agent_ana).action_invite(self.agent_carla.id)
        self.as_user(conversation, self.agent_carla).action_accept_conference()
        with self.assertRaisesRegex(AccessError, "Only the owner"):
            self.as_user(conversation, self.agent_carla).action_invite(self.agent_bruno.id)

    def test_resolve_requires_a_reason(self):
        conversation = self.route()
        mine = self.as_user(conversation, self.agent_ana)
        mine.action_take()
        with self.assertRaisesRegex(UserError, "Choose a resolution reason"):
            mine.action_resolve()
        with self.assertRaisesRegex(UserError, "set by the system only"):
            mine.action_resolve(reason_id=self.reason_auto.id)
        mine.action_resolve(reason_id=self.reason_resolved.id, note="Refund sent")
        self.assertEqual(conversation.state, "resolved")
        self.assertEqual(conversation.reason_id, self.reason_resolved)
        self.assertEqual(conversation.resolution_note, "Refund sent")
        self.assertTrue(conversation.resolved_date)
        event = conversation.sudo().event_ids[-1]
        self.assertEqual((event.kind, event.reason_id), ("resolve", self.reason_resolved))
        with self.assertRaisesRegex(UserError, "resolved"):
            mine.action_resolve(reason_id=self.reason_resolved.id)

    def test_resolve_without_reason_when_team_allows(self):
        self.team_support.omnichannel_reason_required = False
        conversation = self.route()
        self.as_user(conversation, self.agent_ana).action_take()
        self.as_user(conversation, self.agent_ana).action_resolve()
        self.assertEqual(conversation.state, "resolved")

    def test_resolve_ends_conference(self):
        conversation = self.route()
        owner = self.as_user(conversation, self.agent_ana)
        owner.action_take()
        owner.action_invite(self.agent_carla.id)
        self.as_user(conversation, self.agent_carla).action_accept_conference()
        with self.assertRaisesRegex(AccessError, "Only the owner"):
            self.as_user(conversation, self.agent_carla).action_resolve(
                reason_id=self.reason_resolved.id
            )
        owner.action_resolve(reason_id=self.reason_resolved.id)
        self.assertEqual(
            (conversation.conference_state, conversation.participant_ids.ids), ("none", [])
        )

    def test_queued_spam_resolved_by_team_agent(self):
        conversation = self.route()
        self.as_user(conversation, self.agent_bruno).action_resolve(reason_id=self.reason_spam.id)
        self.assertEqual(conversation.state, "resolved")
        with self.assertRaises(AccessError):
            self.as_user(self.route(), self.agent_carla).action_resolve(
                reason_id=self.reason_spam.id
            )

    def test_archive_is_per_agent(self):
        conversation = self.route()
        mine = self.as_user(conversation, self.agent_ana)
        mine.action_take()
        mine.action_archive()
        self.assertTrue(mine.is_archived)
        self.assertEqual(conversation.state, "taken")
        self.assertFalse(self.as_user(conversation, self.manager).is_archived)
        Conversation = self.Conversation.with_user(self.agent_ana)
        self.assertFalse(
            Conversation.search([("id", "=", conversation.id), ("is_archived", "=", False)])
        )
        self.assertTrue(
            Conversation.search([("id", "=", conversation.id), ("is_archived", "=", True)])
        )
        with self.assertRaisesRegex(UserError, "already archived"):
            mine.action_archive()
        mine.action_unarchive()
        self.assertFalse(mine.is_archived)
        self.assertEqual(self.events(conversation)[-2:], ["archive", "unarchive"])

    def test_reopen_by_owner(self):
        conversation = self.route()
        mine = self.as_user(conversation, self.agent_ana)
        mine.action_take()
        with self.assertRaisesRegex(UserError, "Only a resolved conversation"):
            mine.action_reopen()
        mine.action_resolve(reason_id=self.reason_resolved.id)
        mine.action_reopen()
        self.assertEqual((conversation.state, conversation.user_id), ("taken", self.agent_ana))
        self.assertFalse(conversation.reason_id)
        self.assertEqual(self.events(conversation)[-1], "reopen")

    def test_reopen_refused_when_customer_has_an_open_conversation(self):
        conversation = self.route()
        self.as_user(conversation, self.agent_ana).action_take()
        self.as_user(conversation, self.agent_ana).action_resolve(reason_id=self.reason_spam.id)
        newer = self.route(body="Me again")  # spam does not reopen: a new conversation
        self.assertNotEqual(newer, conversation)
        with self.assertRaisesRegex(UserError, "already has an open conversation"):
            self.as_user(conversation, self.agent_ana).action_reopen()

    def test_add_and_remove_tags(self):
        tag_a = self.env["helpdesk.ticket.tag"].create({"name": "Billing"})
        tag_b = self.env["helpdesk.ticket.tag"].create({"name": "VIP"})
        conversation = self.route()
        # While it queues, any agent of the team may tag it; others may not.
        self.as_user(conversation, self.agent_bruno).action_add_tags([tag_a.id])
        with self.assertRaises(AccessError):
            self.as_user(conversation, self.agent_carla).action_add_tags([tag_b.id])
        self.as_user(conversation, self.agent_ana).action_take()
        with self.assertRaises(AccessError):
            self.as_user(conversation, self.agent_bruno).action_add_tags([tag_b.id])
        self.as_user(conversation, self.agent_ana).action_add_tags([tag_a.id, tag_b.id])
        self.assertEqual(conversation.tag_ids, tag_a | tag_b)
        self.as_user(conversation, self.agent_ana).action_remove_tags([tag_a.id])
        self.assertEqual(conversation.tag_ids, tag_b)
        # A tag already there logs nothing.
        self.assertEqual(
            self.events(conversation), ["create", "tag_add", "take", "tag_add", "tag_remove"]
        )

    def test_agents_cannot_write_directly(self):
        conversation = self.route()
        with self.assertRaises(AccessError):
            self.as_user(conversation, self.agent_ana).write({"state": "taken"})
        with self.assertRaises(AccessError):
            self.env["omnichannel.event"].with_user(self.manager).create(
                {"conversation_id": conversation.id, "kind": "take"}
            )
