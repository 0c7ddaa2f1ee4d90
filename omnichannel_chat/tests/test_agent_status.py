from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.mail.tools.discuss import Store

from .common import OmnichannelCase, OmnichannelHttpCase


@tagged("post_install", "-at_install")
class TestAgentStatus(OmnichannelCase):
    def test_status_periods_are_recorded(self):
        """Each status (and Not ready's reason) is a period with its start and end."""
        ana = self.agent_ana.with_user(self.agent_ana)
        with freeze_time("2026-03-02 09:00:00"):
            self.assertTrue(ana._omnichannel_set_status("busy"))
            self.assertFalse(ana._omnichannel_set_status("busy"))  # no change, no new period
        with freeze_time("2026-03-02 09:20:00"):
            ana._omnichannel_set_status("not_ready", "break")
        with freeze_time("2026-03-02 09:35:00"):
            ana._omnichannel_set_status("not_ready", "rona")
        with freeze_time("2026-03-02 09:40:00"):
            ana._omnichannel_set_status("available")
        self.assertEqual(
            (self.agent_ana.omnichannel_status, self.agent_ana.omnichannel_not_ready_reason),
            ("available", False),
        )
        periods = self.env["omnichannel.agent.status"].search(
            [("user_id", "=", self.agent_ana.id)], order="id"
        )
        self.assertEqual(
            [
                (p.status, p.reason, str(p.date_start), p.date_end and str(p.date_end))
                for p in periods
            ],
            [
                ("busy", False, "2026-03-02 09:00:00", "2026-03-02 09:20:00"),
                ("not_ready", "break", "2026-03-02 09:20:00", "2026-03-02 09:35:00"),
                ("not_ready", "rona", "2026-03-02 09:35:00", "2026-03-02 09:40:00"),
                ("available", False, "2026-03-02 09:40:00", False),
            ],
        )
        # Ana sees her own periods only; the manager sees everyone's.
        Status = self.env["omnichannel.agent.status"]
        self.agent_bruno.with_user(self.agent_bruno)._omnichannel_set_status("busy")
        self.assertEqual(Status.with_user(self.agent_ana).search([]).user_id, self.agent_ana)
        self.assertLessEqual(
            self.agent_ana | self.agent_bruno, Status.with_user(self.manager).search([]).user_id
        )

    def store_data(self, user):
        store = Store()
        self.env["res.users"].with_user(user)._init_store_data(store)
        return store.get_result()["Store"].get("omnichannel")

    def test_discuss_gets_the_status_and_standing_offers_with_the_page(self):
        self.team_support.omnichannel_routing_mode = "offer"
        self.env["bus.presence"].create({"user_id": self.agent_ana.id, "status": "online"})
        self.agent_ana.invalidate_recordset()
        conversation = self.route(body="Where is my parcel?")
        data = self.store_data(self.agent_ana)
        self.assertEqual(
            (data["status"], data["reason"], data["is_manager"]), ("available", False, False)
        )
        [offer] = data["offers"]
        self.assertEqual(
            (offer["id"], offer["channel_id"], offer["team"], offer["first_message"]),
            (conversation.id, conversation.channel_id.id, "Test Support", "Where is my parcel?"),
        )
        self.assertEqual(self.store_data(self.agent_bruno)["offers"], [])
        self.assertIsNone(self.store_data(self.internal_user), "no agent, no omnichannel data")

    def test_offline_comes_from_odoo_presence(self):
        self.assertEqual(self.agent_ana.omnichannel_effective_status, "offline")
        self.env["bus.presence"].create({"user_id": self.agent_ana.id, "status": "online"})
        self.agent_ana.invalidate_recordset()
        self.assertEqual(self.agent_ana.omnichannel_effective_status, "available")

    def test_only_the_agent_or_a_manager_switches_it(self):
        with self.assertRaises(AccessError):
            self.agent_ana.with_user(self.agent_bruno)._omnichannel_set_status("busy")
        self.agent_ana.with_user(self.manager)._omnichannel_set_status("busy")
        self.assertEqual(self.agent_ana.omnichannel_status, "busy")
        with self.assertRaises(UserError):
            self.agent_ana.with_user(self.agent_ana)._omnichannel_set_status("sleeping")


