"""The production profile, ``make run WORKERS=N``: Odoo prefork as deployed.

On a database with the addons and their demo data (the demo WhatsApp number and agents of
``make run``), Odoo starts with the command line ``make run WORKERS=2`` builds
(``odoo_env.prefork_args``: 2 HTTP workers, cron workers, the gevent port). A customer's
WhatsApp message posted, signed, to the HTTP port reaches the agent's websocket on the gevent
port: the webhook stores it and queues its customer's job, queue_job's runner (a process of its
own) has an HTTP worker run it, the gevent process pushes the notifications. The same again on
the one URL of tools/devproxy.py.
"""

import contextlib
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import devserver
import odoo_env
import pytest
import requests
import websocket
from conftest import REPO, run
from run_tests import OdooLogReport

DB = "omnichannel_test_prefork"
MODULES = ("omnichannel_chat", "omnichannel_whatsapp")
HTTP_WORKERS = 2
# The demo agent Ana is in team Customer Support, where the demo number's customers queue.
AGENT = "ana"
PASSWORDS = {login: password for login, password, _role in devserver.DEMO_LOGINS}
NUMBER_ID = devserver.DEMO_WHATSAPP["--phone-number-id"]
WABA_ID = devserver.DEMO_WHATSAPP["--waba-id"]
APP_SECRET = devserver.DEMO_WHATSAPP["--app-secret"]
DISPLAY_NUMBER = "15550783881"
START_TIMEOUT = 120
# The webhook answers first; the customer's job, run by an HTTP worker, does the rest.
ARRIVAL_TIMEOUT = 60

STANDIN_PATH = REPO / "omnichannel_whatsapp" / "tests" / "graph_api_standin.py"
_spec = importlib.util.spec_from_file_location("graph_api_standin", STANDIN_PATH)
standin = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(standin)


def websocket_version():
    """The version Odoo's own websocket worker sends (an outdated one is disconnected)."""
    source = odoo_env.odoo_dir()
    for bus in (source / "odoo" / "addons" / "bus", source / "addons" / "bus"):
        if (bus / "websocket.py").exists():
            return re.search(r'_VERSION = "([^"]+)"', (bus / "websocket.py").read_text())[1]
    pytest.fail(f"Odoo's bus/websocket.py not found under {source}")


def free_ports(count):
    """Distinct free ports: each held until all are chosen."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


# The profile, started once ------------------------------------------------------------------


@dataclass
class Profile:
    http_port: int
    gevent_port: int
    proxy_port: int
    log_path: Path

    def url(self, port, scheme="http"):
        return f"{scheme}://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def prefork_db(bootstrapped):
    """The addons with their demo data, installed once in a fresh database of the project's."""
    odoo_env.recreate_db(DB)
    result = run(
        odoo_env.odoo_args(DB, odoo_env.free_port())
        + ["-i", ",".join(MODULES), "--stop-after-init", "--no-http", "--log-level=warn"]
    )
    output = (result.stdout + result.stderr)[-3000:]
    assert result.returncode == 0, f"installing {MODULES} into {DB} failed:\n{output}"
    return DB


@pytest.fixture(scope="module")
def prefork(prefork_db):
    """Odoo prefork and the dev proxy in front, stopped (process groups killed) at the end;
    an ERROR line in their log fails the module."""
    http_port, gevent_port, proxy_port = free_ports(3)
    log_path = odoo_env.cache_dir() / "logs" / "prefork-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    profile = Profile(http_port, gevent_port, proxy_port, log_path)
    with open(log_path, "w", encoding="utf-8") as log:
        processes = []
        try:
            processes.append(
                start(odoo_env.prefork_args(DB, http_port, gevent_port, HTTP_WORKERS), log)
            )
            processes.append(start(odoo_env.devproxy_args(proxy_port, http_port, gevent_port), log))
            wait_until_serving(profile, processes)
            yield profile
        finally:
            for process in processes:
                stop(process)
    report = OdooLogReport()
    for line in profile.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        report.feed(line)
    assert not report.error_lines, "\n".join(report.error_lines[:20])


