"""``make bench``: the project's benchmarks on a fresh database, printed as one table.

The first row is the reference, measured in the same run: a bare ``message_post`` of a text
message into a ``discuss.channel`` with two members, committing each message. Other rows are
read against it (a ratio to the reference is stable across machines; absolute figures are not).

In-process rows (through the registry, committing each operation) give ms/op and queries/op:
the conversation actions and a WhatsApp text message processed from its stored webhook row into
its customer's open conversation. HTTP rows run against a real Odoo HTTP server started on the
bench database as a subprocess (no cron thread, so nothing processes rows meanwhile): signed
WhatsApp webhook POSTs through one session, each storing its message, Odoo's own
``GET /web/health`` for comparison, and the website live chat in queue mode as its visitors use
it (a new visitor opening a session, a visitor with a session posting a message). They give
requests/s and the p50/p95 of each request's wall time; their queries/op is the mean query count
the server logs on each timed request's access line (werkzeug at INFO, captured to a file;
Odoo appends query count, query time and remaining time). Acceptance checks follow the table.

Add a benchmark by appending a function to BENCHMARKS: it gets the registry and the parsed
options (``args.count``, ``args.requests``) and returns a Row or a list of rows.
"""

import argparse
import contextlib
import importlib.util
import json
import logging
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env

BENCH_DB = "omnichannel_bench"
STANDIN_PATH = odoo_env.REPO / "omnichannel_whatsapp" / "tests" / "graph_api_standin.py"
# What the bench's WhatsApp accounts are: fake, and never calling Meta (port 9 is discard).
APP_SECRET = "bench-secret"
WEBHOOK_NUMBER_ID = "1550000000001"
INGEST_NUMBER_ID = "1550000000002"
WEBHOOK_CUSTOMERS = 50
HTTP_WARMUP = 20
SERVER_START_TIMEOUT = 180
LIVECHAT_WARMUP = 10
LIVECHAT_VISITORS = 20  # visitors with a session, posting in turn for the message row
SERVER_LOG = "bench-http-server.log"  # in the cache's logs/, overwritten by each run
# An access line of the server's log: werkzeug's request line, status and size, then Odoo's
# query count, query time and remaining time ("-" where nothing was counted).
ACCESS_LINE = re.compile(
    r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[0-9.]+" (?P<status>\d{3}) \S+ (?P<queries>\d+|-) '
)

INGEST_ROW = "WhatsApp text message ingested into its open conversation"
WEBHOOK_ROW = "webhook: signed POST stored, {count:,} on real HTTP"
HEALTH_ROW = "/web/health (Odoo's own route), {count:,} on real HTTP"
LIVECHAT_SESSION_ROW = "live chat: visitor session start (queue mode)"
LIVECHAT_POST_ROW = "live chat: visitor message post"


@dataclass
class Row:
    name: str
    per_second: float
    unit: str
    queries_per_op: float | None = None  # None: not counted (another process)
    p50_ms: float | None = None  # per-request latencies, for the HTTP rows
    p95_ms: float | None = None


def measure(env, operation, count, warmup):
    """Run operation(i) for i in 0..warmup+count, committing each; time the last count:
    (ops/s, queries/op). Each i is used once, so operations may consume records."""
    from odoo import sql_db  # noqa: PLC0415 - odoo is importable only inside the bootstrap

    for i in range(warmup):
        operation(i)
        env.cr.commit()
    queries_before, started = sql_db.sql_counter, time.perf_counter()
    for i in range(warmup, warmup + count):
        operation(i)
        env.cr.commit()
    elapsed = time.perf_counter() - started
    return count / elapsed, (sql_db.sql_counter - queries_before) / count


