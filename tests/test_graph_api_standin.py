"""The Graph API client against the local stand-in over real HTTP, and the stand-in against pywa
(an independent WhatsApp client) so that its answers and webhooks are what real clients expect."""

import base64
import functools
import hashlib
import hmac
import importlib.util
import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

try:  # requirements-dev.txt installs pywa; without it the pywa tests fail, never skip
    import httpx
    from pywa import WhatsApp
    from pywa.errors import ReEngagementMessage
    from pywa.handlers import MessageHandler, MessageStatusHandler
    from pywa.types.others import Pagination
    from pywa.types.templates import BodyText, HeaderText, TemplateLanguage
    from pywa.utils import webhook_updates_validator
except ImportError:
    WhatsApp = None

ADDON = Path(__file__).resolve().parent.parent / "omnichannel_whatsapp"
STANDIN_PATH = ADDON / "tests" / "graph_api_standin.py"
TOKEN = "EAAG-secret-token-123"
APP_SECRET = "app-secret-456"
CUSTOMER = "5511987654321"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) + b"\r\n--boundary-lookalike\r\n"


def load(name, path):
    # By file path: importing the addon package would import Odoo.
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


graph_api = load("whatsapp_graph_api", ADDON / "tools" / "graph_api.py")
standin_module = load("whatsapp_graph_api_standin", STANDIN_PATH)


class WebhookReceiver:
    """Odoo's webhook route, as far as the stand-in can tell: records each POST."""

    def __init__(self):
        self.posts = []  # (X-Hub-Signature-256, raw body)
        self.answer_status = 200
        self._posted = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver._posted:
                    receiver.posts.append((self.headers.get("X-Hub-Signature-256"), body))
                    receiver._posted.notify_all()
                self.send_response(receiver.answer_status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/whatsapp/webhook"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def payloads(self, count, timeout=5):
        """The first ``count`` bodies, each checked against its signature (computed here)."""
        with self._posted:
            self._posted.wait_for(lambda: len(self.posts) >= count, timeout)
            posts = list(self.posts)
        assert len(posts) >= count, f"expected {count} webhooks, got {len(posts)}"
        payloads = []
        for signature, body in posts:
            expected = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
            assert signature and hmac.compare_digest(signature, expected)
            assert body.isascii()  # non-ASCII escaped as Meta does, so the HMAC matches
            payloads.append(json.loads(body))
        return payloads

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def standin():
    with standin_module.GraphApiStandIn(access_token=TOKEN) as running:
        yield running


@pytest.fixture
def client(standin):
    with graph_api.GraphApiClient(
        standin.base_url + "/",
        "v21.0",
        TOKEN,
        standin.phone_number_id,
        waba_id=standin.waba_id,
        timeout=3,
    ) as graph:
        yield graph


@pytest.fixture
def receiver():
    webhook = WebhookReceiver()
    yield webhook
    webhook.close()


@pytest.fixture
def sandbox(receiver):
    with standin_module.GraphApiStandIn(
        access_token=TOKEN, webhook_url=receiver.url, app_secret=APP_SECRET
    ) as running:
        running.delivered_delay = 0.05
        yield running


def status_of(payload):
    value = payload["entry"][0]["changes"][0]["value"]
    return value["statuses"][0]


# Sending


def test_send_text_posts_metas_body_and_returns_the_wamid(standin, client):
    answer = client.send_message(
        "+55 11 98765-4321",
        "text",
        {"body": "Olá *Maria*", "preview_url": False},
        context_message_id="wamid.ctx",
        biz_opaque_callback_data="ticket-7",
    )
    assert answer["contacts"] == [{"input": "+55 11 98765-4321", "wa_id": CUSTOMER}]
    assert answer["messages"][0]["id"].startswith("wamid.")
    assert answer["messages"][0]["message_status"] == "accepted"
    assert standin.sent_messages == [
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": "+55 11 98765-4321",
            "type": "text",
            "text": {"body": "Olá *Maria*", "preview_url": False},
            "context": {"message_id": "wamid.ctx"},
            "biz_opaque_callback_data": "ticket-7",
        }
    ]
    request = standin.requests[-1]
    assert (request["method"], request["path"]) == (
        "POST",
        f"/v21.0/{standin.phone_number_id}/messages",
    )
    assert request["headers"]["authorization"] == f"Bearer {TOKEN}"
    assert request["headers"]["content-type"] == "application/json"
    assert request["answer"] == answer


