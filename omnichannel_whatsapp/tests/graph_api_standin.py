"""A local stand-in for Meta's WhatsApp Cloud API (Graph API), for tests and the dev server.

Standard library only, no Odoo import: the Odoo tests import it, the repository's pytest loads it
by file path, and it runs as a script::

    python graph_api_standin.py serve --port 8070 --webhook-url URL --app-secret S ...
    python graph_api_standin.py send --webhook-url URL --app-secret S --from 5511987654321 --text hi

Shapes follow /work/shared/docs/whatsapp-cloud-api.md (sections 1.3, 1.5, 1.8, 1.9, 1.10). With a
webhook URL and an app secret it also plays WhatsApp's side: signed status webhooks after each
accepted message, and a page (/sandbox) where a person writes as the customer.
"""

import argparse
import base64
import copy
import hashlib
import hmac
import html
import itertools
import json
import logging
import mimetypes
import queue
import re
import secrets
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib import error as urllib_error
from urllib import request as urllib_request
from urllib.parse import parse_qs, urlencode, urlsplit

_logger = logging.getLogger(__name__)

MEDIA_URL_TTL = 300  # Meta's download URLs live 5 minutes
HOLD_SECONDS = 30  # a simulated timeout holds the connection this long (or until stop)
WEBHOOK_TIMEOUT = 10
VERSION_SEGMENT = re.compile(r"^v\d+\.\d+$")
PLACEHOLDER = re.compile(r"{{\s*(\w+)\s*}}")
ERROR_CODES_HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"
STATUS_RANK = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}
# Business-scoped user ids start with the user's country (docs section 1.3).
COUNTRY_PREFIXES = (("55", "BR"), ("52", "MX"), ("54", "AR"), ("34", "ES"), ("44", "GB"))

# Titles and details as Meta words them (pywa errors.py); fail_next() uses them by default.
ERRORS = {
    4: ("Application request limit reached", "Too many API calls from this app"),
    100: ("Invalid parameter", ""),
    190: ("Error validating access token: Session has expired", ""),
    80007: ("Rate limit issues", "The WhatsApp Business Account has reached its rate limit"),
    130429: ("Rate limit hit", "Cloud API message throughput has been reached."),
    131000: ("Something went wrong", "Message failed to send because of an unknown error."),
    131008: ("Required parameter is missing", ""),
    131009: ("Parameter value is not valid", ""),
    131016: ("Service unavailable", "A service is temporarily unavailable."),
    131026: (
        "Message undeliverable",
        "Unable to deliver message. The recipient may not be a WhatsApp user.",
    ),
    131030: ("Recipient phone number not in allowed list", ""),
    131047: (
        "Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer last "
        "replied to this number.",
    ),
    131048: ("Spam rate limit hit", ""),
    131049: ("This message was not delivered to maintain healthy ecosystem engagement.", ""),
    131050: ("Unable to deliver the message. This recipient has chosen to stop receiving", ""),
    131052: ("Media download error", ""),
    131053: ("Media upload error", ""),
    131056: (
        "(Business Account, Consumer Account) pair rate limit hit",
        "Too many messages sent from the sender phone number to the same recipient phone number "
        "in a short period of time.",
    ),
    131057: ("Account in maintenance mode", ""),
    132000: ("Number of parameters does not match the expected number of params", ""),
    132001: ("Template name does not exist in the translation", ""),
    132015: ("Template is Paused", ""),
    132016: ("Template is Disabled", ""),
    135000: ("Generic user error", ""),
}


# Webhook building blocks, shared with the Odoo tests.


def sign(body, app_secret):
    """The X-Hub-Signature-256 value Meta sends for ``body`` (bytes)."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def new_wamid():
    return "wamid.HBgN" + uuid.uuid4().hex.upper()


def bsuid_for(wa_id):
    """A stable business-scoped user id (``BR.1349…``) for a wa_id."""
    digits = re.sub(r"\D", "", str(wa_id))
    country = next((code for prefix, code in COUNTRY_PREFIXES if digits.startswith(prefix)), "US")
    number = int(hashlib.sha256(digits.encode()).hexdigest(), 16) % 10**19
    return f"{country}.{number:019d}"


def _metadata(phone_number_id, display_phone_number):
    return {"display_phone_number": display_phone_number, "phone_number_id": phone_number_id}


def _envelope(waba_id, value):
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": waba_id, "changes": [{"value": value, "field": "messages"}]}],
    }


def message_webhook(
    phone_number_id, display_phone_number, waba_id, wa_id, name, message, user_id=None
):
    """A notification carrying one inbound ``message``; ``wa_id``/``user_id`` None are left out."""
    contact = {"profile": {"name": name}}
    if wa_id:
        contact["wa_id"] = wa_id
    if user_id:
        contact["user_id"] = user_id
    value = {
        "messaging_product": "whatsapp",
        "metadata": _metadata(phone_number_id, display_phone_number),
        "contacts": [contact],
        "messages": [message],
    }
    return _envelope(waba_id, value)


def status_webhook(phone_number_id, display_phone_number, waba_id, statuses, contacts=None):
    """A notification carrying ``statuses``; 2026 payloads add the recipient in ``contacts``."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": _metadata(phone_number_id, display_phone_number),
    }
    if contacts:
        value["contacts"] = contacts
    value["statuses"] = statuses
    return _envelope(waba_id, value)


def text_message(wa_id, body, message_id=None, timestamp=None, context_message_id=None):
    message = {
        "from": wa_id,
        "id": message_id or new_wamid(),
        "timestamp": str(int(timestamp or time.time())),
        "type": "text",
        "text": {"body": body},
    }
    if context_message_id:
        message["context"] = {"from": wa_id, "id": context_message_id}
    return message


