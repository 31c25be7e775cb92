"""Fixtures for the email sender's tests: real SES calls to moto, with a
hand-written fault injector on the SES client (throttling, rejection, delay)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from tests.fakes import Clock

ACCOUNT = "123456789012"


@dataclass
class SentEmail:
    recipient: str
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        return self.message.get_body(preferencelist=(subtype,)).get_content()

    @property
    def text(self) -> str:
        return self.part("plain")

    @property
    def html(self) -> str:
        return self.part("html")


@dataclass
class SesFaults:
    """Decides, call by call, what SES answers before the call reaches moto."""

    throttle_every_other: bool = False
    reject: set[str] = field(default_factory=set)
    unavailable: bool = False
    delay: float = 0.0
    calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def before_call(self, params: dict[str, Any], **_: Any) -> Any:
        with self.lock:
            self.calls += 1
            call = self.calls
        if self.delay:
            time.sleep(self.delay)
        body = params.get("body") or {}
        recipients = {v for k, v in body.items() if k.startswith("Destinations.member.")}
        if self.throttle_every_other and call % 2 == 1:
            return _error("Throttling", "Maximum sending rate exceeded.")
        if recipients & self.reject:
            return _error("MessageRejected", "Address blacklisted.")
        if self.unavailable:
            return _error("ServiceUnavailable", "Service unavailable.", 503)
        return None


def _error(code: str, message: str, status: int = 400) -> tuple[AWSResponse, dict[str, Any]]:
    return (AWSResponse("https://email.eu-west-2.amazonaws.com/", status, {}, None),
            {"Error": {"Code": code, "Message": message, "Type": "Sender"},
             "ResponseMetadata": {"HTTPStatusCode": status}})


class Ses:
    """What moto's SES has sent since the test began, and the faults to inject."""

    def __init__(self, client: Any):
        from moto.ses.models import ses_backends

        self._backend = ses_backends[ACCOUNT]["eu-west-2"]
        self._start = len(self._backend.sent_messages)
        self.faults = SesFaults()
        self._client = client
        client.meta.events.register("before-call.ses.SendRawEmail", self.faults.before_call)

    def close(self) -> None:
        self._client.meta.events.unregister("before-call.ses.SendRawEmail", self.faults.before_call)

    def sent(self) -> list[SentEmail]:
        out = []
        for raw in self._backend.sent_messages[self._start:]:
            message = message_from_bytes(raw.raw_data.encode(), policy=policy.default)
            out.append(SentEmail(recipient=str(message["To"]), message=message))
        return out

    def sent_to(self, recipient: str) -> list[SentEmail]:
        return [m for m in self.sent() if m.recipient == recipient]


@pytest.fixture
def ses(clock) -> Iterator[Ses]:
    # After `clock`, which builds the services this test uses: the watcher
    # hooks the SES client of their mailer.
    from chalicelib import bootstrap

    watcher = Ses(bootstrap.services().email_sender.mailer.client)
    yield watcher
    watcher.close()


@pytest.fixture
def invoke(client) -> Callable[[str, dict[str, Any]], Any]:
    """Runs a handler as Lambda would (`chalice.test.Client`)."""
    return lambda name, event: client.lambda_.invoke(name, event).payload


@dataclass
class Later:
    """The scheduled retry, run later and later: the service's clock moved on."""

    clock: Clock

    def retry_until_idle(self, step_hours: float = 5.0, max_runs: int = 12) -> list[dict[str, int]]:
        """Runs the scheduled retry, moving the clock on each time, until nothing
        is left to retry. Returns each run's outcomes."""
        from chalicelib import bootstrap

        runs = []
        for _ in range(max_runs):
            self.clock.advance(hours=step_hours)
            outcomes = dict(bootstrap.services().email_sender.retry_due())
            runs.append(outcomes)
            if not outcomes.get("retry_scheduled"):
                break
        return runs


@pytest.fixture
def later(clock) -> Later:
    return Later(clock)
