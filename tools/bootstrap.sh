#!/usr/bin/env bash
# Prepares everything the project needs, then runs the given command in that environment.
#
#   tools/bootstrap.sh                 prepare only
#   tools/bootstrap.sh CMD [ARGS...]   prepare, then exec CMD with the environment set
#   tools/bootstrap.sh --only-source   get the Odoo source into the cache, print its path
#
# Idempotent and fast when already done. Everything it creates lives outside the repository,
# under $OMNICHANNEL_CACHE (default ~/.cache/omnichannel-odoo), so fresh clones and CI reuse it:
#   odoo-18.0/   Odoo 18.0 Community source (from ODOO_SRC, else this cache, else a shallow clone)
#   venv/        Python virtual environment (Odoo editable in compat mode, tools, OCA helpdesk_mgmt)
#   filestore/   Odoo data directory
# plus, when no PostgreSQL server is given through PGHOST/PGPORT/PGUSER, a project-owned cluster.
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE_DIR=${OMNICHANNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/omnichannel-odoo}
ODOO_DIR=$CACHE_DIR/odoo-18.0
VENV_DIR=$CACHE_DIR/venv
ODOO_GIT_URL=https://github.com/odoo/odoo
ODOO_BRANCH=18.0
# The project's own PostgreSQL cluster: its own data directory, port and superuser role.
PG_PROJECT_PORT=${OMNICHANNEL_PG_PORT:-54329}
PG_PROJECT_ROLE=omnichannel
if [ "$(id -u)" = 0 ]; then
    # initdb and postgres refuse root, and the postgres user cannot enter /root.
    PG_PROJECT_DATA=/var/lib/postgresql/omnichannel-odoo/data
else
    PG_PROJECT_DATA=$CACHE_DIR/postgresql/data
fi

say() { printf '[bootstrap] %s\n' "$*" >&2; }
die() { printf '[bootstrap] ERROR: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi
}

apt_install() {
    command -v apt-get >/dev/null || return 1
    say "installing Debian package(s): $*"
    if [ ! -f "$CACHE_DIR/.apt-updated" ]; then
        as_root apt-get update -qq >>"$CACHE_DIR/apt.log" 2>&1 || return 1
        touch "$CACHE_DIR/.apt-updated"
    fi
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" \
        >>"$CACHE_DIR/apt.log" 2>&1 || { say "apt-get failed; see $CACHE_DIR/apt.log"; return 1; }
}

# --- Odoo source --------------------------------------------------------------------------

is_odoo_18_tree() {
    [ -f "$1/odoo/release.py" ] && grep -q '^version_info = (18, 0,' "$1/odoo/release.py"
}

odoo_source_missing() {
    die "no Odoo 18.0 source. Provide one in one of these ways, then run the command again:
    ODOO_SRC=/path/to/odoo make test     (an Odoo 18.0 source tree, or a git directory of it, bare or not)
    or make $ODOO_GIT_URL reachable (the bootstrap runs: git clone --depth 1 --branch $ODOO_BRANCH $ODOO_GIT_URL)
  The first source found is copied to $ODOO_DIR; later runs need no variable."
}

fill_odoo_cache_from() {  # $1: source tree or git directory
    local src=$1 tmp="$ODOO_DIR.tmp.$$"
    rm -rf "$tmp" && mkdir -p "$tmp"
    if [ -f "$src/odoo/release.py" ]; then
        say "copying the Odoo source tree $src to $ODOO_DIR"
        tar -C "$src" --exclude=./.git -cf - . | tar -C "$tmp" -xf -
    elif git --git-dir="$src" rev-parse --verify -q HEAD >/dev/null 2>&1 \
        || git --git-dir="$src/.git" rev-parse --verify -q HEAD >/dev/null 2>&1; then
        local gitdir=$src
        [ -d "$src/.git" ] && gitdir=$src/.git
        say "exporting HEAD of the git directory $gitdir to $ODOO_DIR"
        git --git-dir="$gitdir" archive --format=tar HEAD | tar -C "$tmp" -xf -
    else
        rm -rf "$tmp"
        die "ODOO_SRC=$src is neither an Odoo source tree (no odoo/release.py) nor a git directory."
    fi
    if ! is_odoo_18_tree "$tmp"; then
        rm -rf "$tmp"
        die "ODOO_SRC=$src does not hold Odoo 18.0 (odoo/release.py has another version_info)."
    fi
    echo "$src" > "$tmp/.omnichannel-origin"
    rm -rf "$ODOO_DIR" && mv "$tmp" "$ODOO_DIR"
}