def media_message(
    wa_id,
    media_type,
    media_id,
    mime_type,
    content=None,
    caption=None,
    filename=None,
    message_id=None,
    timestamp=None,
):
    """An inbound image/video/document/audio/sticker; webhooks carry sha256 in base64."""
    media = {"mime_type": mime_type, "id": media_id}
    if content is not None:
        media["sha256"] = base64.b64encode(hashlib.sha256(content).digest()).decode()
    if caption:
        media["caption"] = caption
    if filename and media_type == "document":
        media["filename"] = filename
    return {
        "from": wa_id,
        "id": message_id or new_wamid(),
        "timestamp": str(int(timestamp or time.time())),
        "type": media_type,
        media_type: media,
    }


def status_item(
    message_id,
    status,
    recipient_id,
    timestamp=None,
    pricing_category="service",
    billable=False,
    biz_opaque_callback_data=None,
    errors=None,
):
    """One ``statuses[]`` element (docs section 1.5; per-message pricing, no conversation)."""
    item = {
        "id": message_id,
        "status": status,
        "timestamp": str(int(timestamp or time.time())),
        "recipient_id": recipient_id,
        "recipient_user_id": bsuid_for(recipient_id),
    }
    if status != "failed":
        item["pricing"] = {
            "billable": billable,
            "pricing_model": "PMP",
            "category": pricing_category,
            "type": "regular" if billable else "free_customer_service",
        }
    if biz_opaque_callback_data:
        item["biz_opaque_callback_data"] = biz_opaque_callback_data
    if errors:
        item["errors"] = errors
    return item


def status_error(code, title=None, details=None):
    default_title, default_details = ERRORS.get(code, ("Error", ""))
    title = title or default_title
    return {
        "code": code,
        "title": title,
        "message": title,
        "error_data": {"details": details if details is not None else default_details},
        "href": ERROR_CODES_HREF,
    }


def build_text_webhook(
    phone_number_id, display_phone_number, waba_id, wa_id, name, text, user_id=None
):
    return message_webhook(
        phone_number_id,
        display_phone_number,
        waba_id,
        wa_id,
        name,
        text_message(wa_id, text),
        user_id=user_id,
    )


def webhook_body(payload):
    # ensure_ascii (the default) escapes non-ASCII as \uXXXX, as Meta does.
    return json.dumps(payload).encode()


def post_webhook(url, payload, app_secret, timeout=WEBHOOK_TIMEOUT):
    """POST a signed notification; returns ``(http status or None, answer text or error)``."""
    body = webhook_body(payload)
    request = urllib_request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Hub-Signature-256": sign(body, app_secret),
            "User-Agent": "facebookexternalua",
        },
    )
    try:
        with urllib_request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(2000).decode("utf-8", "replace")
    except urllib_error.HTTPError as exc:
        return exc.code, exc.read(2000).decode("utf-8", "replace")
    except (urllib_error.URLError, OSError) as exc:
        return None, str(getattr(exc, "reason", exc))


def default_templates():
    """Five templates, four approved (en_US, es, pt_BR) and one paused."""

    def template(template_id, name, language, category, components, status="APPROVED"):
        return {
            "id": template_id,
            "name": name,
            "language": language,
            "status": status,
            "category": category,
            "parameter_format": "POSITIONAL",
            "components": components,
        }

    def body(text, *example):
        return {"type": "BODY", "text": text, "example": {"body_text": [list(example)]}}

    def order_update(template_id, language, header, text, footer, replies):
        return template(
            template_id,
            "order_update",
            language,
            "UTILITY",
            [
                {
                    "type": "HEADER",
                    "format": "TEXT",
                    "text": header,
                    "example": {"header_text": ["#1042"]},
                },
                body(text, "Ana", "#1042", "Friday"),
                {"type": "FOOTER", "text": footer},
                {
                    "type": "BUTTONS",
                    "buttons": [{"type": "QUICK_REPLY", "text": reply} for reply in replies],
                },
            ],
        )

    return [
        order_update(
            "1190000000000001",
            "en_US",
            "Order {{1}}",
            "Hi {{1}}, your order {{2}} has shipped and arrives on {{3}}.",
            "Reply STOP to unsubscribe",
            ("Thanks!", "Talk to an agent"),
        ),
        order_update(
            "1190000000000002",
            "es",
            "Pedido {{1}}",
            "Hola {{1}}, tu pedido {{2}} fue enviado y llega el {{3}}.",
            "Responde STOP para darte de baja",
            ("¡Gracias!", "Hablar con un agente"),
        ),
        template(
            "1190000000000003",
            "atendimento_retomado",
            "pt_BR",
            "UTILITY",
            [
                body(
                    "Olá {{1}}, retomamos o seu atendimento {{2}}. Responda para continuar.",
                    "Maria",
                    "#77",
                )
            ],
        ),
        template(
            "1190000000000004",
            "ticket_closed",
            "en_US",
            "UTILITY",
            [body("Your request {{1}} was closed. Reply to this message to reopen it.", "#77")],
        ),
        template(
            "1190000000000005",
            "spring_sale",
            "en_US",
            "MARKETING",
            [body("Hi {{1}}! Our spring sale ends on {{2}}.", "Ana", "May 31")],
            status="PAUSED",
        ),
    ]


