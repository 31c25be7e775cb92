"""Issue 14 through chalice.test.Client over moto: mobile numbers at case
creation and upload, the contact agreement, changing an address with a code,
stopping, and the officer's safe-contact mark and view."""

from __future__ import annotations

from tests.api import Api
from tests.factories import case_body, contact
from tests.support import STRONG_PASSWORD, body, post_json

AGREEMENT = {"channels": "text", "quietHours": "21:00-08:00", "language": "en", "safeContact": False,
             "phrase": "blue kettle sings"}


def _victim(journey, **contact_fields):
    """A registered, signed-in victim: (crime number, contact payload, cookie header, contact id)."""
    payload = contact(**contact_fields)
    number, sent, created = journey.create_case(contacts=[payload])
    assert journey.register(number, created, sent).status_code == 201
    signed_in = journey.sign_in(number, sent)
    return number, sent, {"Cookie": signed_in.headers["Set-Cookie"].split(";")[0]}, created["contacts"][0]["id"]


def _officer_contact(client, issuer, number):
    return body(client.http.get(f"/officer/cases/{number}", headers=issuer.headers()))["contacts"][0]


# -- mobile numbers from officers ------------------------------------------------------------------


def test_a_uk_mobile_is_stored_as_e164_and_a_contact_may_have_only_a_mobile(journey, client, issuer):
    payload = contact(mobile="07700 900 982")
    del payload["email"]
    number, _, _ = journey.create_case(contacts=[payload])
    officer_view = _officer_contact(client, issuer, number)
    assert officer_view["hasMobile"] and not officer_view["hasEmail"]
    assert officer_view["channels"] == ["text"]


def test_a_contact_with_neither_email_nor_mobile_is_refused_on_its_field(client, issuer):
    payload = contact()
    del payload["email"]
    response = post_json(client, "/officer/cases", case_body(contacts=[payload]), issuer.headers())
    assert response.status_code == 400
    assert body(response)["fields"] == {"contacts[0].email": "Enter the email address or mobile number"}


def test_a_mobile_in_the_wrong_format_is_refused_with_a_govuk_message(client, issuer):
    for wrong in ("0770", "+44 20 7946 0000", "not a number", "07700 900 982 1234"):
        response = post_json(client, "/officer/cases", case_body(contacts=[contact(mobile=wrong)]), issuer.headers())
        assert response.status_code == 400, wrong
        assert "like 07700 900 982" in body(response)["fields"]["contacts[0].mobile"], wrong


def test_a_csv_upload_takes_a_mobile_and_a_safe_contact_mark(client, issuer):
    csv = ("kind,crimeNumber,officerName,officerEmail,contactRole,contactForename,contactSurname,"
           "contactDateOfBirth,contactEmail,contactMobile,contactSafeContact\n"
           "case,LC-2026-77001,PC 1 Alex Morgan,alex@lincs.police.example,victim,Jo,Bloggs,1990-01-02,,"
           "+44 7700 900123,yes\n")
    response = client.http.post("/officer/uploads", body=csv.encode(),
                                headers={**issuer.headers(role="integration"), "Content-Type": "text/csv"})
    assert body(response)["summary"]["created"] == 1, body(response)
    officer_view = _officer_contact(client, issuer, "LC-2026-77001")
    assert officer_view["safeContact"] and officer_view["channels"] == ["text"]


# -- the contact agreement ----------------------------------------------------------------------------


def test_the_account_shows_addresses_and_the_default_agreement(journey, client):
    _, sent, cookie, _ = _victim(journey, mobile="07700 900 982")
    account = body(Api(client).get("/victim/account", cookie))
    assert account == {"email": sent["email"], "mobile": "+447700900982", "channels": "both",
                       "availableChannels": ["email", "text", "both"], "quietHours": "none", "language": "en",
                       "phrase": None, "safeContact": False, "pendingChange": None, "agreed": False}


def test_saving_the_agreement_answers_the_account_and_the_officer_sees_the_channels(journey, client, issuer):
    number, _, cookie, _ = _victim(journey, mobile="07700 900 982")
    response = Api(client).request("PUT", "/victim/contact-agreement", AGREEMENT, cookie)
    assert response.status_code == 200
    assert {k: body(response)[k] for k in AGREEMENT} == AGREEMENT
    assert _officer_contact(client, issuer, number)["channels"] == ["text"]


def test_texts_cannot_be_chosen_without_a_mobile(journey, client):
    _, _, cookie, _ = _victim(journey)
    response = Api(client).request("PUT", "/victim/contact-agreement", AGREEMENT, cookie)
    assert response.status_code == 400
    assert body(response)["fields"] == {"channels": "You have no mobile number: add one on Your account first, "
                                                    "or choose email"}


def test_a_phrase_holding_the_contacts_name_or_the_word_police_is_refused(journey, client):
    _, sent, cookie, _ = _victim(journey, mobile="07700 900 982")
    for phrase in (f"hello {sent['surname']}", "police are great", "zz"):
        response = Api(client).request("PUT", "/victim/contact-agreement", {**AGREEMENT, "phrase": phrase}, cookie)
        assert response.status_code == 400, phrase
        assert "phrase" in body(response)["fields"], phrase


def test_the_agreement_needs_a_session(client):
    assert Api(client).request("PUT", "/victim/contact-agreement", AGREEMENT).status_code == 401
    assert Api(client).get("/victim/account").status_code == 401


# -- changing an address ---------------------------------------------------------------------------