def reference_message_post(registry, args):
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        author = env.ref("base.user_admin")
        other = env["res.users"].create({"name": "Bench Member", "login": "bench_member"})
        channel = env["discuss.channel"].create(
            {"name": "bench reference", "channel_type": "channel"}
        )
        channel._add_members(users=author | other)
        cr.commit()
        channel = channel.with_user(author)

        def post(i):
            channel.message_post(
                body=f"Reference message {i}",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

        rate, queries = measure(env, post, args.count, warmup=10)
    return Row(
        "reference: message_post, discuss.channel, 2 members, commit each", rate, "msg/s", queries
    )


def _omnichannel_setup(env, tag):
    """Two agents in a team and a source: what the conversation benchmarks act with. ``tag``
    keeps logins, names and the source code unique between benchmarks."""
    agent_group = env.ref("omnichannel_chat.group_omnichannel_agent")
    agents = env["res.users"].create(
        [
            {
                "name": f"Bench Agent {tag} {i}",
                "login": f"bench_{tag}_agent_{i}",
                "groups_id": [(6, 0, agent_group.ids)],
            }
            for i in (1, 2)
        ]
    )
    team = env["helpdesk.ticket.team"].create(
        {"name": f"Bench team {tag}", "user_ids": [(6, 0, agents.ids)]}
    )
    source = env["omnichannel.source"].create(
        {"name": f"Bench {tag}", "code": f"bench_{tag}", "team_id": team.id}
    )
    return agents, team, source


def conversation_benchmarks(registry, args):
    """Take, transfer, resolve (as an agent) and inbound routing into an open conversation."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    count = args.count
    rows = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        (ana, bruno), _team, source = _omnichannel_setup(env, "conversations")
        Conversation = env["omnichannel.conversation"]
        customers = env["res.partner"].create(
            [{"name": f"Bench customer {i}"} for i in range(count + 10)]
        )
        conversations = [
            Conversation._route_inbound_message(source, customer, "Hello")[0]
            for customer in customers
        ]
        cr.commit()
        as_ana = [conversation.with_user(ana) for conversation in conversations]

        rate, queries = measure(env, lambda i: as_ana[i].action_take(), count, warmup=10)
        rows.append(Row("take (agent, queued conversation)", rate, "op/s", queries))
        rate, queries = measure(
            env, lambda i: as_ana[i].action_transfer(user_id=bruno.id), count, warmup=10
        )
        rows.append(Row("transfer to an agent", rate, "op/s", queries))
        as_bruno = [conversation.with_user(bruno) for conversation in conversations]
        reason = env.ref("omnichannel_chat.reason_resolved").id
        rate, queries = measure(
            env, lambda i: as_bruno[i].action_resolve(reason_id=reason), count, warmup=10
        )
        rows.append(Row("resolve with a reason", rate, "op/s", queries))
        open_customer = customers[-1]
        Conversation._route_inbound_message(source, open_customer, "first")
        rate, queries = measure(
            env,
            lambda i: Conversation._route_inbound_message(source, open_customer, f"message {i}"),
            count,
            warmup=10,
        )
        rows.append(
            Row("inbound message routed into its open conversation", rate, "msg/s", queries)
        )
    return rows


# ----------------------------------------------------------------------------------------------
# WhatsApp
# ----------------------------------------------------------------------------------------------


def _standin():
    """The Graph API stand-in (standard library only), loaded by file path: its webhook
    builders and signer."""
    module = sys.modules.get("omnichannel_bench_graph_api_standin")
    if module is None:
        spec = importlib.util.spec_from_file_location(
            "omnichannel_bench_graph_api_standin", STANDIN_PATH
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


def _whatsapp_account(env, tag, phone_number_id):
    """A WhatsApp account on a bench team of its own; its Graph API URL is never called."""
    _agents, team, _source = _omnichannel_setup(env, tag)
    return env["omnichannel.whatsapp.account"].create(
        {
            "name": f"Bench WhatsApp {tag}",
            "phone_number_id": phone_number_id,
            "display_phone_number": f"+{phone_number_id}",
            "waba_id": "1",
            "app_secret": APP_SECRET,
            "access_token": "bench-token",
            "team_id": team.id,
            "graph_api_url": "http://127.0.0.1:9",
        }
    )


def _text_webhook(standin, phone_number_id, wa_id, name, text):
    return standin.message_webhook(
        phone_number_id, f"+{phone_number_id}", "1", wa_id, name, standin.text_message(wa_id, text)
    )


def whatsapp_ingestion(registry, args):
    """Processing one stored text message row of a customer whose conversation is open."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    count, warmup = args.count, 10
    standin = _standin()
    wa_id, name = "5511970000001", "Bench WhatsApp ingestion customer"
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        account = _whatsapp_account(env, "ingestion", INGEST_NUMBER_ID)
        Inbound = env["omnichannel.whatsapp.inbound"]
        accounts_by_number = {INGEST_NUMBER_ID: account.id}

        def store(text):
            payload = _text_webhook(standin, INGEST_NUMBER_ID, wa_id, name, text)
            stored = Inbound._store_rows(Inbound._prepare_rows(payload, accounts_by_number))
            if stored != 1:
                raise RuntimeError(f"ingestion bench: {stored} rows stored for one message")

        def pending():
            return Inbound.search(
                [("account_id", "=", account.id), ("state", "=", "pending")], order="id"
            )

        store("Hello, the conversation opens with this one")
        cr.commit()
        pending()._process()  # the customer's conversation is open from here on
        cr.commit()
        for i in range(warmup + count):
            store(f"Ingested message {i}")
        cr.commit()
        row_ids = pending().ids
        if len(row_ids) != warmup + count:
            raise RuntimeError(f"ingestion bench: {len(row_ids)} pending rows stored")

        rate, queries = measure(env, lambda i: Inbound.browse(row_ids[i])._process(), count, warmup)

        rows = Inbound.search([("account_id", "=", account.id)])
        if set(rows.mapped("state")) != {"done"} or not all(rows.mapped("message_id")):
            raise RuntimeError("ingestion bench: not every row was processed into a message")
        channels = rows.mapped("message_id").mapped("res_id")
        if len(set(channels)) != 1:
            raise RuntimeError("ingestion bench: the messages went to more than one channel")
    return Row(INGEST_ROW, rate, "msg/s", queries)


@contextlib.contextmanager
def odoo_http_server(db, log_path):
    """A real Odoo HTTP server on ``db`` (threaded, no cron thread): yields its base URL once
    ``/web/health`` answers 200; always stopped (SIGINT, then terminate, then kill). Its output
    goes to ``log_path`` (overwritten), with werkzeug's access lines; its tail is printed if it
    fails to start."""
    import requests  # noqa: PLC0415 - a dependency of Odoo, in the bootstrap's venv

    port = odoo_env.free_port()
    command = odoo_env.odoo_args(db, port) + [
        "--workers=0",
        "--max-cron-threads=0",
        "--log-level=warn",
        "--log-handler=werkzeug:INFO",
    ]
    base_url = f"http://127.0.0.1:{port}"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"[bench] starting Odoo's HTTP server on {base_url}, log: {log_path}", flush=True)
    environment = dict(os.environ)
    environment.pop("ODOO_PY_COLORS", None)  # plain access lines, without colour codes
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=environment
        )
    started = False
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the Odoo HTTP server exited with code {process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the Odoo HTTP server did not answer in {SERVER_START_TIMEOUT}s"
                )
            try:
                if requests.get(f"{base_url}/web/health", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.25)
        started = True
        yield base_url
    finally:
        _stop_process(process)
        if not started:
            _print_log_tail(log_path)


