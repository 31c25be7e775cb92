"""local/moto_patches.py, against moto itself (in process): what each patch
makes moto do, and that moto without it still does what the patch is for. When
a moto upgrade fixes one, the last test here fails: drop that patch."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import moto
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends

from local import moto_patches

TABLE = "patched"
REGION = "eu-west-2"


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        client.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        yield client


class Reader:
    """Reads the table's stream as the local stack's poller does: one shard
    iterator, then each answer's NextShardIterator."""

    def __init__(self, client: Any):
        self._streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn = client.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
        shard = self._streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        self._iterator = self._streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]

    def read(self) -> list[tuple[str, int]]:
        answer = self._streams.get_records(ShardIterator=self._iterator)
        self._iterator = answer["NextShardIterator"]
        return [(r["dynamodb"]["Keys"]["pk"]["S"], int(r["dynamodb"]["SequenceNumber"])) for r in answer["Records"]]


def _put(client: Any, pk: str) -> None:
    client.put_item(TableName=TABLE, Item={"pk": {"S": pk}})


def _refused_transaction() -> list[dict[str, Any]]:
    """Puts "b", then fails on "a" (which exists): DynamoDB writes neither."""
    return [{"Put": {"TableName": TABLE, "Item": {"pk": {"S": "b"}}}},
            {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "a"}},
                     "ConditionExpression": "attribute_not_exists(pk)"}}]


def test_the_patches_are_for_the_pinned_moto():
    assert moto.__version__ == moto_patches.MOTO_VERSION


def test_install_refuses_another_moto_version(monkeypatch):
    monkeypatch.setattr(moto, "__version__", "0.0.0")
    with pytest.raises(RuntimeError, match="written for moto"):
        moto_patches.install()


def test_installing_twice_wraps_once():
    before = DynamoDBBackend.transact_write_items
    moto_patches.install()
    assert DynamoDBBackend.transact_write_items is before


def test_a_refused_transaction_leaves_no_stream_record_and_hides_no_later_one(dynamodb):
    reader = Reader(dynamodb)
    _put(dynamodb, "a")
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(TransactItems=_refused_transaction())
    _put(dynamodb, "c")

    records = reader.read()
    assert [pk for pk, _ in records] == ["a", "c"]
    assert records[0][1] < records[1][1]
    assert "Item" not in dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": "b"}})
    assert Reader(dynamodb).read() == records  # a new reader sees the same records, numbered the same


def test_moto_without_the_patch_still_loses_the_stream_after_a_refused_transaction(dynamodb):
    """moto's own transact_write_items, under the patches: if this fails, moto
    has changed; see whether local/moto_patches.py's second patch is still needed."""
    reader = Reader(dynamodb)
    _put(dynamodb, "a")
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]
    unpatched = inspect.unwrap(DynamoDBBackend.transact_write_items)
    assert unpatched.__module__ == "moto.dynamodb.models"
    with pytest.raises(Exception, match="ConditionalCheckFailed"):
        unpatched(backend, _refused_transaction())
    _put(dynamodb, "c")

    assert [pk for pk, _ in reader.read()] == ["a", "b"]  # the refused put seen; the later one, never


RANGED = "patched-ranged"


def _ranged_table(client: Any, items: int) -> None:
    """A table keyed as the service's (partition and sort key), with `items`
    items over 100 partitions, and a stream."""
    client.create_table(TableName=RANGED, BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                   {"AttributeName": "sk", "KeyType": "RANGE"}],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "sk", "AttributeType": "S"}],
                        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]
    for n in range(items):  # straight into moto: no stream records
        backend.get_table(RANGED).items[_s(f"P{n % 100}")][_s(f"S{n}")] = _item(f"P{n % 100}", f"S{n}", n)


def _s(value: str) -> Any:
    from moto.dynamodb.models.dynamo_type import DynamoType
    return DynamoType({"S": value})


def _item(pk: str, sk: str, n: int) -> Any:
    from moto.dynamodb.models.dynamo_type import Item
    return Item(_s(pk), _s(sk), {"pk": {"S": pk}, "sk": {"S": sk}, "n": {"N": str(n)}})