ensure_odoo_source() {
    if [ -n "${ODOO_SRC:-}" ]; then
        [ -e "$ODOO_SRC" ] || die "ODOO_SRC=$ODOO_SRC does not exist."
        local src
        src=$(cd "$ODOO_SRC" && pwd)
        if is_odoo_18_tree "$ODOO_DIR" && [ "$(cat "$ODOO_DIR/.omnichannel-origin" 2>/dev/null)" = "$src" ]; then
            say "Odoo source: $ODOO_DIR (cached from ODOO_SRC=$src)"
            return
        fi
        fill_odoo_cache_from "$src"
    elif is_odoo_18_tree "$ODOO_DIR" && [ -f "$ODOO_DIR/.omnichannel-origin" ]; then
        say "Odoo source: $ODOO_DIR (cached)"
        return
    else
        say "no ODOO_SRC and no cache: trying a shallow clone of $ODOO_GIT_URL ($ODOO_BRANCH)"
        # Probe first so that an unreachable network fails within a minute, not after a stall.
        if ! GIT_TERMINAL_PROMPT=0 timeout 45 git ls-remote --heads "$ODOO_GIT_URL" "$ODOO_BRANCH" >/dev/null 2>&1; then
            odoo_source_missing
        fi
        local tmp="$CACHE_DIR/odoo-clone.tmp.$$"
        rm -rf "$tmp"
        GIT_TERMINAL_PROMPT=0 git -c http.lowSpeedLimit=1000 -c http.lowSpeedTime=60 \
            clone --quiet --depth 1 --branch "$ODOO_BRANCH" "$ODOO_GIT_URL" "$tmp" || { rm -rf "$tmp"; odoo_source_missing; }
        fill_odoo_cache_from "$tmp"
        echo "$ODOO_GIT_URL@$ODOO_BRANCH" > "$ODOO_DIR/.omnichannel-origin"
        rm -rf "$tmp"
    fi
    say "Odoo source: $ODOO_DIR"
}

# --- Python virtual environment -------------------------------------------------------------

ensure_venv() {
    local stamp_want stamp_file=$VENV_DIR/.omnichannel-stamp
    # Rebuilt when Odoo's or the project's requirements change, or the recipe below (bump it).
    stamp_want=$(cat "$ODOO_DIR/requirements.txt" "$REPO_DIR/requirements-dev.txt" \
        <(echo "recipe 1 $ODOO_DIR") | sha256sum | cut -c1-16)
    if [ -x "$VENV_DIR/bin/python" ] && [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp_want" ]; then
        say "virtual environment: $VENV_DIR (up to date)"
        return
    fi
    local py=${PYTHON:-python3}
    "$py" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] < (3, 13))' \
        || die "$py is $("$py" --version 2>&1); Odoo 18.0 needs Python 3.10 to 3.12 (3.11 recommended)."
    say "creating the virtual environment $VENV_DIR"
    rm -rf "$VENV_DIR"
    "$py" -m venv "$VENV_DIR"
    local log=$CACHE_DIR/pip.log
    : > "$log"
    pip() {
        "$VENV_DIR/bin/python" -m pip --disable-pip-version-check -q "$@" >>"$log" 2>&1 \
            || die "pip install $* failed; see $log"
    }
    pip install -U pip wheel 'setuptools<81'
    # Odoo's pins, except cbor2 5.4.2 (its sdist no longer builds) and python-ldap (needs system
    # headers, unused here).
    sed -e 's/^cbor2==5\.4\.2/cbor2==5.6.5/' -e '/^python-ldap/d' "$ODOO_DIR/requirements.txt" \
        > "$VENV_DIR/odoo-requirements.txt"
    say "installing Odoo's requirements"
    pip install -r "$VENV_DIR/odoo-requirements.txt"
    say "installing Odoo (editable, compat mode) from $ODOO_DIR"
    pip install --no-deps -e "$ODOO_DIR" --config-settings editable_mode=compat
    say "installing the project's tools and OCA helpdesk_mgmt"
    pip install -r "$REPO_DIR/requirements-dev.txt"
    echo "$stamp_want" > "$stamp_file"
}

