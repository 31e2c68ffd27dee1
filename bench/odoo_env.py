"""Open an Odoo 18.0 environment on the bench database, outside any server.

The bench scripts take Odoo's own options after their own (``-d DB
--addons-path=...``); what they do happens in one transaction that they roll
back unless they say otherwise.
"""

import argparse
import json
import resource
import sys
from contextlib import contextmanager


def parse_args(description, add_arguments=None):
    """The script's own options, and Odoo's (all the rest) loaded into its config."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", help="write the figures to this JSON file")
    if add_arguments:
        add_arguments(parser)
    args, odoo_args = parser.parse_known_args()
    from odoo.tools import config

    config.parse_config(odoo_args, setup_logging=True)
    if not config["db_name"]:
        parser.error("give the database with -d DB")
    return args


@contextmanager
def environment(commit=False):
    """An environment as the superuser on a cursor of its own; the transaction is
    rolled back at the end unless ``commit``."""
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    registry = Registry(config["db_name"].split(",")[0])
    cr = registry.cursor()
    try:
        env = api.Environment(cr, SUPERUSER_ID, {})
        yield env
        if commit:
            cr.commit()
    finally:
        cr.rollback()
        cr.close()


def peak_rss_mib():
    """The process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib():
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def write_json(path, data):
    text = json.dumps(data, indent=2, default=str)
    if path:
        with open(path, "w", encoding="utf-8") as out:
            out.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")
