"""The README's journey against the real local stack: moto server, the dev
issuer and `chalice local`, over HTTP, as a newcomer would with curl."""

from __future__ import annotations

import pytest

from tests.api import Api

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    from tests.stack_process import running_stack

    with running_stack(tmp_path_factory.mktemp("local"), seed=True) as running:
        yield running


def call(method, url, payload=None, headers=None):
    answer = Api("").request(method, url, payload if payload is not None else None, headers)
    return answer.status_code, answer.headers, answer.json()


def test_health_answers_200(stack):
    assert call("GET", f"{stack.api_url}/health")[0] == 200


def test_newcomer_journey_with_the_printed_token_and_link(stack):
    officer = {"Authorization": f"Bearer {stack.officer_token()}"}
    demo = stack.demo
    # Create a case with the printed officer token.
    status, _, created = call("POST", f"{stack.api_url}/officer/cases", {
        "crimeNumber": "LC-README-1",
        "officer": {"name": "PC 1234 Alex Morgan", "email": "alex.morgan@lincs.police.example"},
        "contacts": [{"role": "victim", "forename": "Jo", "surname": "Bloggs",
                      "dateOfBirth": "1990-01-02", "email": "jo@example.com"}]}, officer)
    assert status == 201 and created["contacts"][0]["status"] == "invited"
    # Register the demo contact from the printed invitation token.
    status, _, registered = call("POST", f"{stack.api_url}/victim/register", {
        "invitation": demo["invitation"], "dateOfBirth": demo["dateOfBirth"],
        "password": "a long and memorable passphrase"})
    assert status == 201 and registered == {"crimeNumber": demo["crimeNumber"]}
    # Sign in.
    status, headers, _ = call("POST", f"{stack.api_url}/victim/sign-in", {
        "crimeNumber": demo["crimeNumber"], "surname": demo["surname"],
        "dateOfBirth": demo["dateOfBirth"], "password": "a long and memorable passphrase"})
    assert status == 200
    cookie = headers["Set-Cookie"].split(";")[0]
    # The officer posts an update; the victim reads it, newest first.
    status, _, _ = call("POST", f"{stack.api_url}/officer/cases/{demo['crimeNumber']}/updates",
                        {"type": "suspect_arrested", "text": "A man has been arrested."}, officer)
    assert status == 201
    status, _, case = call("GET", f"{stack.api_url}/victim/case", headers={"Cookie": cookie})
    assert status == 200
    assert [u["type"] for u in case["updates"]] == ["suspect_arrested", "crime_recorded"]


def test_invalid_officer_token_answers_401_through_chalice_local(stack):
    status, headers, error = call("GET", f"{stack.api_url}/officer/cases/X-1",
                                  headers={"Authorization": "Bearer nonsense"})
    assert status == 401 and error["code"] == "unauthorized"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_missing_officer_token_answers_401_through_chalice_local(stack):
    assert call("GET", f"{stack.api_url}/officer/cases/X-1")[0] == 401


def test_make_runs_empty_port_variables_become_the_chosen_ports():
    """`make run` passes API_PORT=, MOTO_PORT=... empty when not given; the
    stack's processes inherit them, and moto's server reads MOTO_PORT itself
    (int('') failed: `make run` stopped before anything started). The stack
    sets each to the port it chose, and moto's server starts with them."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from local.stack import ROOT, chosen_ports, export_ports

    def free_port() -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    given = {"API_PORT": str(free_port()), "SITE_PORT": str(free_port()), "MOTO_PORT": "",
             "ISSUER_PORT": str(free_port())}
    environ = dict(given)
    ports = chosen_ports({**given, "MOTO_PORT": str(free_port())})
    export_ports(ports, environ)
    assert environ == {"API_PORT": str(ports["api_port"]), "SITE_PORT": str(ports["site_port"]),
                       "MOTO_PORT": str(ports["moto_port"]), "ISSUER_PORT": str(ports["issuer_port"])}

    moto = subprocess.Popen([sys.executable, "-m", "local.moto_server", "-H", "127.0.0.1", "-p",
                             str(ports["moto_port"])], cwd=ROOT, env={**os.environ, **environ},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert moto.poll() is None, f"moto's server exited with {moto.returncode}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{ports['moto_port']}/moto-api/data.json",
                                            timeout=2) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "moto's server did not answer in 30 s"
                time.sleep(0.2)
    finally:
        moto.kill()
        moto.wait()
