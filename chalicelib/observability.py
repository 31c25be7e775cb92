"""The one Logger and one Metrics of the service (Powertools), and the Chalice
middleware that ties both to each Lambda invocation.

Log lines are structured JSON, so input cannot forge a line. Never log
passwords, tokens, dates of birth, email addresses or update text: log ids.

Every handler (HTTP routes, the stream, the schedule, SNS) runs inside
`per_invocation`: its log lines carry the Lambda context (request id, function,
cold start), and the metrics it added are published (EMF, on standard output)
before the invocation ends. Powertools' own `log_metrics` decorator cannot wrap
a Chalice handler, and its Metrics publish only at 100 values otherwise: a
quiet container would die with its metrics unsent.

No Tracer: Powertools' needs aws-xray-sdk, whose import alone (about 0.2 s
here) would cost a third of a cold start.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics


class _SharedMetrics(Metrics):
    """Powertools' Metrics with one lock around adding and publishing. Lambda
    runs one invocation at a time, but `chalice local` and the test client
    answer requests on threads that share this one object: without the lock a
    thread could empty the set between another's "anything to publish?" and its
    publishing (a 500), or add to the set while it is being written out."""

    _lock = threading.Lock()

    def add_metric(self, *args: Any, **kwargs: Any) -> None:
        with self._lock:
            super().add_metric(*args, **kwargs)

    def publish(self) -> None:
        with self._lock:
            if self.provider.metric_set:
                self.flush_metrics()


logger = Logger(service="track-my-crime")
metrics = _SharedMetrics(namespace="TrackMyCrime", service="track-my-crime")

def per_invocation(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Chalice middleware ("all" events): the Lambda context into every log line
    of this invocation, and this invocation's metrics published at its end."""
    context = getattr(event, "lambda_context", None) or getattr(event, "context", None)
    try:
        return get_response(event) if context is None else _in_context(event, context, get_response)
    finally:
        publish_metrics()


# log_event=False whatever the environment says: an event may hold a password.
@logger.inject_lambda_context(clear_state=True, log_event=False)
def _in_context(event: Any, context: Any, get_response: Callable[[Any], Any]) -> Any:
    return get_response(event)


def publish_metrics() -> None:
    metrics.publish()
