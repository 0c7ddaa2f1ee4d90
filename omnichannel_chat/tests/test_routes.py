from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import OmnichannelHttpCase


@tagged("post_install", "-at_install")
class TestConversationRoutes(OmnichannelHttpCase):
    """The workflow through the JSON routes of the agent desk, as each role."""

    def assertRefused(self, outcome, name, message=None):
        result, error = outcome
        self.assertIsNone(result)
        self.assertEqual(error["name"], name)
        if message:
            self.assertIn(message, error["message"])

    def test_take_as_each_role(self):
        conversation = self.route()
        with mute_logger("odoo.http"):
            for user in (self.agent_carla, self.internal_user, self.portal_user):
                with self.subTest(user=user.login):
                    self.assertRefused(
                        self.act(user, conversation, "take"), "odoo.exceptions.AccessError"
                    )
        result, error = self.act(self.agent_ana, conversation, "take")
        self.assertIsNone(error)
        self.assertEqual(
            (result["state"], result["owner"]["name"], result["visible"]),
            ("taken", "Ana Test", True),
        )
        self.assertIs(result["ticket"], False)  # JSON false, not a recordset's repr
        with mute_logger("odoo.http"):
            self.assertRefused(
                self.act(self.agent_bruno, conversation, "take"),
                "odoo.exceptions.UserError",
                "Already taken by Ana Test",
            )

    def test_public_visitor_is_refused(self):
        conversation = self.route()
        result, error = self.act(None, conversation, "take")
        self.assertIsNone(result)
        self.assertEqual(error["name"], "odoo.http.SessionExpiredException")
        self.assertEqual(conversation.state, "queued")

    def test_unknown_action_is_not_found(self):
        conversation = self.route()
        with mute_logger("odoo.http"):
            self.assertRefused(
                self.act(self.agent_ana, conversation, "write"), "werkzeug.exceptions.NotFound"
            )

    def test_transfer_conference_resolve_reopen(self):
        conversation = self.route()
        self.act(self.agent_ana, conversation, "take")
        result, _error = self.act(
            self.agent_ana, conversation, "transfer", user_id=self.agent_bruno.id, note="VIP"
        )
        self.assertEqual(result, {"id": conversation.id, "visible": False})
        result, _error = self.act(
            self.agent_bruno, conversation, "invite", user_id=self.agent_carla.id
        )
        self.assertEqual(result["conference_state"], "requested")
        result, _error = self.act(self.agent_carla, conversation, "accept_conference")
        self.assertEqual(result["conference_state"], "active")
        result, _error = self.act(self.agent_bruno, conversation, "leave_conference")
        self.assertFalse(result["visible"])
        self.assertEqual(conversation.user_id, self.agent_carla)
        with mute_logger("odoo.http"):
            self.assertRefused(
                self.act(self.agent_carla, conversation, "resolve"),
                "odoo.exceptions.UserError",
                "Choose a resolution reason",
            )
        result, _error = self.act(
            self.agent_carla,
            conversation,
            "resolve",
            reason_id=self.reason_resolved.id,
            note="Done",
        )
        self.assertEqual(result["state"], "resolved")
        result, _error = self.act(self.agent_carla, conversation, "reopen")
        self.assertEqual((result["state"], result["owner"]["name"]), ("taken", "Carla Test"))
        self.assertEqual(
            self.events(conversation),
            [
                "create",
                "take",
                "transfer_agent",
                "conference_invite",
                "conference_accept",
                "conference_leave",
                "resolve",
                "reopen",
            ],
        )

    def test_archive_and_tags(self):
        tag = self.env["helpdesk.ticket.tag"].create({"name": "Urgent"})
        conversation = self.route()
        self.act(self.agent_ana, conversation, "take")
        result, _error = self.act(self.agent_ana, conversation, "add_tags", tag_ids=[tag.id])
        self.assertEqual(result["tag_ids"], [tag.id])
        result, _error = self.act(self.agent_ana, conversation, "archive")
        self.assertTrue(result["is_archived"])
        result, _error = self.act(self.agent_ana, conversation, "unarchive")
        self.assertFalse(result["is_archived"])
        result, _error = self.act(self.agent_ana, conversation, "remove_tags", tag_ids=[tag.id])
        self.assertEqual(result["tag_ids"], [])
        with mute_logger("odoo.http"):
            self.assertRefused(
                self.act(self.agent_bruno, conversation, "add_tags", tag_ids=[tag.id]),
                "odoo.exceptions.AccessError",
            )

    def test_decline_and_end_conference(self):
        conversation = self.route()
        self.act(self.agent_ana, conversation, "take")
        self.act(self.agent_ana, conversation, "invite", user_id=self.agent_bruno.id)
        result, _error = self.act(self.agent_bruno, conversation, "decline_conference")
        self.assertFalse(result["visible"])
        self.act(self.agent_ana, conversation, "invite", user_id=self.agent_carla.id)
        self.act(self.agent_carla, conversation, "accept_conference")
        result, _error = self.act(self.agent_ana, conversation, "end_conference")
        self.assertEqual(result["conference_state"], "none")
        self.assertFalse(self.act(self.agent_carla, conversation, "take")[0])

    def test_mark_read_and_unread(self):
        conversation = self.route(body="first")
        self.route(body="second")
        self.act(self.agent_ana, conversation, "take")
        result, _error = self.act(self.agent_ana, conversation, "mark_read")
        self.assertEqual(result["unread"], 0)
        result, _error = self.act(self.agent_ana, conversation, "mark_unread")
        self.assertEqual(result["unread"], 1)
        self.route(body="third")
        result, _error = self.act(self.agent_ana, conversation, "mark_read")
        self.assertEqual(result["unread"], 0)
        with mute_logger("odoo.http"):
            queued = self.route(partner=self.env["res.partner"].create({"name": "Other"}))
            self.assertRefused(
                self.act(self.agent_bruno, queued, "mark_unread"),
                "odoo.exceptions.UserError",
                "Take the conversation first",
            )