@tagged("post_install", "-at_install")
class TestCapacity(OmnichannelCase):
    def test_taking_beyond_the_limit_asks_to_confirm(self):
        self.team_support.omnichannel_capacity = 1
        first = self.route()
        second = self.route(partner=self.env["res.partner"].create({"name": "Second"}))
        first.with_user(self.agent_ana).action_take()
        with self.assertRaisesRegex(UserError, "the team's limit is 1"):
            second.with_user(self.agent_ana).action_take()
        self.assertEqual(second.state, "queued")
        second.with_user(self.agent_ana).action_take(confirm=True)
        self.assertEqual(second.user_id, self.agent_ana)
        # Bruno holds none: he takes without a question.
        third = self.route(partner=self.env["res.partner"].create({"name": "Third"}))
        third.with_user(self.agent_bruno).action_take()

    def test_replying_is_a_confirmed_take(self):
        """The reply is the agent's choice to handle it: above the limit too, and it is kept."""
        self.team_support.omnichannel_capacity = 1
        self.route().with_user(self.agent_ana).action_take()
        second = self.route(partner=self.env["res.partner"].create({"name": "Second"}))
        message = self.post_as_agent(second, self.agent_ana, "On it")
        self.assertEqual((second.state, second.user_id), ("taken", self.agent_ana))
        self.assertIn(message, second.channel_id.message_ids)

    def test_no_limit_by_default(self):
        for i in range(3):
            conversation = self.route(partner=self.env["res.partner"].create({"name": f"C{i}"}))
            conversation.with_user(self.agent_ana).action_take()


@tagged("post_install", "-at_install")
class TestOwnerGone(OmnichannelCase):
    def presence(self, user, moment):
        """`user` left at `moment`: their presence last polled then."""
        self.env["bus.presence"].search([("user_id", "=", user.id)]).unlink()
        moment = fields.Datetime.to_datetime(moment)
        self.env["bus.presence"].create(
            {"user_id": user.id, "status": "offline", "last_poll": moment, "last_presence": moment}
        )

    def test_conversations_of_an_owner_offline_too_long_go_back_to_the_queue(self):
        with freeze_time("2026-03-02 10:00:00"):
            conversation = self.route()
            conversation.with_user(self.agent_ana).action_take()
            self.presence(self.agent_ana, "2026-03-02 10:00:00")
        with freeze_time("2026-03-02 10:14:59"):
            self.assertEqual(self.Conversation._cron_requeue_owner_gone(), 0)
        self.assertEqual(conversation.state, "taken")
        with freeze_time("2026-03-02 10:15:00"):
            self.assertEqual(self.Conversation._cron_requeue_owner_gone(), 1)
            self.assertEqual(self.Conversation._cron_requeue_owner_gone(), 0)  # once
        self.assertEqual((conversation.state, conversation.user_id.id), ("queued", False))
        event = conversation.event_ids.filtered(lambda e: e.kind == "owner_gone")
        self.assertEqual((event.from_user_id, event.user_id.id), (self.agent_ana, False))
        self.assertNotIn(
            self.agent_ana.partner_id, conversation.channel_id.channel_member_ids.partner_id
        )

    def test_teams_can_keep_conversations_with_their_owner(self):
        self.team_support.omnichannel_owner_gone_minutes = 0
        conversation = self.route()
        conversation.with_user(self.agent_ana).action_take()
        self.presence(self.agent_ana, fields.Datetime.now() - timedelta(hours=10))
        self.assertEqual(self.Conversation._cron_requeue_owner_gone(), 0)
        self.assertEqual(conversation.state, "taken")


@tagged("post_install", "-at_install")
class TestStatusOnTheBus(OmnichannelCase, MailCase):
    def test_every_tab_of_the_agent_learns_the_new_status(self):
        """Also when the system sets it (RONA): the systray follows the bus."""
        self._reset_bus()
        with self.assertBus(
            [(self.env.cr.dbname, "res.partner", self.agent_ana.partner_id.id)],
            [
                {
                    "type": "omnichannel.agent/status",
                    "payload": {"status": "not_ready", "reason": "rona"},
                }
            ],
        ):
            self.agent_ana.sudo()._omnichannel_set_status("not_ready", "rona")


@tagged("post_install", "-at_install")
class TestStatusAndCapacityRoutes(OmnichannelHttpCase):
    def test_agent_switches_status_and_confirms_a_take_through_the_routes(self):
        result, error = self.call(self.agent_ana, "/omnichannel/agent/status", status="busy")
        self.assertIsNone(error)
        self.assertEqual(result, {"status": "busy", "reason": False})
        self.team_support.omnichannel_capacity = 1
        first = self.route()
        second = self.route(partner=self.env["res.partner"].create({"name": "Second"}))
        self.act(self.agent_ana, first, "take")
        _result, error = self.act(self.agent_ana, second, "take")
        self.assertIn("limit is 1", error["message"])
        result, error = self.act(self.agent_ana, second, "take", confirm=True)
        self.assertIsNone(error)
        self.assertEqual(result["state"], "taken")
