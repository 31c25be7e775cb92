"""Retention: each force keeps a closed case for its own period, then erases it.

A case's expiry is set when it is closed (`Settings.retention_days_for`). From
that moment nothing serves it, whatever is still in the table: every read and
write checks the expiry itself, because DynamoDB's TTL deletes an expired item
only "within a few days". TTL deletes the case's own item; its stream record
(a `CaseRemovedByTtl` change) is the signal to erase the rest of the case
(contacts, updates) and to audit the erasure: who, what, when and which case,
never what was in it.

An erasure that fails part-way is never forgotten: the case is recorded as
waiting (`PendingErasures`), and the scheduled retry tries again, with a
growing pause, until it is complete. Meanwhile a new case cannot take the
same crime number (creation refuses a partition that still holds anything),
and two metrics say so: `ErasureFailures` (each failed attempt) and
`ErasuresPending` (how many are waiting), each with an alarm (infra/).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from chalicelib.core.audit import Audit
from chalicelib.core.changes import CaseRemovedByTtl, Change
from chalicelib.core.domain import AuditAction, force_of, utcnow
from chalicelib.core.ports import CaseRepository, Clock, PendingErasures
from chalicelib.observability import logger, metrics

ERASER = "system:retention"
RETRIES_PER_RUN = 25
FIRST_PAUSE = timedelta(minutes=1)
LONGEST_PAUSE = timedelta(hours=1)


class Retention:
    def __init__(self, cases: CaseRepository, pending: PendingErasures, audit: Audit, clock: Clock = utcnow):
        self._cases = cases
        self._pending = pending
        self._audit = audit
        self._clock = clock

    def _erase(self, case_key: str) -> None:
        """Erases what is left of the case and audits it; idempotent (a second
        run erases nothing more and audits again, which an auditor reads as
        the same erasure)."""
        items = self._cases.erase_case(case_key)
        self._audit.record(AuditAction.ERASURE, "case_erased", actor=ERASER, force=force_of(case_key),
                           case_key=case_key)
        logger.info("case erased", extra={"items": items})
        metrics.add_metric(name="CasesErased", unit="Count", value=1)

    def erase_from_stream(self, changes: Iterable[Change]) -> int:
        """The cases stream's handler calls this for every batch: erases each case
        whose item TTL removed. A failed erasure is logged, counted
        (`ErasureFailures`) and recorded for the scheduled retry, never raised:
        the case item is already gone (so nothing serves the case), and the
        batch must not block the emails behind it. Only if even the record
        cannot be written does this raise, so that the stream delivers the
        batch again (its emails are sent once whatever happens)."""
        erased = 0
        for change in changes:
            if not isinstance(change, CaseRemovedByTtl):
                continue
            try:
                self._erase(change.case_key)
                erased += 1
            except Exception:
                logger.exception("erasure failed; it will be retried")
                metrics.add_metric(name="ErasureFailures", unit="Count", value=1)
                self._pending.add(change.case_key, self._clock())
        return erased

    def retry_pending(self) -> int:
        """The scheduled retry: every waiting erasure that is due. Returns how
        many completed."""
        now = self._clock()
        due = self._pending.due(now, RETRIES_PER_RUN)
        metrics.add_metric(name="ErasuresPending", unit="Count", value=len(due))
        completed = 0
        for waiting in due:
            try:
                self._erase(waiting.case_key)
            except Exception as exc:
                attempts = waiting.attempts + 1
                logger.exception("erasure failed again; it will be retried", extra={"attempts": attempts})
                metrics.add_metric(name="ErasureFailures", unit="Count", value=1)
                pause = min(FIRST_PAUSE * 2 ** min(attempts, 16), LONGEST_PAUSE)
                self._pending.retry_later(waiting.case_key, attempts, now + pause, type(exc).__name__)
                continue
            self._pending.done(waiting.case_key)
            completed += 1
        return completed
