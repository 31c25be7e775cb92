"""The API in Welsh (issue 15), through chalice.test.Client over moto: with
`Accept-Language: cy` its messages, field messages and labels are the Welsh
catalogue's; with none, or `en`, the same request answers exactly the English
it always has. A contact's language (en or cy) is set by the officer and by
the contact."""

from __future__ import annotations

import pytest

from chalicelib.core import i18n
from chalicelib.core.domain import CASE_STATUSES, UPDATE_TYPES, case_key
from chalicelib.core.errors import InvalidInput
from chalicelib.core.validation import Spec, past_date, validate
from chalicelib.officers import schemas as officer_schemas
from chalicelib.victims import schemas as victim_schemas
from tests.api import Api
from tests.factories import case_body, contact
from tests.support import body, post_json

WELSH = {"Accept-Language": "cy"}
ENGLISH = {"Accept-Language": "en"}


def _stored_contact(number: str, contact_id: str):
    from chalicelib import bootstrap

    return bootstrap.services().cases.case_with_contacts(case_key("lincs", number)).contact(contact_id)


def _in_each_language(client, method, path, payload, headers=None):
    """The same request with no Accept-Language, with `en` and with `cy`."""
    api = Api(client)
    return [api.request(method, path, payload, {**(headers or {}), **extra}) for extra in ({}, ENGLISH, WELSH)]


# -- errors and field messages -------------------------------------------------------------------


def test_a_bad_sign_in_answers_welsh_with_cy_and_the_same_english_without(client):
    bad = {"crimeNumber": "LC-2026-55555", "surname": "Nobody", "dateOfBirth": "1980-03-31", "password": "x" * 12}
    none, english, welsh = _in_each_language(client, "POST", "/victim/sign-in", bad)
    assert none.status_code == english.status_code == welsh.status_code == 401
    assert body(none) == body(english) == {
        "code": "sign_in_failed",
        "message": "We could not sign you in with those details. Check your surname, crime number, date of birth "
                   "and password, then try again."}
    assert body(welsh)["code"] == "sign_in_failed"
    assert body(welsh)["message"].startswith("Nid oedd modd eich mewngofnodi")
    assert none.headers["Content-Language"] == english.headers["Content-Language"] == "en"
    assert welsh.headers["Content-Language"] == "cy"


def test_a_bad_date_and_crime_number_answer_welsh_field_messages(client):
    bad = {"crimeNumber": "LC!", "surname": "", "dateOfBirth": "1984--9", "password": "x" * 12}
    none, english, welsh = _in_each_language(client, "POST", "/victim/sign-in", bad)
    assert welsh.status_code == 400
    assert body(none) == body(english)
    assert body(english)["message"] == "Some of the information given is not valid."
    assert body(english)["fields"] == {
        "crimeNumber": "Crime number must be the number on letters, emails or texts from the police, like "
                       "LC-2026-10042. It has letters, numbers and - or /",
        "surname": "Enter your surname",
        "dateOfBirth": "Date of birth must include a month"}
    assert body(welsh)["message"] == "Nid yw peth o’r wybodaeth a roddwyd yn ddilys."
    assert body(welsh)["fields"] == {
        "crimeNumber": "Rhaid i’r cyfeirnod trosedd fod y cyfeirnod sydd ar lythyrau, negeseuon e-bost neu "
                       "negeseuon testun gan yr heddlu, fel LC-2026-10042. Mae’n cynnwys llythrennau, rhifau a "
                       "- neu /",
        "surname": "Rhowch eich cyfenw",
        "dateOfBirth": "Rhaid i’r dyddiad geni gynnwys mis"}


@pytest.mark.parametrize(("typed", "english", "welsh"), [
    ("1984-2-31", "Date of birth must be a real date", "Rhaid i’r dyddiad geni fod yn ddyddiad go iawn"),
    ("1984-13-12", "Month must be a number from 1 to 12", "Rhaid i’r mis fod yn rhif o 1 i 12"),
    ("84-12-12", "Year must include 4 numbers", "Rhaid i’r flwyddyn gynnwys 4 rhif"),
    ("1984-7-32", "Day must be a number from 1 to 31", "Rhaid i’r diwrnod fod yn rhif o 1 i 31"),
    ("--9", "Date of birth must include a month and year", "Rhaid i’r dyddiad geni gynnwys mis a blwyddyn"),
    ("2999-7-9", "Date of birth must be in the past", "Rhaid i’r dyddiad geni fod yn y gorffennol"),
])
def test_each_date_message_in_both_languages(typed, english, welsh):
    schema = {"dateOfBirth": Spec(past_date)}
    for lang, expected in (("en", english), ("cy", welsh)):
        with i18n.use(lang), pytest.raises(InvalidInput) as error:
            validate({"dateOfBirth": typed}, schema)
        assert error.value.fields == {"dateOfBirth": expected}


