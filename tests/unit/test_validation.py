import json
from pathlib import Path

import pytest

from chalicelib.core.domain import case_key
from chalicelib.core.errors import InvalidInput
from chalicelib.core.validation import (
    Spec,
    crime_number,
    email,
    list_of,
    obj,
    one_of,
    past_date,
    text,
    validate,
)

ROOT = Path(__file__).resolve().parents[2]

SCHEMA = {
    "name": Spec(text(10)),
    "email": Spec(email, required=False),
    "kind": Spec(one_of(("a", "b"))),
    "when": Spec(past_date, required=False),
    "people": Spec(list_of({"name": Spec(text(5))}, max_items=2), required=False),
    "owner": Spec(obj({"name": Spec(text(5))}), required=False),
}


def fields_of(body):
    with pytest.raises(InvalidInput) as error:
        validate(body, SCHEMA)
    return error.value.fields


def test_valid_body_is_cleaned():
    assert validate({"name": " Sam ", "kind": "a", "when": "1980-03-31"}, SCHEMA)["name"] == "Sam"


def test_unknown_fields_are_refused():
    assert fields_of({"name": "x", "kind": "a", "admin": True}) == {"admin": "Is not an allowed field"}


def test_every_problem_is_reported_at_once():
    assert set(fields_of({"email": "nope", "kind": "z", "when": "2999-01-01"})) == {"name", "email", "kind", "when"}


def test_nested_problems_have_paths():
    fields = fields_of({"name": "x", "kind": "a", "people": [{"name": "toolongname"}], "owner": {"x": 1}})
    assert set(fields) == {"people[0].name", "owner.x", "owner.name"}


def test_lists_are_capped():
    assert "people" in fields_of({"name": "x", "kind": "a", "people": [{"name": "a"}] * 3})


def test_control_characters_and_newlines_in_single_line_text_are_refused():
    assert "name" in fields_of({"name": "a\nb", "kind": "a"})
    assert "name" in fields_of({"name": "a\x00b", "kind": "a"})


@pytest.mark.parametrize("value", ["1980-02-30", "31/03/1980", "19800331", 19800331, "1899-12-31"])
def test_bad_dates_are_refused(value):
    assert "when" in fields_of({"name": "x", "kind": "a", "when": value})


def test_body_must_be_an_object():
    with pytest.raises(InvalidInput) as error:
        validate(["not", "an", "object"], SCHEMA)
    assert error.value.fields == {"body": "Must be a JSON object"}


# -- words a person can act on (issue 15) ---------------------------------------------

DATE_CASES = json.loads((ROOT / "site" / "test-support" / "date-input-cases.json").read_text())


@pytest.mark.parametrize("case", DATE_CASES["cases"], ids=lambda c: f"{c['day']}/{c['month']}/{c['year']}")
def test_a_date_typed_into_the_three_boxes_gets_the_gov_uk_message(case):
    """The same table drives the site's test of which boxes it marks."""
    typed = f"{case['year']}-{case['month']}-{case['day']}"
    schema = {"dateOfBirth": Spec(past_date)}
    if case["message"] is None:
        assert validate({"dateOfBirth": typed}, schema)["dateOfBirth"].isoformat() == case["date"]
    else:
        with pytest.raises(InvalidInput) as error:
            validate({"dateOfBirth": typed}, schema)
        assert error.value.fields == {"dateOfBirth": case["message"]}


@pytest.mark.parametrize(("typed", "written"), [
    ("LC-2026-10042", "LC-2026-10042"), ("lc 2026 10042", "LC-2026-10042"), (" LC-2026--10042 ", "LC-2026-10042"),
    ("LC.2026_10042", "LC-2026-10042"), ("LC \u2013 2026 \u2013 10042", "LC-2026-10042"),
    ("1234567/26", "1234567/26"), ("1234567 / 26", "1234567/26"),
])
def test_a_crime_number_is_accepted_as_people_copy_it_and_written_one_way(typed, written):
    assert crime_number(typed) == written


def test_crime_numbers_are_found_whatever_their_separators():
    assert case_key("lincs", "lc 2026/10042") == case_key("lincs", "LC-2026-10042")
    assert case_key("lincs", "LC202610042") == case_key("lincs", "LC-2026-10042")


@pytest.mark.parametrize("typed", ["LC", "LC-2026-10042!", "--", "LC-2026-10042-" + "9" * 40])
def test_a_crime_number_that_cannot_be_one_says_what_one_looks_like(typed):
    with pytest.raises(InvalidInput) as error:
        validate({"crimeNumber": typed}, {"crimeNumber": Spec(crime_number)})
    assert "like LC-2026-10042" in error.value.fields["crimeNumber"]


def test_a_generic_problem_names_the_field_and_writes_numbers_as_people_do():
    with pytest.raises(InvalidInput) as error:
        validate({"text": "x" * 2001, "officerEmail": "", "extra": 1},
                 {"text": Spec(text(2000), label="Message"), "officerEmail": Spec(text(10))})
    assert error.value.fields == {"text": "Message must be 2,000 characters or fewer",
                                  "officerEmail": "Enter the officer email", "extra": "Is not an allowed field"}
