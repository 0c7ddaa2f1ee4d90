import uuid
from contextlib import contextmanager
from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged

from odoo.addons.omnichannel_chat.tests.jobs import run_jobs

from .common import OmnichannelCase, run_cron_twice_at_once


@contextmanager
def frozen(env, moment):
    moment = datetime.fromisoformat(moment)
    with freeze_time(moment), patch.object(type(env.cr), "now", lambda cr: moment):
        yield
    env.flush_all()


@tagged("post_install", "-at_install")
class TestAutoClose(OmnichannelCase):
    def setUp(self):
        super().setUp()
        self.team_support.write(
            {"omnichannel_autoclose_hours": 24, "omnichannel_autoclose_warn": True}
        )

    def cron(self):
        return self.Conversation._cron_autoclose()

    def system_messages(self, conversation):
        root = self.env.ref("base.partner_root")
        return conversation.channel_id.message_ids.filtered(
            lambda m: m.author_id == root and m.message_type == "comment"
        )

    def test_warning_at_half_time_then_close(self):
        with frozen(self.env, "2026-03-02 10:00:00"):
            conversation = self.route(body="Hola")
            conversation.with_user(self.agent_ana).action_take()
            self.post_as_agent(conversation, self.agent_ana, "¿En qué le ayudo?")
        with frozen(self.env, "2026-03-02 21:59:00"):
            self.cron()
        self.assertFalse(self.system_messages(conversation))
        with frozen(self.env, "2026-03-02 22:00:00"):
            self.cron()
            self.cron()  # a second run sends no second warning
        warnings = self.system_messages(conversation)
        self.assertEqual(len(warnings), 1)
        self.assertIn("Are you still there?", warnings.body)
        self.assertEqual(conversation.state, "taken")
        self.assertEqual(str(conversation.first_agent_reply_date), "2026-03-02 10:00:00")
        with frozen(self.env, "2026-03-03 10:00:00"):
            self.cron()
        self.assertEqual(
            (conversation.state, conversation.reason_id), ("resolved", self.reason_auto)
        )
        self.assertEqual(str(conversation.resolved_date), "2026-03-03 10:00:00")
        self.assertIn(
            "We are closing this conversation", self.system_messages(conversation)[0].body
        )
        resolve = conversation.event_ids.filtered(lambda e: e.kind == "resolve")
        self.assertEqual((len(resolve), resolve.user_id.id), (1, False))

    def test_the_customer_writing_restarts_the_clock(self):
        with frozen(self.env, "2026-03-02 10:00:00"):
            conversation = self.route(body="Hola")
        with frozen(self.env, "2026-03-02 22:00:00"):
            self.cron()
        with frozen(self.env, "2026-03-02 23:00:00"):
            self.route(body="Sigo aquí")
        with frozen(self.env, "2026-03-03 10:30:00"):
            self.cron()  # 11.5 h of silence: neither a new warning nor the close
        self.assertEqual(conversation.state, "queued")
        self.assertEqual(len(self.system_messages(conversation)), 1)
        with frozen(self.env, "2026-03-03 11:00:00"):
            self.cron()
        self.assertEqual(len(self.system_messages(conversation)), 2)
        with frozen(self.env, "2026-03-03 23:00:00"):
            self.cron()
        self.assertEqual(conversation.state, "resolved")

    def test_reopens_to_the_same_owner_within_the_tolerance(self):
        with frozen(self.env, "2026-03-02 10:00:00"):
            conversation = self.route(body="Hola")
            conversation.with_user(self.agent_ana).action_take()
        with frozen(self.env, "2026-03-03 10:00:00"):
            self.cron()
        self.assertEqual(conversation.state, "resolved")
        with frozen(self.env, "2026-03-03 10:40:00"):
            again = self.route(body="¡Perdón, estaba fuera!")
        self.assertEqual(again, conversation)
        self.assertEqual((conversation.state, conversation.user_id), ("taken", self.agent_ana))

    def test_teams_without_autoclose_keep_their_conversations(self):
        self.team_support.omnichannel_autoclose_hours = 0
        with frozen(self.env, "2026-03-02 10:00:00"):
            conversation = self.route(body="Hola")
        with frozen(self.env, "2026-04-02 10:00:00"):
            self.cron()
        self.assertEqual(conversation.state, "queued")
        self.assertFalse(self.system_messages(conversation))

    def test_system_messages_reach_the_customer_through_the_source(self):
        # The test-only SMS source (tests/fixtures/addons), installed with the tests.
        source = self.env.ref("omnichannel_test_provider.source_test_sms")
        source.team_id = self.team_support
        customer = self.env["res.partner"].create({"name": "SMS", "phone": "+34600000099"})
        with frozen(self.env, "2026-03-02 10:00:00"):
            conversation, _message = self.Conversation.sudo()._route_inbound_message(
                source, customer, "Hola"
            )
        with frozen(self.env, "2026-03-02 22:00:00"):
            self.cron()
            run_jobs(self.env)
        outbox = self.env["omnichannel.test.outbox"].search(
            [("conversation_id", "=", conversation.id)]
        )
        self.assertEqual(len(outbox), 1)
        self.assertFalse(conversation.first_agent_reply_date)


