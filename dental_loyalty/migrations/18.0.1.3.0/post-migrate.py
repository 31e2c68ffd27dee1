def migrate(cr, version):
    """Lines posted before families existed were each their wallet's own
    patient's: they name them as their member."""
    cr.execute(
        """
        UPDATE dental_loyalty_ledger
           SET member_id = partner_id
         WHERE member_id IS NULL
        """
    )
