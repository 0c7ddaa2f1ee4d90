import random
import threading
import time
import uuid
from unittest.mock import patch

import psycopg2.errors

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.queue_job.job import Job

from .common import CommittedAccountCase
from .graph_api_standin import message_webhook

CUSTOMERS = 10
PER_CUSTOMER = 20
WORKERS = 3


@tagged("post_install", "-at_install")
class TestParallelJobs(CommittedAccountCase):
    """The customers' jobs run at once, on committed data, each in its own transaction as
    queue_job's runner runs them on several workers: each customer's messages end in Meta's
    order, none lost, none twice, whatever jobs overlap or die."""

    NUMBER_PREFIX = "par"

    # Meta's side: random batches, committed as the webhook commits them --------------------

    def deliver(self, batch):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Inbound = env["omnichannel.inbound"]
            body = message_webhook(self.number, "1", "1", batch[0][0], "Par", batch[0][1])
            value = body["entry"][0]["changes"][0]["value"]
            value["messages"] = [message for _wa_id, message in batch]
            value["contacts"] = [
                {"wa_id": wa_id, "profile": {"name": wa_id}} for wa_id, _m in batch
            ]
            items = Inbound._whatsapp_prepare_items(body, {self.number: self.account_id})
            Inbound._store_items(Inbound._whatsapp_get_source(), items)

    def setUp(self):
        super().setUp()
        self.run_id = uuid.uuid4().hex[:8]  # each test its own customers and ids

    def messages_in_meta_order(self, rng):
        digits = str(uuid.UUID(hex=self.run_id * 4).int)[:6]
        customers = [f"49{digits}{i:03d}" for i in range(CUSTOMERS)]
        queues = {
            wa_id: [
                {
                    "from": wa_id,
                    "id": f"wamid.{self.run_id}.{wa_id}.{n:03d}",
                    "timestamp": str(1763700000 + n),
                    "type": "text",
                    "text": {"body": f"{wa_id} #{n:03d}"},
                }
                for n in range(PER_CUSTOMER)
            ]
            for wa_id in customers
        }
        # Meta's arrival order: customers interleaved at random, each one's own in order.
        arrivals = []
        while any(queues.values()):
            wa_id = rng.choice([c for c, left in queues.items() if left])
            arrivals.append((wa_id, queues[wa_id].pop(0)))
        return customers, arrivals

    # The runner's side: workers that claim pending jobs and run them -----------------------

    def run_workers(self, stop_when, die=None):
        """WORKERS threads, each claiming one pending inbound job at a time (as the runner
        dispatches them), performing it in its own transaction and committing; a concurrency
        error postpones the job, as queue_job does. Returns (start, end) of each run."""
        runs, lock, errors = [], threading.Lock(), []

        def claim(env):
            env.cr.execute(
                SQL(
                    "SELECT uuid FROM queue_job WHERE state = 'pending' AND channel = %s "
                    "AND (eta IS NULL OR eta <= now() at time zone 'UTC') "
                    "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
                    "root.omnichannel_inbound",
                )
            )
            row = env.cr.fetchone()
            if row:
                env.cr.execute("UPDATE queue_job SET state = 'started' WHERE uuid = %s", row)
                env.cr.commit()
            return row and row[0]

        def worker():
            while not stop_when():
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    job_uuid = claim(env)
                    if not job_uuid:
                        time.sleep(0.02)
                        continue
                    job = Job.load(env, job_uuid)
                    start = time.monotonic()
                    try:
                        job.perform()
                        if die and die(job):
                            raise RuntimeError("worker died before its commit")
                        job.set_done()
                        job.store()
                        cr.commit()  # pylint: disable=invalid-commit
                    except (
                        psycopg2.errors.SerializationFailure,
                        psycopg2.errors.DeadlockDetected,
                        psycopg2.errors.LockNotAvailable,
                        RuntimeError,
                    ):
                        cr.rollback()
                        # queue_job: postponed (a concurrency error) or requeued (dead job).
                        cr.execute(
                            "UPDATE queue_job SET state = 'pending' WHERE uuid = %s", [job_uuid]
                        )
                        cr.commit()  # pylint: disable=invalid-commit
                    except Exception as error:  # reported to the test
                        errors.append(error)
                        return
                    with lock:
                        runs.append((start, time.monotonic()))

        threads = [threading.Thread(target=worker) for _i in range(WORKERS)]
        with patch.object(Registry, "_lock", DummyRLock()), mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=240)
        self.assertFalse([t for t in threads if t.is_alive()], "a worker hung")
        self.assertFalse(errors)
        return runs

    def pending_count(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM omnichannel_inbound WHERE state = 'pending' "
                "AND account_id = %s",
                [self.account_id],
            )
            return cr.fetchone()[0]

    def assertEachCustomerInMetaOrder(self, customers):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for wa_id in customers:
                partner = env["res.partner"].search([("whatsapp_wa_id", "=", wa_id)])
                self.assertEqual(len(partner), 1, wa_id)
                conversation = env["omnichannel.conversation"].search(
                    [("partner_id", "=", partner.id)]
                )
                self.assertEqual(len(conversation), 1, wa_id)
                posted = conversation.channel_id.message_ids.filtered(
                    lambda m, p=partner: m.author_id == p
                ).sorted("id")
                self.assertEqual(
                    posted.mapped("omnichannel_whatsapp_id"),
                    [f"wamid.{self.run_id}.{wa_id}.{n:03d}" for n in range(PER_CUSTOMER)],
                )

    def test_200_messages_of_10_customers_in_order_under_parallel_jobs(self):
        rng = random.Random(20261203)
        customers, arrivals = self.messages_in_meta_order(rng)
        delivered = threading.Event()

        def meta():
            # Batches of 1 to 8 arrive while the workers run.
            index = 0
            while index < len(arrivals):
                size = rng.randint(1, 8)
                self.deliver(arrivals[index : index + size])
                index += size
                time.sleep(rng.uniform(0, 0.02))
            delivered.set()

        sender = threading.Thread(target=meta)
        with patch.object(Registry, "_lock", DummyRLock()):
            sender.start()
            runs = self.run_workers(lambda: delivered.is_set() and not self.pending_count())
            sender.join(timeout=60)
        self.assertEqual(len(arrivals), CUSTOMERS * PER_CUSTOMER)
        overlapping = sum(
            1 for a in runs for b in runs if a is not b and a[0] < b[1] and b[0] < a[1]
        )
        self.assertGreater(overlapping, 0, "no two jobs ran at the same time")
        self.assertEachCustomerInMetaOrder(customers)

    def test_a_job_that_dies_before_its_commit_loses_and_doubles_nothing(self):
        rng = random.Random(7)
        customers, arrivals = self.messages_in_meta_order(rng)
        for index in range(0, len(arrivals), 10):
            self.deliver(arrivals[index : index + 10])
        deaths = []

        def die(job):
            # One run in three dies after doing its work, before committing it.
            if rng.random() < 0.33:
                deaths.append(job.uuid)
                return True
            return False

        self.run_workers(lambda: not self.pending_count(), die=die)
        self.assertTrue(deaths)
        self.assertEachCustomerInMetaOrder(customers)
