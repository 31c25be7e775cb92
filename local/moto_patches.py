"""Where moto's DynamoDB differs from AWS in ways the service relies on, made to
behave as AWS does. `install()` runs in the local stack's moto server
(local/moto_server.py) and in the tests' in-process moto (tests/conftest.py).

Written against moto 5.2.5 (requirements-dev.txt pins it): `install()` refuses
any other version, so an upgrade stops here until someone checks whether each
patch is still needed and still fits (tests/integration/test_moto_patches.py
shows, for each, what moto does without it).

1. One write at a time. DynamoDB applies each write, and each transaction,
   atomically; moto checks a condition and then writes in two Python steps, so
   two threads could both pass the same condition. Every write (and the
   stream reads, see 2) holds one lock. So does every read of a table: moto's
   GetItem of a missing partition adds an empty one to the table (a
   defaultdict), and a transaction deep-copies its tables for rollback, so a
   read beside a transaction failed it ("dictionary changed size during
   iteration": 656 of 1,000 alerts in bench_alerts, once the sent-mark and
   audit record became one transaction), and a write beside a Query failed the
   Query.

2. A cancelled TransactWriteItems leaves no stream record. In AWS a refused
   transaction writes nothing, so its stream shows nothing of it, and a
   stream's sequence numbers only grow. moto applies a transaction's writes
   one by one (each appending a record to the table's stream shard), and on
   cancellation puts back a deep copy of each table taken before: a new Table
   with a new StreamShard. The old shard, which every open shard iterator
   still reads, keeps the records of the cancelled writes (an invitation email
   for an invitation never stored) and never sees a later write (no email ever
   again); a new iterator would read sequence numbers reused by different
   records. So after a cancellation the table moto restored gets its original
   shard back, cut to the records it had before the transaction. The
   cancelled records' sequence numbers are then given again to later records,
   but no reader ever saw them: the transaction and every GetRecords and
   GetShardIterator hold the same lock.

3. A transaction's rollback copies only the items it touches. moto deep-copies
   every table a TransactWriteItems names before it starts, so each
   transaction costs the size of the whole table, inside the lock of 1: with
   the alert's sent-mark and audit record in one transaction, bench_alerts
   sent 10.8 alerts a second instead of 45. Here each table's copy for
   rollback is the table itself (an instance `__deepcopy__`, set only while
   the transaction holds the lock), and before the transaction the items its
   actions name (by key) are copied; on cancellation exactly those are put
   back (absent ones removed again) and the stream cut as in 2. Nothing else
   can have changed: every action writes only the item its key names.
   CreateBackup, moto's other whole-table copy, holds the lock too, so it
   never copies a table while a transaction runs.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

MOTO_VERSION = "5.2.5"

_LOCK = threading.RLock()
_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
_READS = ("get_item", "query", "scan")  # BatchGetItem and TransactGetItems read through get_item
_STREAM_READS = ("get_shard_iterator", "get_records")
_TABLE_COPIES = ("create_backup",)


def install() -> None:
    """Idempotent: a second call changes nothing."""
    import moto
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    if moto.__version__ != MOTO_VERSION:
        raise RuntimeError(f"local/moto_patches.py was written for moto {MOTO_VERSION}, not {moto.__version__}: "
                           "check each patch against the new moto's code before changing MOTO_VERSION")
    _patch(DynamoDBBackend, "transact_write_items", _no_stream_records_when_cancelled)
    for name in (*_WRITES, *_READS, *_TABLE_COPIES):
        _patch(DynamoDBBackend, name, _serialised)
    for name in _STREAM_READS:
        _patch(DynamoDBStreamsBackend, name, _serialised)
    # moto's UpdateItem handler deep-copies the item (for ReturnValues) before
    # the backend's write, outside the lock: a concurrent write to the same item
    # then fails it ("dictionary changed size during iteration"). The whole
    # handler holds the lock (re-entrant: the backend's write takes it again).
    from moto.dynamodb.responses import DynamoHandler

    _patch(DynamoHandler, "update_item", _serialised)


def _patch(cls: type, name: str, wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    original = getattr(cls, name)
    applied: set[str] = set()
    function: Any = original
    while function is not None:  # what this module has already wrapped it with
        applied.update(getattr(function, "_tmc_patches", ()))
        function = getattr(function, "__wrapped__", None)
    if wrap.__name__ in applied:
        return
    patched = wrap(original)
    patched._tmc_patches = {wrap.__name__}  # type: ignore[attr-defined]
    setattr(cls, name, patched)


def _serialised(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def serialised(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return original(self, *args, **kwargs)

    return serialised


def _no_stream_records_when_cancelled(original: Callable[..., Any]) -> Callable[..., Any]:
    """Patches 2 and 3: the rollback by item, and the stream cut back."""

    @functools.wraps(original)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]], *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            tables = dict(self.tables)
            streams = {table: (table.stream_shard, len(table.stream_shard.items))
                       for table in tables.values() if table.stream_shard is not None}
            touched = _touched_items(tables, transact_items)
            for table in tables.values():
                table.__deepcopy__ = _itself(table)  # moto's copy for rollback: the table itself
            try:
                return original(self, transact_items, *args, **kwargs)
            except Exception:
                for (table, hash_key, range_key), (partition_existed, item) in touched.items():
                    _restore(table, hash_key, range_key, partition_existed, item)
                for table, (shard, count) in streams.items():
                    del shard.items[count:]
                    shard.table = table
                    table.stream_shard = shard
                raise
            finally:
                for table in tables.values():
                    table.__dict__.pop("__deepcopy__", None)

    return transact_write_items


def _itself(table: Any) -> Callable[[dict[int, Any]], Any]:
    return lambda memo: table


def _touched_items(tables: dict[str, Any], transact_items: list[dict[str, Any]]) -> dict[tuple[Any, Any, Any],
                                                                                         tuple[bool, Any]]:
    """Each item an action names, as it is now: (partition existed, a deep copy
    of the item or None). An action moto will refuse (unknown table, a key
    missing) is skipped: it writes nothing."""
    import copy

    from moto.dynamodb.models.dynamo_type import DynamoType

    touched: dict[tuple[Any, Any, Any], tuple[bool, Any]] = {}
    for action in transact_items:
        for kind, op in action.items():
            table = tables.get(op.get("TableName", "")) if isinstance(op, dict) else None
            if table is None:
                continue
            key = op.get("Item") if kind == "Put" else op.get("Key")
            try:
                hash_key = DynamoType(key[table.hash_key_attr])
                range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
            except (KeyError, TypeError):
                continue
            if (table, hash_key, range_key) in touched:
                continue
            if range_key is None:
                existed, item = hash_key in table.items, table.items.get(hash_key)
            else:
                existed = hash_key in table.items
                item = table.items[hash_key].get(range_key) if existed else None
            touched[(table, hash_key, range_key)] = (existed, copy.deepcopy(item))
    return touched


def _restore(table: Any, hash_key: Any, range_key: Any, partition_existed: bool, item: Any) -> None:
    if range_key is None:
        if item is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = item
        return
    if item is not None:
        table.items[hash_key][range_key] = item
        return
    partition = table.items.get(hash_key)
    if partition is not None:
        partition.pop(range_key, None)
        if not partition and not partition_existed:
            del table.items[hash_key]
