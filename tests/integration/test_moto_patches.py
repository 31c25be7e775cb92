"""local/moto_patches.py, against moto itself (in process): what each patch
makes moto do, and that moto without it still does what the patch is for. When
a moto upgrade fixes one, the last test here fails: drop that patch."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
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
