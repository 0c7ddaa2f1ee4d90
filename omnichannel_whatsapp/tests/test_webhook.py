import json

from odoo.tests import tagged, users, warmup

from .common import (
    APP_SECRET,
    DISPLAY_NUMBER,
    NUMBER_ID,
    WABA_ID,
    WhatsappCase,
    message_webhook,
    sign,
)

WEBHOOK = "/omnichannel/whatsapp/webhook"


def text_body(wamid, text="Hola", wa_id="34699000111", number_id=NUMBER_ID):
    return message_webhook(
        number_id,
        DISPLAY_NUMBER,
        WABA_ID,
        wa_id,
        "Carmen",
        {
            "from": wa_id,
            "id": wamid,
            "timestamp": "1763700000",
            "type": "text",
            "text": {"body": text},
        },
    )


@tagged("post_install", "-at_install")
class TestWebhookHandshake(WhatsappCase):
    def handshake(self, mode="subscribe", token=None, challenge="1158201444"):
        params = {"hub.mode": mode, "hub.challenge": challenge}
        params["hub.verify_token"] = self.account.verify_token if token is None else token
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return self.url_open(f"{WEBHOOK}?{query}")

    def test_handshake_echoes_the_challenge(self):
        response = self.handshake()
        self.assertEqual((response.status_code, response.text), (200, "1158201444"))
        self.assertTrue(response.headers["Content-Type"].startswith("text/plain"))

    def test_wrong_token_or_mode_is_forbidden(self):
        self.assertEqual(self.handshake(token="not-the-token").status_code, 403)
        self.assertEqual(self.handshake(mode="unsubscribe").status_code, 403)
        self.assertEqual(self.handshake(token="").status_code, 403)
        self.assertEqual(self.handshake(token="tökèn").status_code, 403)

    def test_verify_token_is_generated_per_account(self):
        self.assertGreaterEqual(len(self.account.verify_token), 24)
        other = self.account.copy({"phone_number_id": "999", "name": "Other"})
        self.assertNotEqual(other.verify_token, self.account.verify_token)


