"""What the register asks the server during a tour: a helper module with no
test class, so that the test modules importing it do not run each other's."""

from contextlib import contextmanager
from unittest.mock import patch

from odoo import api


@contextmanager
def reserve_calls(env):
    """The arguments of every dental_loyalty_reserve_points call the register
    makes meanwhile (the HTTP server runs in the test's process)."""
    PosOrder = type(env["pos.order"])
    reserve = PosOrder.dental_loyalty_reserve_points
    calls = []

    @api.model
    def counted(model, *args, **kwargs):
        calls.append(args)
        return reserve(model, *args, **kwargs)

    with patch.object(PosOrder, "dental_loyalty_reserve_points", counted):
        yield calls
