"""Event factories for the email handlers: DynamoDB stream records built the way
Lambda delivers them, from real pynamodb items (no JSON pasted into tests)."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from pynamodb.models import Model

STREAM_ARN = "arn:aws:dynamodb:eu-west-2:123456789012:table/tmc-test-cases/stream/2026-01-01T00:00:00.000"
_sequence = itertools.count(1000)


def _keys(item: Model) -> dict[str, Any]:
    image = item.serialize()
    return {name: image[name] for name in ("pk", "sk") if name in image}


def record(event_name: str, item: Model, *, with_image: bool = True, ttl: bool = False) -> dict[str, Any]:
    """One stream record: `INSERT`, `MODIFY` or `REMOVE` of `item` (NEW_IMAGE view)."""
    image = item.serialize()
    sequence = str(next(_sequence)).rjust(21, "0")
    out: dict[str, Any] = {
        "eventID": f"evt-{sequence}",
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "eventSourceARN": STREAM_ARN,
        "awsRegion": "eu-west-2",
        "dynamodb": {
            "ApproximateCreationDateTime": int(time.time()),
            "Keys": _keys(item),
            "SequenceNumber": sequence,
            "SizeBytes": len(json.dumps(image)),
            "StreamViewType": "NEW_IMAGE",
        },
    }
    if with_image and event_name != "REMOVE":
        out["dynamodb"]["NewImage"] = image
    if ttl:
        # How DynamoDB marks a deletion made by Time to Live.
        out["userIdentity"] = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    return out


def insert(item: Model) -> dict[str, Any]:
    return record("INSERT", item)


def modify(item: Model) -> dict[str, Any]:
    return record("MODIFY", item)


def remove(item: Model, *, ttl: bool = False) -> dict[str, Any]:
    return record("REMOVE", item, ttl=ttl)


def batch(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


def ses_notification(kind: str, message_id: str, recipient: str, *, bounce_type: str = "Permanent",
                     configuration_set: bool = False) -> str:
    """The JSON SES publishes to SNS for a bounce or a complaint (identity
    notifications use `notificationType`, configuration-set events `eventType`)."""
    body: dict[str, Any] = {
        "mail": {"timestamp": "2026-11-27T22:00:00.000Z", "messageId": message_id,
                 "source": "no-reply@lincs.police.example", "destination": [recipient]},
    }
    body["eventType" if configuration_set else "notificationType"] = kind
    if kind == "Bounce":
        body["bounce"] = {"bounceType": bounce_type, "bounceSubType": "General",
                          "bouncedRecipients": [{"emailAddress": recipient}]}
    elif kind == "Complaint":
        body["complaint"] = {"complainedRecipients": [{"emailAddress": recipient}],
                             "complaintFeedbackType": "abuse"}
    return json.dumps(body)
