"""``make bench``: the project's benchmarks on a fresh database, printed as one table.

The first row is the reference, measured in the same run: a bare ``message_post`` of a text
message into a ``discuss.channel`` with two members, committing each message. Other rows are
read against it (a ratio to the reference is stable across machines; absolute figures are not).

In-process rows (through the registry, committing each operation) give ms/op and queries/op:
the conversation actions, offering (a new customer's first message routed into a new
conversation of a team in offer mode with 50 agents online, each with a recent ``bus.presence``,
and offered to one of them) and a WhatsApp text message processed from its stored webhook row
into its customer's open conversation. HTTP rows run against a real Odoo HTTP server started on the
bench database as a subprocess (no cron thread, so nothing processes rows meanwhile): signed
WhatsApp webhook POSTs through one session, each storing its message, Odoo's own
``GET /web/health`` for comparison, and the website live chat in queue mode as its visitors use
it (a new visitor opening a session, a visitor with a session posting a message). They give
requests/s and the p50/p95 of each request's wall time; their queries/op is the mean query count
the server logs on each timed request's access line (werkzeug at INFO, captured to a file;
Odoo appends query count, query time and remaining time). Acceptance checks follow the table.

The report rows come last, on data loaded in bulk with SQL (``INSERT ... SELECT ... FROM
generate_series``, foreign keys checked once at the end, then ANALYZE; the load time is
printed): ``--report-conversations`` conversations (each on a Discuss channel of its own, over
5 teams of 2 agents, 2 sources and a year of dates, mostly resolved, with their moments,
business-hours durations and counters) and ``--report-events-per-conversation`` events each,
consistent with the conversations (take, transfer, conference, resolve ... by the agents the
conversation names). Through the ORM, as the superuser with a manager's time zone, they time the
conversation analysis pivot grouped by team and week (``read_group`` of
``omnichannel.report.conversation``, four measures) and a plain ``read_group`` counting the
conversations grouped the same way: the best of 5 calls after a warm-up, the ORM cache cleared
before each; queries/op is the mean query count per call.

The auto-close row runs last, on ``--autoclose-conversations`` idle conversations loaded in bulk
with SQL the same way (queued or taken, each with a customer and a Discuss channel of its own,
the customer silent for 2 days) on a team closing after 24 hours, without a warning first and
without a closing message, every other team's auto-close switched off: one call of the cron
method as its scheduled action makes it (``omnichannel_cron_commit``: a commit per batch of
500), timed whole. Its rate is conversations closed per second and its queries/op the queries
per conversation; the total seconds and the queries per 1,000 closed are printed after the
table.

Add a benchmark by appending a function to BENCHMARKS: it gets the registry and the parsed
options (``args.count``, ``args.requests``, ``args.report_conversations``,
``args.report_events_per_conversation``, ``args.autoclose_conversations``) and returns a Row or
a list of rows.
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
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
REPORT_PIVOT_ROW = (
    "report: conversation pivot by team and week "
    "({conversations:,} conversations, {events:,} events)"
)
REPORT_PLAIN_ROW = "read_group: conversations counted by team and week (same data)"
OFFER_ROW = "offering: new conversation routed and offered, {agents} agents online"
AUTOCLOSE_ROW = "auto-close cron: {conversations:,} idle conversations"

OFFER_AGENTS = 50  # online, in the offer-mode team
# The auto-close bench: its team closes after AUTOCLOSE_HOURS without the customer, the cron
# handles AUTOCLOSE_BATCH conversations per committed batch; the conversations were created,
# and their customers last wrote, AUTOCLOSE_SILENT_DAYS ago.
AUTOCLOSE_HOURS = 24
AUTOCLOSE_BATCH = 500
AUTOCLOSE_SILENT_DAYS = 2

# The report bench's data and how it is read.
REPORT_TEAMS = 5  # of 2 agents each
REPORT_SOURCES = 2
REPORT_DAYS = 365
REPORT_RUNS = 5  # timed calls per row; the best counts
REPORT_WARMUP = 1
REPORT_CONTEXT = {"tz": "Europe/Brussels", "lang": "en_US"}  # a manager's, in the web client
REPORT_PIVOT = (
    ["waiting_minutes:avg", "first_reply_minutes:avg", "handle_minutes:avg", "transfer_count:sum"],
    ["team_id", "date:week"],
)
REPORT_PLAIN = (["__count"], ["team_id", "create_date:week"])


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


def _omnichannel_setup(env, tag, agents=2, **team_values):
    """Agents (two by default) in a team (with team_values) and a source: what the
    conversation benchmarks act with. ``tag`` keeps logins, names and the source code unique
    between benchmarks."""
    agent_group = env.ref("omnichannel_chat.group_omnichannel_agent")
    agents = env["res.users"].create(
        [
            {
                "name": f"Bench Agent {tag} {i}",
                "login": f"bench_{tag}_agent_{i}",
                "groups_id": [(6, 0, agent_group.ids)],
            }
            for i in range(1, agents + 1)
        ]
    )
    team = env["helpdesk.ticket.team"].create(
        {"name": f"Bench team {tag}", "user_ids": [(6, 0, agents.ids)], **team_values}
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


def offering_benchmark(registry, args):
    """A team in offer mode with OFFER_AGENTS agents online (a recent bus.presence each, so
    each is available) and no capacity limit: a new customer's first message routed into a new
    conversation that is offered to one of them, committing each."""
    from odoo import SUPERUSER_ID, api, fields  # noqa: PLC0415

    count, warmup = args.count, 10
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        agents, _team, source = _omnichannel_setup(
            env,
            "offering",
            agents=OFFER_AGENTS,
            omnichannel_routing_mode="offer",
            omnichannel_capacity=0,
        )
        now = fields.Datetime.now()
        env["bus.presence"].create(
            [
                {"user_id": agent.id, "status": "online", "last_poll": now, "last_presence": now}
                for agent in agents
            ]
        )
        customers = env["res.partner"].create(
            [{"name": f"Bench offering customer {i}"} for i in range(warmup + count)]
        )
        cr.commit()
        env.invalidate_all()
        if set(agents.mapped("omnichannel_effective_status")) != {"available"}:
            raise RuntimeError("offering bench: not every agent is available")
        Conversation = env["omnichannel.conversation"]
        routed = []

        def route(i):
            conversation, _message = Conversation._route_inbound_message(
                source, customers[i], "Hello"
            )
            routed.append(conversation.id)

        rate, queries = measure(env, route, count, warmup)

        env.invalidate_all()
        conversations = Conversation.browse(routed)
        offered = conversations.filtered(
            lambda conversation: (
                conversation.state == "offered" and conversation.offered_user_id in agents
            )
        )
        if len(set(routed)) != warmup + count or offered != conversations:
            raise RuntimeError(
                f"offering bench: {len(offered)} of {len(set(routed))} conversations offered "
                f"to an agent, for {warmup + count} new customers"
            )
        offers_by_agent = Counter(conversation.offered_user_id.id for conversation in conversations)
        args.offering_agents_offered = len(offers_by_agent)
        args.offering_most_to_one = max(offers_by_agent.values())
        args.offering_conversations = len(conversations)
    return Row(OFFER_ROW.format(agents=OFFER_AGENTS), rate, "conv/s", queries)


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
        Inbound = env["omnichannel.inbound"]
        source = env.ref("omnichannel_whatsapp.source_whatsapp")
        accounts_by_number = {INGEST_NUMBER_ID: account.id}

        def store(text):
            payload = _text_webhook(standin, INGEST_NUMBER_ID, wa_id, name, text)
            items = Inbound._whatsapp_prepare_items(payload, accounts_by_number)
            stored = Inbound._store_items(source, items)
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
            "SELECT count(*) FROM omnichannel_inbound WHERE account_id = %s "
            "AND account_model = 'omnichannel.whatsapp.account'",
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


# ----------------------------------------------------------------------------------------------
# Reports
# ----------------------------------------------------------------------------------------------

# Conversation i (1..n) of the report bench, computed in SQL (deterministic: no random()):
# its team, agents, source and customer, its state (the newest open_n open, each with a
# customer of its own, the rest resolved; 1 in 50 of those auto-closed, never taken), its
# moments (spread over the year from start) and whether it was transferred or went to a
# conference (only when the events it gets have room for those). Prefixes each load statement.
REPORT_PLAN = """
WITH g AS (
    SELECT i,
           mod(i, %(teams_n)s)::int AS t,
           mod(i / %(teams_n)s, 2)::int AS j,
           mod(i, %(sources_n)s)::int AS s,
           mod(i, %(partners_n)s)::int AS p,
           CASE WHEN i <= %(n)s - %(open_n)s THEN 'resolved'
                WHEN mod(i, 4) = 0 THEN 'queued'
                WHEN mod(i, 4) = 1 THEN 'offered'
                ELSE 'taken' END AS state,
           %(start)s::timestamp + make_interval(secs => (i - 1) * %(step)s) AS created,
           15 + mod(i * 7919, 1800) AS wait_s,
           10 + mod(i * 104729, 300) AS reply_s,
           600 + mod(i * 1299709, 5400) AS handle_s
      FROM generate_series(1::bigint, %(n)s) AS i
), f AS (
    SELECT g.*, state = 'resolved' AS resolved,
           state = 'taken' OR (state = 'resolved' AND mod(i, 50) <> 17) AS taken
      FROM g
), plan AS (
    SELECT f.*,
           %(first_conversation)s + i - 1 AS conversation_id,
           %(first_channel)s + i - 1 AS channel_id,
           %(first_partner)s + p AS partner_id,
           'Bench report customer ' || (p + 1) AS name,
           (%(teams)s::int[])[t + 1] AS team_id,
           (%(companies)s::int[])[t + 1] AS company_id,
           (%(factors)s::float[])[t + 1] AS factor,
           (%(sources)s::int[])[s + 1] AS source_id,
           (%(agents)s::int[])[2 * t + j + 1] AS agent,
           (%(agents)s::int[])[2 * t + (1 - j) + 1] AS other,
           taken AND mod(i, 7) = 0 AND 3 <= %(events)s - resolved::int AS transferred,
           taken AND mod(i, 11) = 3 AND 6 <= %(events)s - resolved::int AS conferenced,
           CASE WHEN taken THEN created + make_interval(secs => wait_s) END AS taken_at,
           CASE WHEN taken THEN created + make_interval(secs => wait_s + reply_s) END
               AS replied_at,
           CASE WHEN NOT resolved THEN NULL
                WHEN taken THEN created + make_interval(secs => wait_s + handle_s)
                ELSE created + interval '1 day' END AS resolved_at,
           CASE WHEN NOT resolved THEN NULL
                WHEN taken THEN (%(reasons)s::int[])[mod(i, %(reasons_n)s)::int + 1]
                ELSE %(auto_closed)s END AS reason_id
      FROM f
)
"""

REPORT_LOAD = (
    # Customers: one per 20 conversations (every open conversation has its own).
    """
    INSERT INTO res_partner (id, name, complete_name, type, active, is_company, partner_share,
                             commercial_partner_id, create_uid, write_uid, create_date, write_date)
    SELECT %(first_partner)s + p, 'Bench report customer ' || (p + 1),
           'Bench report customer ' || (p + 1), 'contact', true, false, true,
           %(first_partner)s + p, %(uid)s, %(uid)s, %(start)s, %(start)s
      FROM generate_series(0, %(partners_n)s - 1) AS p
    """,
    REPORT_PLAN
    + """
    INSERT INTO discuss_channel (id, name, channel_type, uuid, active, last_interest_dt,
                                 create_uid, write_uid, create_date, write_date)
    SELECT channel_id, name, 'omnichannel', 'bench-report-' || channel_id, true,
           COALESCE(resolved_at, replied_at, created), %(uid)s, %(uid)s, created,
           COALESCE(resolved_at, replied_at, created)
      FROM plan
    """,
    REPORT_PLAN
    + """
    INSERT INTO omnichannel_conversation (
        id, name, channel_id, source_id, team_id, company_id, user_id, partner_id, state,
        conference_state, reason_id, waiting_since, first_taken_date, first_agent_reply_date,
        last_customer_message_date, last_agent_message_date, resolved_date,
        transfer_count, conference_count, reopen_count, offer_count, rona_count,
        customer_message_count, agent_message_count, note_count,
        waiting_seconds_business, first_reply_seconds_business, handle_seconds_business,
        resolution_seconds_business, create_uid, write_uid, create_date, write_date)
    SELECT conversation_id, name, channel_id, source_id, team_id, company_id,
           CASE WHEN taken THEN agent END, partner_id, state, 'none', reason_id, created,
           taken_at, replied_at,
           CASE WHEN resolved AND taken THEN resolved_at - interval '2 minutes' ELSE created END,
           CASE WHEN resolved AND taken THEN resolved_at - interval '1 minute'
                ELSE replied_at END,
           resolved_at,
           transferred::int, conferenced::int, 0, 0, 0,
           1 + mod(i, 9), CASE WHEN taken THEN 1 + mod(i, 7) ELSE 0 END, (mod(i, 6) = 0)::int,
           CASE WHEN taken THEN wait_s * factor ELSE 0 END,
           CASE WHEN taken THEN (wait_s + reply_s) * factor ELSE 0 END,
           CASE WHEN taken AND resolved THEN handle_s * factor ELSE 0 END,
           CASE WHEN resolved THEN EXTRACT(EPOCH FROM resolved_at - created) * factor ELSE 0 END,
           %(uid)s, %(uid)s, created, COALESCE(resolved_at, replied_at, created)
      FROM plan
    """,
    # Event k of a conversation: created, taken (by the other agent of the team when it is
    # then transferred to its owner), transferred, a conference (invited, accepted, ended),
    # tags and archiving in between, resolved last; each dated within the conversation.
    REPORT_PLAN
    + """
    INSERT INTO omnichannel_event (
        conversation_id, kind, date, user_id, from_state, to_state, from_user_id, to_user_id,
        from_team_id, to_team_id, reason_id, tag_id, create_uid, write_uid, create_date,
        write_date)
    SELECT conversation_id, kind, moment,
           CASE kind WHEN 'create' THEN NULL
                     WHEN 'take' THEN taker
                     WHEN 'transfer_agent' THEN taker
                     WHEN 'conference_accept' THEN other
                     ELSE CASE WHEN taken THEN agent END END,
           CASE kind WHEN 'take' THEN 'queued'
                     WHEN 'transfer_agent' THEN 'taken'
                     WHEN 'resolve' THEN CASE WHEN taken THEN 'taken' ELSE 'queued' END END,
           CASE kind WHEN 'create' THEN 'queued'
                     WHEN 'take' THEN 'taken'
                     WHEN 'transfer_agent' THEN 'taken'
                     WHEN 'resolve' THEN 'resolved' END,
           CASE WHEN kind = 'transfer_agent' THEN taker END,
           CASE kind WHEN 'take' THEN taker
                     WHEN 'transfer_agent' THEN agent
                     WHEN 'conference_invite' THEN other END,
           CASE WHEN kind = 'transfer_agent' THEN team_id END,
           CASE WHEN kind = 'transfer_agent' THEN team_id END,
           CASE WHEN kind = 'resolve' THEN reason_id END,
           CASE WHEN kind IN ('tag_add', 'tag_remove')
                THEN (%(tags)s::int[])[mod(i, %(tags_n)s)::int + 1] END,
           %(uid)s, %(uid)s, moment, moment
      FROM plan
     CROSS JOIN generate_series(1, %(events)s) AS k
     CROSS JOIN LATERAL (
        SELECT CASE WHEN transferred THEN other ELSE agent END AS taker,
               CASE WHEN k = 1 THEN 'create'
                    WHEN k = %(events)s AND resolved THEN 'resolve'
                    WHEN k = 2 AND taken THEN 'take'
                    WHEN k = 3 AND transferred THEN 'transfer_agent'
                    WHEN k = 4 AND conferenced THEN 'conference_invite'
                    WHEN k = 5 AND conferenced THEN 'conference_accept'
                    WHEN k = 6 AND conferenced THEN 'conference_end'
                    ELSE (ARRAY['tag_add', 'tag_remove', 'archive', 'unarchive'])[mod(k + 1, 4) + 1]
               END AS kind
     ) AS e
     CROSS JOIN LATERAL (
        SELECT CASE e.kind
                    WHEN 'create' THEN created
                    WHEN 'take' THEN taken_at
                    WHEN 'resolve' THEN resolved_at
                    ELSE CASE WHEN taken
                              THEN taken_at + (COALESCE(resolved_at, taken_at
                                   + make_interval(secs => handle_s)) - taken_at)
                                   * ((k - 2)::float / %(events)s)
                              ELSE created + make_interval(mins => k) END
               END AS moment
     ) AS m
    """,
)


@contextlib.contextmanager
def _foreign_keys_checked_after(cr, tables):
    """Drop the foreign keys of tables, then add them back: checked once over each table
    rather than row by row as rows are inserted (all in the caller's transaction)."""
    cr.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
        [list(tables)],
    )
    foreign_keys = cr.fetchall()
    for table, name, _definition in foreign_keys:
        cr.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    yield
    for table, name, definition in foreign_keys:
        cr.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _reserve_ids(cr, table, count):
    """The first of count consecutive ids of table, taken from its sequence."""
    cr.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cr.fetchone()[0]
    cr.execute("SELECT nextval(%s)", [sequence])
    first = cr.fetchone()[0]
    cr.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def _report_setup(env):
    """Agents, teams (the first three with business hours), sources, tags and resolution
    reasons for the report data; its parameters, but for the ids to reserve."""
    agent_group = env.ref("omnichannel_chat.group_omnichannel_agent")
    agents = env["res.users"].create(
        [
            {
                "name": f"Bench report agent {i + 1}",
                "login": f"bench_report_agent_{i + 1}",
                "groups_id": [(6, 0, agent_group.ids)],
            }
            for i in range(2 * REPORT_TEAMS)
        ]
    )
    calendar = env.ref("resource.resource_calendar_std")
    teams = env["helpdesk.ticket.team"].create(
        [
            {
                "name": f"Bench report team {t + 1}",
                "user_ids": [(6, 0, agents[2 * t : 2 * t + 2].ids)],
                "omnichannel_calendar_id": calendar.id if t < 3 else False,
            }
            for t in range(REPORT_TEAMS)
        ]
    )
    sources = env["omnichannel.source"].create(
        [
            {
                "name": f"Bench report {s + 1}",
                "code": f"bench_report_{s + 1}",
                "team_id": teams[s].id,
            }
            for s in range(REPORT_SOURCES)
        ]
    )
    tags = env["helpdesk.ticket.tag"].create(
        [{"name": f"Bench report tag {i + 1}"} for i in range(3)]
    )
    # Mostly resolved for good, some without a reply, a few duplicates, spam and tickets.
    reasons = [
        env.ref(f"omnichannel_chat.reason_{name}").id
        for name in ("resolved",) * 5 + ("no_reply",) * 2 + ("duplicate", "spam", "ticket")
    ]
    return {
        "uid": env.uid,
        "agents": agents.ids,
        "teams": teams.ids,
        "teams_n": len(teams),
        "companies": [team.company_id.id for team in teams],
        # Share of the clock time within business hours, for the stored business durations.
        "factors": [0.45 if team.omnichannel_calendar_id else 1.0 for team in teams],
        "sources": sources.ids,
        "sources_n": len(sources),
        "tags": tags.ids,
        "tags_n": len(tags),
        "reasons": reasons,
        "reasons_n": len(reasons),
        "auto_closed": env.ref("omnichannel_chat.reason_auto_closed").id,
    }


