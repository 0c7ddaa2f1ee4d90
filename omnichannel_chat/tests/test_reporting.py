import json
from contextlib import contextmanager
from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase

from .common import OmnichannelCase


@tagged("post_install", "-at_install")
class TestReporting(OmnichannelCase):
    """A scripted history at frozen moments; every reported figure checked to the second."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Business hours: Monday to Friday, 09:00 to 17:00 UTC.
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Support hours",
                "tz": "UTC",
                "attendance_ids": [(5, 0, 0)]
                + [
                    (
                        0,
                        0,
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 9,
                            "hour_to": 17,
                        },
                    )
                    for day in range(5)
                ],
            }
        )
        cls.team_support.omnichannel_calendar_id = cls.calendar
        cls.Report = cls.env["omnichannel.report.conversation"]
        cls.AgentReport = cls.env["omnichannel.report.agent"]

    @contextmanager
    def at(self, moment):
        """Everything inside happens at ``moment`` (Odoo stamps records with the cursor's
        time, which freezegun does not reach)."""
        moment = datetime.fromisoformat(moment)
        with freeze_time(moment), patch.object(type(self.env.cr), "now", lambda cr: moment):
            yield
        self.env.flush_all()

    def scripted_history(self):
        """Monday 16:50 a customer writes; Tuesday Ana takes it, replies, notes, transfers to
        Bruno, confers with him; Bruno resolves; the customer writes again (reopen) and Bruno
        resolves again."""
        with self.at("2026-03-02 16:50:00"):
            conversation = self.route(body="¿Dónde está mi pedido?")
        with self.at("2026-03-03 09:10:00"):
            conversation.with_user(self.agent_ana).action_take()
        with self.at("2026-03-03 09:15:00"):
            self.route(body="Hola, ¿alguien?")
        with self.at("2026-03-03 09:20:00"):
            self.post_as_agent(conversation, self.agent_ana, "Hola, lo miro ahora.")
        with self.at("2026-03-03 09:25:00"):
            conversation.with_user(self.agent_ana).action_post_note("Pedido retrasado")
        with self.at("2026-03-03 09:30:00"):
            conversation.with_user(self.agent_ana).action_transfer(user_id=self.agent_bruno.id)
        with self.at("2026-03-03 09:40:00"):
            conversation.with_user(self.agent_bruno).action_invite(self.agent_ana.id)
            conversation.with_user(self.agent_ana).action_accept_conference()
        with self.at("2026-03-03 09:45:00"):
            conversation.with_user(self.agent_ana).action_leave_conference()
        with self.at("2026-03-03 10:00:00"):
            conversation.with_user(self.agent_bruno).action_resolve(
                reason_id=self.reason_resolved.id
            )
        with self.at("2026-03-03 10:30:00"):
            self.route(body="Una cosa más")  # within the hour: reopens to Bruno
        with self.at("2026-03-03 10:40:00"):
            conversation.with_user(self.agent_bruno).action_resolve(
                reason_id=self.reason_resolved.id
            )
        return conversation

    def test_conversation_figures_to_the_second(self):
        conversation = self.scripted_history()
        row = self.Report.with_user(self.manager).search(
            [("conversation_id", "=", conversation.id)]
        )
        self.assertEqual(row.state, "resolved")
        self.assertEqual(
            (row.team_id, row.user_id, row.reason_id),
            (self.team_support, self.agent_bruno, self.reason_resolved),
        )
        # On the clock: created Monday 16:50, taken Tuesday 09:10, first agent reply 09:20
        # (the note at 09:25 is no reply), resolved at last 10:40.
        self.assertEqual(row.waiting_minutes * 60, 16 * 3600 + 20 * 60)
        self.assertEqual(row.first_reply_minutes * 60, 16 * 3600 + 30 * 60)
        self.assertEqual(row.handle_minutes * 60, 90 * 60)
        self.assertEqual(row.resolution_minutes * 60, 17 * 3600 + 50 * 60)
        # Within 09:00-17:00: Monday 16:50-17:00 counts 10 minutes, then Tuesday from 09:00.
        self.assertAlmostEqual(row.waiting_minutes_business, 20, places=6)
        self.assertAlmostEqual(row.first_reply_minutes_business, 30, places=6)
        self.assertAlmostEqual(row.handle_minutes_business, 90, places=6)
        self.assertAlmostEqual(row.resolution_minutes_business, 110, places=6)
        self.assertEqual(
            (row.transfer_count, row.conference_count, row.reopen_count),
            (1, 1, 1),
        )
        self.assertEqual(
            (row.customer_message_count, row.agent_message_count, row.note_count), (3, 1, 1)
        )
        # Traceable: the counters are the event log's.
        kinds = conversation.event_ids.mapped("kind")
        self.assertEqual(kinds.count("transfer_agent"), row.transfer_count)
        self.assertEqual(kinds.count("conference_accept"), row.conference_count)
        self.assertEqual(kinds.count("reopen"), row.reopen_count)

    def test_without_business_hours_both_measures_agree(self):
        with self.at("2026-03-02 16:50:00"):
            conversation = self.route(
                partner=self.env["res.partner"].create({"name": "Sales customer"}),
                team=self.team_sales,
            )
        with self.at("2026-03-03 09:10:00"):
            conversation.with_user(self.agent_carla).action_take()
        row = self.Report.search([("conversation_id", "=", conversation.id)])
        self.assertEqual(row.waiting_minutes, row.waiting_minutes_business)
        self.assertEqual(row.waiting_minutes * 60, 16 * 3600 + 20 * 60)
        self.assertFalse(row.handle_minutes)  # not resolved: nothing to measure yet
        self.assertFalse(row.handle_minutes_business)

    def test_auto_closed_by_the_system_counts_for_no_agent(self):
        with self.at("2026-03-02 10:00:00"):
            conversation = self.route(partner=self.env["res.partner"].create({"name": "Silent"}))
        with self.at("2026-03-03 10:00:00"):
            conversation.sudo()._resolve(self.reason_auto, None, actor=None)
        row = self.Report.search([("conversation_id", "=", conversation.id)])
        self.assertEqual(
            (row.state, row.reason_id, row.user_id.id), ("resolved", self.reason_auto, False)
        )
        self.assertEqual(row.resolution_minutes, 24 * 60)
        self.assertFalse(self.AgentReport.search([("date", "=", "2026-03-03")]))

    def test_agent_figures_per_day(self):
        self.scripted_history()
        rows = self.AgentReport.with_user(self.manager).search([("date", "=", "2026-03-03")])
        ana = rows.filtered(lambda r: r.user_id == self.agent_ana)
        bruno = rows.filtered(lambda r: r.user_id == self.agent_bruno)
        self.assertEqual(
            (
                ana.taken_count,
                ana.resolved_count,
                ana.transferred_out_count,
                ana.transferred_in_count,
            ),
            (1, 0, 1, 0),
        )
        self.assertEqual(
            (
                bruno.taken_count,
                bruno.resolved_count,
                bruno.transferred_out_count,
                bruno.transferred_in_count,
            ),
            (0, 2, 0, 1),
        )
        self.assertEqual(bruno.first_reply_minutes * 60, 16 * 3600 + 30 * 60)
        self.assertEqual(bruno.first_reply_minutes_median, bruno.first_reply_minutes)
        self.assertEqual(bruno.handle_minutes * 60, 90 * 60)
        self.assertFalse(ana.handle_minutes)

    def test_handling_segments(self):
        """Ana 09:10-09:30; Bruno 09:30-09:45, again from Ana's leaving the conference to the
        resolution at 10:00, and after the reopen 10:30-10:40."""
        conversation = self.scripted_history()
        segments = (
            self.env["omnichannel.report.segment"]
            .with_user(self.manager)
            .search([("conversation_id", "=", conversation.id)], order="start_date, id")
        )
        self.assertEqual(
            [(s.user_id, s.handle_minutes) for s in segments],
            [
                (self.agent_ana, 20),
                (self.agent_bruno, 15),
                (self.agent_bruno, 15),
                (self.agent_bruno, 10),
            ],
        )

    def test_time_in_each_status_per_day(self):
        ana = self.agent_ana.with_user(self.agent_ana)
        with self.at("2026-03-03 09:00:00"):
            # Already available (the default): no change, so no period before 10:00.
            self.assertFalse(ana._omnichannel_set_status("available"))
        with self.at("2026-03-03 10:00:00"):
            ana._omnichannel_set_status("busy")
        with self.at("2026-03-03 10:30:00"):
            ana._omnichannel_set_status("not_ready", "break")
        with self.at("2026-03-03 11:00:00"):
            ana._omnichannel_set_status("available")
        with self.at("2026-03-04 01:00:00"):  # the period crosses midnight
            ana._omnichannel_set_status("busy")
        with self.at("2026-03-04 02:00:00"):
            ana._omnichannel_set_status("available")
        day = self.AgentReport.with_user(self.manager).search(
            [("date", "=", "2026-03-03"), ("user_id", "=", self.agent_ana.id)]
        )
        self.assertEqual(
            (day.available_minutes, day.busy_minutes, day.not_ready_minutes),
            (13 * 60, 30, 30),
        )
        self.assertEqual(day.taken_count, 0)
        next_day = self.AgentReport.search(
            [("date", "=", "2026-03-04"), ("user_id", "=", self.agent_ana.id)]
        )
        self.assertEqual(next_day.busy_minutes, 60)
        self.assertGreaterEqual(next_day.available_minutes, 60)  # 00:00-01:00, then open

    def test_pivot_by_team_and_week(self):
        self.scripted_history()
        groups = self.Report.with_user(self.manager).read_group(
            [("team_id", "=", self.team_support.id)],
            ["waiting_minutes:avg", "transfer_count:sum"],
            ["team_id", "date:week"],
            lazy=False,
        )
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0]["__count"], 1)
        self.assertEqual(groups[0]["waiting_minutes"] * 60, 16 * 3600 + 20 * 60)
        self.assertEqual(groups[0]["transfer_count"], 1)

    def test_reports_are_for_managers_only(self):
        self.scripted_history()
        for user in (self.agent_ana, self.internal_user, self.portal_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Report.with_user(user).search([])
            with self.assertRaises(AccessError):
                self.AgentReport.with_user(user).search([])
        reporting = self.env.ref("omnichannel_chat.menu_omnichannel_reporting")
        menus = self.env["ir.ui.menu"].with_user(self.agent_ana).search([("id", "=", reporting.id)])
        self.assertFalse(menus)
        menus = self.env["ir.ui.menu"].with_user(self.manager).search([("id", "=", reporting.id)])
        self.assertEqual(menus, reporting)


@tagged("post_install", "-at_install")
class TestLiveBoard(OmnichannelCase, MailCase):
    def test_board_counts_per_team_and_agent(self):
        queued = self.route()
        other = self.route(partner=self.env["res.partner"].create({"name": "Second"}))
        other.with_user(self.agent_ana).action_take()
        board = self.Conversation.with_user(self.manager)._get_live_board()
        support = next(team for team in board["teams"] if team["id"] == self.team_support.id)
        self.assertEqual((support["queued"], support["taken"], support["conference"]), (1, 1, 0))
        self.assertGreaterEqual(support["longest_wait_seconds"], 0)
        agents = {agent["id"]: agent for agent in board["agents"]}
        self.assertEqual(agents[self.agent_ana.id]["load"], 1)
        self.assertEqual(agents[self.agent_bruno.id]["load"], 0)
        self.assertEqual(agents[self.agent_ana.id]["status"], "offline")  # not connected
        self.env["bus.presence"].create({"user_id": self.agent_bruno.id, "status": "online"})
        self.agent_bruno.with_user(self.agent_bruno)._omnichannel_set_status("busy")
        self.agent_bruno.invalidate_recordset()
        board = self.Conversation.with_user(self.manager)._get_live_board()
        bruno = next(agent for agent in board["agents"] if agent["id"] == self.agent_bruno.id)
        self.assertEqual(bruno["status"], "busy")
        self.assertTrue(queued)

    def test_board_shows_every_agent_and_why_not_ready(self):
        """Carla's team has nothing open: she shows all the same, with her RONA."""
        self.env["bus.presence"].create({"user_id": self.agent_carla.id, "status": "online"})
        self.agent_carla.sudo()._omnichannel_set_status("not_ready", "rona")
        self.agent_carla.invalidate_recordset()
        board = self.Conversation.with_user(self.manager)._get_live_board()
        carla = next(agent for agent in board["agents"] if agent["id"] == self.agent_carla.id)
        self.assertEqual((carla["status"], carla["reason"]), ("not_ready", "rona"))

    def test_board_is_for_managers(self):
        with self.assertRaises(AccessError):
            self.Conversation.with_user(self.agent_ana)._get_live_board()

    def test_every_move_pings_the_managers_board(self):
        conversation = self.route()
        self._reset_bus()
        with self.mock_bus():
            conversation.with_user(self.agent_ana).action_take()
        managers = self.env.ref("omnichannel_chat.group_omnichannel_manager")
        pings = [
            json.loads(notification.message)
            for notification in self._new_bus_notifs
            if json.loads(notification.channel)[1:3] == ["res.groups", managers.id]
        ]
        self.assertTrue(pings)
        self.assertEqual({ping["type"] for ping in pings}, {"omnichannel.board/changed"})
        self.assertEqual({ping["payload"]["id"] for ping in pings}, {conversation.id})
