"""The account's `agreed` (issue 14, for the site): the case page asks how to
contact the person until they have chosen, and again after they stopped."""

from __future__ import annotations

from tests.api import Api
from tests.factories import contact
from tests.support import body

AGREEMENT = {"channels": "email", "quietHours": "none", "language": "en", "safeContact": False}


def _signed_in(journey, payload):
    number, sent, created = journey.create_case(contacts=[payload])
    assert journey.register(number, created, sent).status_code == 201
    return number, sent, {"Cookie": journey.sign_in(number, sent).headers["Set-Cookie"].split(";")[0]}


def test_agreed_is_false_until_the_agreement_is_saved_and_again_after_stopping(journey, client):
    payload = contact()
    number, sent, cookie = _signed_in(journey, payload)
    api = Api(client)
    assert body(api.get("/victim/account", cookie))["agreed"] is False
    saved = api.request("PUT", "/victim/contact-agreement", AGREEMENT, cookie)
    assert saved.status_code == 200 and body(saved)["agreed"] is True
    assert body(api.get("/victim/account", cookie))["agreed"] is True

    assert api.post("/victim/stop", {}, cookie).status_code == 204
    cookie = {"Cookie": journey.sign_in(number, sent).headers["Set-Cookie"].split(";")[0]}
    assert body(api.get("/victim/account", cookie))["agreed"] is False