def start(cmd, log):
    return subprocess.Popen(
        cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
    )


def stop(process):
    """SIGTERM to the process group (Odoo's master stops its workers and gevent process), then
    SIGKILL to whatever is left of it."""
    signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pass
    signal_group(process, signal.SIGKILL)
    process.wait(timeout=10)


def signal_group(process, sig):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def wait_until_serving(profile, processes):
    checks = [
        profile.url(profile.http_port) + "/web/health",
        profile.url(profile.gevent_port) + "/websocket/health",
        profile.url(profile.proxy_port) + "/web/health",
    ]
    deadline = time.monotonic() + START_TIMEOUT
    while checks:
        if any(process.poll() is not None for process in processes):
            pytest.fail(f"the server stopped while starting:\n{log_tail(profile)}")
        if time.monotonic() > deadline:
            pytest.fail(f"not serving after {START_TIMEOUT}s: {checks}\n{log_tail(profile)}")
        try:
            if requests.get(checks[0], timeout=5).status_code == 200:
                checks.pop(0)
                continue
        except requests.RequestException:
            pass
        time.sleep(0.5)


def log_tail(profile, lines=60):
    text = profile.log_path.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


# The customer, the agent --------------------------------------------------------------------


def agent_session(base_url):
    session = requests.Session()
    reply = session.post(
        f"{base_url}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"db": DB, "login": AGENT, "password": PASSWORDS[AGENT]},
        },
        timeout=60,
    )
    reply.raise_for_status()
    assert reply.json().get("result", {}).get("uid"), f"{AGENT} cannot log in: {reply.text[:500]}"
    return session


def open_websocket(ws_base_url, session):
    """The agent's websocket as the web client opens and subscribes it (its own channels)."""
    ws = websocket.create_connection(
        f"{ws_base_url}/websocket?version={websocket_version()}",
        cookie=f"session_id={session.cookies['session_id']}",
        timeout=30,  # the gevent process loads the registry on the first one
    )
    ws.send(json.dumps({"event_name": "subscribe", "data": {"channels": [], "last": 0}}))
    ws.settimeout(1)
    return ws


def customer_writes(base_url, marker):
    """A new customer's text to the demo number, signed as Meta signs it."""
    wa_id = f"55119{uuid.uuid4().int % 10**8:08d}"
    payload = standin.build_text_webhook(
        NUMBER_ID, DISPLAY_NUMBER, WABA_ID, wa_id, f"Customer {marker}", f"Hello from {marker}"
    )
    url = f"{base_url}/omnichannel/whatsapp/webhook"
    status, answer = standin.post_webhook(url, payload, APP_SECRET)
    assert status == 200, f"the webhook answered {status}: {answer}"
    return wa_id, payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]


def wait_for_arrival(ws, marker, profile):
    """The agent's websocket tells of the new conversation in their queue and of its message;
    returns the seconds it took."""
    expected = {
        "the queued conversation": lambda kind, payload: (
            kind == "omnichannel.conversation/changed"
            and payload.get("change") == "queued"
            and marker in payload.get("name", "")
        ),
        "the customer's message": lambda kind, payload: (
            kind == "discuss.channel/new_message" and marker in json.dumps(payload)
        ),
    }
    received = Counter()
    started = time.monotonic()
    while expected and time.monotonic() - started < ARRIVAL_TIMEOUT:
        try:
            notifications = json.loads(ws.recv())
        except websocket.WebSocketTimeoutException:
            continue
        except websocket.WebSocketException as error:
            pytest.fail(f"the agent's websocket closed: {error!r}\n{log_tail(profile)}")
        for notification in notifications:
            kind, payload = notification["message"]["type"], notification["message"]["payload"]
            received[kind] += 1
            for name, matches in list(expected.items()):
                if matches(kind, payload):
                    del expected[name]
    if expected:
        pytest.fail(
            f"after {ARRIVAL_TIMEOUT}s the agent's websocket still lacks {', '.join(expected)} "
            f"of customer {marker}; it received {dict(received) or 'nothing'}.\n"
            f"{log_tail(profile)}"
        )
    return time.monotonic() - started