def parse_multipart(content_type, body):
    """``(fields, files)`` of a multipart/form-data body; files: name -> (filename, type, bytes)."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    form, files = {}, {}
    if not match:
        return form, files
    for chunk in body.split(b"--" + match.group(1).encode())[1:]:
        if chunk.startswith(b"--"):
            break
        head, _sep, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _colon, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name = re.search(r'\bname="([^"]*)"', disposition)
        filename = re.search(r'\bfilename="([^"]*)"', disposition)
        if not name:
            continue
        if filename:
            mimetype = headers.get("content-type", "application/octet-stream")
            files[name.group(1)] = (filename.group(1), mimetype, content)
        else:
            form[name.group(1)] = content.decode("utf-8", "replace")
    return form, files


def _display_format(digits):
    if len(digits) == 11 and digits.startswith("1"):
        return f"+1 {digits[1:4]}-{digits[4:7]}-{digits[7:]}"
    return f"+{digits}"


class _Answer:
    def __init__(self, status, body=b"", content_type="application/json", headers=(), after=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = list(headers)
        self.after = after


_HOLD = object()  # answer nothing: the client times out


def _json_answer(payload, status=200, after=None):
    return _Answer(status, json.dumps(payload).encode(), after=after)


def _graph_error(code, http_status=400, title=None, details=None, subcode=None):
    default_title, default_details = ERRORS.get(code, ("Error", ""))
    error = {
        "message": f"(#{code}) {title or default_title}",
        "type": "OAuthException",
        "code": code,
        "error_data": {
            "messaging_product": "whatsapp",
            "details": details if details is not None else default_details,
        },
        "fbtrace_id": "A" + secrets.token_urlsafe(16),
    }
    if subcode:
        error["error_subcode"] = subcode
    return _json_answer({"error": error}, http_status)


def _missing(parameter):
    return _graph_error(131008, details=f"Parameter '{parameter}' is required.")


def _no_such_object(object_id):
    return _graph_error(
        100,
        title=f"Unsupported request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation.",
        details="",
        subcode=33,
    )


class GraphApiStandIn:
    """Meta's Graph API for one phone number and its WhatsApp Business Account, on localhost."""

    def __init__(
        self,
        access_token="standin-token",
        phone_number_id="1122334455667",
        waba_id="102290129340398",
        display_phone_number="15550783881",
        host="127.0.0.1",
        port=0,
        webhook_url=None,
        app_secret=None,
    ):
        self.access_token = access_token
        self.phone_number_id = str(phone_number_id)
        self.waba_id = str(waba_id)
        self.display_phone_number = display_phone_number
        self.verified_name = "Omnichannel Stand-in"
        self.host = host
        self.port = port
        self.webhook_url = webhook_url
        self.app_secret = app_secret
        self.templates = default_templates()
        self.template_page_size = 2  # small pages, so that clients must follow paging
        self.delivered_delay = 1.0
        self.media_url_ttl = MEDIA_URL_TTL
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server = None
        self._threads = []
        self._webhooks = queue.Queue()
        self._media_ids = itertools.count(1_000_000_000_000_001 + secrets.randbelow(10**12))
        self._media = {}
        self._media_urls = {}
        self._clear()

    def _clear(self):
        self.next_wamids = []
        self._requests = []
        self._sent_messages = []
        self._failures = []
        self._status_failures = []
        self._conversations = {}
        self._outbound = {}
        self._inbound = {}
        self._names = {}  # wa_id -> profile name the customer wrote with
        self._webhook_deliveries = []

    # Life cycle

    @property
    def base_url(self):
        host = "127.0.0.1" if self.host in ("", "0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}"

    def start(self):
        self._stopping.clear()
        self._webhooks = queue.Queue()
        self._server = ThreadingHTTPServer((self.host, self.port), _Handler)
        self._server.standin = self
        self.port = self._server.server_address[1]
        self._threads = [
            threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="graph-api-standin",
                daemon=True,
            ),
            threading.Thread(target=self._send_webhooks, name="standin-webhooks", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self):
        # Wakes held connections, latencies and pending deliveries, so stop() returns at once.
        self._stopping.set()
        self._webhooks.put(None)
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        for thread in self._threads:
            thread.join(timeout=2)
        self._threads = []

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # What happened

    @property
    def requests(self):
        """Graph and media-download requests received, oldest first (a snapshot)."""
        with self._lock:
            return list(self._requests)

    @property
    def sent_messages(self):
        """Bodies POSTed to /messages that sent something (mark-as-read excluded)."""
        with self._lock:
            return list(self._sent_messages)

    @property
    def webhook_deliveries(self):
        """Webhooks posted: dicts kind, payload, status (HTTP or None), answer, time."""
        with self._lock:
            return list(self._webhook_deliveries)

    def reset(self):
        """Forget requests, messages, conversations and pending failures; default templates.
        Media stays."""
        with self._lock:
            self._clear()
            self.templates = default_templates()

    # Scripted behaviour

    def fail_next(
        self,
        path_contains="messages",
        code=131047,
        http_status=None,
        title=None,
        details=None,
        times=1,
        latency=0.0,
        timeout=False,
    ):
        """The next ``times`` requests whose path contains ``path_contains`` fail.

        ``http_status`` None means Meta's usual: 401 for code 190, else 400. ``code`` None with a
        4xx/5xx status answers a plain-text body; with no status it only adds ``latency``.
        ``timeout`` holds the connection without answering (30 s or until stop).
        """
        if code is not None and http_status is None:
            http_status = 401 if code == 190 else 400
        with self._lock:
            self._failures.append(
                {
                    "path_contains": path_contains,
                    "code": code,
                    "http_status": http_status,
                    "title": title,
                    "details": details,
                    "remaining": times,
                    "latency": latency,
                    "timeout": timeout,
                }
            )

    def fail_next_status(self, code=131047, title=None, details=None, times=1):
        """The next ``times`` accepted messages get a ``failed`` status webhook instead of
        sent/delivered (Meta reports 131047 and 131026 this way)."""
        with self._lock:
            self._status_failures.extend([status_error(code, title, details)] * times)

    def add_media(self, content, mimetype, filename=None, media_id=None):
        """Store media (inbound, or as if uploaded) under ``media_id`` or a new numeric id;
        returns the id."""
        media_id = str(media_id or next(self._media_ids))
        with self._lock:
            self._media[media_id] = {
                "content": bytes(content),
                "mimetype": mimetype,
                "filename": filename,
                "sha256": hashlib.sha256(content).hexdigest(),
            }
        return media_id

    def uploaded_media(self, media_id):
        """``(bytes, mimetype, filename)`` of stored media; KeyError when unknown."""
        with self._lock:
            media = self._media[str(media_id)]
        return media["content"], media["mimetype"], media["filename"]

    def expire_media_urls(self):
        """Download URLs handed out so far answer 404; GET /{media_id} gives fresh ones."""
        with self._lock:
            for url in self._media_urls.values():
                url["expires"] = 0

    # HTTP dispatch (called from the handler threads)

    def _handle(self, request):
        path = request["path"]
        if path.startswith("/_standin/"):
            return self._control(request)
        if path == "/sandbox" or path.startswith("/sandbox/"):
            return self._sandbox(request)
        with self._lock:
            self._requests.append(request)
        answer = self._answer(request)
        # Recorded too, so a test can see what a client was told (e.g. the wamid).
        request["status"] = None if answer is _HOLD else answer.status
        if answer is not _HOLD and answer.content_type == "application/json":
            request["answer"] = json.loads(answer.body)
        return answer

    def _answer(self, request):
        path = request["path"]
        failure = self._take_failure(path)
        if failure:
            answer = self._failure_answer(failure)
            if answer is not None:
                return answer
        if path.startswith("/lookaside/"):
            return self._download(request)
        parts = path.strip("/").split("/")
        if len(parts) < 2 or not VERSION_SEGMENT.match(parts[0]):
            return _graph_error(100, 404, title=f"Unknown path components: {path}", details="")
        if not self._authorized(request):
            return _json_answer(
                {
                    "error": {
                        "message": "Invalid OAuth access token - Cannot parse access token",
                        "type": "OAuthException",
                        "code": 190,
                        "fbtrace_id": "A" + secrets.token_urlsafe(16),
                    }
                },
                401,
            )
        return self._graph(request, parts[1:])

    def _authorized(self, request):
        expected = f"Bearer {self.access_token}".encode()
        given = request["headers"].get("authorization", "").encode("utf-8", "replace")
        return hmac.compare_digest(given, expected)

    def _take_failure(self, path):
        with self._lock:
            for failure in self._failures:
                if failure["path_contains"] in path:
                    failure["remaining"] -= 1
                    if failure["remaining"] <= 0:
                        self._failures.remove(failure)
                    return dict(failure)
        return None

    def _failure_answer(self, failure):
        if failure["timeout"]:
            return _HOLD
        if failure["latency"] and self._stopping.wait(failure["latency"]):
            return _Answer(503, b"stopping", "text/plain")
        status = failure["http_status"]
        if failure["code"] is not None:
            return _graph_error(failure["code"], status, failure["title"], failure["details"])
        if status and status >= 400:
            reason = failure["title"] or _Handler.responses.get(status, ("Error",))[0]
            return _Answer(status, reason.encode(), "text/plain")
        return None  # latency only: answer normally

    def _graph(self, request, parts):
        method = request["method"]
        if parts == [self.phone_number_id, "messages"] and method == "POST":
            return self._messages(request)
        if parts == [self.phone_number_id, "media"] and method == "POST":
            return self._upload(request)
        if parts == [self.waba_id, "message_templates"] and method == "GET":
            return self._templates(request)
        if parts == [self.phone_number_id] and method == "GET":
            return self._phone_number(request)
        if len(parts) == 1 and method in ("GET", "DELETE"):
            return self._media_object(request, parts[0])
        if len(parts) == 2 and parts[1] in ("messages", "media", "message_templates"):
            return _no_such_object(parts[0])
        return _graph_error(100, 404, title=f"Unknown path components: {request['path']}")

    # Messages

    def _messages(self, request):
        body = request["json"]
        if not isinstance(body, dict):
            return _graph_error(100, title="Invalid parameter", details="The body must be JSON.")
        if body.get("messaging_product") != "whatsapp":
            return _graph_error(100, title="The parameter messaging_product is required.")
        if body.get("status") == "read":
            if not body.get("message_id"):
                return _missing("message_id")
            self._business_read(body["message_id"])
            return _json_answer({"success": True})
        message_type = body.get("type")
        recipient = body.get("to") or body.get("recipient")
        if not message_type:
            return _missing("type")
        if not isinstance(body.get(message_type), dict):
            return _missing(message_type)
        if not recipient:
            return _missing("to")
        if message_type == "text" and not body["text"].get("body"):
            return _missing("text['body']")
        template = None
        if message_type == "template":
            template, refusal = self._approved_template(body["template"])
            if refusal:
                return refusal
        wa_id = re.sub(r"\D", "", str(recipient)) if body.get("to") else str(recipient)
        with self._lock:  # a test may fix the id Meta gives the next message
            wamid = self.next_wamids.pop(0) if self.next_wamids else new_wamid()
        entry = {
            "id": wamid,
            "direction": "out",
            "type": message_type,
            "text": self._describe(body, template),
            "media_id": (body[message_type].get("id") or None),
            "time": time.time(),
            "status": "accepted",
            "wa_id": wa_id,
            "pricing_category": (template["category"].lower() if template else "service"),
            "billable": bool(template),
            "biz_opaque_callback_data": body.get("biz_opaque_callback_data"),
        }
        with self._lock:
            self._sent_messages.append(body)
            self._conversations.setdefault(wa_id, []).append(entry)
            self._outbound[entry["id"]] = entry
            failed = self._status_failures.pop(0) if self._status_failures else None
        answer = {
            "messaging_product": "whatsapp",
            "contacts": [{"input": recipient, "wa_id": wa_id}],
            "messages": [{"id": entry["id"], "message_status": "accepted"}],
        }
        return _json_answer(answer, after=lambda: self._after_send(entry, failed))

    def _approved_template(self, sent):
        name = sent.get("name")
        language = (sent.get("language") or {}).get("code")
        with self._lock:
            template = next(
                (t for t in self.templates if t["name"] == name and t["language"] == language),
                None,
            )
        if template is None or template["status"] not in ("APPROVED", "PAUSED", "DISABLED"):
            return None, _graph_error(
                132001, details=f"template name ({name}) does not exist in {language}"
            )
        if template["status"] == "PAUSED":
            return None, _graph_error(132015, details=f"Template {name} is paused.")
        if template["status"] == "DISABLED":
            return None, _graph_error(132016, details=f"Template {name} is disabled.")
        for component in template["components"]:
            kind = component["type"].lower()
            if kind not in ("header", "body") or "text" not in component:
                continue
            expected = len(set(PLACEHOLDER.findall(component["text"])))
            given = len(self._parameters(sent, kind))
            if expected != given:
                return None, _graph_error(
                    132000,
                    details=f"{kind}: number of localizable_params ({given}) does not match the "
                    f"expected number of params ({expected})",
                )
        return template, None

    @staticmethod
    def _parameters(sent, kind):
        for component in sent.get("components") or []:
            if str(component.get("type", "")).lower() == kind:
                return component.get("parameters") or []
        return []

    def _describe(self, body, template=None):
        """What the customer sees of an outbound message, as one line for the sandbox."""
        message_type = body["type"]
        content = body[message_type]
        if message_type == "text":
            return content.get("body", "")
        if message_type in ("image", "video", "document", "audio", "sticker"):
            label = content.get("caption") or content.get("filename") or ""
            return f"[{message_type}] {label}".strip()
        if message_type == "reaction":
            emoji = content.get("emoji")
            return f"reacted {emoji}" if emoji else "removed a reaction"
        if message_type == "template" and template:
            lines = []
            for component in template["components"]:
                kind = component["type"].lower()
                if "text" not in component or kind not in ("header", "body", "footer"):
                    continue
                parameters = self._parameters(content, kind)
                values = [p.get("text", "") for p in parameters]
                named = {p.get("parameter_name"): p.get("text", "") for p in parameters}
                lines.append(
                    PLACEHOLDER.sub(
                        lambda match, values=values, named=named: self._fill(match, values, named),
                        component["text"],
                    )
                )
            return "\n".join(lines)
        if message_type == "interactive":
            return (content.get("body") or {}).get("text") or "[interactive]"
        if message_type == "location":
            return f"[location] {content.get('name') or ''}".strip()
        return f"[{message_type}]"

    @staticmethod
    def _fill(match, values, named):
        key = match.group(1)
        if key.isdigit() and 0 < int(key) <= len(values):
            return values[int(key) - 1]
        return named.get(key, match.group(0))

    def _after_send(self, entry, failed):
        # Runs after the HTTP answer went out, as Meta's webhooks follow its response.
        if failed:
            self._set_status(entry, "failed", errors=[failed])
            return
        self._set_status(entry, "sent")
        if entry["type"] == "reaction":
            return  # Meta sends only "sent" for reactions
        timer = threading.Timer(self.delivered_delay, self._set_status, (entry, "delivered"))
        timer.daemon = True
        timer.start()

    def _set_status(self, entry, status, errors=None):
        """Move an outbound message forward (never back) and queue one webhook per step."""
        with self._lock:
            if self._stopping.is_set() or entry["status"] == "failed":
                return
            steps = [
                step
                for step in ("sent", "delivered", "read")
                if STATUS_RANK[entry["status"]] < STATUS_RANK[step] <= STATUS_RANK[status]
            ]
            if status == "failed":
                steps = ["failed"]
            for step in steps:
                entry["status"] = step
                item = status_item(
                    entry["id"],
                    step,
                    entry["wa_id"],
                    pricing_category=entry["pricing_category"],
                    billable=entry["billable"],
                    biz_opaque_callback_data=entry["biz_opaque_callback_data"],
                    errors=errors if step == "failed" else None,
                )
                contact = {"wa_id": entry["wa_id"], "user_id": bsuid_for(entry["wa_id"])}
                if self._names.get(entry["wa_id"]):
                    contact["profile"] = {"name": self._names[entry["wa_id"]]}
                payload = status_webhook(
                    self.phone_number_id,
                    self.display_phone_number,
                    self.waba_id,
                    [item],
                    contacts=[contact],
                )
                # Queued under the lock, so webhooks leave in the order the steps happened.
                if self.webhook_url and self.app_secret:
                    self._webhooks.put(("status", payload))

    def _business_read(self, message_id):
        # Marking one message read marks the earlier ones of that conversation too.
        with self._lock:
            entry = self._inbound.get(message_id)
            if not entry:
                return
            for other in self._conversations.get(entry["wa_id"], []):
                if other["direction"] == "in" and other["time"] <= entry["time"]:
                    other["status"] = "read"

    def _send_webhooks(self):
        # One sender, so webhooks leave in the order they were queued.
        while True:
            item = self._webhooks.get()
            if item is None or self._stopping.is_set():
                return
            self._post(*item)

    def _post(self, kind, payload):
        status, answer = post_webhook(self.webhook_url, payload, self.app_secret)
        if status != 200:
            _logger.warning("webhook %s answered %s: %s", kind, status, answer[:200])
        with self._lock:
            self._webhook_deliveries.append(
                {
                    "kind": kind,
                    "payload": payload,
                    "status": status,
                    "answer": answer,
                    "time": time.time(),
                }
            )
        return status, answer

    # Media

    def _upload(self, request):
        form, files = request["form"], request["files"]
        if form.get("messaging_product") != "whatsapp":
            return _graph_error(100, title="The parameter messaging_product is required.")
        if "file" not in files:
            return _missing("file")
        filename, mimetype, content = files["file"]
        mimetype = form.get("type") or mimetype
        return _json_answer({"id": self.add_media(content, mimetype, filename)})

    def _media_object(self, request, media_id):
        with self._lock:
            media = self._media.get(media_id)
            if media and request["method"] == "DELETE":
                del self._media[media_id]
                return _json_answer({"success": True})
        if not media:
            return _no_such_object(media_id)
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._media_urls[token] = {
                "media_id": media_id,
                "expires": time.monotonic() + self.media_url_ttl,
            }
        query = urlencode({"mid": media_id, "ext": int(time.time()), "hash": token[:12]})
        return _json_answer(
            {
                "messaging_product": "whatsapp",
                "url": f"{self.base_url}/lookaside/{token}?{query}",
                "mime_type": media["mimetype"],
                "sha256": media["sha256"],
                "file_size": len(media["content"]),
                "id": media_id,
            }
        )

    def _download(self, request):
        if not self._authorized(request):
            return _Answer(401, b"Unauthorized", "text/plain")
        token = request["path"].removeprefix("/lookaside/")
        with self._lock:
            url = self._media_urls.get(token)
            media = url and time.monotonic() < url["expires"] and self._media.get(url["media_id"])
        if not media:
            return _Answer(404, b"Not Found", "text/plain")
        headers = []
        if media["filename"]:
            safe_name = re.sub(r"[^A-Za-z0-9._\- ]", "_", media["filename"])  # latin-1 header
            headers.append(("Content-Disposition", f'attachment; filename="{safe_name}"'))
        return _Answer(200, media["content"], media["mimetype"], headers)

    # Account

    def _phone_number(self, request):
        details = {
            "verified_name": self.verified_name,
            "code_verification_status": "VERIFIED",
            "display_phone_number": _display_format(self.display_phone_number),
            "quality_rating": "GREEN",
            "platform_type": "CLOUD_API",
            "throughput": {"level": "STANDARD"},
            "id": self.phone_number_id,
        }
        fields = request["query"].get("fields")
        if fields:
            wanted = {field.strip() for field in fields.split(",")} | {"id"}
            details = {key: value for key, value in details.items() if key in wanted}
        return _json_answer(details)

    def _templates(self, request):
        query = request["query"]
        with self._lock:
            templates = copy.deepcopy(self.templates)
        if query.get("status"):
            statuses = set(query["status"].split(","))
            templates = [t for t in templates if t["status"] in statuses]
        if query.get("language"):
            languages = set(query["language"].split(","))
            templates = [t for t in templates if t["language"] in languages]
        if query.get("name"):
            templates = [t for t in templates if query["name"] in t["name"]]
        try:
            limit = max(1, int(query.get("limit") or 25))
            start = int(base64.b64decode(query.get("after") or "MA==").decode())
        except ValueError:
            return _graph_error(100, title="Invalid parameter", details="bad limit or cursor")
        size = min(limit, self.template_page_size or limit)
        page = templates[start : start + size]
        end = start + len(page)
        answer = {
            "data": page,
            "paging": {
                "cursors": {
                    "before": base64.b64encode(str(start).encode()).decode(),
                    "after": base64.b64encode(str(end).encode()).decode(),
                }
            },
        }
        if end < len(templates):
            params = {k: v for k, v in query.items() if k != "after"}
            params["after"] = answer["paging"]["cursors"]["after"]
            answer["paging"]["next"] = (
                f"{self.base_url}{request['path']}?{urlencode(params)}"  # no token, unlike Meta
            )
        if "summary" in query:
            answer["summary"] = {
                "total_count": len(templates),
                "message_template_count": len(templates),
                "message_template_limit": 250,
                "are_translations_complete": True,
            }
        return _json_answer(answer)

    # Control endpoints, for a stand-in running in another process

    def _control(self, request):
        action = request["path"].removeprefix("/_standin/")
        method = request["method"]
        kwargs = request["json"] if isinstance(request["json"], dict) else {}
        try:
            if action == "fail_next" and method == "POST":
                self.fail_next(**kwargs)
            elif action == "fail_next_status" and method == "POST":
                self.fail_next_status(**kwargs)
            elif action == "reset" and method == "POST":
                self.reset()
            elif action == "expire_media_urls" and method == "POST":
                self.expire_media_urls()
            elif action == "media" and method == "POST":
                media_id = self.add_media(
                    request["body"],
                    request["headers"].get("content-type", "application/octet-stream"),
                    request["query"].get("filename"),
                )
                return _json_answer({"id": media_id})
            elif action == "requests" and method == "GET":
                return _json_answer([_jsonable(r) for r in self.requests])
            elif action == "sent_messages" and method == "GET":
                return _json_answer(self.sent_messages)
            elif action == "webhooks" and method == "GET":
                return _json_answer(self.webhook_deliveries)
            else:
                return _json_answer({"error": f"unknown control {method} {action}"}, 404)
        except TypeError as exc:
            return _json_answer({"error": str(exc)}, 400)
        return _json_answer({"ok": True})

    # Sandbox: a person plays the customer

    def _sandbox(self, request):
        if not (self.webhook_url and self.app_secret):
            return _Answer(
                404,
                b"The sandbox needs a webhook URL and an app secret (--webhook-url, --app-secret).",
                "text/plain",
            )
        action = request["path"].removeprefix("/sandbox").strip("/")
        if action == "" and request["method"] == "GET":
            return _Answer(200, self._sandbox_page(), "text/html; charset=utf-8")
        if action == "messages" and request["method"] == "GET":
            number = re.sub(r"\D", "", request["query"].get("number", ""))
            with self._lock:
                entries = [self._public_entry(e) for e in self._conversations.get(number, [])]
            return _json_answer({"number": number, "messages": entries})
        if action.startswith("media/") and request["method"] == "GET":
            with self._lock:
                media = self._media.get(action.removeprefix("media/"))
            if not media:
                return _Answer(404, b"Not Found", "text/plain")
            return _Answer(200, media["content"], media["mimetype"])
        data = request["json"] if isinstance(request["json"], dict) else {}
        if action == "send" and request["method"] == "POST":
            fields = {k: data[k] for k in ("number", "name", "text", "image") if data.get(k)}
            return _json_answer(self.customer_sends(**{"number": "", **fields}))
        if action == "read" and request["method"] == "POST":
            return _json_answer({"read": self.customer_reads(data.get("number", ""))})
        return _Answer(404, b"Not Found", "text/plain")

    def customer_sends(self, number, name="Maria Customer", text=None, image=None):
        """The customer writes: a signed message webhook goes to Odoo now.

        ``image``: {"data": base64, "mime_type", "filename", "caption"}. Returns ok, status, error,
        id (the inbound wamid).
        """
        wa_id = re.sub(r"\D", "", str(number))
        if not wa_id or not (text or image):
            return {"ok": False, "status": None, "error": "a number and a text or image are needed"}
        if image:
            content = base64.b64decode(image.get("data") or "")
            mimetype = image.get("mime_type") or "application/octet-stream"
            media_id = self.add_media(content, mimetype, image.get("filename"))
            media_type = "image" if mimetype.startswith("image/") else "document"
            message = media_message(
                wa_id,
                media_type,
                media_id,
                mimetype,
                content=content,
                caption=image.get("caption") or None,
                filename=image.get("filename"),
            )
            label = f"[{media_type}] {image.get('caption') or ''}".strip()
        else:
            media_id = None
            message = text_message(wa_id, text)
            label = text
        payload = message_webhook(
            self.phone_number_id,
            self.display_phone_number,
            self.waba_id,
            wa_id,
            name,
            message,
            user_id=bsuid_for(wa_id),
        )
        entry = {
            "id": message["id"],
            "direction": "in",
            "type": message["type"],
            "text": label,
            "media_id": media_id,
            "time": time.time(),
            "status": "sent",
            "wa_id": wa_id,
        }
        with self._lock:
            self._conversations.setdefault(wa_id, []).append(entry)
            self._inbound[entry["id"]] = entry
            self._names[wa_id] = name
        status, answer = self._post("message", payload)
        with self._lock:
            if status == 200:
                entry["status"] = "read" if entry["status"] == "read" else "delivered"
            else:
                entry["status"] = "failed"
                entry["note"] = f"Odoo answered {status or 'nothing'}: {answer[:200]}"
        error = None if status == 200 else f"{answer[:300]}"
        return {"ok": status == 200, "status": status, "error": error, "id": entry["id"]}

    def customer_reads(self, number):
        """The customer has seen the agent's messages: "read" webhooks; returns their ids."""
        wa_id = re.sub(r"\D", "", str(number))
        with self._lock:
            unread = [
                entry
                for entry in self._conversations.get(wa_id, [])
                if entry["direction"] == "out"
                and entry["type"] != "reaction"
                and entry["status"] in ("accepted", "sent", "delivered")
            ]
            for entry in unread:
                self._set_status(entry, "read")
        return [entry["id"] for entry in unread]

    def _public_entry(self, entry):
        public = {
            key: entry.get(key) for key in ("id", "direction", "type", "text", "time", "status")
        }
        public["note"] = entry.get("note", "")
        media_id = entry.get("media_id")
        public["media_url"] = f"/sandbox/media/{media_id}" if media_id in self._media else None
        return public

    def _sandbox_page(self):
        page = SANDBOX_PAGE
        for marker, value in (
            ("__DISPLAY__", _display_format(self.display_phone_number)),
            ("__PHONE_NUMBER_ID__", self.phone_number_id),
            ("__WEBHOOK_URL__", self.webhook_url),
        ):
            page = page.replace(marker, html.escape(str(value)))
        return page.encode()


def _jsonable(request):
    files = {
        name: {"filename": f[0], "mimetype": f[1], "size": len(f[2])}
        for name, f in (request.get("files") or {}).items()
    }
    return {**{k: v for k, v in request.items() if k != "body"}, "files": files}


class _Handler(BaseHTTPRequestHandler):
    server_version = "GraphApiStandIn/1.0"

    def do_GET(self):
        self._serve()

    def do_POST(self):
        self._serve()

    def do_DELETE(self):
        self._serve()

    def log_message(self, fmt, *args):
        _logger.debug("%s %s", self.address_string(), fmt % args)

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if not size:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _request(self):
        split = urlsplit(self.path)
        body = self._read_body()
        headers = {key.lower(): value for key, value in self.headers.items()}
        content_type = headers.get("content-type", "")
        parsed_json, form, files = None, {}, {}
        if content_type.startswith("multipart/form-data"):
            form, files = parse_multipart(content_type, body)
        elif body and "json" in content_type:
            try:
                parsed_json = json.loads(body)
            except ValueError:
                parsed_json = None
        return {
            "method": self.command,
            "path": split.path,
            "query": {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()},
            "headers": headers,
            "json": parsed_json,
            "form": form,
            "files": files,
            "body": body,
            "time": time.time(),
            "status": None,
            "answer": None,
        }

    def _serve(self):
        standin = self.server.standin
        try:
            answer = standin._handle(self._request())
        except Exception:
            _logger.exception("stand-in failed on %s %s", self.command, self.path)
            answer = _graph_error(1, 500, title="An unknown error occurred", details="")
        if answer is _HOLD:
            standin._stopping.wait(HOLD_SECONDS)
            self.close_connection = True
            return
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (its timeout); what it sent still happened.
            _logger.debug("client left before the answer to %s %s", self.command, self.path)
        if answer.after:
            answer.after()


SANDBOX_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>WhatsApp sandbox</title>
<style>
body { font-family: sans-serif; max-width: 46rem; margin: 1rem auto; }
#log { height: 55vh; overflow-y: auto; background: #efeae2; padding: .5rem;
       border: 1px solid #ccc; }
.msg { clear: both; max-width: 70%; margin: .3rem 0; padding: .4rem .6rem; border-radius: .5rem;
       background: #fff; white-space: pre-wrap; }
.in { float: right; background: #d9fdd3; }
.out { float: left; }
.meta { font-size: .75rem; color: #667781; text-align: right; }
.meta.read { color: #53bdeb; }
.msg img { max-width: 14rem; display: block; }
#error { color: #b00020; min-height: 1.2rem; }
form { margin: .4rem 0; }
</style></head><body>
<h1>WhatsApp sandbox</h1>
<p>You are the customer writing to <b>__DISPLAY__</b> (phone number id __PHONE_NUMBER_ID__).
Messages go to <code>__WEBHOOK_URL__</code> as signed webhooks.</p>
<p><label>Name <input id="name" value="Maria Customer"></label>
<label>Number <input id="number" value="5511987654321"></label></p>
<div id="log"></div>
<div id="error"></div>
<form id="text-form"><input id="text" size="50" autocomplete="off" placeholder="Type a message">
<button>Send</button></form>
<form id="image-form"><input id="image" type="file" accept="image/*">
<input id="caption" placeholder="Caption"><button>Send image</button></form>
<script>
const $ = (id) => document.getElementById(id);
const TICKS = { accepted: "\\u231a", sent: "\\u2713", delivered: "\\u2713\\u2713",
                read: "\\u2713\\u2713", failed: "\\u26a0" };
let shown = "";
const number = () => $("number").value.replace(/\\D/g, "");
const showError = (text) => { $("error").textContent = text || ""; };

async function post(url, body) {
  const response = await fetch(url, { method: "POST", body: JSON.stringify(body),
                                      headers: { "Content-Type": "application/json" } });
  return response.json();
}

function render(messages) {
  const key = JSON.stringify(messages);
  if (key === shown) return;
  shown = key;
  const log = $("log");
  log.replaceChildren();
  for (const message of messages) {
    const bubble = document.createElement("div");
    bubble.className = "msg " + message.direction;
    if (message.media_url) {
      const image = document.createElement("img");
      image.src = message.media_url;
      bubble.append(image);
    }
    bubble.append(document.createTextNode(message.text));
    const meta = document.createElement("div");
    meta.className = "meta" + (message.status === "read" ? " read" : "");
    meta.textContent = new Date(message.time * 1000).toLocaleTimeString() + " "
      + (TICKS[message.status] || message.status) + (message.note ? " " + message.note : "");
    bubble.append(meta);
    log.append(bubble);
  }
  log.scrollTop = log.scrollHeight;
}

async function poll() {
  try {
    const response = await fetch("/sandbox/messages?number=" + encodeURIComponent(number()));
    const data = await response.json();
    render(data.messages);
    // Shown on screen: the customer has read the agent's messages.
    if (data.messages.some((m) => m.direction === "out" && m.type !== "reaction"
                                  && ["accepted", "sent", "delivered"].includes(m.status))) {
      await post("/sandbox/read", { number: number() });
    }
  } catch (error) {
    showError("The stand-in does not answer: " + error);
  }
}

async function send(body) {
  const result = await post("/sandbox/send", { name: $("name").value, number: number(), ...body });
  showError(result.ok ? "" : "Odoo answered " + (result.status || "nothing") + ": "
                             + (result.error || ""));
  poll();
}

$("text-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("text").value.trim();
  if (!text) return;
  $("text").value = "";
  send({ text });
});

$("image-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const file = $("image").files[0];
  if (!file) return;
  const reader = new FileReader();
  reader.onload = () => {
    send({ image: { data: reader.result.split(",")[1], mime_type: file.type,
                    filename: file.name, caption: $("caption").value } });
    $("image").value = "";
    $("caption").value = "";
  };
  reader.readAsDataURL(file);
});

$("number").addEventListener("change", () => { shown = ""; poll(); });
poll();
setInterval(poll, 2000);
</script>
</body></html>
"""


# Command line


def _serve(args):
    standin = GraphApiStandIn(
        access_token=args.access_token,
        phone_number_id=args.phone_number_id,
        waba_id=args.waba_id,
        display_phone_number=args.display_phone_number,
        host=args.host,
        port=args.port,
        webhook_url=args.webhook_url,
        app_secret=args.app_secret,
    ).start()
    sys.stdout.write(f"Graph API stand-in on {standin.base_url}\n")
    if standin.webhook_url and standin.app_secret:
        sys.stdout.write(f"Sandbox: {standin.base_url}/sandbox -> {standin.webhook_url}\n")
    sys.stdout.flush()
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        sys.stdout.write("stopping\n")
    finally:
        standin.stop()
    return 0


def _send(args):
    wa_id = re.sub(r"\D", "", args.wa_id)
    if args.image:
        if not args.standin_url:
            sys.stderr.write("--image needs --standin-url (the running stand-in stores media)\n")
            return 2
        path = Path(args.image)
        content = path.read_bytes()
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        upload = urllib_request.Request(
            f"{args.standin_url.rstrip('/')}/_standin/media?{urlencode({'filename': path.name})}",
            data=content,
            method="POST",
            headers={"Content-Type": mimetype},
        )
        with urllib_request.urlopen(upload, timeout=WEBHOOK_TIMEOUT) as response:
            media_id = json.loads(response.read())["id"]
        media_type = "image" if mimetype.startswith("image/") else "document"
        message = media_message(
            wa_id,
            media_type,
            media_id,
            mimetype,
            content=content,
            caption=args.caption,
            filename=path.name,
        )
    else:
        message = text_message(wa_id, args.text)
    payload = message_webhook(
        args.phone_number_id,
        args.display_phone_number,
        args.waba_id,
        wa_id,
        args.name,
        message,
        user_id=bsuid_for(wa_id),
    )
    status, answer = post_webhook(args.webhook_url, payload, args.app_secret)
    sys.stdout.write(f"{message['id']} -> {status or 'no answer'} {answer[:200]}\n")
    return 0 if status == 200 else 1


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("serve", "send", "-h", "--help"):
        argv.insert(0, "serve")  # `graph_api_standin.py --port 8070` serves
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    def account(command, webhook_required):
        command.add_argument("--phone-number-id", default="1122334455667")
        command.add_argument("--display-phone-number", default="15550783881")
        command.add_argument("--waba-id", default="102290129340398")
        command.add_argument("--webhook-url", required=webhook_required)
        command.add_argument("--app-secret", required=webhook_required)

    serve = commands.add_parser("serve", help="run the stand-in (and its sandbox) until Ctrl-C")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8070)
    serve.add_argument("--access-token", default="standin-token")
    account(serve, webhook_required=False)
    send = commands.add_parser("send", help="post one signed customer message webhook")
    account(send, webhook_required=True)
    send.add_argument("--from", dest="wa_id", default="5511987654321")
    send.add_argument("--name", default="Maria Customer")
    content = send.add_mutually_exclusive_group(required=True)
    content.add_argument("--text")
    content.add_argument("--image", help="a file; needs --standin-url")
    send.add_argument("--caption")
    send.add_argument("--standin-url", help="the running stand-in, e.g. http://127.0.0.1:8070")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    return _serve(args) if args.command == "serve" else _send(args)


if __name__ == "__main__":
    sys.exit(main())
