"""The local stack's stand-in for Lambda's event sources (`chalice local` ignores
them): a poller that reads moto's DynamoDB stream of the cases table and hands
each batch to the `send_emails` handler, and a timer that runs `retry_emails`
(and, every fifth time, `retry_erasures`) as the schedules would. Both call the Chalice app's handlers exactly as Lambda
does (`app.handler_map[name](event, context)`), with Lambda-shaped events.

Runs in the stack's own process (which has the app's environment); emails go to
moto's SES (texts to its SNS) and, because OUTBOX_DIR is set, to `.local/outbox/` as well.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

STREAM_HANDLER = "send_emails"
RETRY_HANDLER = "retry_emails"
RETRY_INTERVAL = 60.0  # seconds, as `rate(1 minute)`
ERASURE_RETRY_HANDLER = "retry_erasures"
ERASURE_RETRY_EVERY = 5  # retry intervals, as `rate(5 minutes)`
BATCH_SIZE = 100


def _context(function_name: str, timeout_ms: int) -> Any:
    from chalice.local import LambdaContext

    return LambdaContext(function_name, memory_size=512, max_runtime_ms=timeout_ms)


def lambda_record(record: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A record from GetRecords as Lambda delivers it: moto's lack the source
    ARN, and boto3 parses the creation time, which Lambda gives as epoch seconds."""
    out = dict(record)
    dynamodb = dict(record.get("dynamodb") or {})
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
    out["dynamodb"] = dynamodb
    out["eventSourceARN"] = stream_arn
    out.setdefault("awsRegion", region)
    out.setdefault("eventSource", "aws:dynamodb")
    return out


def scheduled_event(region: str) -> dict[str, Any]:
    return {"version": "0", "id": "local", "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "000000000000", "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": region, "resources": [], "detail": {}}


class StreamPoller:
    """Reads every shard of the stream from its start, in order; a batch the
    handler fails is read again on the next poll, as Lambda would retry it."""

    def __init__(self, endpoint_url: str | None, region: str, table: str,
                 handler: Callable[[dict[str, Any], Any], Any]):
        import boto3

        self._region = region
        self._table = table
        self._handler = handler
        self._dynamodb = boto3.client("dynamodb", endpoint_url=endpoint_url, region_name=region)
        self._streams = boto3.client("dynamodbstreams", endpoint_url=endpoint_url, region_name=region)
        self._stream_arn: str | None = None
        self._iterators: dict[str, str | None] = {}

    def poll(self) -> int:
        """One pass over the shards; returns how many records were handled."""
        if self._stream_arn is None:
            table = self._dynamodb.describe_table(TableName=self._table)["Table"]
            self._stream_arn = table["LatestStreamArn"]
        arn = self._stream_arn
        shards = self._streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        for shard_id in (shard["ShardId"] for shard in shards):
            if shard_id not in self._iterators:
                self._iterators[shard_id] = self._streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        handled = 0
        for shard_id, iterator in list(self._iterators.items()):
            if iterator is None:
                continue  # a closed shard, read to its end
            answer = self._streams.get_records(ShardIterator=iterator, Limit=BATCH_SIZE)
            records = answer.get("Records", [])
            if records:
                event = {"Records": [lambda_record(r, arn, self._region) for r in records]}
                self._handler(event, _context(STREAM_HANDLER, 300_000))
                handled += len(records)
            self._iterators[shard_id] = answer.get("NextShardIterator")
        return handled


def start_workers(stack: Any, poll_interval: float) -> Callable[[], None]:
    """Starts the poller and the retry timer in this process; returns their stop."""
    # The emails' summary lines are what a developer wants on the console, not
    # the metrics' JSON (the service's logs still print).
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    # Nor a request line from the embedded moto server for each of the polls.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    import app as chalice_app

    handlers = chalice_app.app.handler_map
    env = stack.env
    region = env["AWS_REGION"]
    poller = StreamPoller(stack.moto_url, region, env["CASES_TABLE"], handlers[STREAM_HANDLER])
    stop = threading.Event()

    def poll_forever() -> None:
        while not stop.is_set():
            try:
                poller.poll()
            except Exception:  # the developer sees it; the next poll tries again
                traceback.print_exc()
            stop.wait(poll_interval)

    def retry_forever() -> None:
        runs = 0
        while not stop.wait(RETRY_INTERVAL):
            runs += 1
            due = [RETRY_HANDLER] + ([ERASURE_RETRY_HANDLER] if runs % ERASURE_RETRY_EVERY == 0 else [])
            for name in due:
                try:
                    handlers[name](scheduled_event(region), _context(name, 60_000))
                except Exception:
                    traceback.print_exc()

    threads = [threading.Thread(target=poll_forever, name="stream-poller", daemon=True),
               threading.Thread(target=retry_forever, name="email-retry", daemon=True)]
    for thread in threads:
        thread.start()

    def stop_workers() -> None:
        stop.set()
        for thread in threads:
            with contextlib.suppress(RuntimeError):
                thread.join(timeout=10)

    return stop_workers
