from datetime import timedelta

from odoo import fields
from odoo.tests import tagged, users, warmup

from odoo.addons.mail.tools.discuss import Store

from .common import OmnichannelCase


@tagged("post_install", "-at_install")
class TestPerformance(OmnichannelCase):
    """Query counts of the hot paths, warm caches, as the least privileged caller."""

    def settle(self):
        """Nothing of the setup left to flush into the measured block (pending bus
        notifications, writes), a cold record cache, but the acting user loaded: when the
        user's row is read otherwise depends on when pending notifications get flushed."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()
        self.env.user.partner_id  # noqa: B018 - loads the user's row
        # The bus rows of the measured block read bus.bus's defaults (ir.default, cached):
        # whether the setup already warmed that cache depended on its own notifications.
        self.env["bus.bus"].default_get(["channel", "message"])

    def last_message_a_minute_ago(self, conversation):
        """message_post stamps the channel's last interest, and the ORM skips writing a value
        equal to the one it has: without this, whether the setup's own message was posted
        in the same second decided whether the measured post wrote the channel (one query)."""
        conversation.sudo().channel_id.last_interest_dt = fields.Datetime.now() - timedelta(
            minutes=1
        )

    @users("t_ana")
    @warmup
    def test_take(self):
        conversation = self.route().with_user(self.env.user)
        self.settle()
        # 1-3: conversation (sudo), team members, acting user's groups (team/agent checks)
        # 4: UPDATE ... WHERE state IN (queued, offered) RETURNING id (the atomic take)
        # 5-13: _add_members: existing member, channel, INSERT member, users, avatar,
        #       group-restricted check, member count, partner, presence (joined notification)
        # 14: the team's business hours (for the durations reports read)
        # 15: INSERT event; 16: re-read of the taken row; 17: UPDATE of the durations
        # 18: bus notifications (one INSERT)
        with self.assertQueryCount(t_ana=18):
            conversation.action_take()

    @users("t_ana")
    @warmup
    def test_transfer(self):
        conversation = self.route().with_user(self.env.user)
        conversation.action_take()
        self.settle()
        # 1-5: conversation, team members, user groups, participants, target user exists
        # 6-10: members of the channel (to remove the former owner), rtc sessions, sub-channels
        # 11: UPDATE conversation; 12-15: DELETE member and its cleanup (xmlids, attachments,
        #     defaults)
        # 16-19: conversation re-read (sudo), company, users for the notifications
        # 20-28: _add_members of the new owner (as in take)
        # 29: the team's routing mode (in offer mode, what waits goes to the former owner)
        # 30: UPDATE of the transfer counter (reports); 31: INSERT event; the bus
        #     notifications are one INSERT at flush (counted above)
        with self.assertQueryCount(t_ana=31):
            conversation.action_transfer(user_id=self.agent_bruno.id)

    @users("t_ana")
    @warmup
    def test_resolve(self):
        conversation = self.route().with_user(self.env.user)
        conversation.action_take()
        self.settle()
        # 1-4: conversation, team members, user groups, participants
        # 5-6: reason exists, reason fields (system, reopen)
        # 7-8: channel members (end of conference: nobody to remove)
        # 9: INSERT event; 10: the team's business hours (durations); 11: UPDATE
        #    conversation (state and durations); 12: bus notification
        with self.assertQueryCount(t_ana=12):
            conversation.action_resolve(reason_id=self.reason_resolved.id)

    @users("t_ana")
    @warmup
    def test_post_note(self):
        conversation = self.route().with_user(self.env.user)
        conversation.action_take()
        self.last_message_a_minute_ago(conversation)
        self.settle()
        # 1-4: conversation, team members, user groups, participants (rights)
        # 5-13: channel, avatar, groups, member count, author partner, company, alias domain
        #       and alias (message_post's reply-to)
        # 14: INSERT mail_message (is_internal, mt_note)
        # 15-19: channel member of the author (last seen), bus cursor, UPDATE member,
        #        conversation of the channel (our hook), channel members
        # 20-29: message formatting for the bus (schedule, body, attachments, subtype,
        #        partners, notifications, users, rating)
        # 30: UPDATE of the conversation's note counter (reports)
        # 31: UPDATE of the channel's last interest
        # 32: INSERT bus to the agents' own partner channel, not the channel's
        with self.assertQueryCount(t_ana=32):
            conversation.action_post_note("internal")

    @users("__system__")
    @warmup
    def test_route_into_open_conversation(self):
        self.last_message_a_minute_ago(self.route())
        self.settle()
        # 1: upsert of the routing lock row; 2-3: the open conversation (search, read)
        # 4-14: message_post: channel, avatar, groups, member count, customer and author
        #       partners, company, alias domain and alias, INSERT mail_message, partner
        # 15-17: customer's membership, our hook (conversation of the channel), subtype
        # 18-26: message formatting for the channel's bus notification
        # 27-30: the queue's agents, who are not members yet (participants, team, users,
        #        members), 31: UPDATE conversation (last customer message, its count)
        # 32: the team's business hours (the automatic reply when closed)
        # 33: UPDATE of the channel's last interest
        # 34: INSERT bus (the channel's and the agents' notifications)
        with self.assertQueryCount(__system__=34):
            self.route(body="and another thing")


@tagged("post_install", "-at_install")
class TestDeskOpeningQueries(OmnichannelCase):
    """Opening Discuss as an agent: the page's store data (status, standing offers) and the
    desk (queue, mine, conferences) cost the same with 5 or 500 conversations queued."""

    def queue(self, count):
        env = self.env(su=True)  # the data, as the sources create it
        partners = env["res.partner"].create([{"name": f"Queued {i}"} for i in range(count)])
        channels = env["discuss.channel"].create(
            [{"name": p.name, "channel_type": "omnichannel"} for p in partners]
        )
        env["omnichannel.conversation"].create(
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
        self.env.flush_all()
        self.env.invalidate_all()

    def open_discuss(self):
        # Odoo's own page data: 1: group check, 2-4: OdooBot's partner and user, 5: the
        # agent's user row, 6-9: their Discuss settings (row, volumes, languages)
        # 10: the offers standing for the agent (the pop-up)
        # the desk: 11: the conversations the agent sees, in desk order (record rules)
        # 12: the last customer-visible message of each (one DISTINCT ON query)
        # 13: the conversations' fields; 14: those last messages
        # 15-16: the agent's memberships of their channels (unread counters), 17: counters
        # 18-19: sources and teams; 20: team members; 21: owners; 22: conference
        # participants; 23: tags
        self.env["res.users"]._init_store_data(Store())
        return self.env["omnichannel.conversation"]._get_desk()

    @users("t_ana")
    @warmup
    def test_with_5_queued(self):
        self.queue(5)
        with self.assertQueryCount(t_ana=23):
            desk = self.open_discuss()
        self.assertGreaterEqual(len(desk["queue"]), 5)

    @users("t_ana")
    @warmup
    def test_with_500_queued(self):
        self.queue(500)
        with self.assertQueryCount(t_ana=23):
            desk = self.open_discuss()
        self.assertGreaterEqual(len(desk["queue"]), 500)
