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

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics

logger = Logger(service="track-my-crime")
metrics = Metrics(namespace="TrackMyCrime", service="track-my-crime")

_cold_start = True


def per_invocation(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Chalice middleware ("all" events): the Lambda context into every log line
    of this invocation, and this invocation's metrics published at its end."""
    global _cold_start
    context = getattr(event, "lambda_context", None) or getattr(event, "context", None)
    logger.clear_state()
    logger.append_keys(cold_start=_cold_start, **_context_keys(context))
    _cold_start = False
    try:
        return get_response(event)
    finally:
        publish_metrics()


def publish_metrics() -> None:
    if metrics.metric_set:
        metrics.flush_metrics()


def _context_keys(context: Any) -> dict[str, Any]:
    if context is None:
        return {}
    return {"function_name": getattr(context, "function_name", None),
            "function_request_id": getattr(context, "aws_request_id", None),
            "function_memory_size": getattr(context, "memory_limit_in_mb", None)}