def _print_log_tail(log_path, lines=40):
    with contextlib.suppress(OSError):
        tail = log_path.read_text(errors="replace").splitlines()[-lines:]
        print(f"[bench] last lines of {log_path}:", *tail, sep="\n", file=sys.stderr, flush=True)


def _stop_process(process):
    if process.poll() is not None:
        return
    for stop, wait in ((lambda: process.send_signal(signal.SIGINT), 30), (process.terminate, 10)):
        stop()
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            pass
    process.kill()
    process.wait()


def _timed(session_call, count, warmup, mark=None, check=None):
    """Call session_call(i) for i in 0..warmup+count; every answer must be 200 (and pass
    check(i, response), untimed). mark() is called once between the warm-up and the timed
    calls. Returns (requests/s, p50 ms, p95 ms) over the last count, from each request's wall
    time."""
    durations = []
    elapsed = 0.0
    for i in range(warmup + count):
        if i == warmup and mark:
            mark()
        started = time.perf_counter()
        response = session_call(i)
        duration = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(
                f"{response.request.method} {response.url} answered {response.status_code}: "
                f"{response.text[:200]}"
            )
        if check:
            check(i, response)
        if i >= warmup:
            durations.append(duration)
            elapsed += duration
    cuts = statistics.quantiles(durations, n=100, method="inclusive")
    return count / elapsed, statistics.median(durations) * 1000, cuts[94] * 1000


