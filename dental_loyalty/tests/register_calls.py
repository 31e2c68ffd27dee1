"""What the register asks the server during a tour: a helper module with no
test class, so that the test modules importing it do not run each other's."""

from contextlib import contextmanager
from unittest.mock import patch

from odoo import api


@contextmanager
def register_calls(env, method):
    """The arguments of every call of pos.order's ``method`` the register
    makes meanwhile (the HTTP server runs in the test's process)."""
    PosOrder = type(env["pos.order"])
    called = getattr(PosOrder, method)
    calls = []

    @api.model
    def counted(model, *args, **kwargs):
        calls.append(args)
        return called(model, *args, **kwargs)

    with patch.object(PosOrder, method, counted):
        yield calls


def reserve_calls(env):
    """The arguments of every dental_loyalty_reserve_points call the register
    makes meanwhile."""
    return register_calls(env, "dental_loyalty_reserve_points")


def voucher_line_calls(env):
    """The arguments of every dental_loyalty_voucher_line call the register
    makes meanwhile (a voucher typed, or priced again at Pay)."""
    return register_calls(env, "dental_loyalty_voucher_line")


def offers_calls(env):
    """The arguments of every dental_loyalty_patient_offers call (the Rewards
    and Vouchers buttons' cues) the register makes meanwhile."""
    return register_calls(env, "dental_loyalty_patient_offers")
