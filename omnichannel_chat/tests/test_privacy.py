"""What the agents may read, tried as an attacker would: as the other agent of the team, the
former owner and an agent of another team, through the routes the desk calls."""

import json
from datetime import timedelta

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.bus.models.bus import channel_with_db, hashable

from .common import OmnichannelBrowserCase, OmnichannelHttpCase

NOT_VISIBLE = "This conversation does not exist or is not yours to see."


class PrivacyCase(OmnichannelHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source_chat = cls.env["omnichannel.source"].create(
            {"name": "Test chat", "code": "test_chat", "team_id": cls.team_support.id}
        )

    def route_chat(self, body="Hi again"):
        """The same customer writing over a second source (as WhatsApp and the live chat)."""
        conversation, _message = self.Conversation.sudo()._route_inbound_message(
            self.source_chat, self.customer, body
        )
        return conversation.sudo(False)

    def resolved_by_ana(self):
        """Ana's earlier conversation with the customer: her reply and her internal note."""
        earlier = self.route(body="My order is late")
        earlier.with_user(self.agent_ana).action_take()
        self.post_as_agent(earlier, self.agent_ana, "It leaves today")
        earlier.with_user(self.agent_ana).action_post_note("Customer shouted at me")
        earlier.with_user(self.agent_ana).action_resolve(reason_id=self.reason_resolved.id)
        # past the reopen tolerance: the customer's next message starts a new conversation
        earlier.sudo().resolved_date = earlier.resolved_date - timedelta(days=1)
        return earlier

    def history(self, user, conversation, other):
        return self.call(user, f"/omnichannel/conversation/{conversation.id}/history/{other.id}")

    def assertNotVisible(self, outcome):
        result, error = outcome
        self.assertIsNone(result)
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertEqual(error["message"], NOT_VISIBLE)


@tagged("post_install", "-at_install")
class TestHistoryPrivacy(PrivacyCase):
    def test_team_agent_does_not_read_another_agents_resolved_conversation(self):
        earlier = self.resolved_by_ana()
        queued = self.route(body="Still late")
        with mute_logger("odoo.http"):
            self.assertNotVisible(self.history(self.agent_bruno, queued, earlier))
        info, error = self.call(self.agent_bruno, f"/omnichannel/conversation/{queued.id}/info")
        self.assertIsNone(error)
        self.assertEqual([line["id"] for line in info["history"]], [queued.id])
        # Ana reads her own, with her note
        result, error = self.history(self.agent_ana, queued, earlier)
        self.assertIsNone(error)
        self.assertEqual(
            [(m["body"], m["is_note"]) for m in result["messages"]][-2:],
            [("<p>It leaves today</p>", False), ("<p>Customer shouted at me</p>", True)],
        )

    def test_team_may_show_resolved_history_without_notes(self):
        self.team_support.omnichannel_history_visible = True
        earlier = self.resolved_by_ana()
        queued = self.route(body="Still late")
        result, error = self.history(self.agent_bruno, queued, earlier)
        self.assertIsNone(error)
        bodies = [m["body"] for m in result["messages"]]
        self.assertIn("<p>It leaves today</p>", bodies)
        self.assertNotIn("<p>Customer shouted at me</p>", bodies)
        self.assertFalse(any(m["is_note"] for m in result["messages"]))
        self.assertFalse(result["notes_shown"])
        info, _error = self.call(self.agent_bruno, f"/omnichannel/conversation/{queued.id}/info")
        self.assertEqual({line["id"] for line in info["history"]}, {queued.id, earlier.id})
        # another team's agents never see it, allowed or not
        self.team_sales.user_ids = [(4, self.agent_bruno.id)]
        sales_queued = self.Conversation.sudo()._route_inbound_message(
            self.source_chat, self.customer, "To sales", team=self.team_sales
        )[0]
        self.team_support.user_ids = [(3, self.agent_bruno.id)]
        with mute_logger("odoo.http"):
            self.assertNotVisible(self.history(self.agent_bruno, sales_queued, earlier))

    def test_open_conversation_of_another_agent_is_never_history(self):
        self.team_support.omnichannel_history_visible = True
        whatsapp = self.route(body="On WhatsApp")
        whatsapp.with_user(self.agent_ana).action_take()
        whatsapp.with_user(self.agent_ana).action_post_note("VIP, handle with care")
        chat = self.route_chat()
        with mute_logger("odoo.http"):
            self.assertNotVisible(self.history(self.agent_bruno, chat, whatsapp))
        info, _error = self.call(self.agent_bruno, f"/omnichannel/conversation/{chat.id}/info")
        self.assertEqual([line["id"] for line in info["history"]], [chat.id])

    def test_former_owner_does_not_follow_a_transferred_conversation(self):
        earlier = self.resolved_by_ana()
        current = self.route(body="Again")
        current.with_user(self.agent_ana).action_take()
        current.with_user(self.agent_ana).action_transfer(user_id=self.agent_bruno.id)
        self.post_as_agent(current, self.agent_bruno, "Bruno here")
        current.with_user(self.agent_bruno).action_post_note("Bruno's note")
        with mute_logger("odoo.http"):
            self.assertNotVisible(self.history(self.agent_ana, earlier, current))
        info, _error = self.call(self.agent_ana, f"/omnichannel/conversation/{earlier.id}/info")
        self.assertEqual([line["id"] for line in info["history"]], [earlier.id])

    def test_missing_and_hidden_answer_alike(self):
        earlier = self.resolved_by_ana()
        queued = self.route(body="Still late")
        missing = self.Conversation.browse(earlier.id + 100000)
        with mute_logger("odoo.http"):
            self.assertNotVisible(self.history(self.agent_bruno, queued, missing))
            self.assertNotVisible(self.history(self.agent_bruno, queued, earlier))


@tagged("post_install", "-at_install")
class TestOracles(PrivacyCase):
    def test_transfer_targets_do_not_reveal_an_owner(self):
        taken = self.route()
        taken.with_user(self.agent_ana).action_take()
        plain, _error = self.call(self.agent_bruno, "/omnichannel/transfer_targets")
        probed, _error = self.call(
            self.agent_bruno, "/omnichannel/transfer_targets", exclude_conversation_id=taken.id
        )
        self.assertEqual(probed, plain)
        self.assertIn(self.agent_ana.id, [agent["id"] for agent in probed["agents"]])
        # the owner's own call leaves her out, as before
        own, _error = self.call(
            self.agent_ana, "/omnichannel/transfer_targets", exclude_conversation_id=taken.id
        )
        self.assertNotIn(self.agent_ana.id, [agent["id"] for agent in own["agents"]])

    def test_take_of_another_team_answers_as_a_missing_id(self):
        other_team = self.route()
        missing_id = other_team.id + 100000
        with mute_logger("odoo.http"):
            _result, existing = self.act(self.agent_carla, other_team, "take")
            _result, missing = self.call(
                self.agent_carla, f"/omnichannel/conversation/{missing_id}/take"
            )
        self.assertEqual(
            (existing["name"], existing["message"]), (missing["name"], missing["message"])
        )
        self.assertNotIn(self.team_support.name, existing["message"])
        self.assertEqual(other_team.state, "queued")
        for action, params in (("transfer", {"user_id": self.agent_ana.id}), ("info", None)):
            with self.subTest(action=action), mute_logger("odoo.http"):
                route = f"/omnichannel/conversation/{{}}/{action}"
                _result, existing = self.call(
                    self.agent_carla, route.format(other_team.id), **(params or {})
                )
                _result, missing = self.call(
                    self.agent_carla, route.format(missing_id), **(params or {})
                )
                self.assertEqual(existing, missing)

    def test_the_race_loser_still_learns_the_owner(self):
        conversation = self.route()
        conversation.with_user(self.agent_ana).action_take()
        with mute_logger("odoo.http"):
            _result, error = self.act(self.agent_bruno, conversation, "take")
        self.assertEqual(error["message"], "Already taken by Ana Test")


@tagged("post_install", "-at_install")
class TestContactEdits(PrivacyCase):
    def conversation_of(self, partner):
        conversation = self.route(partner=partner)
        conversation.with_user(self.agent_ana).action_take()
        return conversation

    def test_a_users_partner_is_never_rewritten(self):
        for user in (self.portal_user, self.internal_user, self.agent_bruno):
            partner = user.partner_id
            before = (partner.name, partner.email, partner.phone)
            conversation = self.conversation_of(partner)
            with self.subTest(user=user.login), mute_logger("odoo.http"):
                _result, error = self.act(
                    self.agent_ana, conversation, "update_contact", email="attacker@example.com"
                )
                self.assertEqual(error["name"], "odoo.exceptions.UserError")
                self.assertIn("belongs to a user", error["message"])
                _result, error = self.act(
                    self.agent_ana, conversation, "add_contact", name="Renamed"
                )
                self.assertEqual(error["name"], "odoo.exceptions.UserError")
                partner.invalidate_recordset()
                self.assertEqual((partner.name, partner.email, partner.phone), before)
            conversation.sudo().state = "resolved"

    def test_a_contact_of_another_company_is_never_rewritten(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        partner = self.env["res.partner"].create(
            {"name": "Theirs", "company_id": other_company.id, "omnichannel_source_contact": True}
        )
        self.agent_ana.sudo().company_ids = [(4, other_company.id)]
        conversation = self.conversation_of(partner)
        with mute_logger("odoo.http"):
            _result, error = self.act(self.agent_ana, conversation, "update_contact", name="Mine")
        self.assertIn("shared with another company", error["message"])
        self.assertEqual(partner.name, "Theirs")

    def test_agents_edit_the_contacts_a_source_created(self):
        partner = self.env["res.partner"].create(
            {"name": "+34 600 000 009", "omnichannel_source_contact": True}
        )
        conversation = self.conversation_of(partner)
        self.assertFalse(self.agent_ana.has_group("base.group_partner_manager"))
        result, error = self.act(
            self.agent_ana, conversation, "update_contact", name="Maria", email="m@example.com"
        )
        self.assertIsNone(error, result)
        self.assertEqual((partner.name, partner.email), ("Maria", "m@example.com"))

    def test_other_contacts_need_the_agents_own_rights(self):
        conversation = self.conversation_of(self.customer)
        with mute_logger("odoo.http"):
            _result, error = self.act(self.agent_ana, conversation, "update_contact", name="X")
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertEqual(self.customer.name, "Customer Carmen")
        self.agent_ana.sudo().groups_id = [(4, self.env.ref("base.group_partner_manager").id)]
        _result, error = self.act(self.agent_ana, conversation, "update_contact", name="Carmen P.")
        self.assertIsNone(error)
        self.assertEqual(self.customer.name, "Carmen P.")


@tagged("post_install", "-at_install")
class TestMultiCompanyTransfer(PrivacyCase):
    def test_teams_of_other_companies_are_no_targets(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        hidden = self.env["helpdesk.ticket.team"].create(
            {"name": "Hidden Team", "company_id": other_company.id}
        )
        conversation = self.route()
        conversation.with_user(self.agent_ana).action_take()
        targets, _error = self.call(self.agent_ana, "/omnichannel/transfer_targets", search="Team")
        self.assertNotIn(hidden.id, [team["id"] for team in targets["teams"]])
        with mute_logger("odoo.http"):
            _result, error = self.act(self.agent_ana, conversation, "transfer", team_id=hidden.id)
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertEqual(conversation.team_id, self.team_support)
        self.assertEqual(conversation.user_id, self.agent_ana)


@tagged("post_install", "-at_install")
class TestRouteParameters(PrivacyCase):
    """A wrong type is a clear error for the user, never a traceback."""

    def assertClearError(self, outcome):
        result, error = outcome
        self.assertIsNone(result)
        self.assertIn(
            error["name"], ("odoo.exceptions.UserError", "odoo.exceptions.ValidationError")
        )
        self.assertTrue(error["message"])

    def test_wrong_types(self):
        conversation = self.route()
        self.act(self.agent_ana, conversation, "take")
        cases = [
            ("add_tags", {"tag_ids": "1,2"}),
            ("add_tags", {"tag_ids": [{"id": 1}]}),
            ("add_tags", {}),
            ("remove_tags", {"tag_ids": None}),
            ("resolve", {"reason_id": "x"}),
            ("resolve", {"reason_id": [1]}),
            ("resolve", {"reason_id": self.reason_resolved.id, "note": {"a": 1}}),
            ("post_note", {}),
            ("post_note", {"body": ["x"]}),
            ("transfer", {"user_id": "abc"}),
            ("transfer", {"team_id": 1.5}),
            ("invite", {"user_id": True}),
            ("update_contact", {"name": 5}),
            ("link_ticket", {"ticket_id": "1"}),
            ("create_ticket", {"name": ["x"]}),
            ("take", {"confirm": "yes", "extra": 1}),
        ]
        with mute_logger("odoo.http"):
            for action, params in cases:
                with self.subTest(action=action, params=params):
                    self.assertClearError(self.act(self.agent_ana, conversation, action, **params))
            for route, params in (
                ("/omnichannel/desk", {"sort": ["waiting"]}),
                ("/omnichannel/desk", {"sort": "nope"}),
                ("/omnichannel/transfer_targets", {"search": ["a"]}),
                ("/omnichannel/transfer_targets", {"exclude_conversation_id": "x"}),
                (f"/omnichannel/conversation/{conversation.id}/quick_replies", {"search": 3}),
                ("/omnichannel/agent/status", {"status": ["available"]}),
                ("/omnichannel/agent/status", {}),
            ):
                with self.subTest(route=route, params=params):
                    self.assertClearError(self.call(self.agent_ana, route, **params))
        self.assertEqual((conversation.state, conversation.tag_ids.ids), ("taken", []))


@tagged("post_install", "-at_install")
class TestStaleSubscriptions(PrivacyCase, OmnichannelBrowserCase):
    """Access ends on an open websocket when it ends in the database."""

    def open_socket(self, user, channel):
        """The desk of `user` subscribed to the conversation's channel while it could read
        it, as Discuss subscribes to the thread an agent opens."""
        session = self.authenticate(user.login, user.login)
        socket = self.websocket_connect(cookie=f"session_id={session.sid}")
        self.subscribe(
            socket, [f"discuss.channel_{channel.id}"], self.env["bus.bus"]._bus_last_id()
        )
        return socket

    def messages_on(self, socket, user, channel):
        """The new-message notifications of `channel` that reached `socket`, up to a marker
        sent to the user's own bus afterwards."""
        user.partner_id._bus_send("omnichannel/test_marker", {})
        self.trigger_notification_dispatching([user.partner_id, channel])
        bodies = []
        while True:
            notifications = json.loads(socket.recv())
            for notification in notifications:
                message = notification["message"]
                if message["type"] == "omnichannel/test_marker":
                    return bodies
                if (
                    message["type"] == "discuss.channel/new_message"
                    and message["payload"]["id"] == channel.id
                ):
                    bodies += [m["body"] for m in message["payload"]["data"]["mail.message"]]

    def test_take_ends_the_other_agents_subscription(self):
        conversation = self.route(body="First")
        channel = conversation.sudo().channel_id
        bruno = self.open_socket(self.agent_bruno, channel)
        self.route(body="Second")
        self.assertIn("<p>Second</p>", self.messages_on(bruno, self.agent_bruno, channel))
        conversation.with_user(self.agent_ana).action_take()
        self.route(body="Private now")
        self.post_as_agent(conversation, self.agent_ana, "Ana replies")
        self.assertEqual(self.messages_on(bruno, self.agent_bruno, channel), [])

    def test_transfer_ends_the_former_owners_subscription(self):
        conversation = self.route(body="First")
        conversation.with_user(self.agent_ana).action_take()
        channel = conversation.sudo().channel_id
        ana = self.open_socket(self.agent_ana, channel)
        self.route(body="Before")
        self.assertIn("<p>Before</p>", self.messages_on(ana, self.agent_ana, channel))
        conversation.with_user(self.agent_ana).action_transfer(user_id=self.agent_bruno.id)
        self.route(body="After the transfer")
        self.post_as_agent(conversation, self.agent_bruno, "Bruno replies")
        self.assertEqual(self.messages_on(ana, self.agent_ana, channel), [])
        # the new owner's socket does receive them
        bruno = self.open_socket(self.agent_bruno, channel)
        self.route(body="To Bruno")
        self.assertIn("<p>To Bruno</p>", self.messages_on(bruno, self.agent_bruno, channel))

    def test_leaving_a_conference_and_changing_team_end_it(self):
        conversation = self.route(body="First")
        conversation.with_user(self.agent_ana).action_take()
        conversation.with_user(self.agent_ana).action_invite(self.agent_bruno.id)
        conversation.with_user(self.agent_bruno).action_accept_conference()
        channel = conversation.sudo().channel_id
        bruno = self.open_socket(self.agent_bruno, channel)
        conversation.with_user(self.agent_bruno).action_leave_conference()
        self.route(body="After leaving")
        self.assertEqual(self.messages_on(bruno, self.agent_bruno, channel), [])
        ana = self.open_socket(self.agent_ana, channel)
        conversation.with_user(self.agent_ana).action_transfer(team_id=self.team_sales.id)
        self.route(body="In Sales")
        self.assertEqual(self.messages_on(ana, self.agent_ana, channel), [])

    def test_the_filter_costs_nothing_for_other_channels(self):
        general = self.env["discuss.channel"].channel_create(name="general", group_id=None)
        general.add_members(partner_ids=self.agent_bruno.partner_id.ids)
        channels = {hashable(channel_with_db(self.env.cr.dbname, general))}
        poll = self.env["bus.bus"].with_user(self.agent_bruno)._poll
        self.env.cr.precommit.run()
        last = self.env["bus.bus"]._bus_last_id()
        general._bus_send("test", {})
        self.env.cr.precommit.run()
        # 1: which of the channels hold a conversation (none); 2: the poll itself
        with self.assertQueryCount(2):
            notifications = poll(channels, last)
        self.assertEqual([n["message"]["type"] for n in notifications], ["test"])


@tagged("post_install", "-at_install")
class TestEveryRoute(PrivacyCase):
    """Once a conversation is someone else's, no route of Discuss or of the web client serves
    anything of it: tried as the former owner and as an agent of another team."""

    SECRETS = ("Card number 4242", "Bruno replies", "Bruno's note", "secret.pdf")

    def transferred_to_bruno(self):
        conversation = self.route(body="Card number 4242")
        conversation.with_user(self.agent_ana).action_take()
        conversation.with_user(self.agent_ana).action_transfer(user_id=self.agent_bruno.id)
        channel = conversation.sudo().channel_id
        attachment = self.env["ir.attachment"].create(
            {
                "name": "secret.pdf",
                "raw": b"%PDF-1.4 secret",
                "res_model": "discuss.channel",
                "res_id": channel.id,
            }
        )
        message = channel.message_post(
            body="Bruno replies",
            author_id=self.agent_bruno.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=attachment.ids,
        )
        conversation.with_user(self.agent_bruno).action_post_note("Bruno's note")
        return conversation, channel, message, attachment

    def assertNothingOf(self, outcome, what):
        result, _error = outcome
        dumped = json.dumps(result)
        for secret in self.SECRETS:
            self.assertNotIn(secret, dumped, what)

    def call_kw(self, user, model, method, args, kwargs=None):
        return self.call(
            user,
            f"/web/dataset/call_kw/{model}/{method}",
            model=model,
            method=method,
            args=args,
            kwargs=kwargs or {},
        )

    def test_former_owner_and_other_team(self):
        _conversation, channel, message, attachment = self.transferred_to_bruno()
        channel_routes = [
            ("/discuss/channel/messages", {"channel_id": channel.id}),
            ("/discuss/channel/attachments", {"channel_id": channel.id}),
            ("/discuss/channel/pinned_messages", {"channel_id": channel.id}),
            ("/discuss/channel/info", {"channel_id": channel.id}),
            ("/discuss/channel/members", {"channel_id": channel.id, "known_member_ids": []}),
            (
                "/mail/thread/messages",
                {"thread_model": "discuss.channel", "thread_id": channel.id},
            ),
            (
                "/mail/thread/data",
                {
                    "thread_model": "discuss.channel",
                    "thread_id": channel.id,
                    "request_list": ["attachments", "followers"],
                },
            ),
            ("/mail/data", {"channels_as_member": True}),
        ]
        for user in (self.agent_ana, self.agent_carla):
            with self.subTest(user=user.login), mute_logger("odoo.http"):
                for route, params in channel_routes:
                    self.assertNothingOf(self.call(user, route, **params), route)
                for model, method, args in (
                    ("mail.message", "read", [message.ids, ["body"]]),
                    ("mail.message", "search_read", [[("res_id", "=", channel.id)], ["body"]]),
                    ("discuss.channel", "read", [channel.ids, ["name"]]),
                    ("ir.attachment", "search_read", [[("res_id", "=", channel.id)], ["name"]]),
                    ("ir.attachment", "read", [attachment.ids, ["name", "datas"]]),
                    ("omnichannel.event", "search_read", [[], ["note"]]),
                    ("omnichannel.conversation", "search_read", [[], ["name"]]),
                ):
                    self.assertNothingOf(
                        self.call_kw(user, model, method, args), f"{model}.{method}"
                    )
                response = self.url_open(f"/web/content/{attachment.id}?download=true")
                self.assertIn(response.status_code, (403, 404))
                self.assertNotIn(b"secret", response.content)
                _result, error = self.call(
                    user,
                    "/mail/message/post",
                    thread_model="discuss.channel",
                    thread_id=channel.id,
                    post_data={"body": "intrusion", "message_type": "comment"},
                )
                self.assertTrue(error)
                _result, error = self.call(
                    user,
                    "/mail/message/reaction",
                    message_id=message.id,
                    content="👍",
                    action="add",
                )
                self.assertTrue(error)
                _result, error = self.call(user, "/discuss/channel/join", channel_id=channel.id)
                self.assertTrue(error)
        self.assertFalse(channel.message_ids.filtered(lambda m: "intrusion" in (m.body or "")))
        self.assertFalse(message.reaction_ids)
        self.assertNotIn(self.agent_ana.partner_id, channel.channel_member_ids.partner_id)

    def test_joining_or_threading_the_queue_gives_no_lasting_access(self):
        """A team agent reads a queued conversation; joining its channel or starting a thread
        on it would make them a member who still reads it once someone else takes it."""
        conversation = self.route(body="Card number 4242")
        channel = conversation.sudo().channel_id
        with mute_logger("odoo.http"):
            _result, error = self.call(
                self.agent_bruno, "/discuss/channel/join", channel_id=channel.id
            )
            self.assertTrue(error)
            _result, error = self.call(
                self.agent_bruno,
                "/discuss/channel/sub_channel/create",
                parent_channel_id=channel.id,
                from_message_id=channel.message_ids[:1].id,
            )
            self.assertTrue(error)
            _result, error = self.call_kw(
                self.agent_bruno,
                "discuss.channel",
                "add_members",
                [channel.ids],
                {"partner_ids": self.agent_bruno.partner_id.ids},
            )
            self.assertTrue(error)
        self.assertNotIn(self.agent_bruno.partner_id, channel.channel_member_ids.partner_id)
        self.assertFalse(
            self.env["discuss.channel"].search([("parent_channel_id", "=", channel.id)])
        )
        conversation.with_user(self.agent_ana).action_take()
        self.route(body="Bruno must not read this")
        result, _error = self.call(
            self.agent_bruno, "/discuss/channel/messages", channel_id=channel.id
        )
        self.assertNotIn("Bruno must not read this", json.dumps(result))

    def test_a_portal_customer_calling_the_model_posts_plain_text(self):
        """Through call_kw rather than Discuss's route: still a comment, and text."""
        conversation = self.route(partner=self.portal_user.partner_id, body="Hi")
        channel = conversation.sudo().channel_id
        channel._add_members(partners=self.portal_user.partner_id, post_joined_message=False)
        for message_type, subtype in (
            ("notification", "mail.mt_note"),
            ("comment", "mail.mt_note"),
        ):
            with self.subTest(message_type=message_type), mute_logger("odoo.http"):
                self.call_kw(
                    self.portal_user,
                    "discuss.channel",
                    "message_post",
                    [channel.ids],
                    {
                        "body": '<img src="https://tracker.example/p.gif">hello',
                        "message_type": message_type,
                        "subtype_xmlid": subtype,
                    },
                )
        posted = channel.message_ids.filtered(
            lambda m: m.author_id == self.portal_user.partner_id and "hello" in (m.body or "")
        )
        self.assertEqual(len(posted), 2)
        for message in posted:
            self.assertEqual(message.message_type, "comment")
            self.assertFalse(message._is_omnichannel_internal_note())
            self.assertNotIn("<img", message.body)
