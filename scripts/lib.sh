# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables set here are read by the scripts that source it
# What scripts/test, scripts/demo, scripts/screenshots and bench/run share. Source it.
# Odoo is `odoo` on PATH or $ODOO_BIN (a launcher or a source checkout's odoo-bin); its
# Python is $ODOO_PYTHON or the launcher's #! line. PostgreSQL: libpq's PGHOST, PGUSER...

DL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The programme's own addon (the benchmark's and the screenshots' subject).
DL_ADDON=dental_loyalty
# DL_ADDONS: every addon of the repository, the top-level folders that hold a
# __manifest__.py (dental_loyalty, dental_loyalty_account, ...), in name order.
DL_ADDONS=()
for _manifest in "$DL_ROOT"/*/__manifest__.py; do
    [[ -f $_manifest ]] && DL_ADDONS+=("$(basename "$(dirname "$_manifest")")")
done
unset _manifest

# dl_join CHAR WORD...: the words joined by one character ("dl_join , a b" prints "a,b").
dl_join() {
    local IFS=$1
    shift
    printf '%s' "$*"
}

dl_say() { printf '%s\n' "$*"; }
dl_err() { printf '%s\n' "$*" >&2; }

# dl_find_odoo: finds Odoo 18.0 and sets ODOO_CMD (array: its Python and launcher),
# ODOO_PY, ODOO_VERSION_LINE, DL_ODOO_PYTHONPATH (lets ODOO_PY import odoo) and
# DL_ADDONS_PATH (Odoo's own addons and this repository). Otherwise sets DL_NO_ODOO to
# why and returns 1.
dl_find_odoo() {
    local odoo=${ODOO_BIN:-$(command -v odoo)} line out
    local -a words
    DL_NO_ODOO=""
    if [[ -z $odoo ]]; then
        DL_NO_ODOO="no 'odoo' on PATH and ODOO_BIN is not set"
    elif [[ ! -f $odoo ]]; then
        DL_NO_ODOO="ODOO_BIN=$odoo is not a file"
    elif [[ -n ${ODOO_PYTHON:-} ]]; then
        ODOO_PY=$ODOO_PYTHON
    else
        IFS= read -r line <"$odoo"
        read -r -a words <<<"${line#\#!}"
        [[ ${words[0]##*/} == env ]] && words=("${words[@]:1}")
        ODOO_PY=$(command -v "${words[0]:-none}") || DL_NO_ODOO="no Python in the #! line of $odoo (set ODOO_PYTHON)"
    fi
    if [[ -z $DL_NO_ODOO ]]; then
        # A source checkout's odoo-bin imports odoo from its own folder.
        DL_ODOO_PYTHONPATH=$(dirname "$(readlink -f "$odoo")")${PYTHONPATH:+:$PYTHONPATH}
        out=$(PYTHONPATH=$DL_ODOO_PYTHONPATH "$ODOO_PY" -c 'from odoo import release
from odoo.tools import config
config.parse_config([])
print(release.version, config["addons_path"])' 2>&1 | tail -n 1)
        read -r ODOO_VERSION_LINE DL_ADDONS_PATH <<<"$out"
        if [[ $ODOO_VERSION_LINE != 18.0* || -z $DL_ADDONS_PATH ]]; then
            DL_NO_ODOO="$odoo is not a working Odoo 18.0 (its Python $ODOO_PY said: $out)"
        fi
    fi
    if [[ -n $DL_NO_ODOO ]]; then
        dl_err "error: $DL_NO_ODOO."
        dl_err "Put Odoo 18.0 on PATH as 'odoo' or point ODOO_BIN at its launcher (and ODOO_PYTHON"
        dl_err "at its Python if the launcher's #! line does not name it)."
        return 1
    fi
    ODOO_CMD=("$ODOO_PY" "$odoo")
    ODOO_VERSION_LINE="Odoo Server $ODOO_VERSION_LINE"
    DL_ADDONS_PATH+=",$DL_ROOT"
}

# dl_db_drop DB: drops an Odoo database and its filestore (Odoo's `odoo db drop`).
dl_db_drop() {
    local out
    out=$("${ODOO_CMD[@]}" db drop "$1" 2>&1) || [[ $out == *"does not exist"* ]] ||
        { dl_err "warning: could not drop the database $1: $(tail -n 1 <<<"$out")" && return 1; }
}

# dl_free_port: prints a TCP port that is free on 127.0.0.1 now, so parallel runs do not clash.
dl_free_port() {
    "$ODOO_PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
