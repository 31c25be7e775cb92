"""Retention: each force keeps a closed case for its own period, then erases it.

A case's expiry is set when it is closed (`Settings.retention_days_for`). From
that moment nothing serves it, whatever is still in the table: every read and
write checks the expiry itself, because DynamoDB's TTL deletes an expired item
only "within a few days". TTL deletes the case's own item; its stream record
(a `CaseRemovedByTtl` change) is the signal to erase the rest of the case
(contacts, updates) and to audit the erasure: who, what, when and which case,
never what was in it.
"""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.core.audit import Audit
from chalicelib.core.changes import CaseRemovedByTtl, Change
from chalicelib.core.domain import AuditAction, force_of
from chalicelib.core.ports import CaseRepository
from chalicelib.observability import logger, metrics

ERASER = "system:retention"


class Retention:
    def __init__(self, cases: CaseRepository, audit: Audit):
        self._cases = cases
        self._audit = audit

    def erase_expired(self, changes: Iterable[Change]) -> int:
        """Erases every case whose item TTL removed in this batch; idempotent
        (a record delivered twice erases nothing more and audits again, which
        an auditor reads as the same erasure)."""
        erased = 0
        for change in changes:
            if not isinstance(change, CaseRemovedByTtl):
                continue
            items = self._cases.erase_case(change.case_key)
            self._audit.record(AuditAction.ERASURE, "case_erased", actor=ERASER, force=force_of(change.case_key),
                               case_key=change.case_key)
            logger.info("case erased", extra={"items": items})
            metrics.add_metric(name="CasesErased", unit="Count", value=1)
            erased += 1
        return erased

    def erase_from_stream(self, changes: Iterable[Change]) -> None:
        """The cases stream's handler calls this for every batch. A failure here is
        logged and counted (`ErasureFailures`), never raised: the case item is
        already gone (so nothing serves the case), and the batch must not block
        the emails behind it."""
        try:
            self.erase_expired(changes)
        except Exception:
            logger.exception("erasure failed")
            metrics.add_metric(name="ErasureFailures", unit="Count", value=1)
