import threading
import time
from unittest.mock import patch

import requests

from odoo.tests import tagged
from odoo.tests.common import TEST_CURSOR_COOKIE_NAME

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

    def test_shortcut_inserts_the_teams_quick_reply_filled(self):
        self.env["mail.canned.response"].create(
            {
                "source": "t-sales-only",
                "substitution": "Our sales team answers you.",
                "omnichannel_team_ids": [(4, self.team_sales.id)],
                "group_ids": [(4, self.env.ref("omnichannel_chat.group_omnichannel_agent").id)],
            }
        )
        self.conversation.with_user(self.agent_ana).action_take()
        self.start_tour("/odoo/discuss", "omnichannel_desk_shortcut", login="t_ana")
        reply = self.conversation.sudo().channel_id.message_ids.filtered(
            lambda m: "your order leaves today" in (m.body or "")
        )
        self.assertIn("Sorry Customer, your order leaves today.", reply.body)
        self.assertNotIn("{{", reply.body)

    def test_unknown_sender_contact_edit_resolve_and_reopen(self):
        stranger = self.env["res.partner"].create(
            {
                "name": "+34 600 123 456",
                "phone": "+34600123456",
                "omnichannel_unconfirmed": True,
                "omnichannel_source_contact": True,
            }
        )
        conversation = self.route(partner=stranger, body="Hola, ¿tenéis talla M?")
        self.start_tour("/odoo/discuss", "omnichannel_desk_unknown_sender", login="t_ana")
        self.assertEqual(
            (stranger.name, stranger.email, stranger.omnichannel_unconfirmed),
            ("Lucía Pérez", "lucia@example.com", False),
        )
        self.assertEqual((conversation.state, conversation.user_id), ("taken", self.agent_ana))
        self.assertEqual(
            self.events(conversation), ["create", "take", "resolve", "reopen"], "the event log"
        )

    def test_a_customer_waiting_in_the_queue_is_notified(self):
        self.start_tour("/odoo/discuss", "omnichannel_desk_queue_notification", login="t_ana")

    def test_notification_settings_are_the_agents_own(self):
        self.start_tour("/odoo/discuss", "omnichannel_desk_notification_settings", login="t_ana")
        settings = self.env["res.users.settings"]._find_or_create_for_user(self.agent_ana)
        self.assertEqual(settings.omnichannel_queue_sound, "chime")
        self.assertFalse(settings.omnichannel_queue_preview)
        self.assertTrue(settings.omnichannel_queue_desktop)
        self.assertEqual(
            self.env["res.users.settings"]
            ._find_or_create_for_user(self.agent_bruno)
            .omnichannel_queue_sound,
            "ting",
        )