# --- PostgreSQL -------------------------------------------------------------------------------

pg_answers() { psql -X -q -d postgres -c 'select 1' >/dev/null 2>&1; }

pg_bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$d/initdb" ] && { echo "$d"; return; }
    done
    command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ] && { pg_config --bindir; return; }
    return 1
}

ensure_postgres() {
    if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ] && pg_answers; then
        say "PostgreSQL: the server given by PGHOST=${PGHOST:-} PGPORT=${PGPORT:-} PGUSER=${PGUSER:-}"
        return
    fi
    [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ] \
        && say "the PostgreSQL server of PGHOST/PGPORT/PGUSER does not answer: using the project's own"
    local bindir
    if ! bindir=$(pg_bindir); then
        apt_install postgresql || die "PostgreSQL is missing and could not be installed; install it (e.g. apt-get install postgresql) or point PGHOST/PGPORT/PGUSER at a server."
        bindir=$(pg_bindir) || die "PostgreSQL installed but initdb not found."
    fi
    command -v psql >/dev/null || export PATH="$bindir:$PATH"
    local run=()
    [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
    if [ ! -f "$PG_PROJECT_DATA/PG_VERSION" ]; then
        say "creating the project's PostgreSQL cluster in $PG_PROJECT_DATA"
        mkdir -p "$(dirname "$PG_PROJECT_DATA")"
        [ "$(id -u)" = 0 ] && chown postgres: "$(dirname "$PG_PROJECT_DATA")"
        "${run[@]}" "$bindir/initdb" -D "$PG_PROJECT_DATA" -U "$PG_PROJECT_ROLE" --auth=trust \
            -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    export PGHOST=$PG_PROJECT_DATA PGPORT=$PG_PROJECT_PORT PGUSER=$PG_PROJECT_ROLE
    if ! pg_answers; then
        say "starting the project's PostgreSQL (port $PG_PROJECT_PORT, socket in $PG_PROJECT_DATA)"
        # A development and test cluster: no TCP, and no fsync (a crash may lose its data).
        "${run[@]}" "$bindir/pg_ctl" -D "$PG_PROJECT_DATA" -l "$PG_PROJECT_DATA/../postgresql.log" -w -t 60 \
            -o "-p $PG_PROJECT_PORT -k $PG_PROJECT_DATA -c listen_addresses='' -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
            start >/dev/null || die "PostgreSQL did not start; see $PG_PROJECT_DATA/../postgresql.log"
    fi
    pg_answers || die "the project's PostgreSQL does not answer on $PGHOST:$PGPORT"
    say "PostgreSQL: the project's own cluster (socket $PGHOST, port $PGPORT, role $PGUSER)"
}

# --- Chromium ---------------------------------------------------------------------------------

chrome_on_path() { command -v chromium || command -v chromium-browser || command -v google-chrome; }

ensure_chromium() {
    if chrome_on_path >/dev/null; then
        say "Chromium: $(chrome_on_path)"
    elif dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q 'ok installed'; then
        say "Chromium is installed but not on PATH: browser tests cannot run"
    else
        apt_install chromium || say "could not install Chromium: browser tests cannot run"
    fi
}

# --- main -------------------------------------------------------------------------------------

mkdir -p "$CACHE_DIR"
ensure_odoo_source
if [ "${1:-}" = --only-source ]; then
    echo "$ODOO_DIR"
    exit 0
fi
ensure_venv
ensure_postgres
ensure_chromium

export OMNICHANNEL_CACHE=$CACHE_DIR OMNICHANNEL_ODOO_DIR=$ODOO_DIR OMNICHANNEL_REPO=$REPO_DIR
export PATH="$VENV_DIR/bin:$PATH"
export VIRTUAL_ENV=$VENV_DIR
if [ $# -gt 0 ]; then
    exec "$@"
fi
