"""The texter port: what the sender needs to send one text message.

`Texter.send` answers the provider's message id or raises one of the
mailer's errors (`Throttled`, `Rejected`, `Unavailable`); `OptedOut` is a
`Rejected`: the person replied STOP, and no text may go to them until they
opt in again. `Texter.opted_out` asks the provider's opt-out list first.

Adapters: `notify.sms.SnsTexter` (Amazon SNS) and, on the local stack,
`notify.outbox.OutboxTexter`, which also writes each text to a folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from chalicelib.notify.mailer import Rejected


class OptedOut(Rejected):
    pass


@dataclass(frozen=True)
class OutgoingText:
    kind: str
    recipient: str  # E.164
    body: str  # plain GSM-7, at most 2 segments (notify/texts.py)
    sender_id: str | None  # alphanumeric sender ID, where the country allows one
    links: tuple[str, ...] = ()


class Texter(Protocol):
    def opted_out(self, number: str) -> bool: ...

    def send(self, text: OutgoingText) -> str: ...
