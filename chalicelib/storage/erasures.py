"""Erasures after retention that failed part-way, kept until a retry completes
them: the `PendingErasures` port, in the sessions table (off the cases stream).

Each waiting case is one item, `pk = ERASURE#<case key>`, on the sparse
`retry-due` index under its own partition (`retry_shard = ERASURE`), so the
scheduled retry finds what is due with one query, never a Scan.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.core.domain import PendingErasure
from chalicelib.storage.dynamodb import dynamodb_errors
from chalicelib.storage.models import PendingErasureItem

SHARD = "ERASURE"
PREFIX = "ERASURE#"


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


class ErasureStore:
    def add(self, case_key: str, now: datetime) -> None:
        item = PendingErasureItem(PREFIX + case_key)
        with dynamodb_errors():
            item.update(actions=[PendingErasureItem.case_key.set(case_key),
                                 PendingErasureItem.since.set(PendingErasureItem.since | now),
                                 PendingErasureItem.attempts.set(PendingErasureItem.attempts | 0),
                                 PendingErasureItem.retry_shard.set(SHARD),
                                 PendingErasureItem.next_attempt_at.set(_epoch(now))])

    def due(self, now: datetime, limit: int) -> list[PendingErasure]:
        with dynamodb_errors():
            keys = [item.pk for item in PendingErasureItem.retry_due.query(
                SHARD, PendingErasureItem.next_attempt_at <= _epoch(now), limit=limit)]
            # Rare and few: one read each (the index holds only the keys).
            found = [PendingErasureItem.get(key) for key in keys]
        return [PendingErasure(case_key=item.case_key, attempts=int(item.attempts or 0)) for item in found]

    def retry_later(self, case_key: str, attempts: int, next_attempt: datetime, reason: str) -> None:
        with dynamodb_errors():
            PendingErasureItem(PREFIX + case_key).update(
                actions=[PendingErasureItem.attempts.set(attempts),
                         PendingErasureItem.next_attempt_at.set(_epoch(next_attempt)),
                         PendingErasureItem.reason.set(reason[:200])],
                condition=PendingErasureItem.pk.exists())

    def done(self, case_key: str) -> None:
        with dynamodb_errors():
            PendingErasureItem(PREFIX + case_key).delete()