def test_each_send_gets_its_own_wamid(client):
    ids = {
        client.send_message(CUSTOMER, "text", {"body": "hi"})["messages"][0]["id"] for _ in "abc"
    }
    assert len(ids) == 3


def test_template_must_exist_in_that_language_be_approved_and_get_its_parameters(standin, client):
    def template(name, language, *body, header=None):
        components = [{"type": "body", "parameters": [{"type": "text", "text": t} for t in body]}]
        if header:
            components.insert(
                0, {"type": "header", "parameters": [{"type": "text", "text": header}]}
            )
        return {"name": name, "language": {"code": language}, "components": components}

    answer = client.send_message(
        CUSTOMER, "template", template("order_update", "es", "Ana", "#9", "lunes", header="#9")
    )
    assert answer["messages"][0]["id"].startswith("wamid.")
    assert standin.sent_messages[-1]["template"]["name"] == "order_update"

    refusals = [
        (template("order_update", "pt_BR", "Ana", "#9", "x", header="#9"), 132001),
        (template("no_such_template", "en_US"), 132001),
        (template("spring_sale", "en_US", "Ana", "May 31"), 132015),
        (template("order_update", "en_US", "Ana", header="#9"), 132000),
    ]
    for body, code in refusals:
        with pytest.raises(graph_api.GraphApiError) as caught:
            client.send_message(CUSTOMER, "template", body)
        assert (caught.value.code, caught.value.transient) == (code, False)
    assert len(standin.sent_messages) == 1


def test_reaction_and_its_removal(standin, client):
    client.send_reaction(CUSTOMER, "wamid.in", "👍")
    client.send_reaction(CUSTOMER, "wamid.in", "")
    assert [m["reaction"] for m in standin.sent_messages] == [
        {"message_id": "wamid.in", "emoji": "👍"},
        {"message_id": "wamid.in", "emoji": ""},
    ]


def test_mark_read_with_typing_indicator_is_not_a_sent_message(standin, client):
    assert client.mark_read("wamid.in") == {"success": True}
    assert client.mark_read("wamid.in", typing_indicator=True) == {"success": True}
    assert standin.sent_messages == []
    assert standin.requests[-1]["json"] == {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": "wamid.in",
        "typing_indicator": {"type": "text"},
    }


def test_the_standin_refuses_malformed_sends(standin):
    url = f"{standin.base_url}/v21.0/{standin.phone_number_id}/messages"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for body, code in [
        ({"to": CUSTOMER, "type": "text", "text": {"body": "x"}}, 100),
        ({"messaging_product": "whatsapp", "to": CUSTOMER, "text": {"body": "x"}}, 131008),
        ({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "image"}, 131008),
        ({"messaging_product": "whatsapp", "type": "text", "text": {"body": "x"}}, 131008),
    ]:
        answer = requests.post(url, json=body, headers=auth, timeout=3)
        assert (answer.status_code, answer.json()["error"]["code"]) == (400, code)
    answer = requests.post(
        f"{standin.base_url}/v21.0/999/messages", json={}, headers=auth, timeout=3
    )
    assert answer.json()["error"]["error_subcode"] == 33
    answer = requests.get(f"{standin.base_url}/nowhere", headers=auth, timeout=3)
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, 100)
    assert standin.sent_messages == []


# Errors


