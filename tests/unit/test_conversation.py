"""The Victims' Code clock: working days over weekends and bank holidays
(England and Wales), checked against a brute-force count."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.core.conversation import (
    BANK_HOLIDAYS_FILE,
    Author,
    ItemKind,
    Message,
    add_working_days,
    answered_at,
    bank_holidays,
    is_working_day,
    next_update_due,
    uk_date,
)

# Published by GOV.UK for England and Wales (https://www.gov.uk/bank-holidays), as facts to check against.
KNOWN_BANK_HOLIDAYS = [date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1), date(2027, 3, 26),
                       date(2027, 3, 29), date(2027, 5, 3), date(2027, 5, 31), date(2027, 8, 30),
                       date(2027, 12, 27), date(2027, 12, 28)]


def brute_force(start: date, days: int, holidays: set[date]) -> date:
    """Counts forward one day at a time, the way a person would with a calendar."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            counted += 1
    return day


@settings(max_examples=300, deadline=None)
@given(start=st.dates(min_value=date(2025, 1, 1), max_value=date(2038, 12, 31)), days=st.integers(0, 30))
def test_adding_working_days_agrees_with_counting_them_on_a_calendar(start, days):
    import holidays

    known = set(holidays.country_holidays("GB", subdiv="ENG", years=range(start.year, start.year + 2)))
    assert add_working_days(start, days) == brute_force(start, days, known)


def test_the_shipped_bank_holidays_are_the_maintained_package_s_and_run_ten_years_ahead():
    """The Lambda zip carries a data file written from the `holidays` package (a
    dev dependency here): after an upgrade of the package, `make bank-holidays`."""
    from tools import bank_holidays as tool

    assert BANK_HOLIDAYS_FILE.read_text(encoding="utf-8").splitlines()[2:] == tool.lines(), \
        "run `make bank-holidays` and commit the file"
    assert bank_holidays()[1].stop > date.today().year + 10


def test_the_bank_holidays_are_england_and_wales_s():
    assert all(not is_working_day(d) for d in KNOWN_BANK_HOLIDAYS)
    assert is_working_day(date(2027, 3, 17))  # St Patrick's Day: Northern Ireland only
    assert is_working_day(date(2027, 8, 2))  # Scotland's summer holiday, not England's


def test_the_code_s_time_limits_over_christmas():
    # Posted on Thursday 24 December 2026: Friday 25th and Monday 28th are bank holidays.
    assert next_update_due(date(2026, 12, 24), enhanced=True) == date(2026, 12, 29)
    assert next_update_due(date(2026, 12, 24), enhanced=False) == date(2027, 1, 5)  # 1 January too
    assert next_update_due(date(2026, 11, 27), enhanced=False) == date(2026, 12, 4)  # an ordinary week


def test_a_uk_date_is_the_date_in_the_uk():
    assert uk_date(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == date(2026, 7, 2)  # BST
    assert uk_date(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)) == date(2026, 12, 1)  # GMT


def _message(minutes: int, author: str = Author.CONTACT, kind: str = ItemKind.MESSAGE) -> Message:
    return Message(id=f"m{minutes}", contact_id="c", author=author, kind=kind, text="",
                   sent_at=datetime(2026, 11, 29, 9, tzinfo=UTC) + timedelta(minutes=minutes))


def test_an_item_is_answered_by_the_first_reply_after_it():
    asked, reply, later = _message(0), _message(5, Author.OFFICER), _message(9, Author.OFFICER)
    assert answered_at(asked, [later, reply, asked], []) == reply.sent_at
    assert answered_at(_message(6), [later, reply], []) == later.sent_at
    assert answered_at(_message(10), [later, reply], []) is None


def test_an_update_request_is_answered_by_an_update_too_a_message_is_not():
    request, message = _message(0, kind=ItemKind.UPDATE_REQUEST), _message(0)
    posted = [datetime(2026, 11, 29, 10, tzinfo=UTC)]
    assert answered_at(request, [], posted) == posted[0]
    assert answered_at(message, [], posted) is None
