"""Load ``dental_loyalty.rules`` without Odoo.

``dental_loyalty/__init__.py`` imports ``odoo``; registering a bare package in its
place lets Python find ``dental_loyalty.rules`` without running that file.
"""

import sys
import types
from pathlib import Path

ADDON_PATH = Path(__file__).resolve().parent.parent / "dental_loyalty"

if "dental_loyalty" not in sys.modules:
    addon = types.ModuleType("dental_loyalty")
    addon.__path__ = [str(ADDON_PATH)]
    sys.modules["dental_loyalty"] = addon
