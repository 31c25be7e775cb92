import pytest

from chalicelib.core.errors import InvalidInput
from chalicelib.core.validation import Spec, email, list_of, obj, one_of, past_date, text, validate

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