def _marker_path(phase):
    """The untimed request logged just before a phase's timed requests."""
    return f"/web/health?bench_phase={phase}"


def _logged_queries(log_path, phase, method, path, count):
    """Mean query count over the first count ``method path`` access lines logged after the
    phase's marker line (werkzeug logs each request before sending its body, so a request's
    line is written before the client sends the next one)."""
    access = [
        match
        for match in map(ACCESS_LINE.search, log_path.read_text(errors="replace").splitlines())
        if match
    ]
    marker = _marker_path(phase)
    starts = [index for index, match in enumerate(access) if match["path"] == marker]
    if len(starts) != 1:
        raise RuntimeError(f"{log_path}: {len(starts)} access lines for {marker}, not 1")
    timed = [
        match
        for match in access[starts[0] + 1 :]
        if match["method"] == method and match["path"] == path
    ][:count]
    if len(timed) != count or any(
        match["status"] != "200" or match["queries"] == "-" for match in timed
    ):
        raise RuntimeError(
            f"{log_path}: {len(timed)} access lines with a query count for {method} {path} "
            f"after {marker}, for {count} requests"
        )
    return statistics.fmean(int(match["queries"]) for match in timed)


def _jsonrpc(session, url, i, params):
    return session.post(
        url,
        data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": i, "params": params}),
        headers={"Content-Type": "application/json"},
        timeout=60,
    )


def _jsonrpc_result(response):
    """The result of a JSON-RPC answer; an "error" answer (still a 200) raises."""
    answer = response.json()
    if "error" in answer:
        raise RuntimeError(f"{response.url} answered an error: {str(answer['error'])[:500]}")
    return answer.get("result")


def _session_result(response):
    result = _jsonrpc_result(response)
    if not isinstance(result, dict) or "discuss.channel" not in result:
        raise RuntimeError(f"{response.url}: no discuss.channel in {str(result)[:500]}")
    return result


def _livechat_setup(env):
    """A website live chat in queue mode for a bench team of two agents, without abuse limits
    (every bench request comes from 127.0.0.1)."""
    agents, team, _source = _omnichannel_setup(env, "livechat")
    return env["im_livechat.channel"].create(
        {
            "name": "Bench live chat",
            "user_ids": [(6, 0, agents.ids)],
            "omnichannel_queue_mode": True,
            "omnichannel_team_id": team.id,
            "omnichannel_max_sessions_per_minute": 0,
            "omnichannel_max_messages_per_minute": 0,
        }
    )


