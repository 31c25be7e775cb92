"""Metrics and log context per invocation: whatever a handler counts is
published (Powertools EMF, one JSON document on standard output) before its
invocation ends, and its log lines carry the Lambda context."""

from __future__ import annotations

import io
import json

import pytest

from tests.alerts import events
from tests.alerts.items import update_items
from tests.support import emf_metrics


@pytest.fixture
def log_output():
    """What the service's logger writes, as Lambda would send it to CloudWatch."""
    from chalicelib.observability import logger

    buffer = io.StringIO()
    previous = logger.registered_handler.setStream(buffer)
    yield buffer
    logger.registered_handler.setStream(previous)


def test_a_requests_metrics_are_published_by_the_end_of_its_invocation(journey, capsys):
    number, contact, created = journey.create_case()
    assert journey.register(number, created, contact).status_code == 201
    capsys.readouterr()
    assert journey.sign_in(number, contact).status_code == 200
    assert emf_metrics(capsys.readouterr().out).get("SignIns") == 1


def test_a_stream_invocations_metrics_are_published_by_its_end(journey, client, capsys):
    number, _, _ = journey.registered_victim()
    journey.post_update(number)
    capsys.readouterr()
    client.lambda_.invoke("send_emails", events.batch(*[events.insert(u) for u in update_items(number)]))
    assert emf_metrics(capsys.readouterr().out).get("EmailsSent") == 1


def test_log_lines_carry_the_lambda_context(journey, log_output):
    number, contact, created = journey.create_case()
    journey.register(number, created, {**contact, "dateOfBirth": "1999-01-01"})  # logs a mismatch
    lines = [json.loads(line) for line in log_output.getvalue().splitlines()]
    (line,) = [entry for entry in lines if entry["message"] == "registration date of birth mismatch"]
    assert line["function_name"] == "api_handler" and line["function_request_id"]
    assert "cold_start" in line


def test_threads_adding_and_publishing_at_once_lose_no_metric_and_raise_nothing(capsys):
    """`chalice local` and the test client answer requests on threads that share
    one Metrics: one thread's publishing must not find the set emptied under it
    (Powertools then raises: a 500 for the request) nor lose another's value."""
    import threading

    from chalicelib.observability import metrics, publish_metrics

    rounds, threads = 300, 6
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def work() -> None:
        start.wait()
        for _ in range(rounds):
            try:
                metrics.add_metric(name="ThreadedCount", unit="Count", value=1)
                publish_metrics()
            except BaseException as exc:  # any failure is the finding
                errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    publish_metrics()
    values = [json.loads(line).get("ThreadedCount", 0)
              for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    published = sum(sum(v) if isinstance(v, list) else v for v in values)
    assert errors == []
    assert published == rounds * threads
