import json
from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase

from .common import OmnichannelCase


@tagged("post_install", "-at_install")
class TestOffers(OmnichannelCase, MailCase):
    def setUp(self):
        super().setUp()
        self.team_support.write(
            {"omnichannel_routing_mode": "offer", "omnichannel_offer_seconds": 30}
        )
        for agent in (self.agent_ana, self.agent_bruno):
            self.env["bus.presence"].create({"user_id": agent.id, "status": "online"})
        (self.agent_ana | self.agent_bruno).invalidate_recordset()

    def at(self, moment):
        moment = datetime.fromisoformat(moment)
        return freeze_time(moment), patch.object(type(self.env.cr), "now", lambda cr: moment)

    def new(self, name="Offer customer"):
        return self.route(partner=self.env["res.partner"].create({"name": name}))

    def test_offered_to_the_least_busy_available_agent_who_accepts(self):
        busy = self.new("Busy one")
        busy.with_user(self.agent_ana).action_take(confirm=True)
        self._reset_bus()
        with self.mock_bus():
            conversation = self.new()
        self.assertEqual(
            (conversation.state, conversation.offered_user_id), ("offered", self.agent_bruno)
        )
        offers = [
            n
            for n in self._new_bus_notifs
            if json.loads(n.message)["type"] == "omnichannel.conversation/changed"
            and json.loads(n.message)["payload"]["change"] == "offered"
        ]
        self.assertEqual(len(offers), 1)
        self.assertEqual(
            json.loads(offers[0].channel)[1:3], ["res.partner", self.agent_bruno.partner_id.id]
        )
        self.assertIn("Offer customer", offers[0].message)
        self.assertIn("Hello", offers[0].message)  # the first message, shown in the pop-up
        with self.assertRaisesRegex(UserError, "Offered to Bruno"):
            conversation.with_user(self.agent_ana).action_take()
        conversation.with_user(self.agent_bruno).action_accept_offer()
        self.assertEqual((conversation.state, conversation.user_id), ("taken", self.agent_bruno))
        self.assertFalse(conversation.offered_user_id)
        self.assertEqual(conversation.offer_count, 1)

    def test_decline_passes_it_on_and_after_everyone_it_waits(self):
        conversation = self.new()
        first = conversation.offered_user_id
        conversation.with_user(first).action_decline_offer()
        second = conversation.offered_user_id
        self.assertNotEqual(first, second)
        self.assertTrue(second)
        conversation.with_user(second).action_decline_offer()
        self.assertEqual((conversation.state, conversation.offered_user_id.id), ("queued", False))
        kinds = conversation.event_ids.mapped("kind")
        self.assertEqual((kinds.count("offer"), kinds.count("offer_decline")), (2, 2))
        # Supervisors still see it waiting.
        self.assertIn(
            conversation,
            self.Conversation.with_user(self.manager).search([("state", "=", "queued")]),
        )

    def test_timeout_sets_the_agent_not_ready_rona_and_offers_the_next(self):
        freezer, now = self.at("2026-03-02 10:00:00")
        with freezer, now:
            conversation = self.new()
        first = conversation.offered_user_id
        freezer, now = self.at("2026-03-02 10:00:29")
        with freezer, now:
            self.assertEqual(self.Conversation._cron_offer_timeouts(), 0)
        freezer, now = self.at("2026-03-02 10:00:31")
        with freezer, now:
            self.assertEqual(self.Conversation._cron_offer_timeouts(), 1)
            self.assertEqual(self.Conversation._cron_offer_timeouts(), 0)  # no double RONA
        self.assertEqual(
            (first.omnichannel_status, first.omnichannel_not_ready_reason), ("not_ready", "rona")
        )
        self.assertNotEqual(conversation.offered_user_id, first)
        self.assertEqual(conversation.rona_count, 1)
        rona = conversation.event_ids.filtered(lambda e: e.kind == "rona")
        self.assertEqual(rona.to_user_id, first)
        # Available again: they get what waits.
        second = conversation.offered_user_id
        conversation.with_user(second).action_decline_offer()
        self.assertEqual(conversation.state, "queued")
        other = self.new("Another")
        other.with_user(other.offered_user_id).action_decline_offer()  # nobody left for it
        first.with_user(first)._omnichannel_set_status("available")
        self.assertIn(first, (conversation | other).mapped("offered_user_id"))

    def test_sticky_previous_agent_capacity_and_status(self):
        customer = self.env["res.partner"].create({"name": "Regular"})
        old = self.route(partner=customer)
        old.with_user(old.offered_user_id).action_decline_offer()
        old.with_user(self.agent_bruno).action_take(confirm=True)
        old.with_user(self.agent_bruno).action_resolve(reason_id=self.reason_resolved.id)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE omnichannel_conversation SET resolved_date = resolved_date - interval '2 days'"
            " WHERE id = %s",
            [old.id],
        )
        old.invalidate_recordset()
        again = self.route(partner=customer, body="Soy yo otra vez")
        self.assertNotEqual(again, old)
        self.assertEqual(again.offered_user_id, self.agent_bruno)  # their previous agent
        again.with_user(self.agent_bruno).action_accept_offer()
        self.assertEqual((again.state, again.user_id), ("taken", self.agent_bruno))
        # Bruno at capacity and Ana busy: nobody gets the next one.
        self.team_support.omnichannel_capacity = 1
        self.agent_ana.with_user(self.agent_ana)._omnichannel_set_status("busy")
        waiting = self.new("Waiting")
        self.assertEqual((waiting.state, waiting.offered_user_id.id), ("queued", False))

    def test_a_burst_spreads_over_the_agents(self):
        offered = [self.new(f"Burst {i}").offered_user_id for i in range(4)]
        self.assertEqual(
            sorted(agent.login for agent in offered),
            sorted([self.agent_ana.login, self.agent_bruno.login] * 2),
        )

    def test_open_queue_teams_offer_nothing(self):
        self.team_support.omnichannel_routing_mode = "open"
        conversation = self.new()
        self.assertEqual((conversation.state, conversation.offered_user_id.id), ("queued", False))