def _load_report_data(env, n, events):
    """Bulk-load n conversations with their channels and customers, and events each, with
    SQL; ANALYZE and commit. Returns the seconds it took (the ORM setup before excluded)."""
    params = _report_setup(env)
    env.cr.commit()
    partners = max(1, n // 20)
    cr = env.cr
    started = time.perf_counter()
    params.update(
        n=n,
        events=events,
        partners_n=partners,
        open_n=min(max(1, n // 50), partners),  # open ones have distinct customers
        start=(datetime.now(UTC) - timedelta(days=REPORT_DAYS + 1)).replace(
            tzinfo=None, microsecond=0
        ),
        step=REPORT_DAYS * 86400 / n,
        first_partner=_reserve_ids(cr, "res_partner", partners),
        first_channel=_reserve_ids(cr, "discuss_channel", n),
        first_conversation=_reserve_ids(cr, "omnichannel_conversation", n),
    )
    # JIT-compiling the generated rows' expressions costs more than it saves here.
    cr.execute("SET LOCAL jit = off")
    with _foreign_keys_checked_after(cr, ("omnichannel_conversation", "omnichannel_event")):
        for query in REPORT_LOAD:
            cr.execute(query, params)
    for table in (
        "res_partner",
        "discuss_channel",
        "omnichannel_conversation",
        "omnichannel_event",
    ):
        cr.execute(f"ANALYZE {table}")
    cr.commit()
    elapsed = time.perf_counter() - started
    first, last = params["first_conversation"], params["first_conversation"] + n - 1
    cr.execute(
        "SELECT count(*) FROM omnichannel_event WHERE conversation_id BETWEEN %s AND %s",
        [first, last],
    )
    loaded_events = cr.fetchone()[0]
    if loaded_events != n * events:
        raise RuntimeError(f"report bench: {loaded_events} events loaded, not {n * events}")
    env.invalidate_all()
    return elapsed


def _best_call(env, call):
    """call() REPORT_WARMUP times, then REPORT_RUNS timed, the ORM cache cleared before each:
    (the best call's seconds, mean queries per call, the last call's result)."""
    from odoo import sql_db  # noqa: PLC0415

    for _ in range(REPORT_WARMUP):
        env.invalidate_all()
        call()
    best, queries = None, []
    for _ in range(REPORT_RUNS):
        env.invalidate_all()
        queries_before, started = sql_db.sql_counter, time.perf_counter()
        result = call()
        elapsed = time.perf_counter() - started
        queries.append(sql_db.sql_counter - queries_before)
        best = elapsed if best is None else min(best, elapsed)
    return best, statistics.fmean(queries), result


def report_benchmarks(registry, args):
    """The conversation analysis pivot by team and week, and a plain read_group of the
    conversations grouped the same way, over the bulk-loaded report data (both read every
    conversation of the database: the loaded ones and the few the benchmarks before made)."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    n, events = args.report_conversations, args.report_events_per_conversation
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        elapsed = _load_report_data(env, n, events)
        args.report_load_seconds = elapsed
        print(
            f"[bench] report data: {n:,} conversations and {n * events:,} events loaded with "
            f"SQL in {elapsed:.1f} s (ANALYZE included)",
            flush=True,
        )
        env = env(context=REPORT_CONTEXT)
        Report = env["omnichannel.report.conversation"]
        Conversation = env["omnichannel.conversation"]

        pivot_seconds, pivot_queries, pivot = _best_call(
            env, lambda: Report.read_group([], *REPORT_PIVOT, lazy=False)
        )
        plain_seconds, plain_queries, plain = _best_call(
            env, lambda: Conversation.read_group([], *REPORT_PLAIN, lazy=False)
        )

        total = Conversation.search_count([])
        cr.execute("SELECT COALESCE(SUM(transfer_count), 0) FROM omnichannel_conversation")
        transfers = cr.fetchone()[0]
        pivot_count = sum(group["__count"] for group in pivot)
        plain_count = sum(group["__count"] for group in plain)
        pivot_transfers = sum(group["transfer_count"] for group in pivot)
        if pivot_count != total or plain_count != total or len(pivot) != len(plain):
            raise RuntimeError(
                f"report bench: the pivot counts {pivot_count} conversations in {len(pivot)} "
                f"groups, the read_group {plain_count} in {len(plain)}, for {total}"
            )
        if pivot_transfers != transfers:
            raise RuntimeError(
                f"report bench: the pivot sums {pivot_transfers} transfers, not {transfers}"
            )
    return [
        Row(
            REPORT_PIVOT_ROW.format(conversations=n, events=n * events),
            1 / pivot_seconds,
            "op/s",
            pivot_queries,
        ),
        Row(REPORT_PLAIN_ROW, 1 / plain_seconds, "op/s", plain_queries),
    ]


# ----------------------------------------------------------------------------------------------
# Auto-close cron
# ----------------------------------------------------------------------------------------------

# Idle conversation i (1..n) of the auto-close bench, on its team and source: a customer of
# its own (open conversations of one source have distinct customers), a channel of its own
# with the customer as member (and the owner, when taken); every other one queued, the others
# taken by one of the team's two agents who replied once. Created, and last written to by the
# customer, AUTOCLOSE_SILENT_DAYS ago (minus i seconds). Prefixes each load statement.
AUTOCLOSE_PLAN = """
WITH plan AS (
    SELECT i,
           %(first_partner)s + i - 1 AS partner_id,
           %(first_channel)s + i - 1 AS channel_id,
           %(first_conversation)s + i - 1 AS conversation_id,
           'Bench idle customer ' || i AS name,
           mod(i, 2) = 0 AS taken,
           (%(agents)s::int[])[mod(i / 2, 2)::int + 1] AS agent,
           %(created)s::timestamp - make_interval(secs => i) AS created
      FROM generate_series(1::bigint, %(n)s) AS i
)
"""

AUTOCLOSE_LOAD = (
    AUTOCLOSE_PLAN
    + """
    INSERT INTO res_partner (id, name, complete_name, type, active, is_company, partner_share,
                             commercial_partner_id, create_uid, write_uid, create_date, write_date)
    SELECT partner_id, name, name, 'contact', true, false, true, partner_id, %(uid)s, %(uid)s,
           created, created
      FROM plan
    """,
    AUTOCLOSE_PLAN
    + """
    INSERT INTO discuss_channel (id, name, channel_type, uuid, active, last_interest_dt,
                                 create_uid, write_uid, create_date, write_date)
    SELECT channel_id, name, 'omnichannel', 'bench-idle-' || channel_id, true,
           created + CASE WHEN taken THEN interval '2 minutes' ELSE interval '0' END,
           %(uid)s, %(uid)s, created, created
      FROM plan
    """,
    AUTOCLOSE_PLAN
    + """
    INSERT INTO discuss_channel_member (channel_id, partner_id, new_message_separator, fold_state,
                                        last_interest_dt, create_uid, write_uid, create_date,
                                        write_date)
    SELECT channel_id, member, 0, 'closed', created, %(uid)s, %(uid)s, created, created
      FROM plan
     CROSS JOIN LATERAL (
        SELECT partner_id AS member
         UNION ALL
        SELECT (%(agent_partners)s::int[])[mod(i / 2, 2)::int + 1] WHERE taken
     ) AS m
    """,
    AUTOCLOSE_PLAN
    + """
    INSERT INTO omnichannel_conversation (
        id, name, channel_id, source_id, team_id, company_id, user_id, partner_id, state,
        conference_state, waiting_since, first_taken_date, first_agent_reply_date,
        last_customer_message_date, last_agent_message_date,
        transfer_count, conference_count, reopen_count, offer_count, rona_count,
        customer_message_count, agent_message_count, note_count,
        waiting_seconds_business, first_reply_seconds_business, handle_seconds_business,
        resolution_seconds_business, create_uid, write_uid, create_date, write_date)
    SELECT conversation_id, name, channel_id, %(source)s, %(team)s, %(company)s,
           CASE WHEN taken THEN agent END, partner_id,
           CASE WHEN taken THEN 'taken' ELSE 'queued' END, 'none', created,
           CASE WHEN taken THEN created + interval '1 minute' END,
           CASE WHEN taken THEN created + interval '2 minutes' END,
           created,
           CASE WHEN taken THEN created + interval '2 minutes' END,
           0, 0, 0, 0, 0, 1, taken::int, 0,
           CASE WHEN taken THEN 60 ELSE 0 END, CASE WHEN taken THEN 120 ELSE 0 END, 0, 0,
           %(uid)s, %(uid)s, created,
           created + CASE WHEN taken THEN interval '2 minutes' ELSE interval '0' END
      FROM plan
    """,
)


def _load_autoclose_data(env, n, agents, team, source):
    """Bulk-load n idle conversations of team and source, with their customers, channels and
    members, with SQL; ANALYZE and commit. Returns the seconds it took."""
    cr = env.cr
    started = time.perf_counter()
    params = {
        "n": n,
        "uid": env.uid,
        "agents": agents.ids,
        "agent_partners": agents.partner_id.ids,
        "team": team.id,
        "company": team.company_id.id,
        "source": source.id,
        "created": (datetime.now(UTC) - timedelta(days=AUTOCLOSE_SILENT_DAYS)).replace(
            tzinfo=None, microsecond=0
        ),
        "first_partner": _reserve_ids(cr, "res_partner", n),
        "first_channel": _reserve_ids(cr, "discuss_channel", n),
        "first_conversation": _reserve_ids(cr, "omnichannel_conversation", n),
    }
    cr.execute("SET LOCAL jit = off")
    tables = ("omnichannel_conversation", "discuss_channel_member")
    with _foreign_keys_checked_after(cr, tables):
        for query in AUTOCLOSE_LOAD:
            cr.execute(query, params)
    for table in ("res_partner", "discuss_channel", *tables):
        cr.execute(f"ANALYZE {table}")
    cr.commit()
    return time.perf_counter() - started


def autoclose_benchmark(registry, args):
    """One run of the auto-close cron (as its scheduled action calls it, committing each
    batch) over ``--autoclose-conversations`` idle conversations bulk-loaded with SQL, on a team
    closing after AUTOCLOSE_HOURS without a warning first and without a closing message (what
    is measured is the close itself). Every other team's auto-close is switched off first, so
    the run closes these conversations only. Last: it leaves them resolved."""
    from odoo import SUPERUSER_ID, api, sql_db  # noqa: PLC0415

    n = args.autoclose_conversations
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        agents, team, source = _omnichannel_setup(
            env,
            "autoclose",
            omnichannel_autoclose_hours=AUTOCLOSE_HOURS,
            omnichannel_autoclose_warn=False,
            omnichannel_autoclose_message=False,
        )
        Team = env["helpdesk.ticket.team"].with_context(active_test=False)
        Team.search([("id", "!=", team.id)]).omnichannel_autoclose_hours = 0
        cr.commit()
        load_seconds = _load_autoclose_data(env, n, agents, team, source)
        args.autoclose_load_seconds = load_seconds
        print(
            f"[bench] auto-close data: {n:,} idle conversations loaded with SQL in "
            f"{load_seconds:.1f} s (ANALYZE included)",
            flush=True,
        )
        env.invalidate_all()
        Conversation = env["omnichannel.conversation"].with_context(omnichannel_cron_commit=True)

        queries_before, started = sql_db.sql_counter, time.perf_counter()
        done = Conversation._cron_autoclose(batch_size=AUTOCLOSE_BATCH)
        cr.commit()
        elapsed = time.perf_counter() - started
        queries = sql_db.sql_counter - queries_before

        auto_closed = env.ref("omnichannel_chat.reason_auto_closed").id
        cr.execute(
            "SELECT count(*) FILTER (WHERE state = 'resolved' AND reason_id = %s), count(*) "
            "FROM omnichannel_conversation WHERE team_id = %s",
            [auto_closed, team.id],
        )
        closed, total = cr.fetchone()
        cr.execute(
            "SELECT count(*) FROM omnichannel_event e "
            "JOIN omnichannel_conversation c ON c.id = e.conversation_id "
            "WHERE c.team_id = %s AND e.kind = 'resolve' AND e.reason_id = %s",
            [team.id, auto_closed],
        )
        events = cr.fetchone()[0]
        if done != n or closed != n or total != n or events != n:
            raise RuntimeError(
                f"auto-close bench: the cron closed {done} conversations; {closed} of {total} "
                f"are auto-closed, with {events} resolve events, for {n} idle ones"
            )
    args.autoclose_seconds = elapsed
    args.autoclose_queries_per_1000 = queries * 1000 / n
    return Row(AUTOCLOSE_ROW.format(conversations=n), n / elapsed, "conv/s", queries / n)


BENCHMARKS = [
    reference_message_post,
    conversation_benchmarks,
    offering_benchmark,
    whatsapp_ingestion,
    http_benchmarks,
    report_benchmarks,
    autoclose_benchmark,  # last: it switches off the other teams' auto-close
]


# ----------------------------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------------------------


def _cell(value, width, digits=1):
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


def print_table(rows):
    reference = rows[0]
    width = max(len(row.name) for row in rows)
    header = (
        f"{'benchmark':<{width}} | {'rate':>15} | {'ms/op':>7} | {'queries/op':>10} | "
        f"{'p50 ms':>7} | {'p95 ms':>7} | vs reference"
    )
    print("\n" + header)
    print("-|-".join("-" * len(cell) for cell in header.split(" | ")))
    for row in rows:
        ratio = row.per_second / reference.per_second
        print(
            f"{row.name:<{width}} | {row.per_second:>8.1f} {row.unit:<6} | "
            f"{1000 / row.per_second:>7.2f} | {_cell(row.queries_per_op, 10)} | "
            f"{_cell(row.p50_ms, 7, 2)} | {_cell(row.p95_ms, 7, 2)} | {ratio:>11.2f}x"
        )


def print_checks(rows, args):
    by_name = {row.name: row for row in rows}
    reference = rows[0]
    webhook = by_name[WEBHOOK_ROW.format(count=args.requests)]
    health = by_name[HEALTH_ROW.format(count=args.requests)]
    ingest = by_name[INGEST_ROW]
    conversations = args.report_conversations
    events = conversations * args.report_events_per_conversation
    pivot = by_name[REPORT_PIVOT_ROW.format(conversations=conversations, events=events)]
    plain = by_name[REPORT_PLAIN_ROW]
    offering = by_name[OFFER_ROW.format(agents=OFFER_AGENTS)]
    idle = args.autoclose_conversations
    autoclose = by_name[AUTOCLOSE_ROW.format(conversations=idle)]
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
    print(
        f"report data: {conversations:,} conversations and {events:,} events loaded with SQL "
        f"in {args.report_load_seconds:.1f} s; pivot {1000 / pivot.per_second:.1f} ms, "
        f"plain read_group {1000 / plain.per_second:.1f} ms (best of {REPORT_RUNS})"
    )
    print(
        f"offering: {OFFER_AGENTS} agents online, {args.offering_conversations:,} new "
        f"conversations each offered, to {args.offering_agents_offered} of the agents "
        f"(at most {args.offering_most_to_one:,} to one); "
        f"{1000 / offering.per_second:.2f} ms and {offering.queries_per_op:.1f} queries per "
        "conversation"
    )
    print(
        f"auto-close data: {idle:,} idle conversations loaded with SQL in "
        f"{args.autoclose_load_seconds:.1f} s; one cron run closed them in "
        f"{args.autoclose_seconds:.1f} s, {args.autoclose_queries_per_1000:,.0f} queries per "
        f"1,000 closed (batches of {AUTOCLOSE_BATCH}, no closing message)"
    )
    print("\nacceptance checks:")
    print(f"webhook p95 <= 3 x /web/health p95: {yes(p95_ratio <= 3)} ({p95_ratio:.1f})")
    print(f"webhook p95 < 50 ms: {yes(webhook.p95_ms < 50)} ({webhook.p95_ms:.1f} ms)")
    print(
        "ingestion queries <= 2 x reference message_post queries: "
        f"{yes(ingest.queries_per_op <= 2 * reference.queries_per_op)} "
        f"({ingest.queries_per_op:.1f} vs {reference.queries_per_op:.1f})"
    )
    pivot_ms = 1000 / pivot.per_second
    pivot_ratio = plain.per_second / pivot.per_second
    print(
        f"report pivot <= 3 x plain read_group: {yes(pivot_ratio <= 3)} ({pivot_ratio:.2f}, "
        f"{pivot_ms:.1f} ms vs {1000 / plain.per_second:.1f} ms)"
    )
    print(f"report pivot under 2 s: {yes(pivot_ms < 2000)} ({pivot_ms:.0f} ms)")
    print(
        f"offering with {OFFER_AGENTS} agents online: {offering.per_second:.1f} conversations "
        f"routed and offered per second ({offering.queries_per_op:.1f} queries each; "
        "no threshold given)"
    )
    print(
        f"auto-close cron over {idle:,} idle conversations: {args.autoclose_seconds:.1f} s, "
        f"{args.autoclose_queries_per_1000:,.0f} queries per 1,000 closed "
        f"({autoclose.per_second:.0f} conversations/s; no threshold given)"
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--count", type=int, default=300, help="operations per in-process benchmark"
    )
    parser.add_argument("--requests", type=int, default=1000, help="requests per HTTP benchmark")
    parser.add_argument(
        "--report-conversations",
        type=int,
        default=100_000,
        help="conversations bulk-loaded for the report benchmark",
    )
    parser.add_argument(
        "--report-events-per-conversation",
        type=int,
        default=10,
        help="events bulk-loaded per conversation for the report benchmark",
    )
    parser.add_argument(
        "--autoclose-conversations",
        type=int,
        default=100_000,
        help="idle conversations bulk-loaded for the auto-close cron benchmark",
    )
    args = parser.parse_args()
    if args.autoclose_conversations < 1:
        parser.error("--autoclose-conversations must be at least 1")
    if args.count < 1 or args.requests < 2:
        parser.error("--count must be at least 1 and --requests at least 2")
    if args.report_conversations < 1 or args.report_events_per_conversation < 0:
        parser.error(
            "--report-conversations must be at least 1 "
            "and --report-events-per-conversation at least 0"
        )

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
