import json
import uuid
from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.mail.tests.common import MailCase

from .common import OmnichannelCase, run_cron_twice_at_once


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

    def test_between_equally_busy_agents_the_one_idle_longest_gets_it(self):
        for moment, agent in (
            ("2026-03-02 09:00:00", self.agent_bruno),
            ("2026-03-02 09:30:00", self.agent_ana),
        ):
            freezer, now = self.at(moment)
            with freezer, now:
                done = self.new(f"Done by {agent.name}")
                if done.offered_user_id != agent:
                    done.with_user(done.offered_user_id).action_decline_offer()
                done.with_user(agent).action_accept_offer()
                done.with_user(agent).action_resolve(reason_id=self.reason_resolved.id)
        freezer, now = self.at("2026-03-02 10:00:00")
        with freezer, now:
            self.assertEqual(self.new("Next one").offered_user_id, self.agent_bruno)

    def test_an_agent_no_longer_available_passes_their_offers_on(self):
        first = self.new("First")
        second = self.new("Second")
        ana_offer = first if first.offered_user_id == self.agent_ana else second
        self.assertEqual(ana_offer.offered_user_id, self.agent_ana)
        self.agent_ana.with_user(self.agent_ana)._omnichannel_set_status("busy")
        self.assertEqual(ana_offer.offered_user_id, self.agent_bruno)
        # Bruno lets one pass: RONA moves his other offer on too; nobody left, they wait.
        freezer, now = self.at("2030-01-01 00:00:00")
        with freezer, now:
            self.assertEqual(self.Conversation._cron_offer_timeouts(), 2)
        self.assertEqual(
            (first | second).mapped(lambda c: (c.state, c.offered_user_id.id)),
            [("queued", False), ("queued", False)],
        )
        kinds = (first | second).event_ids.mapped("kind")
        self.assertEqual(kinds.count("rona"), 1, "one RONA: the other offer was withdrawn")

    def test_the_timeout_runs_at_the_offer_deadline(self):
        freezer, now = self.at("2026-03-02 10:00:00")
        with freezer, now:
            conversation = self.new()
        cron = self.env.ref("omnichannel_chat.ir_cron_offer_timeouts")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.assertIn(conversation.offer_deadline, triggers.mapped("call_at"))
        self.assertEqual(conversation.offer_deadline, datetime(2026, 3, 2, 10, 0, 30))

    def test_the_agents_pop_up_runs_the_timeout_at_zero(self):
        freezer, now = self.at("2026-03-02 10:00:00")
        with freezer, now:
            conversation = self.new()
        agent = conversation.offered_user_id
        other = (self.agent_ana | self.agent_bruno) - agent
        freezer, now = self.at("2026-03-02 10:00:29")
        with freezer, now:
            self.assertFalse(conversation.with_user(agent).action_expire_offer())  # not yet
        self.assertEqual(conversation.offered_user_id, agent)
        freezer, now = self.at("2026-03-02 10:00:30")
        with freezer, now:
            self.assertFalse(conversation.with_user(other).action_expire_offer())  # not theirs
            self.assertTrue(conversation.with_user(agent).action_expire_offer())
            self.assertFalse(conversation.with_user(agent).action_expire_offer())  # once
            self.assertEqual(self.Conversation._cron_offer_timeouts(), 0)  # nothing left
        self.assertEqual(agent.omnichannel_not_ready_reason, "rona")
        self.assertEqual(conversation.offered_user_id, other)
        self.assertEqual(conversation.event_ids.mapped("kind").count("rona"), 1)

    def test_an_expired_offer_cannot_be_accepted(self):
        freezer, now = self.at("2026-03-02 10:00:00")
        with freezer, now:
            conversation = self.new()
        agent = conversation.offered_user_id
        freezer, now = self.at("2026-03-02 10:00:31")
        with freezer, now, self.assertRaisesRegex(UserError, "This offer has expired"):
            conversation.with_user(agent).action_accept_offer()
        self.assertEqual(conversation.state, "offered")

    def test_what_waits_goes_to_an_agent_who_connects_again(self):
        self.env["bus.presence"].search(
            [("user_id", "in", (self.agent_ana | self.agent_bruno).ids)]
        ).write({"status": "offline"})
        (self.agent_ana | self.agent_bruno).invalidate_recordset()
        conversation = self.new()
        self.assertEqual((conversation.state, conversation.offered_user_id.id), ("queued", False))
        self.assertEqual(self.Conversation._cron_offer_timeouts(), 0)  # nobody there yet
        self.env["bus.presence"].search([("user_id", "=", self.agent_bruno.id)]).write(
            {"status": "online"}
        )
        self.agent_bruno.invalidate_recordset()
        self.assertEqual(self.Conversation._cron_offer_timeouts(), 1)
        self.assertEqual(
            (conversation.state, conversation.offered_user_id), ("offered", self.agent_bruno)
        )
        self.assertEqual(self.Conversation._cron_offer_timeouts(), 0)  # no second offer

    def test_an_agent_under_capacity_again_gets_what_waits(self):
        self.team_support.omnichannel_capacity = 1
        self.agent_ana.with_user(self.agent_ana)._omnichannel_set_status("busy")
        held = self.new("Held")
        held.with_user(self.agent_bruno).action_accept_offer()
        waiting = self.new("Waiting")
        self.assertEqual(waiting.state, "queued")  # Bruno is full, Ana busy
        held.with_user(self.agent_bruno).action_resolve(reason_id=self.reason_resolved.id)
        self.assertEqual((waiting.state, waiting.offered_user_id), ("offered", self.agent_bruno))

    def test_a_transfer_to_an_offer_mode_team_offers_it(self):
        self.team_support.omnichannel_routing_mode = "open"
        self.team_sales.write(
            {
                "omnichannel_routing_mode": "offer",
                "user_ids": [(4, self.agent_bruno.id), (4, self.agent_ana.id)],
            }
        )
        freezer, now = self.at("2026-03-02 09:00:00")
        with freezer, now:
            conversation = self.new()
            conversation.with_user(self.agent_ana).action_take()
        freezer, now = self.at("2026-03-02 09:30:00")
        with freezer, now:
            other = self.new("Other")
            other.with_user(self.agent_bruno).action_take()
            other.with_user(self.agent_bruno).action_resolve(reason_id=self.reason_resolved.id)
            conversation.with_user(self.agent_ana).action_transfer(team_id=self.team_sales.id)
        # Ana is in Sales too, as free as Bruno and idle longer: still, it is not offered
        # back to the agent who passed it on.
        self.assertEqual(
            (conversation.state, conversation.offered_user_id), ("offered", self.agent_bruno)
        )


