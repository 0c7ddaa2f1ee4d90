"""``make bench``: the project's benchmarks on a fresh database, printed as one table.

The first row is the reference, measured in the same run: a bare ``message_post`` of a text
message into a ``discuss.channel`` with two members, committing each message. Other rows are
read against it (a ratio to the reference is stable across machines; absolute figures are not).

In-process rows (through the registry, committing each operation) give ms/op and queries/op:
the conversation actions and a WhatsApp text message processed from its stored webhook row into
its customer's open conversation. HTTP rows run against a real Odoo HTTP server started on the
bench database as a subprocess (no cron thread, so nothing processes rows meanwhile), through one
keep-alive session: signed WhatsApp webhook POSTs, each storing its message, and Odoo's own
``GET /web/health`` for comparison; they give requests/s and the p50/p95 of each request's wall
time (their queries run in the server and are not counted). Acceptance checks follow the table.

Add a benchmark by appending a function to BENCHMARKS: it gets the registry and the parsed
options (``args.count``, ``args.requests``) and returns a Row or a list of rows.
"""

import argparse
import contextlib
import importlib.util
import json
import logging
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

INGEST_ROW = "WhatsApp text message ingested into its open conversation"
WEBHOOK_ROW = "webhook: signed POST stored, {count:,} on real HTTP"
HEALTH_ROW = "/web/health (Odoo's own route), {count:,} on real HTTP"


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
def odoo_http_server(db):
    """A real Odoo HTTP server on ``db`` (threaded, no cron thread): yields its base URL once
    ``/web/health`` answers 200; always stopped (SIGINT, then terminate, then kill)."""
    import requests  # noqa: PLC0415 - a dependency of Odoo, in the bootstrap's venv

    port = odoo_env.free_port()
    command = odoo_env.odoo_args(db, port) + [
        "--workers=0",
        "--max-cron-threads=0",
        "--log-level=warn",
    ]
    base_url = f"http://127.0.0.1:{port}"
    print(f"[bench] starting Odoo's HTTP server on {base_url}", flush=True)
    process = subprocess.Popen(command)
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
        yield base_url
    finally:
        _stop_process(process)


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


def _timed(session_call, count, warmup):
    """Call session_call(i) for i in 0..warmup+count; every answer must be 200. Returns
    (requests/s, p50 ms, p95 ms) over the last count, from each request's wall time."""
    durations = []
    elapsed = 0.0
    for i in range(warmup + count):
        started = time.perf_counter()
        response = session_call(i)
        duration = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(
                f"{response.request.method} {response.url} answered {response.status_code}: "
                f"{response.text[:200]}"
            )
        if i >= warmup:
            durations.append(duration)
            elapsed += duration
    cuts = statistics.quantiles(durations, n=100, method="inclusive")
    return count / elapsed, statistics.median(durations) * 1000, cuts[94] * 1000


def http_benchmarks(registry, args):
    """Signed WhatsApp webhook POSTs (each storing one text message) and GET /web/health on a
    real Odoo HTTP server, through one keep-alive session, measured in the same run."""
    import requests  # noqa: PLC0415

    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    count, warmup = args.requests, HTTP_WARMUP
    standin = _standin()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        account_id = _whatsapp_account(env, "webhook", WEBHOOK_NUMBER_ID).id
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

    with odoo_http_server(BENCH_DB) as base_url, requests.Session() as session:
        health_url = f"{base_url}/web/health"
        webhook_url = f"{base_url}/omnichannel/whatsapp/webhook"
        health = _timed(lambda i: session.get(health_url, timeout=30), count, warmup)
        webhook = _timed(
            lambda i: session.post(
                webhook_url,
                data=requests_to_send[i][0],
                headers=requests_to_send[i][1],
                timeout=30,
            ),
            count,
            warmup,
        )

    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM omnichannel_whatsapp_inbound WHERE account_id = %s",
            [account_id],
        )
        stored = cr.fetchone()[0]
    if stored != warmup + count:
        raise RuntimeError(f"webhook bench: {stored} rows stored for {warmup + count} POSTs")
    rate, p50, p95 = webhook
    rows = [Row(WEBHOOK_ROW.format(count=count), rate, "req/s", None, p50, p95)]
    rate, p50, p95 = health
    rows.append(Row(HEALTH_ROW.format(count=count), rate, "req/s", None, p50, p95))
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