@tagged("post_install", "-at_install")
class TestVisibilityThroughTheWebClient(OmnichannelHttpCase):
    """The visibility table through the web client's own route (call_kw), as each role."""

    def call_kw(self, user, method, args, kwargs=None):
        return self.call(
            user,
            f"/web/dataset/call_kw/omnichannel.conversation/{method}",
            model="omnichannel.conversation",
            method=method,
            args=args,
            kwargs=kwargs or {},
        )

    def test_taken_by_someone_else_does_not_exist(self):
        queued = self.route(body="queued")
        taken = self.route(partner=self.env["res.partner"].create({"name": "Taken"}), body="taken")
        taken.with_user(self.agent_ana).action_take()
        domain = [("id", "in", (queued | taken).ids)]
        expectations = {
            self.agent_ana: {queued.id, taken.id},
            self.agent_bruno: {queued.id},
            self.agent_carla: set(),
            self.manager: {queued.id, taken.id},
        }
        for user, expected in expectations.items():
            with self.subTest(user=user.login):
                result, error = self.call_kw(
                    user, "web_search_read", [], {"domain": domain, "specification": {"name": {}}}
                )
                self.assertIsNone(error)
                self.assertEqual({r["id"] for r in result["records"]}, expected)
                self.assertEqual(result["length"], len(expected))
                count, _error = self.call_kw(user, "search_count", [domain])
                self.assertEqual(count, len(expected))
                names, _error = self.call_kw(user, "name_search", [], {"args": domain})
                self.assertEqual({n[0] for n in names}, expected)
                groups, _error = self.call_kw(
                    user,
                    "web_read_group",
                    [],
                    {"domain": domain, "fields": ["state"], "groupby": ["state"]},
                )
                self.assertEqual(sum(g["state_count"] for g in groups["groups"]), len(expected))
        with mute_logger("odoo.http"):
            _result, error = self.call_kw(self.agent_bruno, "read", [taken.ids, ["name"]])
            self.assertEqual(error["name"], "odoo.exceptions.AccessError")
            for user in (self.internal_user, self.portal_user):
                _result, error = self.call_kw(user, "search_count", [domain])
                self.assertEqual(error["name"], "odoo.exceptions.AccessError")
