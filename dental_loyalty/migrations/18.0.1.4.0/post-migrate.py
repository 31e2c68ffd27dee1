def migrate(cr, version):
    """Ledger lines of a voucher named it by its code, which the whole front
    desk reads: a code is cash, so they keep its last signs only, as new lines
    do (the voucher's ``code_hint``)."""
    cr.execute(
        """
        UPDATE dental_loyalty_ledger
           SET origin = '\u2022\u2022\u2022\u2022 ' || RIGHT(origin, 4)
         WHERE res_model = 'dental.loyalty.voucher'
           AND origin IS NOT NULL
           AND origin NOT LIKE '\u2022%'
        """
    )