@pytest.mark.parametrize(("typed", "written"), [
    ("1984-Gorffennaf-9", "1984-07-09"), ("1984-gorff-9", "1984-07-09"), ("1984-Tach-9", "1984-11-09"),
    ("1984-Mawrth-9", "1984-03-09"), ("1984-Mai-9", "1984-05-09"), ("1984-Chwefror-9", "1984-02-09"),
    ("1984-Rhagfyr-9", "1984-12-09"), ("1984-Jul-9", "1984-07-09"), ("1984-Medi-9", "1984-09-09"),
])
def test_welsh_month_names_are_accepted_in_the_month_box(typed, written):
    assert validate({"d": typed}, {"d": Spec(past_date)})["d"].isoformat() == written


def test_a_bad_registration_answers_welsh(client):
    bad = {"invitation": "not-a-real-invitation", "dateOfBirth": "1980-03-31", "password": "x" * 12}
    none, english, welsh = _in_each_language(client, "POST", "/victim/register", bad)
    assert welsh.status_code == 400
    assert body(none) == body(english)
    assert body(english)["fields"]["invitation"].startswith("This invitation link does not work.")
    assert body(welsh)["fields"]["invitation"].startswith("Nid yw’r ddolen wahoddiad hon yn gweithio.")


def test_the_tries_left_at_registration_are_counted_in_welsh(journey, client, aws):
    from tests.support import invitation_token

    number, _, created = journey.create_case()
    token = invitation_token(aws, number, created["contacts"][0]["id"])
    wrong = {"invitation": token, "dateOfBirth": "1970-01-01", "password": "correct horse battery staple"}
    answers = [post_json(client, "/victim/register", wrong, WELSH) for _ in range(4)]
    messages = [body(a)["fields"]["dateOfBirth"] for a in answers]
    assert all(m.startswith("Nid yw’r dyddiad geni’n cyfateb") for m in messages)
    assert "Mae gennych chi 2 gynnig ar ôl" in messages[2]  # two left: "dau gynnig", mutated
    assert "Mae gennych chi 1 cynnig ar ôl" in messages[3]


def test_an_unknown_path_and_a_bad_body_answer_welsh(client):
    none, english, welsh = _in_each_language(client, "POST", "/victim/sign-in", ["not", "an", "object"])
    assert body(english)["fields"] == {"body": "Must be a JSON object"} == body(none)["fields"]
    assert body(welsh)["fields"] == {"body": "Rhaid iddo fod yn wrthrych JSON"}
    signed_out = Api(client).get("/victim/case", WELSH)
    assert signed_out.status_code == 401
    assert body(signed_out)["message"] == ("Nid ydych chi wedi mewngofnodi, neu mae eich sesiwn wedi dod i ben. "
                                           "Mewngofnodwch eto.")


# -- the case in Welsh ---------------------------------------------------------------------------


def test_the_case_labels_are_welsh(journey, client):
    number, _, cookie = journey.registered_victim()
    assert journey.post_update(number, type="suspect_arrested").status_code in (200, 201)
    headers = {"Cookie": cookie}
    english = body(Api(client).get("/victim/case", headers))
    welsh_answer = Api(client).get("/victim/case", {**headers, **WELSH})
    welsh = body(welsh_answer)
    assert welsh_answer.headers["Content-Language"] == "cy"
    assert english["statusLabel"] == "Being investigated" and welsh["statusLabel"] == "Yn cael ei ymchwilio"
    assert english["officer"]["role"] == "Officer in charge"
    assert welsh["officer"]["role"] == "Y swyddog sy’n gyfrifol am yr achos"
    assert english["updates"][0]["typeLabel"] == "Suspect arrested"
    assert welsh["updates"][0]["typeLabel"] == "Rhywun a amheuir wedi’i arestio"


def test_every_update_type_and_status_has_welsh_and_the_english_of_domain_py():
    for prefix, english in (("update_type", UPDATE_TYPES), ("case_status", CASE_STATUSES)):
        for code, words in english.items():
            assert i18n.t(f"{prefix}.{code}", lang="en") == words
            assert i18n.t(f"{prefix}.{code}", lang="cy") != words


# -- a contact's language ------------------------------------------------------------------------


def test_a_contact_created_in_welsh_is_stored_in_welsh_and_the_officer_sees_it(client, issuer):
    payload = case_body(contacts=[contact(language="cy"), contact()])
    response = post_json(client, "/officer/cases", payload, issuer.headers())
    assert response.status_code == 201, response.body
    created = {c["forename"] + c["surname"]: c["id"] for c in body(response)["contacts"]}
    ids = [created["Sam" + c["surname"]] for c in payload["contacts"]]
    assert _stored_contact(payload["crimeNumber"], ids[0]).language == "cy"
    assert _stored_contact(payload["crimeNumber"], ids[1]).language == "en"
    seen = {c["id"]: c["language"] for c in body(client.http.get(
        f"/officer/cases/{payload['crimeNumber']}", headers=issuer.headers()))["contacts"]}
    assert seen == {ids[0]: "cy", ids[1]: "en"}