@tagged("post_install", "-at_install")
class TestDeskTwoAgentsTours(OmnichannelBrowserCase):
    """Transfers, conferences and the other actions, each agent in their own browser session,
    one after the other (the second checks what the first did)."""

    def setUp(self):
        super().setUp()
        self.carmen = self.route(body="Hello, my order is late")
        self.carmen.with_user(self.agent_ana).action_take()

    def test_transfer_to_an_agent_and_to_a_team(self):
        diego = self.route(
            partner=self.env["res.partner"].create({"name": "Customer Diego"}), body="Hi"
        )
        diego.with_user(self.agent_ana).action_take()
        self.start_tour("/odoo/discuss", "omnichannel_desk_transfer", login="t_ana")
        self.assertEqual((self.carmen.state, self.carmen.user_id), ("taken", self.agent_bruno))
        self.assertEqual((diego.state, diego.team_id), ("queued", self.team_sales))
        self.start_tour("/odoo/discuss", "omnichannel_desk_sees_transferred", login="t_bruno")
        self.start_tour("/odoo/discuss", "omnichannel_desk_sees_team_queue", login="t_carla")

    def test_taking_beyond_capacity_asks_to_confirm(self):
        self.team_support.omnichannel_capacity = 1  # Ana holds Carmen already
        diego = self.route(
            partner=self.env["res.partner"].create({"name": "Customer Diego"}), body="Hi"
        )
        self.start_tour("/odoo/discuss", "omnichannel_desk_take_beyond_capacity", login="t_ana")
        self.assertEqual((diego.state, diego.user_id), ("taken", self.agent_ana))

    def test_history_opens_another_agents_conversation_read_only(self):
        """Where the team allows it, a resolved conversation that Bruno handled opens
        read-only for Ana, without his internal notes."""
        self.team_support.omnichannel_history_visible = True
        # Carmen's earlier conversation, handled and resolved by Bruno two days ago
        self.carmen.with_user(self.agent_ana).action_transfer(user_id=self.agent_bruno.id)
        self.post_as_agent(self.carmen, self.agent_bruno, "We shipped it yesterday")
        self.carmen.with_user(self.agent_bruno).action_post_note("Customer was upset")
        self.carmen.with_user(self.agent_bruno).action_resolve(reason_id=self.reason_resolved.id)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE omnichannel_conversation SET resolved_date = resolved_date - interval '2 days'"
            " WHERE id = %s",
            [self.carmen.id],
        )
        self.carmen.invalidate_recordset()
        again = self.route(body="Hello again")
        self.assertNotEqual(again, self.carmen)
        again.with_user(self.agent_ana).action_take()
        self.start_tour("/odoo/discuss", "omnichannel_desk_history", login="t_ana")

    def test_conference_invite_accept_leave(self):
        self.start_tour("/odoo/discuss", "omnichannel_desk_invite", login="t_ana")
        self.assertEqual(
            (self.carmen.conference_state, self.carmen.conference_invitee_id),
            ("requested", self.agent_bruno),
        )
        self.start_tour("/odoo/discuss", "omnichannel_desk_join_and_leave", login="t_bruno")
        self.assertEqual(self.carmen.conference_state, "none")
        self.assertFalse(self.carmen.participant_ids)
        self.assertEqual(
            self.events(self.carmen)[-3:],
            ["conference_invite", "conference_accept", "conference_leave"],
        )

    def test_archive_mark_unread_ticket_and_refused_attachment(self):
        self.start_tour(
            "/odoo/discuss", "omnichannel_desk_archive_unread_ticket_attachment", login="t_ana"
        )
        self.assertTrue(self.carmen.ticket_id)
        self.assertFalse(self.carmen.with_user(self.agent_ana).is_archived)
        self.assertEqual(
            self.env["ir.attachment"].search_count([("name", "=", "setup.exe")]),
            0,
            "the refused file is not stored",
        )
        self.assertIn("archive", self.events(self.carmen))
        self.assertIn("unarchive", self.events(self.carmen))


@tagged("post_install", "-at_install")
class TestDeskLive(OmnichannelBrowserCase):
    def test_a_conversation_taken_by_one_agent_leaves_the_other_agents_queue(self):
        """Bruno's Discuss is open in Chromium; Ana, in her own HTTP session, takes the queued
        conversation: it disappears from Bruno's queue over the bus, without reload."""
        conversation = self.route(body="Hello, my order is late")
        Conversation = type(self.Conversation)
        get_desk = Conversation._get_desk
        bruno_loaded = threading.Event()

        def spy_get_desk(model, *args, **kwargs):
            result = get_desk(model, *args, **kwargs)
            if model.env.user == self.agent_bruno and result["queue"]:
                bruno_loaded.set()
            return result

        ana_session = self.new_session(self.agent_ana)

        def ana_takes():
            bruno_loaded.wait(60)
            time.sleep(1)  # Bruno's page shows the queue
            taken = requests.post(
                f"{self.base_url()}/omnichannel/conversation/{conversation.id}/take",
                json={"jsonrpc": "2.0", "method": "call", "params": {}},
                # the test cursor cookie Odoo's test mode asks of every request, as the
                # browser's own requests carry it
                cookies={
                    "session_id": ana_session.sid,
                    TEST_CURSOR_COOKIE_NAME: self.http_request_key,
                },
                timeout=30,
            )
            results.append(taken.json())

        results = []
        with patch.object(Conversation, "_get_desk", spy_get_desk):
            ana = threading.Thread(target=ana_takes)
            ana.start()
            self.start_tour("/odoo/discuss", "omnichannel_desk_live_queue", login="t_bruno")
            ana.join()
        self.assertEqual(results[0]["result"]["owner"]["name"], "Ana Test")
        self.assertEqual(conversation.user_id, self.agent_ana)
