"""The audit log in DynamoDB (the audit table): the `AuditLog` port.

Append-only: a record is put with a condition, never updated or deleted; the
table's resource policy denies the service any other write.
"""

from __future__ import annotations

from chalicelib.core.domain import AuditRecord, iso
from chalicelib.storage.dynamodb import dynamodb_errors
from chalicelib.storage.models import AuditItem

AUDIT_PUT_CONDITION = AuditItem.pk.does_not_exist()  # append-only: never over another record


def audit_item(record: AuditRecord) -> AuditItem:
    """One partition per case (or per actor for events with no case) and a
    time-ordered, unique sort key."""
    partition = f"CASE#{record.case_key}" if record.case_key else f"ACTOR#{record.actor}"
    return AuditItem(partition, f"{iso(record.at)}#{record.record_id}", at=record.at, action=str(record.action),
                     event=record.event, actor=record.actor, force=record.force, case=record.case_key,
                     subject=record.subject)


class AuditLog:
    def record(self, record: AuditRecord) -> None:
        with dynamodb_errors():
            audit_item(record).save(condition=AUDIT_PUT_CONDITION)
