"""Email delivery records (sessions table) and the contact's "alerts failing"
flag (cases table): the `DeliveryRepository` port, over DynamoDB.

A delivery record is written with a condition *before* the email is sent, so
the same stream record delivered twice, or two invocations at once, send one
email. Unfinished records sit in the sparse `retry-due` index, which the
scheduled retry queries by shard; nothing here scans.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.core.deliveries import Claimed, DeliveryRef, DeliveryStatus, Due, SentMessage
from chalicelib.core.domain import AuditRecord
from chalicelib.storage.audit_log import AUDIT_PUT_CONDITION, audit_item
from chalicelib.storage.dynamodb import conditional_check_failed, dynamodb_errors
from chalicelib.storage.models import CONTACT_PREFIX, ContactItem, DeliveryItem, case_pk

RETRY_SHARDS = 4
# Long enough to outlive the stream's 24-hour redelivery and the retry bound.
RECORD_LIFETIME = timedelta(days=30)
DELIVERY_PREFIX = "DELIVERY#"


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _pk(key: str) -> str:
    """`DELIVERY#invitation#<id>`, `DELIVERY#reset#<id>`, `DELIVERY#alert#<update>#<contact>`."""
    return DELIVERY_PREFIX + key


def retry_shard(pk: str) -> str:
    return f"RETRY#{int(hashlib.sha256(pk.encode()).hexdigest(), 16) % RETRY_SHARDS}"


def _ref(item: DeliveryItem) -> DeliveryRef:
    return DeliveryRef(kind=item.kind, source_id=item.source_id,
                       case_key=item.case_pk.removeprefix("CASE#"),
                       contact_id=item.contact_id, force=item.force, channel=item.channel or "email")


class DeliveryStore:
    """The email sender's records: one item per email, claimed before it is sent."""

    def _put_new(self, ref: DeliveryRef, now: datetime, status: str, next_attempt: datetime,
                 attempts: int) -> bool:
        """Writes the delivery record unless one exists: False if it does."""
        pk = _pk(ref.key)
        item = DeliveryItem(
            pk, kind=ref.kind, channel=None if ref.channel == "email" else ref.channel,
            source_id=ref.source_id, case_pk=case_pk(ref.case_key),
            contact_id=ref.contact_id, force=ref.force, status=status, attempts=attempts,
            created_at=now, updated_at=now, retry_shard=retry_shard(pk),
            next_attempt_at=_epoch(next_attempt), ttl=now + RECORD_LIFETIME)
        with dynamodb_errors():
            try:
                item.save(condition=DeliveryItem.pk.does_not_exist())
            except PutError as exc:
                if conditional_check_failed(exc):
                    return False
                raise
        return True

    def claim_new(self, ref: DeliveryRef, now: datetime, lease: timedelta) -> bool:
        """True if this caller now owns the first attempt; False if the email was
        already claimed (a duplicate stream record, or a concurrent invocation).
        The claim expires into a retry: if this caller dies, the scheduled retry
        takes over after `lease`."""
        return self._put_new(ref, now, DeliveryStatus.SENDING, now + lease, 1)

    def defer_new(self, ref: DeliveryRef, now: datetime) -> bool:
        """Leaves the email to the scheduled retry (the invocation is running out
        of time). False if it was already claimed."""
        return self._put_new(ref, now, DeliveryStatus.RETRYING, now, 0)

    def due(self, now: datetime, limit: int) -> list[Due]:
        """Keys of unfinished deliveries whose next attempt is due, oldest first.
        The index is eventually consistent: `claim_due` checks again."""
        found: list[tuple[int, str, str]] = []
        with dynamodb_errors():
            for shard in range(RETRY_SHARDS):
                found += [(int(item.next_attempt_at), item.pk, item.status)
                          for item in DeliveryItem.retry_due.query(
                              f"RETRY#{shard}", DeliveryItem.next_attempt_at <= _epoch(now), limit=limit)]
        return [Due(pk.removeprefix(DELIVERY_PREFIX), status) for _, pk, status in sorted(found)[:limit]]

    def claim_due(self, key: str, now: datetime, lease: timedelta) -> Claimed | None:
        """Takes over a due delivery; None if it is not due (any more) or another
        worker took it first."""
        item = DeliveryItem(_pk(key))
        with dynamodb_errors():
            try:
                item.update(
                    actions=[DeliveryItem.status.set(DeliveryStatus.SENDING), DeliveryItem.attempts.add(1),
                             DeliveryItem.next_attempt_at.set(_epoch(now + lease)),
                             DeliveryItem.updated_at.set(now)],
                    condition=(DeliveryItem.status.is_in(DeliveryStatus.SENDING, DeliveryStatus.RETRYING)
                               & (DeliveryItem.next_attempt_at <= _epoch(now))))
            except UpdateError as exc:
                if conditional_check_failed(exc):
                    return None
                raise
        return Claimed(ref=_ref(item), attempts=int(item.attempts))

    def mark_sent(self, ref: DeliveryRef, message_id: str, now: datetime, audit: AuditRecord | None = None) -> None:
        """One write: the record leaves the retry index and joins the message-id
        index; with `audit`, the disclosure's audit record in the same
        transaction (one round trip, and never the one without the other)."""
        actions: list[Action] = [
            DeliveryItem.status.set(DeliveryStatus.SENT), DeliveryItem.sent_at.set(now),
            DeliveryItem.message_id.set(message_id), DeliveryItem.updated_at.set(now),
            DeliveryItem.retry_shard.remove(), DeliveryItem.next_attempt_at.remove()]
        with dynamodb_errors():
            if audit is None:
                DeliveryItem(_pk(ref.key)).update(actions=actions)
                return
            with TransactWrite(connection=Connection(region=DeliveryItem.Meta.region,
                                                     host=DeliveryItem.Meta.host)) as tx:
                tx.update(DeliveryItem(_pk(ref.key)), actions=actions)
                tx.save(audit_item(audit), condition=AUDIT_PUT_CONDITION)

    def mark_retry(self, ref: DeliveryRef, next_attempt: datetime, reason: str, now: datetime) -> None:
        with dynamodb_errors():
            DeliveryItem(_pk(ref.key)).update(actions=[
                DeliveryItem.status.set(DeliveryStatus.RETRYING), DeliveryItem.reason.set(reason),
                DeliveryItem.retry_shard.set(retry_shard(_pk(ref.key))),
                DeliveryItem.next_attempt_at.set(_epoch(next_attempt)),
                DeliveryItem.updated_at.set(now)])

    def mark_finished(self, ref: DeliveryRef, status: str, reason: str, now: datetime) -> None:
        """`failed` or `cancelled`: out of the retry index for good."""
        with dynamodb_errors():
            DeliveryItem(_pk(ref.key)).update(actions=[
                DeliveryItem.status.set(status), DeliveryItem.reason.set(reason),
                DeliveryItem.updated_at.set(now),
                DeliveryItem.retry_shard.remove(), DeliveryItem.next_attempt_at.remove()])

    def status(self, ref: DeliveryRef) -> str | None:
        with dynamodb_errors():
            try:
                return DeliveryItem.get(_pk(ref.key), consistent_read=True).status
            except DeliveryItem.DoesNotExist:
                return None

    def message(self, message_id: str) -> SentMessage | None:
        with dynamodb_errors():
            item = next(iter(DeliveryItem.by_message_id.query(message_id, limit=1)), None)
        if item is None:
            return None
        return SentMessage(key=item.pk.removeprefix(DELIVERY_PREFIX), case_key=item.case_pk.removeprefix("CASE#"),
                           contact_id=item.contact_id, kind=item.kind)

    def mark_contact_failing(self, case_key: str, contact_id: str, reason: str, channel: str = "email") -> bool:
        """Shown to the officer as the contact's status (emails or texts
        failing, by `channel`); False if the contact is gone."""
        actions: list[Action] = [ContactItem.texts_failing.set(True), ContactItem.texts_failing_reason.set(reason)] \
            if channel == "text" else [ContactItem.alerts_failing.set(True),
                                       ContactItem.alerts_failing_reason.set(reason)]
        with dynamodb_errors():
            try:
                ContactItem(case_pk(case_key), f"{CONTACT_PREFIX}{contact_id}").update(
                    actions=actions, condition=ContactItem.pk.exists())
            except UpdateError as exc:
                if conditional_check_failed(exc):
                    return False
                raise
        return True
