"""What the project's commands share: paths, Odoo's command line, the databases the project owns.

Run inside ``tools/bootstrap.sh``, which exports the PostgreSQL variables (PGHOST, PGPORT,
PGUSER), OMNICHANNEL_ODOO_DIR, OMNICHANNEL_CACHE and OMNICHANNEL_REPO.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(os.environ.get("OMNICHANNEL_REPO") or Path(__file__).resolve().parent.parent)
ADDONS = (
    "omnichannel_chat",
    "omnichannel_whatsapp",
    "omnichannel_livechat",
    "omnichannel_dashboard",
)
# Addons that exist only for the tests (a source defined only there), installed by make test.
TEST_ADDONS_DIR = REPO / "tests" / "fixtures" / "addons"
TEST_ADDONS = ("omnichannel_test_provider", "omnichannel_test_livechat_agent")
# The comment that marks a database as the project's: only those are ever dropped.
DB_MARK = "created by the make targets of the omnichannel project"


def odoo_dir():
    try:
        return Path(os.environ["OMNICHANNEL_ODOO_DIR"])
    except KeyError:
        sys.exit(
            "Run this through tools/bootstrap.sh (or a make target): OMNICHANNEL_ODOO_DIR is unset."
        )


def cache_dir():
    return Path(os.environ["OMNICHANNEL_CACHE"])


def addons_path(extra=()):
    src = odoo_dir()
    paths = [src / "odoo" / "addons"]
    if (src / "addons").is_dir():  # a git checkout keeps most addons there
        paths.append(src / "addons")
    paths.append(REPO)
    paths.extend(Path(p).resolve() for p in extra)
    return ",".join(str(p) for p in paths)


# How Odoo serves: one threaded process (make run, the tests), or prefork as deployed.
THREADED = ("--workers=0", "--max-cron-threads=1")
# Prefork's cron workers: two, Odoo's default, so one long job does not hold up the others.
CRON_WORKERS = 2
PREFORK_LIMITS = (
    # A request or cron job may take 10 min of CPU, 20 on the clock (Odoo's deployment guide's
    # figures: imports, reports, a large batch); a worker past 2 GiB of memory is recycled after
    # its request and one past 2.5 GiB fails its allocation (Odoo's defaults, made explicit).
    "--limit-time-cpu=600",
    "--limit-time-real=1200",
    f"--limit-memory-soft={2048 * 1024 * 1024}",
    f"--limit-memory-hard={2560 * 1024 * 1024}",
)


# OCA queue_job runs the pipeline's jobs: loaded server-wide (its job runner starts with the
# server, a thread in threaded mode, a process in prefork), at most this many jobs at once.
SERVER_WIDE_MODULES = "base,web,queue_job"
QUEUE_JOB_MAX_CAPACITY = 4


def odoo_config_file():
    """Odoo's configuration file for what only a file can set: queue_job's options."""
    path = cache_dir() / "odoo-omnichannel.conf"
    text = f"[options]\n\n[queue_job]\nmax_capacity = {QUEUE_JOB_MAX_CAPACITY}\n"
    if not path.exists() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return path


def odoo_args(db, http_port, extra_addons=(), interface="127.0.0.1", serving=THREADED):
    """The options every Odoo process of the project gets (interface "" = all interfaces)."""
    return [
        "odoo",
        f"--config={odoo_config_file()}",
        f"--load={SERVER_WIDE_MODULES}",
        f"--addons-path={addons_path(extra_addons)}",
        f"--data-dir={cache_dir() / 'filestore'}",
        f"--database={db}",
        f"--db-filter=^{db}$",
        f"--db_host={os.environ.get('PGHOST', '')}",
        f"--db_port={os.environ.get('PGPORT', '') or 5432}",
        f"--db_user={os.environ.get('PGUSER', '')}",
        f"--http-port={http_port}",
        f"--http-interface={interface}",
        *serving,
    ]


def prefork_options(workers, gevent_port, cron_workers=CRON_WORKERS):
    """Odoo as deployed: `workers` HTTP processes, cron processes, and the gevent process that
    alone serves /websocket, on `gevent_port`. Behind a proxy (nginx, tools/devproxy.py) that
    sends /websocket there and sets X-Forwarded-*, which --proxy-mode trusts."""
    return (
        f"--workers={workers}",
        f"--max-cron-threads={cron_workers}",
        f"--gevent-port={gevent_port}",
        "--proxy-mode",
        *PREFORK_LIMITS,
    )


def prefork_args(db, http_port, gevent_port, workers, extra_addons=()):
    """The production profile's command line (make run WORKERS=N, its test); both of Odoo's
    ports on 127.0.0.1: only the proxy in front is reached from outside."""
    return odoo_args(db, http_port, extra_addons, serving=prefork_options(workers, gevent_port))


def devproxy_args(port, http_port, gevent_port, interface="127.0.0.1"):
    """tools/devproxy.py on `port`: /websocket to the gevent port, the rest to the HTTP one."""
    return [
        sys.executable,
        str(REPO / "tools" / "devproxy.py"),
        f"--port={port}",
        f"--interface={interface}",
        f"--http-port={http_port}",
        f"--gevent-port={gevent_port}",
    ]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql(sql, db="postgres"):
    """Run one SQL statement; return its output as text (one row per line)."""
    result = subprocess.run(
        ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(f"psql failed on {db}: {sql}\n{result.stderr.strip()}")
    return result.stdout.strip()


def db_exists(name):
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def db_is_ours(name):
    comment = psql(
        f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{name}'"
    )
    return comment == DB_MARK


def db_is_initialized(name):
    return psql("SELECT to_regclass('public.ir_module_module') IS NOT NULL", db=name) == "t"


def modules_installed(name, modules):
    """Whether the database exists and has all these modules installed."""
    if not (db_exists(name) and db_is_initialized(name)):
        return False
    names = ",".join(f"'{module}'" for module in modules)
    installed = psql(
        f"SELECT count(*) FROM ir_module_module WHERE name IN ({names}) AND state = 'installed'",
        db=name,
    )
    return int(installed) == len(set(modules))


def drop_db(name):
    """Drop a database of the project's; refuse any other."""
    if not db_exists(name):
        return False
    if not db_is_ours(name):
        sys.exit(f"Database {name!r} exists but was not created by this project: not touching it.")
    print(f"[db] dropping {name}", flush=True)
    psql(f'DROP DATABASE "{name}" WITH (FORCE)')
    filestore = cache_dir() / "filestore" / "filestore" / name
    if filestore.is_dir():
        subprocess.run(["rm", "-rf", str(filestore)], check=True)
    return True


def create_db(name):
    """Create an empty database marked as the project's (Odoo initialises it on first -i)."""
    print(f"[db] creating {name}", flush=True)
    psql(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' LC_COLLATE 'C' TEMPLATE template0")
    psql(f"COMMENT ON DATABASE \"{name}\" IS '{DB_MARK}'")


def recreate_db(name):
    drop_db(name)
    create_db(name)
