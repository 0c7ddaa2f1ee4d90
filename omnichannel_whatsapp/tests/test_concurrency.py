import json
import threading
import uuid
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import DummyRLock, Registry
from odoo.service.model import retrying
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CommittedAccountCase
from .graph_api_standin import message_webhook


@tagged("post_install", "-at_install")
class TestConcurrentDeliveries(CommittedAccountCase):
    """Meta delivers the same body twice at the same moment (its retries fan out): two
    transactions store it at once, each as the webhook request does, on committed data."""

    NUMBER_PREFIX = "conc"

    def store_at_once(self, body, times=2):
        raw = json.dumps(body).encode()
        barrier = threading.Barrier(times)
        stored = [None] * times

        def deliver(index):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                first_try = [True]

                def attempt():
                    if first_try[0]:
                        first_try[0] = False
                        barrier.wait(timeout=30)
                    Inbound = env["omnichannel.inbound"]
                    items = Inbound._whatsapp_prepare_items(
                        json.loads(raw), {self.number: self.account_id}
                    )
                    source = env.ref("omnichannel_whatsapp.source_whatsapp")
                    return Inbound._store_items(source, items)

                stored[index] = retrying(attempt, env)

        threads = [threading.Thread(target=deliver, args=(i,)) for i in range(times)]
        with patch.object(Registry, "_lock", DummyRLock()), mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        self.assertFalse([t for t in threads if t.is_alive()], "a delivery hung")
        return stored

    def test_two_identical_posts_at_once_make_one_message(self):
        wamid = f"wamid.conc.{self.suffix}"
        wa_id = "44" + str(uuid.uuid4().int)[:10]
        message = {
            "from": wa_id,
            "id": wamid,
            "timestamp": "1763700000",
            "type": "text",
            "text": {"body": "¿Hay alguien?"},
        }
        body = message_webhook(self.number, "1", "1", wa_id, "Twice", message)
        for _run in range(5):
            stored = self.store_at_once(body)
            self.assertEqual(sorted(stored), [0, 1] if _run == 0 else [0, 0])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Inbound = env["omnichannel.inbound"]
            rows = Inbound.search([("external_id", "=", wamid)])
            self.assertEqual(len(rows), 1)
            rows._process()
            messages = env["mail.message"].search([("omnichannel_whatsapp_id", "=", wamid)])
            self.assertEqual(len(messages), 1)