def new_marker():
    return uuid.uuid4().hex[:10]


# The tests -----------------------------------------------------------------------------------


def test_whatsapp_message_reaches_agent_websocket_in_prefork(prefork):
    session = agent_session(prefork.url(prefork.http_port))
    ws = open_websocket(prefork.url(prefork.gevent_port, "ws"), session)
    try:
        marker = new_marker()
        customer_writes(prefork.url(prefork.http_port), marker)
        took = wait_for_arrival(ws, marker, prefork)
    finally:
        ws.close()
    print(f"webhook -> customer's job -> agent's websocket: {took:.1f}s")
    done = odoo_env.psql(
        "SELECT count(*) FROM queue_job WHERE channel = 'root.omnichannel_inbound' "
        "AND state = 'done'",
        DB,
    )
    assert int(done) >= 1, "the message did not come through queue_job"


def test_one_url_serves_desk_bus_and_webhook_through_devproxy(prefork):
    base = prefork.url(prefork.proxy_port)
    session = agent_session(base)
    desk = session.get(f"{base}/odoo/discuss", timeout=60)
    assert desk.status_code == 200, desk.text[:500]
    assert "odoo.__session_info__" in desk.text  # the web client, logged in
    ws = open_websocket(prefork.url(prefork.proxy_port, "ws"), session)
    try:
        marker = new_marker()
        customer_writes(base, marker)
        wait_for_arrival(ws, marker, prefork)
    finally:
        ws.close()


# The proxy alone, against stand-ins of Odoo's two ports --------------------------------------


class FakeOdooHttp(BaseHTTPRequestHandler):
    """Echoes what reached it, in an answer without a length (closed to end it)."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):
        seen = {
            "body": self.rfile.read(int(self.headers["Content-Length"])).decode(),
            "host": self.headers["Host"],
            "forwarded": [self.headers[f"X-Forwarded-{k}"] for k in ("For", "Host", "Proto")],
        }
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(json.dumps(seen).encode())

    def log_message(self, *args):
        pass


def fake_gevent_port(listener):
    """Answers a websocket handshake with 101, then echoes every byte."""
    conn, _address = listener.accept()
    with conn:
        head = b""
        while b"\r\n\r\n" not in head:
            head += conn.recv(4096)
        conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
        while data := conn.recv(4096):
            conn.sendall(data)


def test_devproxy_keeps_alive_rechunks_and_tunnels():
    http_backend = ThreadingHTTPServer(("127.0.0.1", 0), FakeOdooHttp)
    threading.Thread(target=http_backend.serve_forever, daemon=True).start()
    gevent_listener = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=fake_gevent_port, args=(gevent_listener,), daemon=True).start()
    (proxy_port,) = free_ports(1)
    proxy = subprocess.Popen(
        odoo_env.devproxy_args(
            proxy_port, http_backend.server_port, gevent_listener.getsockname()[1]
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proxy.stdout.readline().startswith(f"[proxy] port {proxy_port}")
        base = f"http://127.0.0.1:{proxy_port}"
        with requests.Session() as session:  # one kept-alive connection for both
            for body in ("first", "second" * 5000):
                answer = session.post(f"{base}/omnichannel/whatsapp/webhook", data=body)
                assert answer.headers["Transfer-Encoding"] == "chunked"
                assert answer.json() == {
                    "body": body,
                    "host": f"127.0.0.1:{proxy_port}",
                    "forwarded": ["127.0.0.1", f"127.0.0.1:{proxy_port}", "http"],
                }
        with socket.create_connection(("127.0.0.1", proxy_port), timeout=10) as client:
            client.sendall(
                b"GET /websocket?version=1 HTTP/1.1\r\nHost: x\r\n"
                b"Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
            )
            reader = client.makefile("rb")
            assert reader.readline().startswith(b"HTTP/1.1 101")
            while reader.readline() != b"\r\n":
                pass
            client.sendall(b"frames pass both ways")
            assert reader.read(len(b"frames pass both ways")) == b"frames pass both ways"
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        http_backend.shutdown()
        gevent_listener.close()