@pytest.mark.parametrize(
    ("code", "transient"),
    [
        (131047, False),
        (131026, False),
        (130429, True),
        (131056, True),
        (131000, True),
        (131016, True),
    ],
)
def test_graph_errors_map_to_code_title_details_and_retry_class(standin, client, code, transient):
    standin.fail_next(code=code)
    with pytest.raises(graph_api.GraphApiError) as caught:
        client.send_message(CUSTOMER, "text", {"body": "hi"})
    error = caught.value
    title, details = standin_module.ERRORS[code]
    assert (error.code, error.http_status, error.title, error.details) == (
        code,
        400,
        title,
        details,
    )
    assert (error.transient, error.token_invalid) == (transient, False)
    assert error.fbtrace_id
    assert str(error) == f"(#{code}) {title}: {details}"
    assert standin.sent_messages == []
    # Only the next one failed.
    client.send_message(CUSTOMER, "text", {"body": "hi"})
    assert len(standin.sent_messages) == 1


def test_re_engagement_message_reads_well(standin, client):
    standin.fail_next(code=131047, details="more than 24 hours have passed")
    with pytest.raises(graph_api.GraphApiError) as caught:
        client.send_message(CUSTOMER, "text", {"body": "hi"})
    assert str(caught.value) == "(#131047) Re-engagement message: more than 24 hours have passed"


def test_expired_token_is_token_invalid_and_never_shown(standin):
    stale = graph_api.GraphApiClient(standin.base_url, "v21.0", "stale-token", "1122334455667")
    with pytest.raises(graph_api.GraphApiError) as caught:
        stale.send_message(CUSTOMER, "text", {"body": "hi"})
    error = caught.value
    assert (error.code, error.http_status, error.token_invalid, error.transient) == (
        190,
        401,
        True,
        False,
    )
    assert "stale-token" not in str(error) + repr(error) + repr(stale)


def test_scripted_190_on_a_valid_token(standin, client):
    standin.fail_next(path_contains=standin.phone_number_id, code=190)
    with pytest.raises(graph_api.GraphApiError) as caught:
        client.get_phone_number()
    assert caught.value.token_invalid and caught.value.http_status == 401
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize("http_status", [500, 502, 503])
def test_plain_5xx_is_transient_with_a_snippet(standin, client, http_status):
    standin.fail_next(code=None, http_status=http_status)
    with pytest.raises(graph_api.GraphApiError) as caught:
        client.send_message(CUSTOMER, "text", {"body": "hi"})
    error = caught.value
    assert (error.code, error.http_status, error.transient) == (None, http_status, True)
    assert str(error).startswith(f"(HTTP {http_status}) ")


def test_latency_beyond_the_timeout_is_a_transient_timeout(standin, client):
    client.timeout = 0.3
    standin.fail_next(code=None, latency=1.0)
    started = time.monotonic()
    with pytest.raises(graph_api.GraphApiError) as caught:
        client.send_message(CUSTOMER, "text", {"body": "hi"})
    assert time.monotonic() - started < 0.9
    error = caught.value
    assert (error.code, error.http_status, error.title, error.transient) == (
        None,
        None,
        "Timeout",
        True,
    )


def test_latency_within_the_timeout_only_slows_down(standin, client):
    standin.fail_next(code=None, latency=0.2)
    started = time.monotonic()
    client.send_message(CUSTOMER, "text", {"body": "hi"})
    assert time.monotonic() - started >= 0.2
    assert len(standin.sent_messages) == 1


def test_a_held_connection_times_out_and_does_not_hold_up_stop():
    held = standin_module.GraphApiStandIn(access_token=TOKEN).start()
    client = graph_api.GraphApiClient(held.base_url, "v21.0", TOKEN, "1122334455667", timeout=0.3)
    held.fail_next(timeout=True)
    with pytest.raises(graph_api.GraphApiError) as caught:
        client.send_message(CUSTOMER, "text", {"body": "hi"})
    assert caught.value.transient and caught.value.title == "Timeout"
    started = time.monotonic()
    held.stop()
    assert time.monotonic() - started < 2


