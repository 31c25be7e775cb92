"""Two-way contact: what a victim or witness and the officer say to each other,
and the Victims' Code clock that says when the next word is due.

A conversation belongs to one contact of a case: the contact's messages and
update requests, and the officer's replies to that contact. One contact never
sees another's. An item of the contact's is answered by the first officer
reply after it (and an update request also by the first update posted after
it); the store marks it then, so any page that shows the item can say when.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

# Code of Practice for Victims of Crime (2020), right 6: updates within 5 working
# days of a key event, 1 working day for victims entitled to enhanced rights.
WORKING_DAYS = 5
WORKING_DAYS_ENHANCED = 1
MAX_MESSAGE_LENGTH = 2000
MESSAGES_PER_DAY = 10
UNREAD_FOR = timedelta(days=7)  # an update unread this long is listed for the officer


class Author(StrEnum):
    CONTACT = "victim"  # the contract says "victim" for victims and witnesses alike
    OFFICER = "officer"


class ItemKind(StrEnum):
    MESSAGE = "message"
    UPDATE_REQUEST = "update_request"


class InboxReason(StrEnum):
    MESSAGE = "message"
    UPDATE_REQUEST = "update_request"
    UPDATE_DUE = "update_due"
    UNREAD = "unread"


@dataclass(frozen=True)
class Message:
    id: str
    contact_id: str
    author: str  # an Author
    kind: str  # an ItemKind
    text: str
    sent_at: datetime
    officer_name: str | None = None
    read_at: datetime | None = None  # by the other side
    reply_due_by: date | None = None  # a contact's item: when a reply is due
    client_reference: str | None = None
    answered_at: datetime | None = None  # a contact's item: when the officer answered it, as stored

    @property
    def from_contact(self) -> bool:
        return self.author == Author.CONTACT


@dataclass(frozen=True)
class InboxItem:
    """Something on a case that needs an officer's attention."""

    crime_number: str
    contact_id: str | None  # None for the case's update falling due
    reason: str  # an InboxReason
    waiting_since: datetime
    officer_id: str  # the officer in charge


@dataclass(frozen=True)
class InboxPage:
    items: tuple[InboxItem, ...]
    cursor: str | None  # more to read from here, or None


def answered_at(item: Message, replies: Iterable[Message], updates_posted: Iterable[datetime]) -> datetime | None:
    """When the officer answered a contact's item: the first reply after it (or,
    for an update request, the first update posted after it). The store marks
    the item when that happens (`Message.answered_at`), so a page of the case
    that holds the item but not its answer still says; this reckoning from the
    page serves items marked before the store did so."""
    if item.answered_at is not None:
        return item.answered_at
    times = [m.sent_at for m in replies if m.author == Author.OFFICER and m.sent_at > item.sent_at]
    if item.kind == ItemKind.UPDATE_REQUEST:
        times += [posted for posted in updates_posted if posted > item.sent_at]
    return min(times, default=None)


BANK_HOLIDAYS_FILE = Path(__file__).parent / "data" / "bank-holidays-england-and-wales.txt"


@functools.lru_cache(maxsize=1)
def bank_holidays() -> tuple[frozenset[date], range]:
    """England and Wales's bank holidays (they share them) and the years the
    file covers. Written from the `holidays` package, kept up to date upstream,
    by `make bank-holidays` (tools/bank_holidays.py): a data file, not the
    package, in the Lambda zip."""
    days = frozenset(date.fromisoformat(line[:10])
                     for line in BANK_HOLIDAYS_FILE.read_text(encoding="utf-8").splitlines()
                     if line and not line.startswith("#"))
    return days, range(min(d.year for d in days), max(d.year for d in days) + 1)


def is_working_day(day: date) -> bool:
    """A weekday that is not a bank holiday. (Past the file's last year, which a
    test keeps at least ten years ahead, only weekends would count.)"""
    return day.weekday() < 5 and day not in bank_holidays()[0]


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (which need not be one)."""
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def uk_date(moment: datetime) -> date:
    """The date in the UK at `moment` (working days are counted in UK dates)."""
    try:
        from zoneinfo import ZoneInfo

        return moment.astimezone(ZoneInfo("Europe/London")).date()
    except (ImportError, KeyError, OSError):  # no time zone data: GMT is never more than an hour out
        return moment.date()


def next_update_due(posted: date, enhanced: bool) -> date:
    return add_working_days(posted, WORKING_DAYS_ENHANCED if enhanced else WORKING_DAYS)


def reply_due(sent: datetime, enhanced: bool) -> date:
    """When the officer should answer a contact's message or update request: as
    for an update under the Victims' Code (5 working days, 1 with enhanced rights)."""
    return next_update_due(uk_date(sent), enhanced)
