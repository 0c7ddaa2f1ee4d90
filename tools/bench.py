"""``make bench``: the project's benchmarks on a fresh database, printed as one table.

The first row is the reference, measured in the same run: a bare ``message_post`` of a text
message into a ``discuss.channel`` with two members, committing each message. Other rows are
read against it (a ratio to the reference is stable across machines; absolute figures are not).
Add a benchmark by appending a function to BENCHMARKS: it gets the registry and the count and
returns a Row or a list of rows.
"""

import argparse
import logging
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env

BENCH_DB = "omnichannel_bench"


@dataclass
class Row:
    name: str
    per_second: float
    unit: str
    queries_per_op: float


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


def reference_message_post(registry, count):
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

        rate, queries = measure(env, post, count, warmup=10)
    return Row(
        "reference: message_post, discuss.channel, 2 members, commit each", rate, "msg/s", queries
    )


def _omnichannel_setup(env):
    """Two agents in a team and a source: what the conversation benchmarks act with."""
    agent_group = env.ref("omnichannel_chat.group_omnichannel_agent")
    agents = env["res.users"].create(
        [
            {
                "name": f"Bench Agent {i}",
                "login": f"bench_agent_{i}",
                "groups_id": [(6, 0, agent_group.ids)],
            }
            for i in (1, 2)
        ]
    )
    team = env["helpdesk.ticket.team"].create(
        {"name": "Bench team", "user_ids": [(6, 0, agents.ids)]}
    )
    source = env["omnichannel.source"].create(
        {"name": "Bench", "code": "bench", "team_id": team.id}
    )
    return agents, team, source


def conversation_benchmarks(registry, count):
    """Take, transfer, resolve (as an agent) and inbound routing into an open conversation."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    rows = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        (ana, bruno), _team, source = _omnichannel_setup(env)
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


BENCHMARKS = [reference_message_post, conversation_benchmarks]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=300, help="operations per benchmark")
    args = parser.parse_args()

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
        result = bench(registry, args.count)
        rows.extend(result if isinstance(result, list) else [result])
    reference = rows[0]
    name_width = max(len(row.name) for row in rows)
    print(f"\n{'benchmark':<{name_width}} | {'rate':>14} | {'queries/op':>10} | vs reference")
    print(f"{'-' * name_width}-|-{'-' * 14}-|-{'-' * 10}-|-------------")
    for row in rows:
        ratio = row.per_second / reference.per_second
        print(
            f"{row.name:<{name_width}} | {row.per_second:>8.1f} {row.unit:<5} | "
            f"{row.queries_per_op:>10.1f} | {ratio:>11.2f}x"
        )


if __name__ == "__main__":
    main()
