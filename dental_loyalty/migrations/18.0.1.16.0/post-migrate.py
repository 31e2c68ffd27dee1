from odoo.tools import SQL


def migrate(cr, version):
    round_tier_thresholds(cr)


def round_tier_thresholds(cr):
    """A tier's threshold is a whole figure now (points, visits or money
    units): one set with decimals before is rounded as the form shows it, so
    that the engine compares with what the manager sees."""
    cr.execute(
        SQL(
            """
            UPDATE dental_loyalty_tier
               SET threshold = round(threshold)
             WHERE threshold <> round(threshold)
            """
        )
    )