@tagged("post_install", "-at_install")
class TestWebhookNotifications(WhatsappCase):
    def stored(self):
        return self.Inbound.search([("account_id", "=", self.account.id)])

    def test_valid_body_is_stored_before_the_answer(self):
        response = self.post_webhook(text_body("wamid.A1"))
        self.assertEqual((response.status_code, response.text), (200, "OK"))
        row = self.stored()
        self.assertEqual((row.kind, row.external_id, row.state), ("message", "wamid.A1", "pending"))
        self.assertEqual(row._get_account(), self.account)
        # Routing and posting wait for the customer's job, off the request.
        self.assertFalse(self.Conversation.search([("whatsapp_account_id", "=", self.account.id)]))
        (job,) = self.env["queue.job"].search(
            [("channel", "=", "root.omnichannel_inbound"), ("state", "=", "pending")]
        )
        self.assertEqual(job.method_name, "_job_process_customer")
        self.assertEqual(job.args, [row.source_id.id, self.account.id, "34699000111"])
        self.process()
        self.assertEqual(row.state, "done")

    def test_missing_wrong_or_non_ascii_signature_is_forbidden(self):
        body = json.dumps(text_body("wamid.S1")).encode()
        for signature in (
            None,
            "",
            "sha256=" + "0" * 64,
            "sha1=abc",
            "sha256=ünïcode",
            self.sign_with("another-app-secret", body),
        ):
            headers = {} if signature is None else {"X-Hub-Signature-256": signature}
            response = self.url_open(WEBHOOK, data=body, headers=headers)
            self.assertEqual(response.status_code, 403, signature)
        self.assertFalse(self.stored())

    def sign_with(self, secret, body):
        return sign(body, secret)

    def test_signature_is_over_the_raw_bytes(self):
        # Meta escapes non-ASCII; the same JSON re-serialised differently must not pass.
        payload = text_body("wamid.S2", text="¿Qué tal? 😮")
        raw = json.dumps(payload).encode()
        self.assertIn(b"\\ud83d\\ude2e", raw)
        signature = self.sign_with(APP_SECRET, raw)
        reserialised = json.dumps(payload, ensure_ascii=False).encode()
        response = self.url_open(
            WEBHOOK, data=reserialised, headers={"X-Hub-Signature-256": signature}
        )
        self.assertEqual(response.status_code, 403)
        response = self.url_open(WEBHOOK, data=raw, headers={"X-Hub-Signature-256": signature})
        self.assertEqual(response.status_code, 200)
        self.process()
        message = self.customer_messages(self.conversation_of())
        self.assertIn("¿Qué tal? 😮", message.body)

    def test_oversize_body_is_refused(self):
        body = (
            b'{"object": "whatsapp_business_account", "pad": "' + b"x" * (3 * 1024 * 1024) + b'"}'
        )
        response = self.post_webhook(body)
        self.assertEqual(response.status_code, 413)
        self.assertFalse(self.stored())

    def test_body_that_is_not_json_is_refused(self):
        for body in (b"not json", b"\xff\xfe", b"[1, 2]"):
            self.assertEqual(self.post_webhook(body).status_code, 400, body)
        self.assertFalse(self.stored())

    def test_unknown_number_or_field_is_acknowledged_and_ignored(self):
        response = self.post_webhook(text_body("wamid.U1", number_id="000000000"))
        self.assertEqual(response.status_code, 200)
        other_field = {
            "object": "whatsapp_business_account",
            "entry": [{"id": WABA_ID, "changes": [{"field": "calls", "value": {"calls": []}}]}],
        }
        self.assertEqual(self.post_webhook(other_field).status_code, 200)
        self.assertFalse(self.stored())

    def test_batched_body_stores_every_entry(self):
        first, second = text_body("wamid.B1"), text_body("wamid.B2", wa_id="34699000222")
        first["entry"].extend(second["entry"])
        self.assertEqual(self.post_webhook(first).status_code, 200)
        self.assertEqual(sorted(self.stored().mapped("external_id")), ["wamid.B1", "wamid.B2"])
        self.process()
        self.assertEqual(len(self.conversation_of("34699000111")), 1)
        self.assertEqual(len(self.conversation_of("34699000222")), 1)

    def test_retries_and_rebatched_duplicates_make_one_message(self):
        body = json.dumps(text_body("wamid.D1")).encode()
        for _attempt in range(3):  # Meta retries a body byte for byte
            self.assertEqual(self.post_webhook(body).status_code, 200)
        rebatched = text_body("wamid.D2")
        rebatched["entry"][0]["changes"][0]["value"]["messages"].append(
            text_body("wamid.D1")["entry"][0]["changes"][0]["value"]["messages"][0]
        )
        self.assertEqual(self.post_webhook(rebatched).status_code, 200)
        self.assertEqual(len(self.stored()), 2)
        self.process()
        self.process()
        messages = self.customer_messages(self.conversation_of())
        self.assertEqual(messages.mapped("omnichannel_whatsapp_id"), ["wamid.D1", "wamid.D2"])

    @users("__system__")
    @warmup
    def test_webhook_request_queries(self):
        body = json.dumps(text_body("wamid.Q1")).encode()
        headers = {"X-Hub-Signature-256": self.sign_with(APP_SECRET, body)}
        self.post_webhook(text_body("wamid.Q0"))  # warm the routes and caches
        # 1 the public user's row, 2 the accounts and their secrets, 3 INSERT ... ON CONFLICT
        # DO NOTHING of the rows (into the core's omnichannel_inbound) RETURNING the new ones,
        # then the customer's queue_job job: 4 the enqueuing user's fields (its company),
        # 5 a job with the same identity key waiting?, 6 its uuid unused?, 7 INSERT queue_job.
        # Nothing else runs before the 200.
        with self.assertQueryCount(7):
            response = self.url_open(WEBHOOK, data=body, headers=headers)
        self.assertEqual(response.status_code, 200)