def _refused_on_ranged() -> list[dict[str, Any]]:
    """Every kind of write, to an existing item, a new one in an existing
    partition and one in a new partition, then a condition that fails."""
    return [{"Update": {"TableName": RANGED, "Key": {"pk": {"S": "P1"}, "sk": {"S": "S1"}},
                        "UpdateExpression": "SET n = :n, extra = :n",
                        "ExpressionAttributeValues": {":n": {"N": "-1"}}}},
            {"Delete": {"TableName": RANGED, "Key": {"pk": {"S": "P2"}, "sk": {"S": "S2"}}}},
            {"Put": {"TableName": RANGED, "Item": {"pk": {"S": "P3"}, "sk": {"S": "new"}}}},
            {"Put": {"TableName": RANGED, "Item": {"pk": {"S": "brand-new"}, "sk": {"S": "new"}}}},
            {"Update": {"TableName": RANGED, "Key": {"pk": {"S": "P4"}, "sk": {"S": "S4"}},
                        "UpdateExpression": "SET n = :n", "ConditionExpression": "n = :n",
                        "ExpressionAttributeValues": {":n": {"N": "-1"}}}}]


def _everything(client: Any) -> list[dict[str, Any]]:
    return sorted(client.get_paginator("scan").paginate(TableName=RANGED).build_full_result()["Items"],
                  key=lambda item: (item["pk"]["S"], item["sk"]["S"]))


def test_a_refused_transaction_on_a_big_table_changes_no_item_and_leaves_no_stream_record(dynamodb):
    _ranged_table(dynamodb, 3_000)
    streams = boto3.client("dynamodbstreams", region_name=REGION)
    arn = dynamodb.describe_table(TableName=RANGED)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    before = _everything(dynamodb)
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]
    partitions = set(backend.get_table(RANGED).items)

    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(TransactItems=_refused_on_ranged())

    assert _everything(dynamodb) == before
    assert set(backend.get_table(RANGED).items) == partitions  # no empty partition left behind
    assert streams.get_records(ShardIterator=iterator)["Records"] == []
    assert "__deepcopy__" not in vars(backend.get_table(RANGED))  # moto's own copies work again


def _items_copied(monkeypatch: Any, transact: Callable[[], None]) -> int:
    from moto.dynamodb.models.dynamo_type import Item

    copies = 0
    original = Item.__deepcopy__

    def counted(self: Any, memo: dict[int, Any]) -> Any:
        nonlocal copies
        copies += 1
        return original(self, memo)

    monkeypatch.setattr(Item, "__deepcopy__", counted)
    with pytest.raises(Exception, match="ConditionalCheckFailed"):
        transact()
    monkeypatch.setattr(Item, "__deepcopy__", original)
    return copies


def test_a_transactions_rollback_copies_the_items_it_names_not_the_table(dynamodb, monkeypatch):
    """What made bench_alerts slow: the copy's cost follows the table's size.
    With the patch, a table of 3,000 items costs what one of 10 does."""
    _ranged_table(dynamodb, 10)
    small = _items_copied(monkeypatch, lambda: dynamodb.transact_write_items(TransactItems=_refused_on_ranged()))
    dynamodb.delete_table(TableName=RANGED)
    _ranged_table(dynamodb, 3_000)
    big = _items_copied(monkeypatch, lambda: dynamodb.transact_write_items(TransactItems=_refused_on_ranged()))

    assert big == small
    assert big <= 2 * len(_refused_on_ranged())  # its own snapshot, and moto's copy of an updated item


def test_moto_without_the_patch_still_copies_the_whole_table_for_a_transaction(dynamodb, monkeypatch):
    """If this fails, moto no longer copies whole tables: see whether
    local/moto_patches.py's third patch is still needed."""
    _ranged_table(dynamodb, 3_000)
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]
    unpatched = inspect.unwrap(DynamoDBBackend.transact_write_items)

    assert _items_copied(monkeypatch, lambda: unpatched(backend, _refused_on_ranged())) >= 3_000
