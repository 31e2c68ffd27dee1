# shellcheck shell=bash
# shellcheck disable=SC2034  # variables set here are read by the scripts that source it
# Shared helpers for scripts/test and scripts/demo. Source it, don't run it.
#
# Finding Odoo (nothing here assumes where Odoo is installed):
#   ODOO_BIN     the odoo launcher to use (default: `odoo` found on PATH)
#   ODOO_PYTHON  the Python that runs it (default: read from the launcher's #! line);
#                when set, Odoo is run as "$ODOO_PYTHON" "$ODOO_BIN"
# PostgreSQL is reached through the standard libpq variables (PGHOST, PGPORT,
# PGUSER, PGPASSWORD); they are passed on to Odoo only when set.

DL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DL_ADDON=dental_loyalty

dl_say() { printf '%s\n' "$*"; }
dl_err() { printf '%s\n' "$*" >&2; }

# dl_find_odoo: finds Odoo 18.0 and the Python that runs it. On success sets
#   ODOO              the launcher's path
#   ODOO_PY           its Python: $ODOO_PYTHON, or the launcher's #! line
#                     ("#!/path/python3.11" or "#!/usr/bin/env [-S] python3")
#   ODOO_CMD          the command to run Odoo with (an array): the launcher itself, or
#                     "$ODOO_PYTHON" launcher when ODOO_PYTHON is set
#   ODOO_VERSION_LINE what `odoo --version` said
# and returns 0. Otherwise sets DL_NO_ODOO_REASON to a sentence and returns 1 when there
# is no Odoo (no ODOO_BIN file, no odoo on PATH), 2 when the Odoo found does not work.
dl_find_odoo() {
    ODOO=""
    ODOO_PY=""
    ODOO_CMD=()
    DL_NO_ODOO_REASON=""
    if [[ -n ${ODOO_BIN:-} ]]; then
        if [[ ! -f $ODOO_BIN ]]; then
            DL_NO_ODOO_REASON="ODOO_BIN=$ODOO_BIN is not a file"
            return 1
        fi
        if [[ ! -x $ODOO_BIN && -z ${ODOO_PYTHON:-} ]]; then
            DL_NO_ODOO_REASON="ODOO_BIN=$ODOO_BIN is not executable (chmod +x it, or set ODOO_PYTHON)"
            return 2
        fi
        ODOO=$ODOO_BIN
    elif ! ODOO=$(command -v odoo); then
        ODOO=""
        DL_NO_ODOO_REASON="no 'odoo' on PATH and ODOO_BIN is not set"
        return 1
    fi
    ODOO_CMD=("$ODOO")
    if [[ -n ${ODOO_PYTHON:-} ]]; then
        ODOO_PY=$ODOO_PYTHON
        ODOO_CMD=("$ODOO_PY" "$ODOO")
    else
        local first="" interp
        local -a words
        IFS= read -r first <"$ODOO" || true
        if [[ $first != '#!'* ]]; then
            DL_NO_ODOO_REASON="$ODOO has no #! line to tell its Python (set ODOO_PYTHON)"
            return 2
        fi
        read -r -a words <<<"${first#\#!}"
        interp=${words[0]:-}
        if [[ ${interp##*/} == env ]]; then
            local i=1
            while [[ ${words[i]:-} == -* || ${words[i]:-} == *=* ]]; do
                i=$((i + 1))
            done
            interp=$(command -v "${words[i]:-}" || true)
        fi
        ODOO_PY=$interp
    fi
    # A source checkout's odoo-bin imports odoo from its own folder.
    DL_ODOO_PYTHONPATH="$(dirname "$(readlink -f "$ODOO")")${PYTHONPATH:+:$PYTHONPATH}"
    local out
    if [[ -z $ODOO_PY ]] || ! out=$(PYTHONPATH=$DL_ODOO_PYTHONPATH "$ODOO_PY" -c 'import odoo' 2>&1); then
        DL_NO_ODOO_REASON="the Python of $ODOO ('$ODOO_PY') cannot import odoo${out:+: $(tail -n 1 <<<"$out")} (set ODOO_PYTHON)"
        return 2
    fi
    if ! out=$("${ODOO_CMD[@]}" --version 2>&1); then
        DL_NO_ODOO_REASON="'$ODOO --version' failed: $(tail -n 3 <<<"$out")"
        return 2
    fi
    ODOO_VERSION_LINE=$(grep -m1 '^Odoo Server' <<<"$out" || true)
    if [[ $ODOO_VERSION_LINE != "Odoo Server 18.0"* ]]; then
        DL_NO_ODOO_REASON="$ODOO is not Odoo 18.0 ('--version' said: ${ODOO_VERSION_LINE:-$out})"
        return 2
    fi
    return 0
}

# dl_addons_path [DIR]: prints Odoo's default addons path followed by DIR (default: the
# repository root, the folder that holds dental_loyalty/).
dl_addons_path() {
    local default
    default=$(PYTHONPATH=$DL_ODOO_PYTHONPATH "$ODOO_PY" -c \
        'from odoo.tools import config; config.parse_config([]); print(config["addons_path"])' \
        2>/dev/null | tail -n 1) || return 1
    [[ -n $default ]] || return 1
    printf '%s,%s\n' "$default" "${1:-$DL_ROOT}"
}

# dl_db_args: fills the array DL_DB_ARGS with --db_* options for the PG* variables set.
dl_db_args() {
    DL_DB_ARGS=()
    [[ -n ${PGHOST:-} ]] && DL_DB_ARGS+=("--db_host=$PGHOST")
    [[ -n ${PGPORT:-} ]] && DL_DB_ARGS+=("--db_port=$PGPORT")
    [[ -n ${PGUSER:-} ]] && DL_DB_ARGS+=("--db_user=$PGUSER")
    [[ -n ${PGPASSWORD:-} ]] && DL_DB_ARGS+=("--db_password=$PGPASSWORD")
    return 0
}

# dl_need_pg_client: psql is used to check the connection and look up databases.
dl_need_pg_client() {
    if ! command -v psql >/dev/null; then
        dl_err "error: 'psql' not found: install the PostgreSQL client (apt-get install postgresql-client)."
        return 1
    fi
}

dl_db_exists() {
    local found
    # psql interpolates :'name' (quoted) only in what it reads, not in -c.
    found=$(psql -X -d postgres -tA -v name="$1" <<<"SELECT 1 FROM pg_database WHERE datname = :'name'") || return 2
    [[ $found == 1 ]]
}

# dl_db_drop DB: drops an Odoo database and its filestore with click-odoo-dropdb
# (click-odoo-contrib, in requirements-dev.txt), run in Odoo's Python.
dl_db_drop() {
    if ! PYTHONPATH=$DL_ODOO_PYTHONPATH "$ODOO_PY" -c 'import click_odoo_contrib' 2>/dev/null; then
        dl_err "error: click-odoo-contrib is missing in $ODOO_PY; install the development tools:"
        dl_err "       $ODOO_PY -m pip install -r requirements-dev.txt (scripts/test does)"
        return 1
    fi
    PYTHONPATH=$DL_ODOO_PYTHONPATH "$ODOO_PY" -m click_odoo_contrib.dropdb --if-exists "$1" >/dev/null
}

# dl_free_port: prints a TCP port that is free on 127.0.0.1 right now.
dl_free_port() {
    "$ODOO_PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

dl_no_odoo_help() {
    cat <<EOF
To run it: put Odoo 18.0 on PATH as 'odoo' (e.g. ln -s /path/to/venv/bin/odoo /usr/local/bin/odoo)
or point ODOO_BIN at the launcher (ODOO_BIN=/path/to/odoo-bin); set ODOO_PYTHON if its
Python cannot be read from its #! line. PostgreSQL must accept your user (PGUSER etc.).
EOF
}
