"""The privacy property for texts, as tests/alerts/test_alerts_privacy.py for
emails: no substring of 4 or more characters of any case field appears in any
text (invitation, reset, alert, reply) the sender makes from stream records.
Generated values share no 4 characters with the texts' fixed wording, so any
match is a leak."""

from __future__ import annotations

import string
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.core.domain import UPDATE_TYPES
from tests.alerts import events, stream_items
from tests.factories import case, handle_stream, registered, sender
from tests.fakes import FakeCaseStore, FakeTexter

_LETTERS = string.ascii_letters + "'-"
MOBILE = "+447700900982"
PHRASE = "zq zq zq"


def _grams(text: str, n: int = 4) -> set[str]:
    text = text.casefold()
    return {text[i:i + n] for i in range(len(text) - n + 1)}


def _texts_for(crime_number: str, forename: str, surname: str, dob: date, email: str,
               officer_name: str, officer_email: str, update_type: str, text: str) -> list[str]:
    contact = registered("contact-1", email, forename=forename, surname=surname, date_of_birth=dob,
                         mobile=MOBILE, channels="text", phrase=PHRASE)
    the_case = case(crime_number, (contact,), officer_name=officer_name, officer_email=officer_email)
    texter = FakeTexter()
    email_sender, mailer, _, _ = sender(FakeCaseStore(the_case), texter=texter)
    handle_stream(email_sender, [
        events.insert(stream_items.invitation(the_case, contact.id, None, mobile=MOBILE)),
        events.insert(stream_items.reset(the_case, contact.id, None, mobile=MOBILE, channels="text")),
        events.insert(stream_items.update(the_case, text=text, update_type=update_type,
                                          officer_name=officer_name)),
    ])
    assert len(texter.sent) == 3 and mailer.sent == []
    return [t.body for t in texter.sent]


_FIXED = _grams(" ".join(_texts_for("ZZ-0000-00000", "Qx", "Qx", date(1900, 1, 1), "q@q.qq", "Qx",
                                    "q@q.qq", "progress_update", "Qx")))


def _clear(value: str) -> bool:
    return not (_grams(value) & _FIXED)


def _word(min_size: int = 4) -> st.SearchStrategy[str]:
    return st.text(alphabet=_LETTERS, min_size=min_size, max_size=24).filter(_clear)


_emails = st.builds(lambda a, b: f"{a}@{b}.uk", _word(3), _word(3)).filter(_clear)
_case_data = st.fixed_dictionaries({
    "crime_number": st.from_regex(r"\A[A-Z]{2}-20[0-9]{2}-[0-9]{5}\Z").filter(_clear),
    "forename": _word(), "surname": _word(),
    "dob": st.dates(min_value=date(1920, 1, 1), max_value=date(2015, 12, 31)),
    "email": _emails, "officer_name": _word(), "officer_email": _emails,
    "update_type": st.sampled_from(sorted(UPDATE_TYPES)),
    "text": st.text(alphabet=_LETTERS + string.digits + " .,", min_size=4, max_size=300).filter(_clear),
})


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(_case_data)
def test_no_text_carries_four_characters_of_any_case_field(data):
    fields = [data["crime_number"], data["forename"], data["surname"], data["email"],
              data["officer_name"], data["officer_email"], data["text"],
              data["update_type"], UPDATE_TYPES[data["update_type"]],
              data["dob"].isoformat(), data["dob"].strftime("%d/%m/%Y"), data["dob"].strftime("%-d %B %Y")]
    bodies = _texts_for(**data)

    for value in fields:
        for gram in _grams(value) - _FIXED:
            assert not any(gram in body.casefold() for body in bodies), (value, gram)
