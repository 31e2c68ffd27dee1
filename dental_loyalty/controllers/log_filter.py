"""Request lines never show a page link's token.

Odoo's HTTP server logs each request through werkzeug's logger, query string
included: a patient's link (``/my/loyalty/<id>?access_token=...``) would leave
its bearer token in every log file. This filter, on that logger, rewrites the
token's value before any handler sees the line.
"""

import logging
import re

# Also as a browser or a mail client may have encoded it, its "_" or "=" in
# percent signs, once or more (a mistyped link is logged as it came), a space
# for its "_", and with whatever a few signs add to its name before the "="
# (``access_token[]=``, ``access_token%20=``) or its value (a quote).
_TOKEN = re.compile(
    r"(access(?:_|%(?:25)*5f|\+|%(?:25)*20)token[^=&#\s]{0,24}?"
    r"(?:=|%(?:25)*3d)['\"]?)[^&#\s\"']+",
    re.IGNORECASE,
)
REDACTED = "[redacted]"


def redact_tokens(text):
    """``text`` with every ``access_token=`` value replaced, encoded or not."""
    return _TOKEN.sub(r"\g<1>" + REDACTED, text)


class RedactTokensFilter(logging.Filter):
    """Hides the value of every ``access_token`` of a log record."""

    # Found again by name: a reload of this module makes a new class.
    name_tag = "dental_loyalty_redact_tokens"

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_tokens(arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


def install(logger_name="werkzeug"):
    """Add the filter to ``logger_name`` once, whatever the imports."""
    logger = logging.getLogger(logger_name)
    if not any(
        getattr(existing, "name_tag", None) == RedactTokensFilter.name_tag
        for existing in logger.filters
    ):
        logger.addFilter(RedactTokensFilter())


install()
