"""Sending a built email through SES, and what each SES failure means.

`SesMailer.send` answers the SES message id or raises one of:

* `Throttled`: SES's sending rate (or daily quota) was exceeded; try again soon.
* `Rejected`: SES refused this recipient's address (suppression list, a
  malformed address): trying again will not help.
* `Unavailable`: SES or its configuration is failing (sender not verified,
  sending paused, network); try again later.

On the local stack (`OUTBOX_DIR` set) `OutboxMailer` also writes each sent email
to the outbox folder as an .eml file and prints a one-line summary.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.config import Settings

THROTTLED_CODES = frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException"})
# Codes that say something about the service, not the recipient.
SERVICE_CODES = frozenset({"AccountSendingPausedException", "ConfigurationSetSendingPausedException",
                           "ConfigurationSetDoesNotExist", "MailFromDomainNotVerifiedException",
                           "AccessDenied", "AccessDeniedException"})


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


def classify(exc: Exception, sender_address: str) -> SendError:
    """An SES client failure as one of the three outcomes."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code", "")
        text = error.get("Message", "") or ""
        if code in THROTTLED_CODES:
            return Throttled(f"SES {code}")
        if code in SERVICE_CODES or sender_address.lower() in text.lower():
            return Unavailable(f"SES {code}")
        if code in {"MessageRejected", "InvalidParameterValue"}:
            return Rejected(f"SES {code}")
        return Unavailable(f"SES {code or 'error'}")
    return Unavailable(type(exc).__name__)


class SesMailer:
    """SES v1 `SendRawEmail`. The client is built on first use, with botocore's
    own retries off: throttling is retried by the sender, which paces sends."""

    def __init__(self, settings: Settings, client_factory: Callable[[], Any] | None = None,
                 max_pool_connections: int = 50):
        self._settings = settings
        self._factory = client_factory or functools.partial(_ses_client, settings, max_pool_connections)
        self._lock = threading.Lock()
        self._client: Any = None

    @property
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = self._factory()
            return self._client

    def send(self, outgoing: Outgoing) -> str:
        request: dict[str, Any] = {
            "Source": self._settings.mail_from,
            "Destinations": [outgoing.recipient],
            "RawMessage": {"Data": outgoing.raw},
        }
        if self._settings.ses_configuration_set:
            request["ConfigurationSetName"] = self._settings.ses_configuration_set
        try:
            return self.client.send_raw_email(**request)["MessageId"]
        except (ClientError, BotoCoreError) as exc:
            raise classify(exc, self._settings.mail_from) from exc


def _ses_client(settings: Settings, max_pool_connections: int) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("ses", region_name=settings.region, config=Config(
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=5, read_timeout=15, max_pool_connections=max_pool_connections))


class OutboxMailer:
    """Local stack only: sends through the inner mailer (moto's SES keeps the
    mail), then writes the .eml and prints a summary. The summary shows the
    recipient and the links, which the service's logs never do."""

    def __init__(self, inner: Mailer, outbox_dir: str | Path, echo: Callable[[str], None] = print):
        self._inner = inner
        self._dir = Path(outbox_dir)
        self._echo = echo

    @property
    def client(self) -> Any:
        return getattr(self._inner, "client", None)

    def send(self, outgoing: Outgoing) -> str:
        message_id = self._inner.send(outgoing)
        self._dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self._dir / f"{stamp}-{outgoing.kind}-{_safe(message_id)[:16]}.eml"
        path.write_bytes(outgoing.raw)
        self._echo(f"email sent: {outgoing.kind} to {outgoing.recipient} "
                   f"subject \"{outgoing.subject}\" links {' '.join(outgoing.links)} "
                   f"({path.name})")
        return message_id


def _safe(text: str) -> str:
    return "".join(c for c in text if c.isalnum() or c in "-_") or "message"
