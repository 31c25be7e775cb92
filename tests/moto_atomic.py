"""DynamoDB applies each write (and each transaction) to an item atomically;
moto checks a condition and then writes in two Python steps, so two threads can
both pass the same condition. Racing tests would then test moto, not us. This
gives moto's backend DynamoDB's guarantee: one write operation at a time."""

from __future__ import annotations

import functools
import threading

from moto.dynamodb.models import DynamoDBBackend

_LOCK = threading.RLock()
_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")


def install() -> None:
    for name in _WRITES:
        original = getattr(DynamoDBBackend, name)
        if getattr(original, "_serialised", False):
            continue

        @functools.wraps(original)
        def serialised(self, *args, __original=original, **kwargs):
            with _LOCK:
                return __original(self, *args, **kwargs)

        serialised._serialised = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, serialised)
