from datetime import timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import OmnichannelCase


@tagged("post_install", "-at_install")
class TestRouting(OmnichannelCase):
    def test_messages_of_an_open_conversation_stay_in_it(self):
        first = self.route(body="one")
        second = self.route(body="two")
        self.assertEqual(first, second)
        self.assertEqual(
            len(self.Conversation.sudo().search([("partner_id", "=", self.customer.id)])), 1
        )

    def test_sticky_owner(self):
        conversation = self.route()
        conversation.with_user(self.agent_bruno).action_take()
        again = self.route(body="still there?")
        self.assertEqual(again, conversation)
        self.assertEqual((again.state, again.user_id), ("taken", self.agent_bruno))

    def test_reopen_within_tolerance_to_the_same_owner(self):
        conversation = self.route()
        conversation.with_user(self.agent_ana).action_take()
        with freeze_time(fields.Datetime.now()):
            conversation.with_user(self.agent_ana).action_resolve(reason_id=self.reason_resolved.id)
        with freeze_time(fields.Datetime.now() + timedelta(minutes=59)):
            again = self.route(body="one more thing")
        self.assertEqual(again, conversation)
        self.assertEqual((again.state, again.user_id), ("taken", self.agent_ana))
        event = again.sudo().event_ids[-1]
        self.assertEqual(
            (event.kind, event.user_id.id, event.to_user_id), ("reopen", False, self.agent_ana)
        )

    def test_new_conversation_after_tolerance(self):
        conversation = self.route()
        conversation.with_user(self.agent_ana).action_take()
        conversation.with_user(self.agent_ana).action_resolve(reason_id=self.reason_resolved.id)
        with freeze_time(fields.Datetime.now() + timedelta(hours=1, minutes=1)):
            newer = self.route(body="new question")
        self.assertNotEqual(newer, conversation)
        self.assertEqual(newer.state, "queued")
        self.assertEqual(conversation.state, "resolved")

    def test_tolerance_is_per_team(self):
        self.team_support.omnichannel_reopen_hours = 0
        conversation = self.route()
        conversation.with_user(self.agent_ana).action_take()
        conversation.with_user(self.agent_ana).action_resolve(reason_id=self.reason_resolved.id)
        with freeze_time(fields.Datetime.now() + timedelta(seconds=1)):
            self.assertNotEqual(self.route(body="hi"), conversation)

    def test_spam_is_not_reopened(self):
        conversation = self.route()
        conversation.with_user(self.agent_ana).action_resolve(reason_id=self.reason_spam.id)
        self.assertNotEqual(self.route(body="buy now"), conversation)

    def test_reopen_of_a_former_agent_goes_to_the_queue(self):
        conversation = self.route()
        conversation.with_user(self.agent_ana).action_take()
        conversation.with_user(self.agent_ana).action_resolve(reason_id=self.reason_resolved.id)
        self.agent_ana.active = False
        again = self.route(body="hello?")
        self.assertEqual(again, conversation)
        self.assertEqual((again.state, again.user_id.id), ("queued", False))

    def test_team_given_by_the_source_account(self):
        conversation = self.route(team=self.team_sales)
        self.assertEqual(conversation.team_id, self.team_sales)

    def test_source_without_team_is_a_clear_error(self):
        self.source.team_id = False
        with self.assertRaisesRegex(UserError, "has no default team"):
            self.route()

    def test_one_open_conversation_per_customer_and_source(self):
        conversation = self.route()
        channel = self.env["discuss.channel"].create({"name": "dup", "channel_type": "omnichannel"})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            conversation.sudo().copy({"channel_id": channel.id})

    def test_contact_without_a_name_gets_its_number(self):
        nameless = self.env["res.partner"].create(
            {"name": False, "type": "other", "phone": "+1555"}
        )
        self.assertEqual(self.route(partner=nameless).name, "+1555")

    def test_used_source_and_team_cannot_be_deleted(self):
        self.route()
        with self.assertRaisesRegex(UserError, "Archive this source instead"):
            self.source.unlink()
        with self.assertRaisesRegex(UserError, "Archive this team instead"):
            self.team_support.unlink()
