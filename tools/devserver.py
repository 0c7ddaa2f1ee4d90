"""``make run``, ``make reset`` and ``make pot``.

run    create (or reuse) the database ``omnichannel`` with the three addons and demo data, then
       serve it threaded on http://localhost:8069 (websocket included) until Ctrl-C, beside
       the local Graph API stand-in on http://localhost:8070 that the demo WhatsApp number
       talks to (its /sandbox page plays the customer). With OMNICHANNEL_WORKERS=N
       (``make run WORKERS=N``) Odoo runs prefork as deployed: N HTTP workers on port 8071,
       cron workers, the gevent port 8072 for websockets, all on 127.0.0.1, behind
       tools/devproxy.py on http://localhost:8069, the one URL for the browser and webhooks.
reset  drop the databases the project created (never one it did not).
pot    regenerate each addon's ``i18n/<addon>.pot`` from the ``omnichannel`` database.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env

RUN_DB = os.environ.get("OMNICHANNEL_DB", "omnichannel")
HTTP_PORT = int(os.environ.get("OMNICHANNEL_HTTP_PORT", "8069"))
HTTP_INTERFACE = os.environ.get("OMNICHANNEL_HTTP_INTERFACE", "")  # "" = all interfaces
# 0: one threaded process. N: prefork, Odoo's HTTP workers and gevent port behind the proxy.
WORKERS = int(os.environ.get("OMNICHANNEL_WORKERS") or 0)
PREFORK_HTTP_PORT = HTTP_PORT + 2
GEVENT_PORT = int(os.environ.get("OMNICHANNEL_GEVENT_PORT") or HTTP_PORT + 3)
# The demo WhatsApp number (omnichannel_whatsapp/demo) points its Graph API base URL here.
STANDIN_PORT = 8070
STANDIN = odoo_env.REPO / "omnichannel_whatsapp" / "tests" / "graph_api_standin.py"
DEMO_WHATSAPP = {
    "--phone-number-id": "109876543210987",
    "--waba-id": "102290129340398",
    "--access-token": "demo-access-token",
    "--app-secret": "demo-app-secret",
}
PROJECT_DBS = (
    RUN_DB,
    "omnichannel_test",
    "omnichannel_bench",
    "omnichannel_selftest",
    "omnichannel_test_prefork",
)
DEMO_LOGINS = (
    ("admin", "admin", "administrator, omnichannel manager"),
    ("marta", "marta", "omnichannel manager, leads both teams"),
    ("ana", "ana", "agent, team Customer Support"),
    ("bruno", "bruno", "agent, team Customer Support"),
    ("diego", "diego", "agent, team Customer Support"),
    ("carla", "carla", "agent, team Sales"),
)


def run_once(*options, failure):
    """Run Odoo on the demo database once, without serving (install, update, export)."""
    cmd = odoo_env.odoo_args(RUN_DB, HTTP_PORT) + [
        *options,
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
    ]
    if subprocess.call(cmd):
        sys.exit(failure)


def ensure_run_db():
    """The demo database with the three addons installed; created or completed when needed."""
    if odoo_env.db_exists(RUN_DB):
        if not odoo_env.db_is_ours(RUN_DB):
            sys.exit(
                f"Database {RUN_DB!r} exists but was not created by this project; set "
                "OMNICHANNEL_DB to another name."
            )
        if odoo_env.modules_installed(RUN_DB, odoo_env.ADDONS):
            if addons_fingerprint() == installed_fingerprint():
                print(f"[run] reusing the database {RUN_DB}", flush=True)
                return
            print(f"[run] the addons changed: updating them in {RUN_DB}", flush=True)
            run_once(
                "-u",
                ",".join(odoo_env.ADDONS),
                failure=f"[run] updating the addons in {RUN_DB} failed (see the log above).",
            )
            remember_fingerprint()
            return
    else:
        odoo_env.create_db(RUN_DB)
    print(f"[run] installing {', '.join(odoo_env.ADDONS)} with demo data into {RUN_DB}", flush=True)
    run_once(
        "-i",
        ",".join(odoo_env.ADDONS),
        failure=f"[run] installing the addons into {RUN_DB} failed (see the log above).",
    )
    remember_fingerprint()


def fingerprint_file():
    return odoo_env.cache_dir() / f"{RUN_DB}.addons-fingerprint"


def addons_fingerprint():
    """A digest of what an update would load (code, data, views): a change asks for -u."""
    digest = hashlib.sha256()
    for addon in odoo_env.ADDONS:
        for path in sorted((odoo_env.REPO / addon).rglob("*")):
            skipped = {"tests", "static"} & set(path.parts)  # assets need no update
            if path.suffix in (".py", ".xml", ".csv", ".po") and not skipped:
                digest.update(str(path.relative_to(odoo_env.REPO)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def installed_fingerprint():
    path = fingerprint_file()
    return path.read_text().strip() if path.exists() else None


def remember_fingerprint():
    fingerprint_file().write_text(addons_fingerprint())


def run():
    ensure_run_db()
    logins = "\n".join(
        f"    {login:<6} / {password:<6}  {role}" for login, password, role in DEMO_LOGINS
    )
    print(
        f"\n[run] Odoo is starting on http://localhost:{HTTP_PORT} (database {RUN_DB}).\n"
        f"[run] Demo logins (login / password):\n{logins}\n[run] Ctrl-C stops it.\n",
        flush=True,
    )
    start_graph_api_standin()
    if WORKERS:
        cmd = prefork_behind_proxy()
    else:
        cmd = odoo_env.odoo_args(RUN_DB, HTTP_PORT, interface=HTTP_INTERFACE)
    os.execvp(cmd[0], cmd)


def prefork_behind_proxy():
    """Start the proxy on HTTP_PORT; return Odoo's prefork command line, on 127.0.0.1 behind
    it (the browser opens /websocket on the page's port: the proxy sends it to gevent)."""
    print(
        f"[run] prefork: {WORKERS} HTTP worker(s) on 127.0.0.1:{PREFORK_HTTP_PORT}, "
        f"{odoo_env.CRON_WORKERS} cron workers, websockets on the gevent port "
        f"127.0.0.1:{GEVENT_PORT}, behind the proxy on port {HTTP_PORT}",
        flush=True,
    )
    # Same process group as Odoo: the Ctrl-C that stops Odoo stops the proxy (and it stops
    # by itself when Odoo ends otherwise: tools/devproxy.py, stop_with_parent).
    subprocess.Popen(
        odoo_env.devproxy_args(HTTP_PORT, PREFORK_HTTP_PORT, GEVENT_PORT, HTTP_INTERFACE)
    )
    return odoo_env.prefork_args(RUN_DB, PREFORK_HTTP_PORT, GEVENT_PORT, WORKERS)


def start_graph_api_standin():
    """Meta's Graph API for the demo number, with the customer's sandbox page. It shares the
    terminal's process group, so the Ctrl-C that stops Odoo stops it too."""
    options = [f"{key}={value}" for key, value in DEMO_WHATSAPP.items()]
    subprocess.Popen(
        [
            sys.executable,
            str(STANDIN),
            "serve",
            f"--port={STANDIN_PORT}",
            f"--webhook-url=http://127.0.0.1:{HTTP_PORT}/omnichannel/whatsapp/webhook",
            *options,
        ]
    )
    print(
        f"[run] WhatsApp sandbox (play the customer): http://localhost:{STANDIN_PORT}/sandbox",
        flush=True,
    )


def reset():
    for name in PROJECT_DBS:
        if not odoo_env.db_exists(name):
            continue
        if odoo_env.db_is_ours(name):
            odoo_env.drop_db(name)
        else:
            print(f"[reset] {name} was not created by this project: left alone", flush=True)
    print(
        "[reset] done (the Odoo source, virtual environment and PostgreSQL cluster stay "
        f"in {odoo_env.cache_dir()})",
        flush=True,
    )


def pot():
    ensure_run_db()
    # The terms of models, fields and data come from the database: bring it to the code.
    run_once(
        "-u", ",".join(odoo_env.ADDONS), failure=f"[pot] updating the addons in {RUN_DB} failed"
    )
    for addon in odoo_env.ADDONS:
        target = odoo_env.REPO / addon / "i18n" / f"{addon}.pot"
        target.parent.mkdir(exist_ok=True)
        run_once(
            f"--i18n-export={target}",
            f"--modules={addon}",
            failure=f"[pot] exporting {addon} failed",
        )
        print(f"[pot] {target.relative_to(odoo_env.REPO)}", flush=True)


if __name__ == "__main__":
    commands = {"run": run, "reset": reset, "pot": pot}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(commands)}")
    commands[sys.argv[1]]()
