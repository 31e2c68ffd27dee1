"""The server's rules and the register's preview against one table of cases:
a formula changed on one side and not on the other fails here."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from dental_loyalty.rules import (
    bonus_points,
    earned_points,
    eligible_amount,
    money_share,
    sale_line,
)

ADDON = Path(__file__).resolve().parent.parent / "dental_loyalty"
CASES_PATH = ADDON / "tests" / "data" / "earn_preview_cases.json"
CASES = json.loads(CASES_PATH.read_text())
PREVIEW_JS = ADDON / "static" / "src" / "app" / "earning.js"
RUNNER = Path(__file__).with_name("earn_preview_cases.mjs")


def _names(cases):
    return [case["case"] for case in cases]


def server_points(case):
    """What the wallet's ``_settle_sale`` earns on the case's bill, put
    together from the same rules in the same way."""
    gross = case["bill_total"] + case["covered"]
    share = money_share(gross, case["points_amount"] + case["covered"])
    lines = [sale_line(**line) for line in case["lines"]]
    return earned_points(
        eligible_amount(gross, case["points_amount"], case["covered"]),
        case["rate"],
        bonus_points(lines, share),
        case["multiplier"],
    )


@pytest.fixture(scope="module")
def register():
    """What the register's preview computes for every case of the table."""
    node = shutil.which("node")
    assert node, "Node.js runs the register's preview: install it (see README.md)"
    result = subprocess.run(
        [node, str(RUNNER), str(PREVIEW_JS), str(CASES_PATH)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "index, case",
    list(enumerate(CASES["line_amounts"])),
    ids=_names(CASES["line_amounts"]),
)
def test_line_amounts(index, case, register):
    line = sale_line(**case["line"])
    assert (line.list_amount, line.paid_amount) == pytest.approx(
        (case["list_amount"], case["paid_amount"])
    )
    preview = register["line_amounts"][index]
    assert (preview["list_amount"], preview["paid_amount"]) == pytest.approx(
        (case["list_amount"], case["paid_amount"])
    )


@pytest.mark.parametrize(
    "index, case",
    list(enumerate(CASES["earn_preview"])),
    ids=_names(CASES["earn_preview"]),
)
def test_earn_preview(index, case, register):
    assert server_points(case) == case["points"]
    assert register["earn_preview"][index]["points"] == case["points"]


def test_the_table_covers_both_sides(register):
    assert len(register["line_amounts"]) == len(CASES["line_amounts"])
    assert len(register["earn_preview"]) == len(CASES["earn_preview"])