@tagged("post_install", "-at_install")
class TestAutoCloseTwiceAtOnce(TransactionCase):
    """Two runs of the cron at the same moment (committed data, one cursor each): every
    conversation is closed once."""

    def test_two_runs_at_once_close_each_conversation_once(self):
        suffix = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            team = env["helpdesk.ticket.team"].create(
                {"name": f"Twice {suffix}", "omnichannel_autoclose_hours": 1}
            )
            source = env["omnichannel.source"].create(
                {"name": "Twice", "code": f"twice_{suffix}", "team_id": team.id}
            )
            ids = []
            for i in range(30):
                partner = env["res.partner"].create({"name": f"Silent {suffix} {i}"})
                conversation, _message = env["omnichannel.conversation"]._route_inbound_message(
                    source, partner, "hello"
                )
                ids.append(conversation.id)
            env.flush_all()
            cr.execute(
                "UPDATE omnichannel_conversation"
                " SET create_date = create_date - interval '2 hours',"
                " last_customer_message_date = last_customer_message_date - interval '2 hours'"
                " WHERE id = ANY(%s)",
                [ids],
            )
        errors = run_cron_twice_at_once(self.registry, "_cron_autoclose", batch_size=7)
        self.assertEqual(errors, [])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            conversations = env["omnichannel.conversation"].browse(ids)
            self.assertEqual(set(conversations.mapped("state")), {"resolved"})
            closes = env["omnichannel.event"].search_count(
                [("conversation_id", "in", ids), ("kind", "=", "resolve")]
            )
            self.assertEqual(closes, 30)
            partners = conversations.partner_id
            conversations.channel_id.unlink()
            source.browse(source.id).with_env(env).unlink()
            env["helpdesk.ticket.team"].browse(team.id).unlink()
            partners.unlink()


@tagged("post_install", "-at_install")
class TestOutsideBusinessHours(OmnichannelCase):
    def setUp(self):
        super().setUp()
        calendar = self.env["resource.calendar"].create(
            {
                "name": "Weekdays 9-17",
                "tz": "UTC",
                "attendance_ids": [(5, 0, 0)]
                + [
                    (0, 0, {"name": f"D{d}", "dayofweek": str(d), "hour_from": 9, "hour_to": 17})
                    for d in range(5)
                ],
            }
        )
        self.team_support.write(
            {
                "omnichannel_calendar_id": calendar.id,
                "omnichannel_outside_hours_message": "We are closed; we answer from 9:00.",
            }
        )

    def replies(self, conversation):
        root = self.env.ref("base.partner_root")
        return conversation.channel_id.message_ids.filtered(lambda m: m.author_id == root)

    def test_one_automatic_reply_per_closed_period(self):
        with frozen(self.env, "2026-03-07 10:00:00"):  # a Saturday
            conversation = self.route(body="¿Abren hoy?")
        self.assertEqual(conversation.state, "queued")  # still waits in the queue
        self.assertEqual(len(self.replies(conversation)), 1)
        self.assertIn("We are closed", self.replies(conversation).body)
        with frozen(self.env, "2026-03-07 11:00:00"):
            self.route(body="¿Hola?")
        self.assertEqual(len(self.replies(conversation)), 1)
        with frozen(self.env, "2026-03-09 10:00:00"):  # Monday, open
            self.route(body="Ya es lunes")
        self.assertEqual(len(self.replies(conversation)), 1)
        with frozen(self.env, "2026-03-09 18:00:00"):  # Monday evening, closed again
            self.route(body="¿Siguen ahí?")
        self.assertEqual(len(self.replies(conversation)), 2)
        self.assertFalse(conversation.first_agent_reply_date)
