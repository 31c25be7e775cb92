"""The officer in charge, reachable (issue 15, item 5): an officer may give
their collar number and a phone number when creating a case; the victim's
view of the case shows both, the officer's shows them back; a bad one is a
400 naming the field that changes nothing."""

from __future__ import annotations

import pytest

from tests.factories import case_body, contact
from tests.support import body, post_json


def _register_and_sign_in(journey, number, created, person):
    assert journey.register(number, created, person).status_code == 201
    response = journey.sign_in(number, person)
    assert response.status_code == 200, response.body
    return response.headers["Set-Cookie"].split(";")[0]


def test_the_victim_sees_the_collar_number_and_phone_the_officer_gave(journey, client):
    person = contact()
    payload = case_body(contacts=[person], officer={"name": "PC 1234 Alex Morgan", "email": "alex@lincs.police.example",
                                                     "collarNumber": "pc 1234", "phone": "+44 1632 960 001"})
    created = post_json(client, "/officer/cases", payload, journey.officer)
    assert created.status_code == 201, created.body
    cookie = _register_and_sign_in(journey, payload["crimeNumber"], body(created), person)
    case = body(client.http.get("/victim/case", headers={"Cookie": cookie}))
    assert case["officer"] == {"name": "PC 1234 Alex Morgan", "role": "Officer in charge",
                               "collarNumber": "1234", "phone": "01632 960001"}
    officer_view = body(client.http.get(f"/officer/cases/{payload['crimeNumber']}", headers=journey.officer))
    assert officer_view["officer"]["collarNumber"] == "1234"
    assert officer_view["officer"]["phone"] == "01632 960001"


@pytest.mark.parametrize(("field", "value"), [
    ("collarNumber", "not a number"), ("collarNumber", "1" * 40), ("collarNumber", 1234),
    ("phone", "999"), ("phone", "call me"), ("phone", "\ud800"), ("phone", "+1 202 555 0100x"),
])
def test_a_bad_collar_number_or_phone_is_refused_and_nothing_is_stored(journey, client, field, value):
    payload = case_body(officer={"name": "PC 1 Alex Morgan", "email": "alex@lincs.police.example", field: value})
    response = post_json(client, "/officer/cases", payload, journey.officer)
    assert response.status_code == 400, response.body
    assert list(body(response)["fields"]) == [f"officer.{field}"]
    assert client.http.get(f"/officer/cases/{payload['crimeNumber']}", headers=journey.officer).status_code == 404


def test_a_csv_upload_carries_them_too(journey, client, issuer):
    from tests.factories import crime_number

    number = crime_number()
    csv = ("kind,crimeNumber,officerName,officerEmail,officerCollarNumber,officerPhone,contactRole,"
           "contactForename,contactSurname,contactDateOfBirth,contactEmail\n"
           f"case,{number},PC 77 Jo Reid,jo@lincs.police.example,77,01632 960 002,victim,Ana,Lopez,1990-01-02,"
           "ana@example.com\n")
    response = client.http.post("/officer/uploads", body=csv, headers={**issuer.headers(role="integration"),
                                                                    "Content-Type": "text/csv"})
    assert response.status_code in (200, 201, 207), response.body
    officer_view = body(client.http.get(f"/officer/cases/{number}", headers=journey.officer))
    assert (officer_view["officer"]["collarNumber"], officer_view["officer"]["phone"]) == ("77", "01632 960002")
