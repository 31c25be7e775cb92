"""POST /victim/session/keep-alive: the person is using the page (reading a
long update), so their session's idle time starts again; nothing is read for
them, at most once a minute, and an ended session stays ended."""

from __future__ import annotations

from datetime import timedelta

from tests.api import JSON
from tests.support import body

KEEP_ALIVE = "/victim/session/keep-alive"


def keep_alive(client, cookie: str | None, payload: str = "{}"):
    headers = {**JSON, **({"Cookie": cookie} if cookie else {})}
    return client.http.post(KEEP_ALIVE, headers=headers, body=payload)


def read_case(client, cookie: str):
    return client.http.get("/victim/case", headers={"Cookie": cookie})


def test_a_keep_alive_starts_the_idle_time_again(journey, client, clock):
    _, _, cookie = journey.registered_victim()
    clock.now = clock() + timedelta(minutes=10)
    response = keep_alive(client, cookie)
    assert response.status_code == 204
    assert response.body in (b"", "")
    clock.now = clock() + timedelta(minutes=10)  # 20 minutes since signing in, 10 since the keep-alive
    assert read_case(client, cookie).status_code == 200


def test_a_keep_alive_writes_no_read_receipt(journey, client, clock):
    number, _, cookie = journey.registered_victim()
    assert journey.post_update(number).status_code == 201
    clock.now = clock() + timedelta(minutes=2)
    assert keep_alive(client, cookie).status_code == 204
    person = body(client.http.get(f"/officer/cases/{number}", headers=journey.officer))["contacts"][0]
    assert person["lastReadAt"] is None
    assert person["readUpdateIds"] == []


def test_a_keep_alive_does_not_revive_an_ended_session(journey, client, clock):
    _, _, cookie = journey.registered_victim()
    clock.now = clock() + timedelta(minutes=15, seconds=1)
    response = keep_alive(client, cookie)
    assert response.status_code == 401
    assert body(response)["code"] == "signed_out"
    assert read_case(client, cookie).status_code == 401


def test_a_keep_alive_after_signing_out_is_refused(journey, client):
    _, _, cookie = journey.registered_victim()
    assert client.http.post("/victim/sign-out", headers={**JSON, "Cookie": cookie}, body="{}").status_code == 204
    assert keep_alive(client, cookie).status_code == 401


def test_a_keep_alive_without_a_session_is_refused(client):
    assert keep_alive(client, None).status_code == 401
    assert keep_alive(client, "__Host-tmc_session=not-a-session").status_code == 401


def test_a_second_keep_alive_within_a_minute_is_refused_and_changes_nothing(journey, client, clock):
    _, _, cookie = journey.registered_victim()
    clock.now = clock() + timedelta(minutes=5)
    assert keep_alive(client, cookie).status_code == 204
    clock.now = clock() + timedelta(seconds=30)
    again = keep_alive(client, cookie)
    assert again.status_code == 429
    assert body(again)["code"] == "too_many_requests"
    # The session still ends 15 minutes after the first keep-alive, not the second.
    clock.now = clock() + timedelta(minutes=14, seconds=31)
    assert read_case(client, cookie).status_code == 401


def test_a_keep_alive_a_minute_after_a_case_read_is_accepted(journey, client, clock):
    _, _, cookie = journey.registered_victim()
    assert read_case(client, cookie).status_code == 200
    clock.now = clock() + timedelta(seconds=61)
    assert keep_alive(client, cookie).status_code == 204


def test_a_keep_alive_takes_only_an_empty_json_body(journey, client, clock):
    _, _, cookie = journey.registered_victim()
    clock.now = clock() + timedelta(minutes=2)
    assert keep_alive(client, cookie, '{"extend": true}').status_code == 400


def test_ten_keep_alives_at_once_extend_the_session_once(journey, client, clock):
    """The once-a-minute rule is the write's own condition: a burst gets one 204."""
    from concurrent.futures import ThreadPoolExecutor

    _, _, cookie = journey.registered_victim()
    clock.now = clock() + timedelta(minutes=2)
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda _: keep_alive(client, cookie).status_code, range(10)))
    assert sorted(statuses) == [204] + [429] * 9
