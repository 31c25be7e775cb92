"""Retention: each force keeps a closed case for its own period, then erases it.

A case's expiry is set when it is closed (`Settings.retention_days_for`). From
that moment nothing serves it, whatever is still in the table: every read and
write checks the expiry itself, because DynamoDB's TTL deletes an expired item
only "within a few days". TTL deletes the case's own item; its stream record
(REMOVE, by the DynamoDB service) is the signal to erase the rest of the case
partition (contacts, updates) and to audit the erasure: who, what, when and
which case, never what was in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from chalicelib.audit import Audit
from chalicelib.config import Settings
from chalicelib.models import CASE_SK
from chalicelib.observability import logger, metrics
from chalicelib.store import CaseStore

TTL_PRINCIPAL = "dynamodb.amazonaws.com"
ERASER = "system:retention"


def expires_at(settings: Settings, force: str, closed_at: datetime) -> datetime:
    return closed_at + timedelta(days=settings.retention_days_for(force))


def _ttl_removed_case(record: dict[str, Any]) -> str | None:
    """The case key if this stream record is DynamoDB's TTL deleting a case item."""
    identity = record.get("userIdentity") or {}
    if record.get("eventName") != "REMOVE" or identity.get("principalId") != TTL_PRINCIPAL:
        return None
    keys = (record.get("dynamodb") or {}).get("Keys") or {}
    pk, sk = (keys.get("pk") or {}).get("S", ""), (keys.get("sk") or {}).get("S", "")
    if sk != CASE_SK or not pk.startswith("CASE#"):
        return None
    return pk.removeprefix("CASE#")


class Retention:
    def __init__(self, cases: CaseStore, audit: Audit):
        self._cases = cases
        self._audit = audit

    def erase_expired(self, records: Iterable[dict[str, Any]]) -> int:
        """Erases every case whose item TTL removed in this batch; idempotent
        (a record delivered twice erases nothing more and audits again, which
        an auditor reads as the same erasure)."""
        erased = 0
        for record in records:
            case_key = _ttl_removed_case(record)
            if case_key is None:
                continue
            items = self._cases.erase_case(case_key)
            self._audit.record("erasure", "case_erased", actor=ERASER, force=case_key.split("#", 1)[0],
                               case_key=case_key)
            logger.info("case erased", extra={"items": items})
            metrics.add_metric(name="CasesErased", unit="Count", value=1)
            erased += 1
        return erased


def erase_from_stream(records: list[dict[str, Any]]) -> None:
    """The cases stream's handler calls this for every batch. A failure here is
    logged and alarmed on, never raised: the case item is already gone (so
    nothing serves the case), and the batch must not block the emails behind it."""
    from chalicelib import services  # here: services builds the officers, which use this module

    try:
        Retention(services.case_store(), services.audit()).erase_expired(records)
    except Exception:
        logger.exception("erasure failed")
        metrics.add_metric(name="ErasureFailures", unit="Count", value=1)
