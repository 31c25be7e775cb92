"""The mailer port: what the email sender needs to send one built email.

`Mailer.send` answers the provider's message id or raises one of:

* `Throttled`: the sending rate (or daily quota) was exceeded; try again soon.
* `Rejected`: this recipient's address was refused (suppression list, a
  malformed address): trying again will not help.
* `Unavailable`: the provider or its configuration is failing (sender not
  verified, sending paused, network); try again later.

Adapters: `notify.ses.SesMailer` (Amazon SES) and, on the local stack,
`notify.outbox.OutboxMailer`, which also writes each email to a folder.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, Protocol


class SendError(Exception):
    """`reason` is short and safe to log and to show an officer: never an address."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Throttled(SendError):
    pass


class Rejected(SendError):
    pass


class Unavailable(SendError):
    pass


@dataclass(frozen=True)
class Outgoing:
    kind: str
    recipient: str
    subject: str
    raw: bytes  # the whole message, as SES sends it
    links: tuple[str, ...]

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)


class Mailer(Protocol):
    def send(self, outgoing: Outgoing) -> str: ...


class LazyClient:
    """A provider's client (SES, SNS), built on first use rather than at import
    or cold start, once, under a lock: sends run on the alert threads."""

    def __init__(self, factory: Callable[[], Any]):
        self._factory = factory
        self._lock = threading.Lock()
        self._client: Any = None

    def get(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = self._factory()
            return self._client
