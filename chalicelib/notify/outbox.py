"""Local stack only: each sent email also written to a folder as an .eml file, each text as an .sms file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chalicelib.notify.mailer import Mailer, Outgoing
from chalicelib.notify.texter import OutgoingText, Texter


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


class OutboxTexter:
    """Local stack only: sends through the inner texter (moto's SNS keeps the
    text), then writes it as a .sms file (`To: <E.164>`, a blank line, the
    body) and prints a summary, as OutboxMailer does for emails."""

    def __init__(self, inner: Texter, outbox_dir: str | Path, echo: Callable[[str], None] = print):
        self._inner = inner
        self._dir = Path(outbox_dir)
        self._echo = echo

    @property
    def client(self) -> Any:
        return getattr(self._inner, "client", None)

    def opted_out(self, number: str) -> bool:
        return self._inner.opted_out(number)

    def send(self, text: OutgoingText) -> str:
        message_id = self._inner.send(text)
        self._dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self._dir / f"{stamp}-{text.kind}-{_safe(message_id)[:16]}.sms"
        path.write_text(f"To: {text.recipient}\n\n{text.body}\n", encoding="utf-8")
        self._echo(f"text sent: {text.kind} to {text.recipient} from {text.sender_id or '-'} "
                   f"links {' '.join(text.links) or '-'} ({path.name})")
        return message_id


def _safe(text: str) -> str:
    return "".join(c for c in text if c.isalnum() or c in "-_") or "message"