def test_a_contact_language_that_is_not_ours_is_refused_and_nothing_is_created(client, issuer):
    payload = case_body(contacts=[contact(language="de")])
    response = post_json(client, "/officer/cases", payload, issuer.headers())
    assert response.status_code == 400
    assert body(response)["fields"] == {"contacts[0].language": "Language must be one of: en, cy"}
    assert client.http.get(f"/officer/cases/{payload['crimeNumber']}",
                           headers=issuer.headers()).status_code == 404


def test_a_new_invitation_can_change_the_contacts_language(client, issuer, clock):
    payload = case_body()
    created = body(post_json(client, "/officer/cases", payload, issuer.headers()))
    contact_id = created["contacts"][0]["id"]
    path = f"/officer/cases/{payload['crimeNumber']}/contacts/{contact_id}/invitation"
    refused = post_json(client, path, {"language": "fr"}, issuer.headers())
    assert refused.status_code == 400 and "language" in body(refused)["fields"]
    assert _stored_contact(payload["crimeNumber"], contact_id).language == "en"
    clock.advance(minutes=16)
    response = post_json(client, path, {"language": "cy"}, issuer.headers())
    assert response.status_code in (200, 201, 202), response.body
    assert _stored_contact(payload["crimeNumber"], contact_id).language == "cy"


def test_an_upload_sets_the_contacts_language_by_json_and_csv(client, issuer):
    item = {"kind": "case", **case_body(contacts=[contact(language="cy")])}
    response = post_json(client, "/officer/uploads", {"items": [item]}, issuer.headers(role="integration"))
    assert body(response)["summary"]["created"] == 1, body(response)
    stored = _officer_contacts(client, issuer, item["crimeNumber"])
    assert [c["language"] for c in stored] == ["cy"]

    csv = ("kind,crimeNumber,officerName,officerEmail,contactRole,contactForename,contactSurname,"
           "contactDateOfBirth,contactEmail,contactLanguage\n"
           "case,LC-2026-88001,PC 1 Alex Morgan,alex@lincs.police.example,victim,Jo,Bloggs,1990-01-02,"
           "jo@example.com,cy\n"
           "case,LC-2026-88002,PC 1 Alex Morgan,alex@lincs.police.example,victim,Jo,Bloggs,1990-01-02,"
           "jo@example.com,xx\n")
    answer = body(client.http.post("/officer/uploads", body=csv.encode(),
                                   headers={**issuer.headers(role="integration"), "Content-Type": "text/csv"}))
    assert answer["summary"]["created"] == 1 and answer["summary"]["rejected"] == 1, answer
    assert "contacts[0].language" in answer["results"][1]["fields"]
    assert [c["language"] for c in _officer_contacts(client, issuer, "LC-2026-88001")] == ["cy"]


def _officer_contacts(client, issuer, number):
    return body(client.http.get(f"/officer/cases/{number}", headers=issuer.headers()))["contacts"]


def test_the_contact_agreement_accepts_welsh(journey, client):
    _, _, cookie = journey.registered_victim()
    agreement = {"channels": "email", "quietHours": "none", "language": "cy", "safeContact": False}
    response = Api(client).request("PUT", "/victim/contact-agreement", agreement, {"Cookie": cookie})
    assert response.status_code == 200, response.body
    assert body(response)["language"] == "cy"
    assert body(Api(client).get("/victim/account", {"Cookie": cookie}))["language"] == "cy"
    refused = Api(client).request("PUT", "/victim/contact-agreement", {**agreement, "language": "de"},
                                  {"Cookie": cookie, **WELSH})
    assert refused.status_code == 400
    assert body(refused)["fields"] == {"language": "Rhaid i’r iaith fod yn un o’r rhain: en, cy"}


# -- the catalogue itself ------------------------------------------------------------------------

# Messages whose Welsh is rightly the same as their English (none today: names,
# codes and numbers are inside longer sentences).
SAME_IN_BOTH: frozenset[str] = frozenset()


def _api_messages(lang: str) -> dict[str, list[str]]:
    from tools import catalogues

    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "api.po"
    return catalogues.messages(catalogues.load(path, lang))


def test_no_welsh_api_message_is_left_in_english():
    english, welsh = _api_messages("en"), _api_messages("cy")
    same = {key for key, texts in welsh.items() if set(texts) & set(english[key])}
    assert same == SAME_IN_BOTH


def test_every_field_a_schema_names_has_a_welsh_label_and_every_missing_message_exists():
    schemas = [getattr(module, name) for module in (victim_schemas, officer_schemas) for name in dir(module)
               if name.endswith("_SCHEMA")]
    seen: set[str] = set()
    for schema in schemas:
        stack = [schema]
        while stack:
            current = stack.pop()
            for field, spec in current.items():
                seen.add(field)
                for key in (spec.missing, spec.label):
                    if key:
                        assert i18n.t(key, lang="cy") != i18n.t(key, lang="en"), key
                nested = getattr(spec.validator, "schema", None)
                if nested:
                    stack.append(nested)
    missing = sorted(field for field in seen if f"label.{field}" not in _api_messages("cy"))
    assert missing == []
