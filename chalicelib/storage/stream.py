"""The cases table's stream records, decoded into domain changes.

Decoding goes through Powertools' `DynamoDBStreamEvent` data classes (their
own attribute-value deserializer: no boto3 import). Only three kinds of record
matter: an INSERT of an invitation, a reset or an update, and DynamoDB's TTL
removing a case's own item. Everything else (MODIFY, other REMOVEs, other
kinds of item) decodes to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pynamodb.attributes import UTCDateTimeAttribute

from chalicelib.core.changes import (
    AddressChangeRequested,
    CaseRemovedByTtl,
    Change,
    LinkStored,
    MessagePosted,
    Unreadable,
    UpdatePosted,
)
from chalicelib.core.conversation import Author
from chalicelib.core.deliveries import MessageKind
from chalicelib.storage.models import CASE_SK

TTL_PRINCIPAL = "dynamodb.amazonaws.com"
_datetime = UTCDateTimeAttribute()


def decode(records: Iterable[dict[str, Any]]) -> list[Change]:
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
        DynamoDBRecord,
        DynamoDBRecordEventName,
    )

    changes: list[Change] = []
    for raw in records:
        record = DynamoDBRecord(raw)
        try:
            name = record.event_name
            if name is DynamoDBRecordEventName.INSERT:
                change = _inserted(record.dynamodb.new_image)  # type: ignore[union-attr]
            elif name is DynamoDBRecordEventName.REMOVE and record.dynamodb is not None:
                change = _removed_by_ttl(record.user_identity, record.dynamodb.keys)
            else:
                change = None
        except (KeyError, ValueError, TypeError, AttributeError):
            change = Unreadable(record.event_id)
        if change is not None:
            changes.append(change)
    return changes


def _inserted(image: dict[str, Any]) -> Change | None:
    kind = image.get("kind")
    if kind in (MessageKind.INVITATION, MessageKind.RESET):
        email, mobile = image.get("email"), image.get("mobile")
        if kind == MessageKind.INVITATION:  # an invitation goes to every address the contact has
            channels = tuple(c for c, a in (("email", email), ("text", mobile)) if a)
        else:
            channels = tuple(str(image.get("channels") or "email").split(","))
        return LinkStored(kind=MessageKind(kind), id=str(image["pk"]).split("#", 1)[1],
                          case_key=str(image["case_pk"]).removeprefix("CASE#"),
                          contact_id=str(image["contact_id"]), force=str(image["force"]),
                          email=str(email) if email else None, mobile=str(mobile) if mobile else None,
                          channels=channels, expires_at=_datetime.deserialize(image["expires_at"]))
    if kind == "address_change":
        old = image.get("old_address")
        return AddressChangeRequested(id=str(image["pk"]).split("#", 1)[1],
                                      case_key=str(image["case_pk"]).removeprefix("CASE#"),
                                      contact_id=str(image["contact_id"]), force=str(image["force"]),
                                      channel=str(image["channel"]), address=str(image["address"]),
                                      old_address=str(old) if old else None,
                                      expires_at=_datetime.deserialize(image["expires_at"]))
    if kind == "update":
        return UpdatePosted(case_key=str(image["pk"]).removeprefix("CASE#"), update_id=str(image["update_id"]))
    if kind == "message":
        return MessagePosted(case_key=str(image["pk"]).removeprefix("CASE#"), message_id=str(image["message_id"]),
                             contact_id=str(image["contact_id"]), from_contact=image["author"] == Author.CONTACT)
    return None


def _removed_by_ttl(identity: dict[str, Any], keys: dict[str, Any]) -> Change | None:
    if identity.get("principalId") != TTL_PRINCIPAL:
        return None
    pk, sk = str(keys.get("pk", "")), str(keys.get("sk", ""))
    if sk != CASE_SK or not pk.startswith("CASE#"):
        return None
    return CaseRemovedByTtl(pk.removeprefix("CASE#"))
