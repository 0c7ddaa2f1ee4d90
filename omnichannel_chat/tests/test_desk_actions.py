from datetime import timedelta

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import OmnichannelCase, OmnichannelHttpCase


@tagged("post_install", "-at_install")
class TestDeskActions(OmnichannelCase):
    def actions(self, conversation, user):
        return conversation.with_user(user)._get_available_actions()

    def test_the_header_offers_what_the_state_and_role_allow(self):
        conversation = self.route()
        ana = self.actions(conversation, self.agent_ana)
        self.assertIn("take", ana)
        self.assertNotIn("transfer", ana)
        self.assertNotIn("mark_unread", ana, "no membership before taking")
        self.assertEqual(self.actions(conversation, self.internal_user), [])
        conversation.with_user(self.agent_ana).action_take()
        ana = self.actions(conversation, self.agent_ana)
        for action in (
            "transfer",
            "invite",
            "resolve",
            "mark_unread",
            "create_ticket",
            "post_note",
        ):
            self.assertIn(action, ana)
        self.assertNotIn("take", ana)
        self.assertNotIn("assign", ana, "assigning is for managers")
        self.assertIn("assign", self.actions(conversation, self.manager))
        conversation.with_user(self.agent_ana).action_invite(self.agent_bruno.id)
        bruno = self.actions(conversation, self.agent_bruno)
        self.assertIn("accept_conference", bruno)
        self.assertNotIn("resolve", bruno)
        self.assertNotIn("transfer", self.actions(conversation, self.agent_ana))
        conversation.with_user(self.agent_bruno).action_accept_conference()
        self.assertIn("leave_conference", self.actions(conversation, self.agent_bruno))
        self.assertIn("end_conference", self.actions(conversation, self.agent_ana))
        conversation.with_user(self.agent_ana).action_end_conference()
        conversation.with_user(self.agent_ana).action_resolve(reason_id=self.reason_resolved.id)
        ana = self.actions(conversation, self.agent_ana)
        self.assertIn("reopen", ana)
        self.assertNotIn("resolve", ana)
        self.assertNotIn("post_note", ana)

    def earlier_on_another_source(self, agent=None):
        """The customer's conversation on another source, in Sales, taken by Carla (or the
        given agent, made a member of Sales)."""
        agent = agent or self.agent_carla
        self.team_sales.user_ids = [(4, agent.id)]
        other_source = self.env["omnichannel.source"].create(
            {"name": "Other source", "code": "other_source", "team_id": self.team_sales.id}
        )
        earlier = self.Conversation.sudo()._route_inbound_message(
            other_source, self.customer, "from the other source"
        )[0]
        earlier.with_user(agent).action_take()
        return earlier

    def test_info_panel_history_across_sources_and_event_log(self):
        """The history lists the contact's conversations the agent may read: hers on
        another source, not the one Carla handles."""
        own = self.earlier_on_another_source(agent=self.agent_ana)
        own.with_user(self.agent_ana).action_resolve(reason_id=self.reason_resolved.id)
        own.sudo().resolved_date -= timedelta(days=1)  # past the reopen tolerance
        carlas = self.Conversation.sudo()._route_inbound_message(
            own.source_id, self.customer, "Carla's now"
        )[0]
        carlas.with_user(self.agent_carla).action_take()
        conversation = self.route()
        conversation.with_user(self.agent_ana).action_take()
        info = conversation.with_user(self.agent_ana)._get_info_panel()
        self.assertEqual(
            [(entry["id"], entry["source"], entry["current"]) for entry in info["history"]],
            [(conversation.id, "Test source", True), (own.id, "Other source", False)],
        )
        self.assertEqual(info["history"][1]["owner"], "Ana Test")
        self.assertEqual([event["kind"] for event in info["events"]], ["create", "take"])
        self.assertEqual(
            info["participants"], [{"id": self.agent_ana.id, "name": "Ana Test", "role": "owner"}]
        )
        with self.assertRaises(AccessError):
            conversation.with_user(self.agent_carla)._get_info_panel()

    def test_history_entry_read_only_with_the_notes_the_agent_may_read(self):
        """Ana's own conversation on another source shows with its notes; Carla's does not
        show to Ana, nor another contact's."""
        own = self.earlier_on_another_source(agent=self.agent_ana)
        own.with_user(self.agent_ana).action_post_note("prefers calls")
        conversation = self.route()  # queued in Support: Ana and Bruno read it
        entry = conversation.with_user(self.agent_ana)._get_history_conversation(own.id)
        self.assertEqual((entry["source"], entry["owner"]), ("Other source", "Ana Test"))
        self.assertEqual(
            [(m["author"], m["is_note"]) for m in entry["messages"]],
            [("Customer Carmen", False), ("Ana Test", True)],
        )
        with self.assertRaises(AccessError):
            conversation.with_user(self.agent_bruno)._get_history_conversation(own.id)
        stranger = self.route(partner=self.env["res.partner"].create({"name": "Stranger"}))
        with self.assertRaises(AccessError):
            conversation.with_user(self.agent_ana)._get_history_conversation(stranger.id)

    def test_contact_edits_are_saved_for_everyone(self):
        self.customer.omnichannel_source_contact = True  # as a source creates its contacts
        conversation = self.route()
        conversation.with_user(self.agent_ana).action_take()
        conversation.with_user(self.agent_ana).action_update_contact(
            name="Carmen García", email="carmen@example.com"
        )
        self.assertEqual(
            (self.customer.name, self.customer.email, self.customer.phone),
            ("Carmen García", "carmen@example.com", "+34600000001"),
        )
        # The conversation and its Discuss channel were named after the contact: they follow.
        self.assertEqual(
            (conversation.name, conversation.sudo().channel_id.name),
            ("Carmen García", "Carmen García"),
        )
        with self.assertRaisesRegex(UserError, "needs a name"):
            conversation.with_user(self.agent_ana).action_update_contact(name=" ")
        self.assertEqual(self.customer.name, "Carmen García", "nothing lost")
        with self.assertRaises(AccessError):
            conversation.with_user(self.agent_bruno).action_update_contact(name="Bruno's guess")

    def test_managers_assign_from_the_queue_and_from_an_agent(self):
        queued = self.route()
        with self.assertRaises(AccessError):
            queued.with_user(self.agent_ana).action_assign(self.agent_bruno.id)
        queued.with_user(self.manager).action_assign(self.agent_bruno.id)
        self.assertEqual((queued.state, queued.user_id), ("taken", self.agent_bruno))
        take = queued.sudo().event_ids.filtered(lambda event: event.kind == "take")
        self.assertEqual((take.user_id, take.to_user_id), (self.manager, self.agent_bruno))
        self.assertIn(
            self.agent_bruno.partner_id, queued.sudo().channel_id.channel_member_ids.partner_id
        )
        queued.with_user(self.manager).action_assign(self.agent_ana.id, note="Ana knows them")
        self.assertEqual(queued.user_id, self.agent_ana)
        self.assertEqual(queued.sudo().event_ids[-1:].note, "Ana knows them")

    def test_bulk_reassign_is_all_or_nothing(self):
        partners = self.env["res.partner"].create([{"name": f"Bulk {i}"} for i in range(3)])
        conversations = self.Conversation.browse()
        for partner in partners:
            conversations |= self.route(partner=partner)
        conversations[0].with_user(self.agent_ana).action_take()
        Wizard = self.env["omnichannel.conversation.assign"].with_user(self.manager)
        wizard = Wizard.with_context(
            active_model="omnichannel.conversation", active_ids=conversations.ids
        ).create({"user_id": self.agent_bruno.id})
        self.assertEqual(wizard.conversation_ids, conversations)
        wizard.action_assign()
        self.assertEqual(conversations.mapped("user_id"), self.agent_bruno)
        conversations[2].with_user(self.agent_bruno).action_resolve(
            reason_id=self.reason_resolved.id
        )
        wizard = Wizard.create(
            {"conversation_ids": [(6, 0, conversations.ids)], "user_id": self.agent_ana.id}
        )
        with self.assertRaisesRegex(UserError, "Bulk 2: This conversation is resolved"):
            with self.env.cr.savepoint():
                wizard.action_assign()
        self.assertEqual(conversations[:2].mapped("user_id"), self.agent_bruno, "nothing moved")
        with self.assertRaises(AccessError):
            self.env["omnichannel.conversation.assign"].with_user(self.agent_ana).create(
                {"conversation_ids": [(6, 0, conversations.ids)], "user_id": self.agent_ana.id}
            )

    def test_waiting_more_than_n_minutes(self):
        old = self.route()
        recent = self.route(partner=self.env["res.partner"].create({"name": "Recent"}))
        old.sudo().waiting_since = fields.Datetime.now() - timedelta(minutes=20)
        found = self.Conversation.with_user(self.manager).search([("waiting_minutes", ">", 15)])
        self.assertIn(old, found)
        self.assertNotIn(recent, found)
        self.assertGreaterEqual(old.waiting_minutes, 20)
        with self.assertRaises(UserError):
            self.Conversation.search([("waiting_minutes", "=", 3)])