def _code(aws, number, contact_id):
    from chalicelib import bootstrap
    from chalicelib.core import tokens
    from chalicelib.core.domain import case_key

    found = bootstrap.services().cases.case_with_contacts(case_key("lincs", number)).contact(contact_id)
    return tokens.change_code(aws.token_secret, found.pending_change_id)


def test_a_new_mobile_takes_effect_only_with_the_code_sent_to_it(journey, client, aws):
    number, _, cookie, contact_id = _victim(journey, mobile="07700 900 982")
    api = Api(client)
    sent = api.post("/victim/account/mobile", {"mobile": "07700 900 555"}, cookie)
    assert sent.status_code == 202 and body(sent)["channel"] == "text"
    assert body(api.get("/victim/account", cookie))["mobile"] == "+447700900982"  # not yet
    wrong = api.post("/victim/account/confirm", {"code": "000000" if _code(aws, number, contact_id) != "000000"
                                                 else "111111"}, cookie)
    assert wrong.status_code == 400 and "code" in body(wrong)["fields"]

    right = api.post("/victim/account/confirm", {"code": _code(aws, number, contact_id)}, cookie)

    assert right.status_code == 200, right.body
    assert body(right)["mobile"] == "+447700900555" and body(right)["pendingChange"] is None


def test_five_wrong_codes_end_the_change(journey, client, aws):
    number, _, cookie, contact_id = _victim(journey)
    api = Api(client)
    assert api.post("/victim/account/email", {"email": "new@example.com"}, cookie).status_code == 202
    real = _code(aws, number, contact_id)
    wrong = "000000" if real != "000000" else "111111"
    answers = [body(api.post("/victim/account/confirm", {"code": wrong}, cookie))["fields"]["code"]
               for _ in range(5)]
    assert "too many times" in answers[-1]
    late = api.post("/victim/account/confirm", {"code": real}, cookie)
    assert late.status_code == 400
    assert body(api.get("/victim/account", cookie))["email"] != "new@example.com"


# -- stopping ----------------------------------------------------------------------------------------------


def test_stopping_ends_the_session_and_the_officer_sees_the_contact_wants_other_contact(journey, client, issuer):
    number, sent, cookie, _ = _victim(journey)
    api = Api(client)
    assert api.post("/victim/stop", {}, cookie).status_code == 204
    assert api.get("/victim/account", cookie).status_code == 401
    officer_view = _officer_contact(client, issuer, number)
    assert officer_view["status"] == "wants_other_contact" and officer_view["stoppedAt"]
    # Signing in again and saving the agreement starts alerts again.
    again = {"Cookie": journey.sign_in(number, sent, STRONG_PASSWORD).headers["Set-Cookie"].split(";")[0]}
    agreement = {**AGREEMENT, "channels": "email"}
    assert api.request("PUT", "/victim/contact-agreement", agreement, again).status_code == 200
    assert _officer_contact(client, issuer, number)["status"] == "registered"


# -- the officer's safe-contact mark -------------------------------------------------------------------------


def test_an_officer_marks_a_contact_for_safe_contact(journey, client, issuer):
    number, _, created = journey.create_case()
    contact_id = created["contacts"][0]["id"]
    path = f"/officer/cases/{number}/contacts/{contact_id}/safe-contact"
    response = post_json(client, path, {"safeContact": True}, issuer.headers())
    assert (response.status_code, body(response)) == (200, {"id": contact_id, "safeContact": True})
    assert _officer_contact(client, issuer, number)["safeContact"] is True
    assert post_json(client, path, {"safeContact": "yes"}, issuer.headers()).status_code == 400
    assert post_json(client, f"/officer/cases/{number}/contacts/nobody/safe-contact", {"safeContact": True},
                     issuer.headers()).status_code == 404


# -- bursts: each limit holds however many requests race ---------------------------------------------------


def _burst(call, times: int) -> list[int]:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(lambda _: call().status_code, range(times)))


def test_twenty_wrong_codes_at_once_use_up_the_change_and_the_right_code_then_fails(journey, client, aws):
    number, _, cookie, contact_id = _victim(journey)
    api = Api(client)
    assert api.post("/victim/account/email", {"email": "new@example.com"}, cookie).status_code == 202
    real = _code(aws, number, contact_id)
    wrong = "000000" if real != "000000" else "111111"
    statuses = _burst(lambda: api.post("/victim/account/confirm", {"code": wrong}, cookie), 20)
    assert statuses == [400] * 20
    assert api.post("/victim/account/confirm", {"code": real}, cookie).status_code == 400
    assert body(api.get("/victim/account", cookie))["email"] != "new@example.com"


def test_the_right_code_sent_ten_times_at_once_changes_the_address_once(journey, client, aws):
    number, _, cookie, contact_id = _victim(journey)
    api = Api(client)
    assert api.post("/victim/account/email", {"email": "new@example.com"}, cookie).status_code == 202
    real = _code(aws, number, contact_id)
    statuses = _burst(lambda: api.post("/victim/account/confirm", {"code": real}, cookie), 10)
    assert sorted(statuses) == [200] + [400] * 9
    account = body(api.get("/victim/account", cookie))
    assert account["email"] == "new@example.com" and account["pendingChange"] is None


def test_ten_address_changes_at_once_are_held_to_five_a_day(journey, client):
    _, _, cookie, _ = _victim(journey)
    api = Api(client)
    statuses = _burst(lambda: api.post("/victim/account/email", {"email": "new@example.com"}, cookie), 10)
    assert sorted(statuses) == [202] * 5 + [429] * 5
