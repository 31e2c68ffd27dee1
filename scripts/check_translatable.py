"""Check that Odoo's string extractor reads every Python file it is given.

Odoo exports a module's translatable strings with Babel (``odoo.tools.translate``,
keywords ``_`` and ``_lt``, which ``self.env._`` matches too). A call Babel cannot read,
such as an f-string among a translated call's arguments, makes it log the error and
skip the whole file: every string of that file silently leaves the template, and the
translators never see them. This fails instead, naming the file and the error.

Usage: python scripts/check_translatable.py FILE.py [FILE.py ...]
"""

import sys

from babel.messages.extract import extract

# The keywords Odoo extracts Python code with (odoo/tools/translate.py).
_ODOO_KEYWORDS = {"_": None, "_lt": None}


def unreadable(path):
    """The error Babel raises reading ``path``, or None when it reads it all."""
    with open(path, "rb") as source:
        try:
            for _message in extract(
                "python", source, keywords=_ODOO_KEYWORDS, options={"encoding": "UTF-8"}
            ):
                pass
        except Exception as error:  # noqa: BLE001 - Odoo catches them all the same
            return error
    return None


def main(paths):
    failed = False
    for path in paths:
        error = unreadable(path)
        if error is not None:
            failed = True
            print(
                f"{path}: Odoo's string extractor cannot read this file "
                f"({type(error).__name__}: {error}); none of its translatable "
                "strings would be exported. Format values apart, not as f-strings "
                "inside a translated call."
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
