"""Odd input, tried as an attacker would: lone UTF-16 surrogates (JSON's
`"\\ud800"` escape), NUL, deep nesting, huge numbers, NaN, in every field of
every route, path parameters included.

The class of bug (issue 11): a password that could not be encoded answered 401
when crime number + surname + date of birth named a registered victim and 500
otherwise, and the 500 path counted against no limit: an oracle for the date of
birth that skipped the throttle. The rule now: every string that reaches the
service is text that can be encoded (refused with a 400 and the field's name
otherwise), nothing yields a 5xx, and a sign-in or reset failure is the same
whatever matched.

`ODD_INPUT_EXAMPLES` sets the examples per property (default 120 in
`make test`; `make fuzz` runs 1,000).
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.conftest import SOURCE_HEADER, body, post_json

EXAMPLES = int(os.environ.get("ODD_INPUT_EXAMPLES", "120"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

SURROGATES = st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3)
# Weighted towards what breaks encoders: a lone surrogate or a NUL inside otherwise
# ordinary text, in two of every four strings.
WITH_SURROGATE = st.builds(lambda a, s, b: a + s + b, st.text(max_size=8), SURROGATES, st.text(max_size=8))
ODD_TEXT = st.one_of(
    WITH_SURROGATE,
    st.sampled_from(["\x00", "a\x00b", "\ud800", "Taylor\udfff", "\ud83d", "\ud83d\ude00", "\ufeff", "\u202e",
                     "e\u0301", "\r\n", " ", "1e999", "NaN", "%ED%A0%80", "LC-1\x00", "1980-03-31\ud800"]),
    st.text(max_size=40),
    WITH_SURROGATE,
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=10**300, max_value=10**301),
                    st.floats(allow_nan=False, allow_infinity=False), ODD_TEXT)
JSON_VALUES = st.recursive(SCALARS, lambda children: st.lists(children, max_size=4)
                           | st.dictionaries(ODD_TEXT, children, max_size=4), max_leaves=12)

# The fields each route reads (the contract's), and the values that get past the
# first checks, so that odd input also reaches the deeper code.
FIELDS = {
    "/victim/register": ["invitation", "dateOfBirth", "password"],
    "/victim/sign-in": ["crimeNumber", "surname", "dateOfBirth", "password", "force"],
    "/victim/password-reset": ["crimeNumber", "surname", "dateOfBirth", "force"],
    "/victim/password-reset/complete": ["token", "password"],
    "/victim/password": ["currentPassword", "newPassword"],
    "/victim/sign-out": [],
    "/officer/cases": ["crimeNumber", "officer", "contacts"],
    "/officer/cases/{crime_number}/updates": ["type", "text", "clientReference"],
    "/officer/cases/{crime_number}/contacts/{contact_id}/invitation": ["email", "mobile"],
    "/officer/uploads": ["items"],
    # Two-way contact and the account (issues 14 and 15). `/victim/stop` is left
    # out: it would end the session every later example signs in with.
    "/victim/messages": ["text"],
    "/victim/update-request": [],
    "/victim/session/keep-alive": [],
    "/victim/contact-agreement": ["channels", "quietHours", "language", "safeContact", "phrase"],
    "/victim/account/email": ["email"],
    "/victim/account/mobile": ["mobile"],
    "/victim/account/confirm": ["code"],
    "/officer/cases/{crime_number}/contacts/{contact_id}/safe-contact": ["safeContact"],
}
METHODS = {"/victim/contact-agreement": "PUT"}  # every other route here is a POST


def _raw_bodies() -> st.SearchStrategy[str]:
    """Bodies as bytes on the wire: JSON of arbitrary values (surrogates go out as
    `\\udXXX` escapes, as an attacker's would), deep nesting, NaN and huge numbers."""
    deep = st.builds(lambda n, kind: ("[" * n + "]" * n) if kind else ('{"a":' * n + "1" + "}" * n),
                     st.integers(min_value=30, max_value=6000), st.booleans())
    literal = st.sampled_from(["NaN", "-Infinity", '{"password": NaN}', "1" * 5000, '{"a": 1e999999}',
                               '"\\ud800"', '{"\\udfff": 1}', "[" * 100_000])
    return st.one_of(st.builds(json.dumps, JSON_VALUES), deep, literal)


@pytest.fixture
def surface(victim, journey, clock):
    """A registered, signed-in victim and an officer of the same force: every
    route can be reached past its authentication."""
    clock.advance(minutes=20)  # out of the fresh case's re-invitation interval
    cookie = victim.cookie()
    return {"victim": victim, "cookie": cookie, "officer": journey.officer}


def _segment(text: str) -> str:
    """A path segment as a client would send it: UTF-8 bytes, percent-encoded
    (a lone surrogate goes out as the bytes `%ED%A0%80`, which are not UTF-8)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def _send(client: Any, surface: dict[str, Any], route: str, raw: str, number: str, contact_id: str) -> Any:
    path = route.replace("{crime_number}", _segment(number)).replace("{contact_id}", _segment(contact_id))
    headers = {"Content-Type": "application/json", SOURCE_HEADER: "203.0.113.9"}
    if route.startswith("/officer/"):
        headers.update(surface["officer"])
    else:
        headers["Cookie"] = surface["cookie"]
    send = client.http.put if METHODS.get(route) == "PUT" else client.http.post
    return send(path, headers=headers, body=raw.encode("utf-8", "surrogatepass"))


@PROPERTY
@given(route=st.sampled_from(sorted(FIELDS)), raw=_raw_bodies(),
       number=st.one_of(st.just("LC-REAL"), ODD_TEXT), contact_id=ODD_TEXT)
def test_no_json_body_on_any_route_yields_a_5xx(client, surface, sources, route, raw, number, contact_id):
    victim = surface["victim"]
    number = victim.number if number == "LC-REAL" else number
    response = _send(client, surface, route, raw, number, contact_id)
    assert response.status_code < 500, (route, raw[:200], response.body)


@PROPERTY
@given(route=st.sampled_from(sorted(FIELDS)), data=st.data())
def test_no_value_in_any_field_yields_a_5xx(client, surface, sources, route, data):
    """One object of the route's own fields, each left out, sensible, or odd."""
    victim = surface["victim"]
    sensible = {**victim.identity(), "password": "a long enough password 1", "currentPassword": "x" * 12,
                "newPassword": "another long password 2", "type": "progress_update", "text": "An update",
                "email": "someone@example.com", "invitation": "x" * 40, "token": "y" * 40,
                "mobile": "07700 900 982", "channels": "email", "quietHours": "21:00-08:00", "language": "en",
                "safeContact": False, "phrase": "blue kettle sings", "code": "123456"}
    payload = {}
    for name in FIELDS[route]:
        choice = data.draw(st.sampled_from(["leave out", "sensible", "odd"]), label=name)
        if choice == "sensible" and name in sensible:
            payload[name] = sensible[name]
        elif choice != "leave out":
            payload[name] = data.draw(st.one_of(ODD_TEXT, ODD_TEXT, JSON_VALUES), label=name)
    extra = data.draw(st.dictionaries(ODD_TEXT, JSON_VALUES, max_size=2), label="extra fields")
    raw = json.dumps({**extra, **payload})
    number = data.draw(st.one_of(st.just(victim.number), ODD_TEXT), label="crime number in the path")
    response = _send(client, surface, route, raw, number, data.draw(ODD_TEXT, label="contact id"))
    assert response.status_code < 500, (route, raw[:200], response.body)


@PROPERTY
@given(password=JSON_VALUES, path=st.sampled_from(["/victim/sign-in", "/victim/password-reset"]))
def test_sign_in_and_reset_answer_the_same_whatever_matched(client, victim, sources, password, path):
    """The victim's own crime number, surname and date of birth, or a stranger's,
    with the same password value: the same status, body and headers."""
    answers = []
    for identity in (victim.identity(), victim.identity(crimeNumber="LC-NOBODY-1"),
                     victim.identity(dateOfBirth="1970-01-01")):
        response = post_json(client, path, {**identity, "password": password} if path.endswith("sign-in")
                             else {**identity, **({"force": password} if password is not None else {})},
                             {SOURCE_HEADER: "198.51.100.20"})
        assert response.status_code < 500
        headers = {k: v for k, v in response.headers.items() if k.lower() not in {"date", "x-request-id"}}
        answers.append((response.status_code, response.body, sorted(headers.items())))
    assert answers[0] == answers[1] == answers[2]


def test_a_surrogate_password_is_no_oracle_and_counts_nothing(victim, client, sources, figures):
    """The attack as it was run: 150 dates of birth with the password `"\\ud800"`
    against a registered victim's crime number and surname."""
    from chalicelib.storage.models import CounterItem

    statuses, bodies = [], set()
    for n in range(150):
        guess = f"19{40 + n % 60}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        if n == 77:
            guess = victim.contact["dateOfBirth"]  # the right one is among them
        response = client.http.post("/victim/sign-in", headers={"Content-Type": "application/json",
                                                                SOURCE_HEADER: "203.0.113.66"},
                                    body=json.dumps({**victim.identity(dateOfBirth=guess), "password": "\ud800"}))
        statuses.append(response.status_code)
        bodies.add(json.dumps(body(response), sort_keys=True))
    assert statuses == [400] * 150
    assert len(bodies) == 1 and "password" in next(iter(bodies))  # the field is named, nothing else differs
    assert [c.pk for c in CounterItem.scan() if c.pk.startswith("THROTTLE#sign-in")] == []
    assert victim.sign_in(source="203.0.113.66").status_code == 200  # the real one, unthrottled
    figures["surrogate_oracle"] = {"guesses": 150, "answers": {"400": 150}, "throttle_counters_touched": 0}


@pytest.mark.parametrize("raw, field", [
    ('{"crimeNumber": "LC-1", "surname": "Tay\\u0000lor", "dateOfBirth": "1980-03-31", "password": "p"}', "surname"),
    ('{"invitation": "abc", "dateOfBirth": "1980-03-31", "password": "good \\udc00 password"}', "password"),
    ('{"token": "\\ud83d", "password": "a long enough password"}', "token"),
    ("[" * 5000 + "]" * 5000, "body"),
    ('{"a":' * 40 + "1" + "}" * 40, "body"),
    ('{"password": NaN}', "body"),
])
def test_odd_text_and_deep_nesting_are_a_400_naming_the_field(client, raw, field):
    path = {"surname": "/victim/sign-in", "password": "/victim/register", "token": "/victim/password-reset/complete",
            "body": "/victim/sign-in"}[field]
    response = client.http.post(path, headers={"Content-Type": "application/json"}, body=raw)
    assert response.status_code == 400, response.body
    assert field in body(response)["fields"]


def test_odd_path_parameters_are_a_404_like_any_unknown_case(client, journey):
    number, _, created = journey.create_case()
    contact_id = created["contacts"][0]["id"]
    for odd in ("%ED%A0%80", "LC%00-1", quote("\u202e1-CL", safe=""), "x" * 300):
        for path in (f"/officer/cases/{odd}", f"/officer/cases/{odd}/contacts/{contact_id}/invitation"):
            method = client.http.get if path.count("/") == 3 else client.http.post
            response = method(path, headers={**journey.officer, "Content-Type": "application/json"}, body=b"{}")
            assert response.status_code == 404, (path, response.body)
    response = client.http.post(f"/officer/cases/{number}/contacts/%ED%A0%80/invitation",
                                headers={**journey.officer, "Content-Type": "application/json"}, body=b"{}")
    assert response.status_code == 404


@pytest.mark.parametrize("address, stored", [
    ("jo@bücher.example", "jo@xn--bcher-kva.example"),  # a domain in any script: sent in its ASCII form
    ("Jo.Bloggs+tmc@Example.Police.UK", "Jo.Bloggs+tmc@example.police.uk"),
])
def test_an_address_ses_can_deliver_to_is_accepted_and_the_invitation_sent(journey, client, aws, address, stored):
    from moto.ses.models import ses_backends

    from tests.alerts import events
    from tests.alerts.items import invitation_item
    from tests.factories import contact

    person = contact(email=address)
    number, _, created = journey.create_case(contacts=[person])
    contact_id = created["contacts"][0]["id"]
    from chalicelib import bootstrap
    from chalicelib.core.domain import case_key

    assert bootstrap.services().cases.case(case_key("lincs", number)).contact(contact_id).email == stored
    sent = ses_backends["123456789012"]["eu-west-2"].sent_messages
    before = len(sent)
    client.lambda_.invoke("send_emails", events.batch(events.insert(invitation_item(number, contact_id))))
    assert len(sent) == before + 1 and stored in str(sent[-1].destinations)


@pytest.mark.parametrize("address", ["jö@example.com", "名前@example.jp", "jo@exa mple.com", "jo@-bad-.example",
                                     "jo..bloggs@example.com", "jo@example"])
def test_an_address_that_could_never_be_delivered_is_refused_with_words(journey, address):
    from tests.factories import case_body, contact

    response = post_json(journey.client, "/officer/cases", case_body(contacts=[contact(email=address)]),
                         journey.officer)
    assert response.status_code == 400
    message = body(response)["fields"]["contacts[0].email"]
    assert message.startswith(("Enter an email address", "Check the part of the email address after the @"))


@pytest.mark.parametrize("name", ["PC 1 Alex\r\nBcc: x@example.com", "<script>alert(1)</script>", "PC \u0000 Null",
                                  "Sgt \ud800", " ", "x" * 101, 42, ["PC"], "PC \u202e Morgan"])
def test_an_officer_name_claim_is_validated_like_any_input(client, issuer, name):
    response = client.http.get("/officer/cases/LC-1", headers=issuer.headers(name=name))
    assert response.status_code == 401, (name, response.body)


@pytest.mark.parametrize("claims", [{"sub": "a\r\nb"}, {"sub": "x" * 300}, {"sub": "<b>"}])
def test_an_officer_subject_claim_is_validated_like_any_input(client, issuer, claims):
    response = client.http.get("/officer/cases/LC-1", headers=issuer.headers(subject=claims["sub"]))
    assert response.status_code == 401


@pytest.mark.parametrize("name", ["PC 1234 Siân O'Brien-Jones", "DC Zoë Łukasiewicz", "Sgt 林 美玲",
                                  "PC Ngozi Okonjo-Iweala"])
def test_real_officer_names_in_any_script_are_accepted(client, issuer, journey, name):
    number, _, _ = journey.create_case()
    headers = issuer.headers(name=name)
    posted = post_json(client, f"/officer/cases/{number}/updates", {"type": "progress_update", "text": "Checked."},
                       headers)
    assert posted.status_code == 201
    assert body(client.http.get(f"/officer/cases/{number}", headers=headers))["updates"][0]["officerName"] == name


@pytest.mark.parametrize("address, stored", [
    ("jo@faß.de", "jo@xn--fa-hia.de"),  # IDNA 2008: not IDNA 2003's fass.de, another domain
    ("jo@βόλος.gr", "jo@xn--nxasmm1c.gr"),
])
def test_a_domain_is_encoded_as_idna_2008_not_mapped_to_another(journey, address, stored):
    from chalicelib import bootstrap
    from chalicelib.core.domain import case_key
    from tests.factories import contact

    number, _, created = journey.create_case(contacts=[contact(email=address)])
    assert bootstrap.services().cases.case(case_key("lincs", number)).contact(
        created["contacts"][0]["id"]).email == stored


@pytest.mark.parametrize("address", ["jo@ex\u200bample.com", "jo@exa\u00admple.com", "jo@example\u200d.com"])
def test_a_domain_with_an_invisible_character_is_refused_not_changed(journey, address):
    from tests.factories import case_body, contact

    response = post_json(journey.client, "/officer/cases", case_body(contacts=[contact(email=address)]),
                         journey.officer)
    assert response.status_code == 400 and "after the @" in body(response)["fields"]["contacts[0].email"]


@pytest.mark.parametrize("field", ["surname", "forename", "officer"])
@pytest.mark.parametrize("odd", ["\u202e", "\u200b", "\ufeff", "\u2066"])
def test_names_with_invisible_or_reordering_characters_are_refused(journey, field, odd):
    from tests.factories import case_body, contact

    if field == "officer":
        payload = case_body()
        payload["officer"]["name"] = f"PC Alex{odd} Morgan"
        where = "officer.name"
    else:
        payload = case_body(contacts=[contact(**{field: f"Tay{odd}lor"})])
        where = f"contacts[0].{field}"
    response = post_json(journey.client, "/officer/cases", payload, journey.officer)
    assert response.status_code == 400 and where in body(response)["fields"], response.body
