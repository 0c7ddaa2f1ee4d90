import json

from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase

from .common import OmnichannelCase

CHANGED = "omnichannel.conversation/changed"


@tagged("post_install", "-at_install")
class TestDeskNotifications(OmnichannelCase, MailCase):
    """Every agent's desk learns live what entered, left or reached it: the exact
    `omnichannel.conversation/changed` notifications of each action, and no others."""

    def changes(self, action):
        """Run action; return {partner: [payload, ...]} of the desk notifications it sent."""
        self._reset_bus()
        with self.mock_bus():
            action()
        sent = {}
        for notification in self._new_bus_notifs:
            message = json.loads(notification.message)
            if message["type"] == CHANGED:
                _db, model, record_id = json.loads(notification.channel)
                self.assertEqual(model, "res.partner")
                sent.setdefault(self.env["res.partner"].browse(record_id), []).append(
                    message["payload"]
                )
        return sent

    def summary(self, conversation, **changes):
        """Expected payloads: user -> change, with the details sent for arrivals."""
        result = {}
        for user, change in changes.items():
            payload = {"id": conversation.id, "change": change}
            if change in ("queued", "assigned", "invited"):
                payload.update(
                    {
                        "name": conversation.name,
                        "team_id": conversation.team_id.id,
                        "state": conversation.state,
                    }
                )
            result[getattr(self, user).partner_id] = [payload]
        return result

    def test_new_conversation_reaches_the_team(self):
        sent = self.changes(lambda: self.route(body="hi"))
        conversation = self.Conversation.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(sent, self.summary(conversation, agent_ana="queued", agent_bruno="queued"))

    def test_take_leaves_the_other_queues(self):
        conversation = self.route()
        sent = self.changes(conversation.with_user(self.agent_ana).action_take)
        self.assertEqual(
            sent, self.summary(conversation, agent_ana="assigned", agent_bruno="unqueued")
        )

    def test_transfer_to_agent(self):
        conversation = self.route()
        conversation.with_user(self.agent_ana).action_take()
        sent = self.changes(
            lambda: conversation.with_user(self.agent_ana).action_transfer(
                user_id=self.agent_carla.id
            )
        )
        self.assertEqual(
            sent, self.summary(conversation, agent_ana="removed", agent_carla="assigned")
        )

    def test_transfer_to_team(self):
        conversation = self.route()
        conversation.with_user(self.agent_ana).action_take()
        sent = self.changes(
            lambda: conversation.with_user(self.agent_ana).action_transfer(
                team_id=self.team_sales.id
            )
        )
        self.assertEqual(
            sent, self.summary(conversation, agent_ana="removed", agent_carla="queued")
        )

    def test_conference_invitation_accept_decline(self):
        conversation = self.route()
        owner = conversation.with_user(self.agent_ana)
        owner.action_take()
        sent = self.changes(lambda: owner.action_invite(self.agent_carla.id))
        self.assertEqual(sent, self.summary(conversation, agent_carla="invited"))
        sent = self.changes(conversation.with_user(self.agent_carla).action_decline_conference)
        self.assertEqual(
            sent, self.summary(conversation, agent_carla="removed", agent_ana="conference_declined")
        )
        owner.action_invite(self.agent_bruno.id)
        sent = self.changes(conversation.with_user(self.agent_bruno).action_accept_conference)
        self.assertEqual(
            sent,
            self.summary(conversation, agent_bruno="assigned", agent_ana="conference_accepted"),
        )

    def test_resolve_from_the_queue(self):
        conversation = self.route()
        sent = self.changes(
            lambda: conversation.with_user(self.agent_bruno).action_resolve(
                reason_id=self.reason_spam.id
            )
        )
        self.assertEqual(
            sent, self.summary(conversation, agent_ana="resolved", agent_bruno="resolved")
        )