def test_nobody_listening_is_a_transient_connection_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = graph_api.GraphApiClient(f"http://127.0.0.1:{port}", "v21.0", TOKEN, "1", timeout=1)
    with pytest.raises(graph_api.GraphApiError) as caught:
        client.get_phone_number()
    assert (caught.value.title, caught.value.transient) == ("Connection error", True)
    assert TOKEN not in str(caught.value)


# Media


def test_upload_media_gives_the_standin_the_exact_bytes(standin, client):
    media_id = client.upload_media(PNG, "image/png", "photo.png")
    assert media_id.isdigit()
    assert standin.uploaded_media(media_id) == (PNG, "image/png", "photo.png")
    request = standin.requests[-1]
    assert request["path"] == f"/v21.0/{standin.phone_number_id}/media"
    assert request["form"] == {"messaging_product": "whatsapp", "type": "image/png"}
    assert request["files"]["file"] == ("photo.png", "image/png", PNG)


def test_get_media_answers_a_five_minute_url_and_the_hex_digest(standin, client):
    media_id = standin.add_media(PNG, "image/png", "in.png")
    info = client.get_media(media_id)
    assert info["url"].startswith(f"{standin.base_url}/lookaside/")
    assert (info["mime_type"], info["file_size"], info["id"]) == ("image/png", len(PNG), media_id)
    assert info["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert standin.requests[-1]["query"] == {"phone_number_id": standin.phone_number_id}
    # The download needs the bearer token; an expired URL answers 404.
    assert requests.get(info["url"], timeout=3).status_code == 401
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert requests.get(info["url"], headers=auth, timeout=3).content == PNG
    standin.expire_media_urls()
    assert requests.get(info["url"], headers=auth, timeout=3).status_code == 404
    fresh = client.get_media(media_id)["url"]
    assert requests.get(fresh, headers=auth, timeout=3).content == PNG


def test_download_media(standin, client):
    media_id = standin.add_media(PNG, "image/png", "in.png")
    assert client.download_media(media_id) == (PNG, "image/png")
    # A webhook fixture's own media id can be served too.
    assert standin.add_media(b"OggS", "audio/ogg; codecs=opus", media_id=1234) == "1234"
    assert client.download_media("1234") == (b"OggS", "audio/ogg")


def test_download_media_re_asks_once_for_a_fresh_url_when_the_first_expired(standin, client):
    media_id = standin.add_media(PNG, "image/jpeg", "in.jpg")
    # The first download is slower than the URL's life: it finds the URL expired.
    standin.media_url_ttl = 0.5
    standin.fail_next(path_contains="/lookaside/", code=None, latency=0.8)
    assert client.download_media(media_id) == (PNG, "image/jpeg")
    asked = [r for r in standin.requests if r["path"] == f"/v21.0/{media_id}"]
    downloads = [r["status"] for r in standin.requests if r["path"].startswith("/lookaside/")]
    assert len(asked) == 2
    assert downloads == [404, 200]


def test_download_media_gives_up_after_one_fresh_url(standin, client):
    media_id = standin.add_media(PNG, "image/png")
    standin.fail_next(path_contains="/lookaside/", code=None, http_status=404, times=2)
    with pytest.raises(graph_api.GraphApiError) as caught:
        client.download_media(media_id)
    assert caught.value.http_status == 404
    assert len([r for r in standin.requests if r["path"] == f"/v21.0/{media_id}"]) == 2


def test_unknown_media_is_a_permanent_error(client):
    with pytest.raises(graph_api.GraphApiError) as caught:
        client.download_media("404404404")
    assert (caught.value.code, caught.value.transient) == (100, False)


# Account


def test_templates_follow_paging_to_the_end(standin, client):
    templates = client.get_templates()
    assert [(t["name"], t["language"], t["status"]) for t in templates] == [
        ("order_update", "en_US", "APPROVED"),
        ("order_update", "es", "APPROVED"),
        ("atendimento_retomado", "pt_BR", "APPROVED"),
        ("ticket_closed", "en_US", "APPROVED"),
        ("spring_sale", "en_US", "PAUSED"),
    ]
    assert all(t["id"] and t["category"] and t["components"] for t in templates)
    pages = [r for r in standin.requests if r["path"].endswith("/message_templates")]
    assert len(pages) == 3
    assert "after" not in pages[0]["query"]
    assert all(p["query"]["limit"] == "100" for p in pages)


def test_templates_need_the_business_account_id(standin):
    client = graph_api.GraphApiClient(standin.base_url, "v21.0", TOKEN, standin.phone_number_id)
    with pytest.raises(ValueError):
        client.get_templates()


def test_phone_number_details(standin, client):
    details = client.get_phone_number()
    assert details == {
        "display_phone_number": "+1 555-078-3881",
        "verified_name": "Omnichannel Stand-in",
        "quality_rating": "GREEN",
        "code_verification_status": "VERIFIED",
        "id": standin.phone_number_id,
    }


def test_the_token_travels_only_in_the_authorization_header(standin, client):
    media_id = client.upload_media(PNG, "image/png", "a.png")
    client.send_message(CUSTOMER, "image", {"id": media_id, "caption": "look"})
    client.download_media(media_id)
    client.get_templates()
    client.get_phone_number()
    client.mark_read("wamid.in")
    recorded = standin.requests
    assert len(recorded) == 9
    for request in recorded:
        elsewhere = {k: v for k, v in request["headers"].items() if k != "authorization"}
        visible = json.dumps(
            [request["path"], request["query"], request["json"], request["form"], elsewhere]
        )
        assert TOKEN not in visible
        assert TOKEN.encode() not in request["body"]
        assert request["headers"]["authorization"] == f"Bearer {TOKEN}"


# Webhooks and the sandbox


def test_send_command_posts_a_signed_text_webhook(receiver):
    result = subprocess.run(
        [
            sys.executable,
            str(STANDIN_PATH),
            "send",
            "--webhook-url",
            receiver.url,
            "--app-secret",
            APP_SECRET,
            "--phone-number-id",
            "1122334455667",
            "--from",
            CUSTOMER,
            "--name",
            "Maria",
            "--text",
            "Olá, preciso de ajuda ✓",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    [payload] = receiver.payloads(1)
    assert payload["object"] == "whatsapp_business_account"
    [entry] = payload["entry"]
    assert entry["id"] == "102290129340398"
    [change] = entry["changes"]
    assert change["field"] == "messages"
    value = change["value"]
    assert value["metadata"] == {
        "display_phone_number": "15550783881",
        "phone_number_id": "1122334455667",
    }
    [contact] = value["contacts"]
    assert (contact["profile"], contact["wa_id"]) == ({"name": "Maria"}, CUSTOMER)
    assert contact["user_id"].startswith("BR.")
    [message] = value["messages"]
    assert (message["from"], message["type"], message["text"]) == (
        CUSTOMER,
        "text",
        {"body": "Olá, preciso de ajuda ✓"},
    )
    assert message["id"].startswith("wamid.") and message["timestamp"].isdigit()
    assert message["id"] in result.stdout


def test_send_command_with_an_image_stores_it_in_the_running_standin(standin, receiver, tmp_path):
    image = tmp_path / "receipt.png"
    image.write_bytes(PNG)
    command = [sys.executable, str(STANDIN_PATH), "send", "--webhook-url", receiver.url]
    command += ["--app-secret", APP_SECRET, "--image", str(image), "--caption", "my receipt"]
    command += ["--standin-url", standin.base_url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr
    [payload] = receiver.payloads(1)
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    assert message["type"] == "image"
    media = message["image"]
    assert (media["mime_type"], media["caption"]) == ("image/png", "my receipt")
    assert media["sha256"] == base64.b64encode(hashlib.sha256(PNG).digest()).decode()
    assert standin.uploaded_media(media["id"]) == (PNG, "image/png", "receipt.png")


def test_send_command_fails_when_odoo_refuses(receiver):
    receiver.answer_status = 403
    command = [sys.executable, str(STANDIN_PATH), "send", "--webhook-url", receiver.url]
    command += ["--app-secret", APP_SECRET, "--text", "hi"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 1
    assert "403" in result.stdout


def test_an_accepted_message_is_followed_by_sent_then_delivered(sandbox, receiver, client):
    client.base_url = sandbox.base_url
    answer = client.send_message(CUSTOMER, "text", {"body": "hello"}, biz_opaque_callback_data="t")
    wamid = answer["messages"][0]["id"]
    sent, delivered = receiver.payloads(2)
    for payload, status in ((sent, "sent"), (delivered, "delivered")):
        assert payload["entry"][0]["id"] == sandbox.waba_id
        value = payload["entry"][0]["changes"][0]["value"]
        assert value["metadata"]["phone_number_id"] == sandbox.phone_number_id
        item = status_of(payload)
        assert (item["id"], item["status"], item["recipient_id"]) == (wamid, status, CUSTOMER)
        assert item["timestamp"].isdigit()
        assert item["biz_opaque_callback_data"] == "t"
        assert item["pricing"]["category"] == "service"
        assert value["contacts"][0]["wa_id"] == CUSTOMER


def test_a_reaction_only_gets_sent(sandbox, receiver, client):
    client.base_url = sandbox.base_url
    client.send_reaction(CUSTOMER, "wamid.in", "👍")
    client.send_message(CUSTOMER, "text", {"body": "after"})
    statuses = [status_of(p)["status"] for p in receiver.payloads(3)]
    assert statuses == ["sent", "sent", "delivered"]


def test_a_failed_status_instead_of_sent(sandbox, receiver, client):
    client.base_url = sandbox.base_url
    sandbox.fail_next_status(code=131047)
    wamid = client.send_message(CUSTOMER, "text", {"body": "late"})["messages"][0]["id"]
    [payload] = receiver.payloads(1)
    item = status_of(payload)
    assert (item["id"], item["status"]) == (wamid, "failed")
    assert item["errors"][0]["code"] == 131047
    assert item["errors"][0]["title"] == "Re-engagement message"
    time.sleep(0.2)
    assert len(receiver.posts) == 1


def test_the_sandbox_page_sends_as_the_customer_and_shows_the_conversation(
    sandbox, receiver, client
):
    client.base_url = sandbox.base_url
    page = requests.get(f"{sandbox.base_url}/sandbox", timeout=3)
    assert page.status_code == 200 and "WhatsApp sandbox" in page.text
    assert "Maria Customer" in page.text and CUSTOMER in page.text

    sent = requests.post(
        f"{sandbox.base_url}/sandbox/send",
        json={"name": "Maria Customer", "number": CUSTOMER, "text": "Preciso de ajuda"},
        timeout=5,
    ).json()
    assert sent["ok"] and sent["status"] == 200
    [inbound] = receiver.payloads(1)
    assert inbound["entry"][0]["changes"][0]["value"]["messages"][0]["id"] == sent["id"]

    image = base64.b64encode(PNG).decode()
    requests.post(
        f"{sandbox.base_url}/sandbox/send",
        json={"number": CUSTOMER, "image": {"data": image, "mime_type": "image/png"}},
        timeout=5,
    )
    message = receiver.payloads(2)[1]["entry"][0]["changes"][0]["value"]["messages"][0]
    assert sandbox.uploaded_media(message["image"]["id"])[0] == PNG

    client.mark_read(sent["id"])
    wamid = client.send_message(CUSTOMER, "text", {"body": "Claro!"})["messages"][0]["id"]
    receiver.payloads(4)  # sent, delivered
    shown = requests.get(
        f"{sandbox.base_url}/sandbox/messages", params={"number": CUSTOMER}, timeout=3
    ).json()["messages"]
    assert [(m["direction"], m["text"]) for m in shown] == [
        ("in", "Preciso de ajuda"),
        ("in", "[image]"),
        ("out", "Claro!"),
    ]
    assert shown[0]["status"] == "read"  # Odoo marked it read
    assert shown[1]["media_url"]
    read = requests.post(
        f"{sandbox.base_url}/sandbox/read", json={"number": CUSTOMER}, timeout=3
    ).json()
    assert read == {"read": [wamid]}
    item = status_of(receiver.payloads(5)[4])
    assert (item["id"], item["status"]) == (wamid, "read")


def test_the_sandbox_reports_odoo_refusing_a_message(sandbox, receiver):
    receiver.answer_status = 500
    sent = requests.post(
        f"{sandbox.base_url}/sandbox/send", json={"number": CUSTOMER, "text": "hi"}, timeout=5
    ).json()
    assert (sent["ok"], sent["status"]) == (False, 500)
    [shown] = requests.get(
        f"{sandbox.base_url}/sandbox/messages", params={"number": CUSTOMER}, timeout=3
    ).json()["messages"]
    assert shown["status"] == "failed" and "500" in shown["note"]


def test_control_endpoints_drive_a_standin_in_another_process(standin, client):
    control = f"{standin.base_url}/_standin"
    requests.post(f"{control}/fail_next", json={"code": 130429}, timeout=3).raise_for_status()
    with pytest.raises(graph_api.GraphApiError) as caught:
        client.send_message(CUSTOMER, "text", {"body": "hi"})
    assert caught.value.code == 130429
    media_id = requests.post(
        f"{control}/media",
        params={"filename": "x.png"},
        data=PNG,
        headers={"Content-Type": "image/png"},
        timeout=3,
    ).json()["id"]
    assert client.download_media(media_id) == (PNG, "image/png")
    recorded = requests.get(f"{control}/requests", timeout=3).json()
    assert [r["path"].split("/")[-1] for r in recorded][:1] == ["messages"]
    requests.post(f"{control}/reset", timeout=3).raise_for_status()
    assert standin.requests == []
    assert requests.post(f"{control}/fail_next", json={"bogus": 1}, timeout=3).status_code == 400


def test_serve_command_runs_the_standin_and_its_sandbox(receiver):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, str(STANDIN_PATH), "--port", str(port)]
    command += ["--webhook-url", receiver.url, "--app-secret", APP_SECRET]
    command += ["--access-token", TOKEN]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                page = requests.get(f"http://127.0.0.1:{port}/sandbox", timeout=1)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.05)
        assert page.status_code == 200
        client = graph_api.GraphApiClient(
            f"http://127.0.0.1:{port}", "v21.0", TOKEN, "1122334455667", timeout=3
        )
        assert client.mark_read("wamid.x") == {"success": True}
    finally:
        process.terminate()
        process.wait(timeout=5)


# pywa: an independent client reads the stand-in's answers and webhooks


def needs_pywa(test):
    @functools.wraps(test)
    def run(*args, **kwargs):
        assert WhatsApp is not None, "pywa is not installed: tools/bootstrap.sh installs it"
        return test(*args, **kwargs)

    return run


@pytest.fixture
def whatsapp(standin):
    session = httpx.Client(timeout=5)
    wa = WhatsApp(
        phone_id=standin.phone_number_id,
        token=TOKEN,
        waba_id=standin.waba_id,
        session=session,
        app_secret=APP_SECRET,
    )
    # pywa pins https://graph.facebook.com/v<N>/ as our session's base URL and sends relative
    # paths through it: keep its version path, swap the host for the stand-in.
    session.base_url = session.base_url.copy_with(
        scheme="http", host="127.0.0.1", port=standin.port
    )
    yield wa
    session.close()


@needs_pywa
def test_pywa_parses_every_answer_of_the_standin(standin, whatsapp):

    def last_wamid():
        return standin.requests[-1]["answer"]["messages"][0]["id"]

    text = whatsapp.send_message(to=CUSTOMER, text="Hello from pywa")
    assert text.id == last_wamid()
    assert (text.chat.id, text.input) == (CUSTOMER, CUSTOMER)
    assert standin.requests[-1]["path"].startswith("/v")

    media = whatsapp.upload_media(media=PNG, mime_type="image/png", filename="pixel.png")
    assert standin.uploaded_media(media.id) == (PNG, "image/png", "pixel.png")
    image = whatsapp.send_image(to=CUSTOMER, image=media.id, caption="A pixel")
    assert image.id == last_wamid()
    assert standin.sent_messages[-1]["image"] == {"id": media.id, "caption": "A pixel"}

    template = whatsapp.send_template(
        to=CUSTOMER,
        name="order_update",
        language=TemplateLanguage.ENGLISH_US,
        params=[HeaderText.params("#1042"), BodyText.params("Ana", "#1042", "Friday")],
    )
    assert template.id == last_wamid()
    assert template.status == "accepted"

    reaction = whatsapp.send_reaction(to=CUSTOMER, emoji="👍", message_id="wamid.in")
    assert reaction.id == last_wamid() and reaction.message_id == "wamid.in"
    assert whatsapp.mark_message_as_read("wamid.in")

    url = whatsapp.get_media_url(media.id)
    assert (url.id, url.mime_type, url.file_size) == (media.id, "image/png", len(PNG))
    assert url.sha256 == hashlib.sha256(PNG).hexdigest()
    assert whatsapp.get_media_bytes(url.url) == PNG

    page = whatsapp.get_templates()
    names = [(t.name, t.language.value, t.status.value) for t in page]
    while page.has_next:
        page = whatsapp.get_templates(pagination=Pagination(after=page.after))
        names += [(t.name, t.language.value, t.status.value) for t in page]
    assert [(t["name"], t["language"], t["status"]) for t in standin.templates] == names

    number = whatsapp.get_business_phone_number()
    assert (number.id, number.verified_name) == (standin.phone_number_id, "Omnichannel Stand-in")

    standin.fail_next(code=131047)
    with pytest.raises(ReEngagementMessage) as caught:
        whatsapp.send_message(to=CUSTOMER, text="too late")
    assert (caught.value.code, caught.value.details) == (131047, standin_module.ERRORS[131047][1])


@needs_pywa
def test_pywa_accepts_the_standins_webhooks(sandbox, receiver, client):
    wa = WhatsApp(
        phone_id=sandbox.phone_number_id,
        token=TOKEN,
        waba_id=sandbox.waba_id,
        session=httpx.Client(),
        app_secret=APP_SECRET,
    )
    updates = []
    wa.add_handlers(
        MessageHandler(lambda _, message: updates.append(message)),
        MessageStatusHandler(lambda _, status: updates.append(status)),
    )
    client.base_url = sandbox.base_url
    inbound = sandbox.customer_sends(CUSTOMER, name="Maria", text="Oi ✓")
    wamid = client.send_message(CUSTOMER, "text", {"body": "Olá"})["messages"][0]["id"]
    receiver.payloads(3)
    for signature, body in receiver.posts:
        assert webhook_updates_validator(APP_SECRET, body, signature)
        assert wa.webhook_update_handler(body) == ("ok", 200)
    message, sent, delivered = updates
    assert (message.id, message.text, message.from_user.wa_id) == (inbound["id"], "Oi ✓", CUSTOMER)
    assert message.from_user.name == "Maria"
    assert [(s.id, s.status.value) for s in (sent, delivered)] == [
        (wamid, "sent"),
        (wamid, "delivered"),
    ]