@tagged("post_install", "-at_install")
class TestDeskRoutes(OmnichannelHttpCase):
    def upload(self, user, channel, filename, content):
        self.authenticate(user.login, user.login)
        response = self.url_open(
            "/mail/attachment/upload",
            data={
                "thread_id": channel.id,
                "thread_model": "discuss.channel",
                "is_pending": "true",
                "csrf_token": http.Request.csrf_token(self),
            },
            files={"ufile": (filename, content)},
        )
        response.raise_for_status()
        return response.json()

    def test_attachment_types_customers_cannot_receive_are_refused(self):
        conversation = self.route()
        conversation.with_user(self.agent_ana).action_take()
        channel = conversation.sudo().channel_id
        refused = self.upload(self.agent_ana, channel, "setup.exe", b"MZ")
        self.assertIn("“setup.exe” cannot be sent", refused["error"])
        self.assertIn("PDF", refused["error"])
        self.assertFalse(self.env["ir.attachment"].search([("name", "=", "setup.exe")]))
        accepted = self.upload(self.agent_ana, channel, "invoice.PDF", b"%PDF-1.4")
        self.assertNotIn("error", accepted)
        self.assertTrue(self.env["ir.attachment"].search([("name", "=", "invoice.PDF")]))

    def test_thread_header_state_and_transfer_targets(self):
        conversation = self.route()
        channel = conversation.sudo().channel_id
        state, error = self.call(self.agent_ana, f"/omnichannel/channel/{channel.id}/conversation")
        self.assertIsNone(error)
        self.assertEqual((state["id"], state["state"]), (conversation.id, "queued"))
        self.assertIn("take", state["actions"])
        self.assertEqual(state["customer"]["phone"], "+34600000001")
        state, _error = self.call(
            self.agent_carla, f"/omnichannel/channel/{channel.id}/conversation"
        )
        self.assertFalse(state, "another team's conversation: nothing")
        targets, error = self.call(self.agent_ana, "/omnichannel/transfer_targets", search="Test")
        self.assertIsNone(error)
        names = [agent["name"] for agent in targets["agents"]]
        self.assertIn("Bruno Test", names)
        self.assertNotIn("Ana Test", names, "not to oneself")
        self.assertNotIn("Ivan", names, "agents only")
        self.assertIn("Test Sales", [team["name"] for team in targets["teams"]])
        self.assertEqual(targets["agents"][0]["status"], "offline")


