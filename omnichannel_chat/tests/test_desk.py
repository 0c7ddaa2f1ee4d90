from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import OmnichannelHttpCase


@tagged("post_install", "-at_install")
class TestDesk(OmnichannelHttpCase):
    def ids(self, section):
        return [item["id"] for item in section]

    def own_ids(self, desk, section, conversations):
        """The ids of a section, limited to this test's conversations (demo data is there)."""
        return [i for i in self.ids(desk[section]) if i in conversations.ids]

    def test_sections_preview_and_unread(self):
        partners = self.env["res.partner"].create([{"name": f"Desk {i}"} for i in range(4)])
        queued = self.route(partners[0], body="waiting for help")
        mine = self.route(partners[1], body="hello ana")
        mine.with_user(self.agent_ana).action_take()
        self.post_as_agent(mine, self.agent_ana, "Hi, Ana here")
        mine.with_user(self.agent_ana).action_post_note("note: not in the preview")
        conference = self.route(partners[2], body="conference please")
        conference.with_user(self.agent_bruno).action_take()
        conference.with_user(self.agent_bruno).action_invite(self.agent_ana.id)
        bruno_only = self.route(partners[3], body="bruno's")
        bruno_only.with_user(self.agent_bruno).action_take()
        everything = queued | mine | conference | bruno_only
        self.route(partners[1], body="are you there?")  # unread for Ana

        desk = self.Conversation.with_user(self.agent_ana)._get_desk()
        self.assertEqual(self.own_ids(desk, "queue", everything), queued.ids)
        self.assertEqual(self.own_ids(desk, "mine", everything), mine.ids)
        self.assertEqual(self.own_ids(desk, "conferences", everything), conference.ids)
        self.assertNotIn(bruno_only.id, self.ids(desk["others"]) + self.ids(desk["queue"]))
        (item,) = [i for i in desk["mine"] if i["id"] == mine.id]
        self.assertEqual(item["last_message"]["preview"], "are you there?")
        self.assertTrue(item["last_message"]["from_customer"])
        self.assertEqual(item["unread"], 1)
        self.assertEqual(item["source"]["code"], "test_source")
        # A manager sees the others' conversations apart.
        manager_desk = self.Conversation.with_user(self.manager)._get_desk()
        self.assertIn(bruno_only.id, self.ids(manager_desk["others"]))

    def test_agent_reply_is_the_preview(self):
        conversation = self.route(body="question")
        conversation.with_user(self.agent_ana).action_take()
        self.post_as_agent(conversation, self.agent_ana, "<b>answer</b>")
        conversation.with_user(self.agent_ana).action_post_note("secret")
        desk = self.Conversation.with_user(self.agent_ana)._get_desk()
        (item,) = [i for i in desk["mine"] if i["id"] == conversation.id]
        self.assertEqual(item["last_message"]["preview"], "<b>answer</b>")
        self.assertFalse(item["last_message"]["from_customer"])

    def test_archived_and_sort(self):
        first = self.route(body="first")
        second = self.route(
            partner=self.env["res.partner"].create({"name": "Second"}), body="second"
        )
        both = first | second
        desk = self.Conversation.with_user(self.agent_ana)._get_desk()
        self.assertEqual(
            self.own_ids(desk, "queue", both), [first.id, second.id], "longest waiting first"
        )
        first.with_user(self.agent_ana).action_take()
        first.with_user(self.agent_ana).action_resolve(reason_id=self.reason_resolved.id)
        first.with_user(self.agent_ana).action_archive()
        desk = self.Conversation.with_user(self.agent_ana)._get_desk()
        self.assertNotIn(first.id, self.ids(desk["mine"]))
        archived = self.Conversation.with_user(self.agent_ana)._get_desk(archived=True)
        self.assertEqual(self.own_ids(archived, "mine", both), first.ids)

    def test_queries_do_not_grow_with_conversations(self):
        def desk_queries():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.Conversation.with_user(self.agent_ana)._get_desk()
            return self.cr.sql_log_count - before

        def add(count, start):
            partners = self.env["res.partner"].create(
                [{"name": f"Bulk {start + i}"} for i in range(count)]
            )
            channels = self.env["discuss.channel"].create(
                [{"name": p.name, "channel_type": "omnichannel"} for p in partners]
            )
            conversations = self.Conversation.create(
                [
                    {
                        "name": p.name,
                        "channel_id": c.id,
                        "source_id": self.source.id,
                        "team_id": self.team_support.id,
                        "partner_id": p.id,
                        "waiting_since": "2026-01-01 00:00:00",
                    }
                    for p, c in zip(partners, channels, strict=True)
                ]
            )
            for channel, partner in zip(channels, partners, strict=True):
                channel.message_post(
                    body="hi",
                    author_id=partner.id,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                )
            return conversations

        add(10, 0)
        desk_queries()  # warm
        with_10 = desk_queries()
        add(990, 10)
        with_1000 = desk_queries()
        self.assertEqual(with_1000, with_10)
        self.assertLess(with_10, 20)

    def test_route_and_rights(self):
        self.route(body="via the route")
        result, error = self.call(self.agent_bruno, "/omnichannel/desk")
        self.assertIsNone(error)
        self.assertTrue(result["queue"])
        with mute_logger("odoo.http"):
            _result, error = self.call(self.internal_user, "/omnichannel/desk")
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        with self.assertRaises(AccessError):
            self.Conversation.with_user(self.portal_user)._get_desk()