def http_benchmarks(registry, args):
    """On a real Odoo HTTP server, measured in the same run: signed WhatsApp webhook POSTs
    (each storing one text message) and GET /web/health through one session; new live chat
    visitors (a fresh session each) opening a queued session; visitors with a session (their
    guest cookie kept) posting messages. Queries per request come from the server's log."""
    import requests  # noqa: PLC0415

    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    count, warmup = args.requests, HTTP_WARMUP
    lc_count, lc_warmup = args.count, LIVECHAT_WARMUP
    standin = _standin()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        account_id = _whatsapp_account(env, "webhook", WEBHOOK_NUMBER_ID).id
        livechat_id = _livechat_setup(env).id
        cr.commit()

    # Every body built and signed beforehand: only the requests are timed.
    requests_to_send = []
    for i in range(warmup + count):
        customer = i % WEBHOOK_CUSTOMERS
        payload = _text_webhook(
            standin,
            WEBHOOK_NUMBER_ID,
            f"551198{customer:07d}",
            f"Bench webhook customer {customer}",
            f"Webhook message {i} from customer {customer}",
        )
        body = json.dumps(payload).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": standin.sign(body, APP_SECRET),
        }
        requests_to_send.append((body, headers))

    log_path = odoo_env.cache_dir() / "logs" / SERVER_LOG
    measured = {}  # phase: (method, path, count, (requests/s, p50, p95))
    with contextlib.ExitStack() as stack:
        base_url = stack.enter_context(odoo_http_server(BENCH_DB, log_path))
        session = stack.enter_context(requests.Session())

        def new_session():
            return stack.enter_context(requests.Session())

        def phase(name, method, path, call, n, n_warmup, check=None):
            def mark():
                response = session.get(f"{base_url}{_marker_path(name)}", timeout=30)
                response.raise_for_status()

            measured[name] = (method, path, n, _timed(call, n, n_warmup, mark, check))

        health_url = f"{base_url}/web/health"
        webhook_url = f"{base_url}/omnichannel/whatsapp/webhook"
        phase(
            "health",
            "GET",
            "/web/health",
            lambda i: session.get(health_url, timeout=30),
            count,
            warmup,
        )
        phase(
            "webhook",
            "POST",
            "/omnichannel/whatsapp/webhook",
            lambda i: session.post(
                webhook_url,
                data=requests_to_send[i][0],
                headers=requests_to_send[i][1],
                timeout=30,
            ),
            count,
            warmup,
        )

        session_path = "/im_livechat/get_session"
        session_url = f"{base_url}{session_path}"

        def open_session(visitor, i):
            params = {
                "channel_id": livechat_id,
                "anonymous_name": f"Visitor {i}",
                "persisted": True,
            }
            return _jsonrpc(visitor, session_url, i, params)

        # A new visitor each time: a fresh session, no cookie (created before the timing).
        newcomers = [new_session() for _ in range(lc_warmup + lc_count)]
        phase(
            "livechat_session",
            "POST",
            session_path,
            lambda i: open_session(newcomers[i], i),
            lc_count,
            lc_warmup,
            lambda i, response: _session_result(response),
        )

        # Visitors with a session (untimed), each keeping its guest cookie.
        visitors = []
        for v in range(LIVECHAT_VISITORS):
            visitor = new_session()
            response = open_session(visitor, lc_warmup + lc_count + v)
            response.raise_for_status()
            channel_id = _session_result(response)["discuss.channel"][0]["id"]
            if not visitor.cookies.get("dgid"):
                raise RuntimeError("live chat bench: get_session set no dgid (guest) cookie")
            visitors.append((visitor, channel_id))
        post_path = "/mail/message/post"
        post_url = f"{base_url}{post_path}"

        def post(i):
            visitor, channel_id = visitors[i % len(visitors)]
            params = {
                "thread_model": "discuss.channel",
                "thread_id": channel_id,
                "post_data": {
                    "body": f"message {i}",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
            }
            return _jsonrpc(visitor, post_url, i, params)

        phase(
            "livechat_post",
            "POST",
            post_path,
            post,
            lc_count,
            lc_warmup,
            lambda i, response: _jsonrpc_result(response),
        )
    # The server is stopped here: its log is complete.

    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM omnichannel_whatsapp_inbound WHERE account_id = %s",
            [account_id],
        )
        stored = cr.fetchone()[0]
        cr.execute(
            "SELECT array_agg(id) FROM discuss_channel WHERE livechat_channel_id = %s",
            [livechat_id],
        )
        livechat_channels = cr.fetchone()[0] or []
        cr.execute(
            "SELECT count(*) FROM omnichannel_conversation WHERE channel_id = ANY(%s)",
            [livechat_channels],
        )
        queued = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM mail_message WHERE model = 'discuss.channel' "
            "AND res_id = ANY(%s) AND author_guest_id IS NOT NULL",
            [[channel_id for _visitor, channel_id in visitors]],
        )
        posted = cr.fetchone()[0]
    if stored != warmup + count:
        raise RuntimeError(f"webhook bench: {stored} rows stored for {warmup + count} POSTs")
    sessions = lc_warmup + lc_count + LIVECHAT_VISITORS
    if len(livechat_channels) != sessions or queued != sessions:
        raise RuntimeError(
            f"live chat bench: {len(livechat_channels)} sessions and {queued} conversations "
            f"for {sessions} get_session requests"
        )
    if posted != lc_warmup + lc_count:
        raise RuntimeError(
            f"live chat bench: {posted} visitor messages for {lc_warmup + lc_count} posts"
        )

    rows = []
    for name, row_name, unit in (
        ("webhook", WEBHOOK_ROW.format(count=count), "req/s"),
        ("health", HEALTH_ROW.format(count=count), "req/s"),
        ("livechat_session", LIVECHAT_SESSION_ROW, "req/s"),
        ("livechat_post", LIVECHAT_POST_ROW, "msg/s"),
    ):
        method, path, n, (rate, p50, p95) = measured[name]
        queries = _logged_queries(log_path, name, method, path, n)
        rows.append(Row(row_name, rate, unit, queries, p50, p95))
    return rows


