from psycopg2.errors import SerializationFailure

from odoo import api, models
from odoo.tools import SQL


class DentalLoyaltyWallet(models.Model):
    """The nightly jobs' lock: a batch takes the wallets nobody holds and leaves
    the others (a register serving the patient) for the job's next run."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.wallet"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _left_counted_up_to(self, batch_size):
        """How far a job's batch counts what is left: the scheduler runs at
        most ten batches before it takes a job up again, and only needs to know
        that some are left. Counting every due row after each batch would read
        the whole table once per batch: a night's work growing with the square
        of the patients."""
        return 10 * batch_size

    @api.model
    def _lock_for_job(self, wallet_ids, mark=None):
        """Lock the wallets ``wallet_ids`` for a job's batch, skipping without
        waiting those another transaction holds (a register's sale, hold or
        refund on the patient's wallet); returns the wallets locked, which the
        batch may then change. The skipped ones stay due: the job's next run
        (or, for lots, the register's own catch-up) handles them.

        Locked as ``_serialise_rows`` does, by writing the rows as they are, so
        that a register that asks for one of them after the job waits for the
        batch only and then retries on a fresh snapshot, never reading figures
        from before the batch. A wallet that a register changed and committed
        since this batch's snapshot cannot be locked under REPEATABLE READ
        either: its statement fails, and the batch then takes its wallets one by
        one, leaving that one.

        ``mark`` ({column: value}) is written on the wallets locked by the same
        statement: a job's progress mark costs no second write of the batch."""
        ids = sorted(set(wallet_ids))
        if not ids:
            return self.browse()
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False):
                locked = self._lock_skipping(ids, mark)
        except SerializationFailure:
            locked = []
            for wallet_id in ids:
                try:
                    with self.env.cr.savepoint(flush=False):
                        locked += self._lock_skipping([wallet_id], mark)
                except SerializationFailure:
                    continue
        wallets = self.browse(sorted(locked))
        # What the batch read before the lock may be stale.
        wallets.invalidate_recordset()
        return wallets

    @api.model
    def _lock_skipping(self, ids, mark=None):
        assignments = [SQL("write_date = target.write_date")] + [
            SQL("%s = %s", SQL.identifier(column), value)
            for column, value in (mark or {}).items()
        ]
        # The conflict with a register is expected and handled by the caller:
        # not logged as an error.
        self.env.cr.execute(
            SQL(
                """
                UPDATE dental_loyalty_wallet target
                   SET %s
                  FROM (SELECT id FROM dental_loyalty_wallet
                         WHERE id IN %s ORDER BY id FOR UPDATE SKIP LOCKED) locked
                 WHERE target.id = locked.id
             RETURNING target.id
                """,
                SQL(", ").join(assignments),
                tuple(ids),
            ),
            log_exceptions=False,
        )
        return [wallet_id for (wallet_id,) in self.env.cr.fetchall()]