@tagged("post_install", "-at_install")
class TestOfferTimeoutsTwiceAtOnce(TransactionCase):
    """Two runs of the offers cron at the same moment (committed data, one cursor each), on
    the offers of two agents: each agent is set Not ready (RONA) once, offers move from one
    to the other without a deadlock, and in the end they all wait in the queue."""

    def test_two_runs_at_once_time_out_each_agent_once(self):
        suffix = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            agents = env["res.users"]
            for name in ("a", "b"):
                agents |= new_test_user(
                    env, f"rona_{name}_{suffix}", groups="omnichannel_chat.group_omnichannel_agent"
                )
                env["bus.presence"].create({"user_id": agents[-1:].id, "status": "online"})
            team = env["helpdesk.ticket.team"].create(
                {
                    "name": f"Twice {suffix}",
                    "omnichannel_routing_mode": "offer",
                    "user_ids": [(6, 0, agents.ids)],
                }
            )
            source = env["omnichannel.source"].create(
                {"name": "Twice", "code": f"twice_{suffix}", "team_id": team.id}
            )
            ids = []
            for i in range(20):
                partner = env["res.partner"].create({"name": f"Offered {suffix} {i}"})
                conversation, _message = env["omnichannel.conversation"]._route_inbound_message(
                    source, partner, "hello"
                )
                ids.append(conversation.id)
            env.flush_all()
            offered_to = env["omnichannel.conversation"].browse(ids).mapped("offered_user_id")
            self.assertEqual(offered_to, agents, "the burst spreads over both agents")
            cr.execute(
                "UPDATE omnichannel_conversation SET offer_deadline = offer_deadline"
                " - interval '1 minute' WHERE id = ANY(%s) AND state = 'offered'",
                [ids],
            )
            self.assertEqual(cr.rowcount, 20)
        try:
            errors = run_cron_twice_at_once(self.registry, "_cron_offer_timeouts", batch_size=3)
            self.assertEqual(errors, [])
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                conversations = env["omnichannel.conversation"].browse(ids)
                # Nobody left for them: they wait in the queue.
                self.assertEqual(set(conversations.mapped("state")), {"queued"})
                ronas = env["omnichannel.event"].search(
                    [("conversation_id", "in", ids), ("kind", "=", "rona")]
                )
                # One RONA per agent (their other offers were withdrawn with it), none twice.
                self.assertEqual(sorted(ronas.to_user_id.ids), agents.ids)
                self.assertEqual(len(ronas), 2)
                for agent in agents.with_env(env):
                    self.assertEqual(
                        (agent.omnichannel_status, agent.omnichannel_not_ready_reason),
                        ("not_ready", "rona"),
                    )
        finally:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                conversations = env["omnichannel.conversation"].browse(ids)
                partners = conversations.partner_id
                conversations.channel_id.unlink()
                env["omnichannel.source"].browse(source.id).unlink()
                env["helpdesk.ticket.team"].browse(team.id).unlink()
                partners.unlink()
                agents = agents.with_env(env)
                agent_partners = agents.partner_id
                agents.unlink()
                agent_partners.unlink()