BENCHMARKS = [reference_message_post, conversation_benchmarks, whatsapp_ingestion, http_benchmarks]


# ----------------------------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------------------------


def _cell(value, width, digits=1):
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


def print_table(rows):
    reference = rows[0]
    width = max(len(row.name) for row in rows)
    header = (
        f"{'benchmark':<{width}} | {'rate':>14} | {'ms/op':>7} | {'queries/op':>10} | "
        f"{'p50 ms':>7} | {'p95 ms':>7} | vs reference"
    )
    print("\n" + header)
    print("-|-".join("-" * len(cell) for cell in header.split(" | ")))
    for row in rows:
        ratio = row.per_second / reference.per_second
        print(
            f"{row.name:<{width}} | {row.per_second:>8.1f} {row.unit:<5} | "
            f"{1000 / row.per_second:>7.2f} | {_cell(row.queries_per_op, 10)} | "
            f"{_cell(row.p50_ms, 7, 2)} | {_cell(row.p95_ms, 7, 2)} | {ratio:>11.2f}x"
        )


def print_checks(rows, args):
    by_name = {row.name: row for row in rows}
    reference = rows[0]
    webhook = by_name[WEBHOOK_ROW.format(count=args.requests)]
    health = by_name[HEALTH_ROW.format(count=args.requests)]
    ingest = by_name[INGEST_ROW]
    p95_ratio = webhook.p95_ms / health.p95_ms

    def yes(condition):
        return "yes" if condition else "no"

    print(
        f"\nwebhook p95 / /web/health p95: {p95_ratio:.2f} "
        f"({webhook.p95_ms:.2f} ms / {health.p95_ms:.2f} ms)"
    )
    print(
        f"ingestion: {1000 / ingest.per_second:.2f} ms per message, "
        f"{ingest.queries_per_op:.1f} queries per message"
    )
    print("\nacceptance checks:")
    print(f"webhook p95 <= 3 x /web/health p95: {yes(p95_ratio <= 3)} ({p95_ratio:.1f})")
    print(f"webhook p95 < 50 ms: {yes(webhook.p95_ms < 50)} ({webhook.p95_ms:.1f} ms)")
    print(
        "ingestion queries <= 2 x reference message_post queries: "
        f"{yes(ingest.queries_per_op <= 2 * reference.queries_per_op)} "
        f"({ingest.queries_per_op:.1f} vs {reference.queries_per_op:.1f})"
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--count", type=int, default=300, help="operations per in-process benchmark"
    )
    parser.add_argument("--requests", type=int, default=1000, help="requests per HTTP benchmark")
    args = parser.parse_args()
    if args.count < 1 or args.requests < 2:
        parser.error("--count must be at least 1 and --requests at least 2")

    odoo_env.recreate_db(BENCH_DB)
    print(f"[bench] installing {', '.join(odoo_env.ADDONS)} into {BENCH_DB}", flush=True)
    install = odoo_env.odoo_args(BENCH_DB, odoo_env.free_port()) + [
        "-i",
        ",".join(odoo_env.ADDONS),
        "--without-demo=all",
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
    ]
    if subprocess.call(install):
        sys.exit("[bench] installing the addons failed")

    import odoo  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(
        odoo_env.odoo_args(BENCH_DB, odoo_env.free_port())[1:] + ["--log-level=warn"]
    )
    logging.getLogger("odoo").setLevel(logging.WARNING)
    registry = odoo.modules.registry.Registry(BENCH_DB)

    rows = []
    for bench in BENCHMARKS:
        print(f"[bench] {bench.__name__}", flush=True)
        result = bench(registry, args)
        rows.extend(result if isinstance(result, list) else [result])
    print_table(rows)
    print_checks(rows, args)


if __name__ == "__main__":
    main()
