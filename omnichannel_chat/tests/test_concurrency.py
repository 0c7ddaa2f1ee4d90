import threading
import uuid
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.modules.registry import DummyRLock, Registry
from odoo.service.model import retrying
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestConcurrency(TransactionCase):
    """Real concurrency: committed data, one database cursor per thread, each call wrapped in
    Odoo's own retry on serialization failures, exactly as an HTTP request is."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            groups = "omnichannel_chat.group_omnichannel_agent"
            # Committed data outlives a failed run: unique names keep reruns independent.
            suffix = uuid.uuid4().hex[:8]
            ana = new_test_user(env, f"conc_ana_{suffix}", groups=groups, name="Ana Concurrent")
            bruno = new_test_user(
                env, f"conc_bruno_{suffix}", groups=groups, name="Bruno Concurrent"
            )
            agents = ana | bruno
            team = env["helpdesk.ticket.team"].create(
                {"name": "Concurrency", "user_ids": agents.ids}
            )
            source = env["omnichannel.source"].create(
                {"name": "Concurrency source", "code": f"concurrency_{suffix}", "team_id": team.id}
            )
            cls.agent_ids, cls.team_id, cls.source_id = agents.ids, team.id, source.id
        cls.addClassCleanup(cls._cleanup)

    @classmethod
    def _cleanup(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            conversations = env["omnichannel.conversation"].search(
                [("source_id", "=", cls.source_id)]
            )
            partners = conversations.partner_id
            conversations.channel_id.unlink()
            env["omnichannel.source"].browse(cls.source_id).unlink()
            env["helpdesk.ticket.team"].browse(cls.team_id).unlink()
            partners.unlink()
            env["res.users"].browse(cls.agent_ids).active = False

    def run_concurrently(self, calls):
        """Run each (uid, function(env)) in its own thread and cursor, all released at once;
        return what each returned or the UserError it raised."""
        barrier = threading.Barrier(len(calls))
        results = [None] * len(calls)

        def worker(index, uid, function):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, uid, {})
                first_try = [True]

                def attempt():
                    if first_try[0]:
                        first_try[0] = False
                        barrier.wait(timeout=30)
                    return function(env)

                try:
                    results[index] = retrying(attempt, env)
                except UserError as error:
                    results[index] = error

        threads = [
            threading.Thread(target=worker, args=(index, uid, function))
            for index, (uid, function) in enumerate(calls)
        ]
        # The test runner holds the registry lock while tests run; threads that open an
        # Environment would wait for it forever. Odoo's own test mode lifts it the same way.
        # Odoo logs each serialization failure it then retries as a "bad query" error.
        with patch.object(Registry, "_lock", DummyRLock()), mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        self.assertFalse([thread for thread in threads if thread.is_alive()], "a thread hung")
        return results

    def new_conversation(self, name):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].create({"name": name})
            source = env["omnichannel.source"].browse(self.source_id)
            conversation, _message = env["omnichannel.conversation"]._route_inbound_message(
                source, partner, "Hello"
            )
            return conversation.id

    def test_take_twenty_times(self):
        names = dict(zip(self.agent_ids, ("Ana Concurrent", "Bruno Concurrent"), strict=True))
        for run in range(20):
            conversation_id = self.new_conversation(f"Concurrent customer {run}")

            def take(env, conversation_id=conversation_id):
                return env["omnichannel.conversation"].browse(conversation_id).action_take()

            results = self.run_concurrently([(uid, take) for uid in self.agent_ids])
            winners = [
                uid for uid, result in zip(self.agent_ids, results, strict=True) if result is True
            ]
            self.assertEqual(len(winners), 1, f"run {run}: {results}")
            (loser_result,) = [result for result in results if result is not True]
            self.assertIsInstance(loser_result, UserError)
            self.assertEqual(str(loser_result), f"Already taken by {names[winners[0]]}")
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                conversation = env["omnichannel.conversation"].browse(conversation_id)
                self.assertEqual(conversation.user_id.id, winners[0])
                self.assertEqual(conversation.event_ids.mapped("kind").count("take"), 1)

    def test_first_messages_of_a_new_contact_make_one_conversation(self):
        with self.registry.cursor() as cr:
            partner_id = (
                api.Environment(cr, SUPERUSER_ID, {})["res.partner"]
                .create({"name": "Double texter"})
                .id
            )

        def route(env, body):
            source = env["omnichannel.source"].browse(self.source_id)
            partner = env["res.partner"].browse(partner_id)
            conversation, _message = env["omnichannel.conversation"]._route_inbound_message(
                source, partner, body
            )
            return conversation.id

        results = self.run_concurrently(
            [
                (SUPERUSER_ID, lambda env: route(env, "first")),
                (SUPERUSER_ID, lambda env: route(env, "second")),
            ]
        )
        self.assertEqual(results[0], results[1])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            conversations = env["omnichannel.conversation"].search(
                [("partner_id", "=", partner_id)]
            )
            self.assertEqual(len(conversations), 1)
            bodies = conversations.channel_id.message_ids.mapped("body")
            self.assertEqual(sorted(bodies), ["<p>first</p>", "<p>second</p>"])
            self.assertEqual(conversations.event_ids.mapped("kind"), ["create"])