@tagged("post_install", "-at_install")
class TestUnknownSender(OmnichannelCase):
    def test_add_contact_confirms_the_contact_a_source_created(self):
        stranger = self.env["res.partner"].create(
            {
                "name": "+34 600 123 456",
                "phone": "+34600123456",
                "omnichannel_unconfirmed": True,
                "omnichannel_source_contact": True,
            }
        )
        conversation = self.route(partner=stranger)
        state = conversation.with_user(self.agent_ana)._get_state_for_current_user()
        self.assertTrue(state["customer"]["unknown"])
        self.assertIn("add_contact", state["actions"])
        self.assertIn("ignore", state["actions"])
        conversation.with_user(self.agent_ana).action_add_contact(name="Lucía Pérez")
        self.assertEqual((stranger.name, stranger.omnichannel_unconfirmed), ("Lucía Pérez", False))
        self.assertEqual(conversation.name, "Lucía Pérez", "no longer named after the number")
        state = conversation.with_user(self.agent_ana)._get_state_for_current_user()
        self.assertFalse(state["customer"]["unknown"])
        self.assertNotIn("add_contact", state["actions"])
        with self.assertRaises(AccessError):
            conversation.with_user(self.agent_carla).action_add_contact()

    def test_ignore_closes_it_as_spam_and_the_next_message_starts_anew(self):
        stranger = self.env["res.partner"].create(
            {"name": "Spammer", "omnichannel_unconfirmed": True}
        )
        conversation = self.route(partner=stranger, body="cheap watches")
        conversation.with_user(self.agent_ana).action_ignore()
        self.assertEqual(
            (conversation.state, conversation.reason_id), ("resolved", self.reason_spam)
        )
        self.assertNotEqual(self.route(partner=stranger, body="more watches"), conversation)

    def test_a_visitor_gets_a_contact_and_still_writes_as_the_visitor(self):
        guest = self.env["mail.guest"].create({"name": "Visitor 42"})
        conversation = self.Conversation.sudo()._route_customer(self.source, guest=guest)
        channel = conversation.channel_id
        channel._add_members(guests=guest)
        conversation = conversation.sudo(False)
        self.assertTrue(
            conversation.with_user(self.agent_ana)._get_state_for_current_user()["customer"][
                "unknown"
            ]
        )
        partner_id = conversation.with_user(self.agent_ana).action_add_contact(name="Marta Ruiz")
        self.assertEqual(conversation.partner_id.id, partner_id)
        self.assertEqual(conversation.partner_id.name, "Marta Ruiz")
        message = self.env["mail.message"].create(
            {
                "model": "discuss.channel",
                "res_id": channel.id,
                "body": "still me",
                "author_id": False,
                "author_guest_id": guest.id,
                "message_type": "comment",
            }
        )
        self.assertTrue(conversation._is_customer_author(message))
