"""Access control (ASVS V8): 2 forces x 2 officers x 3 contacts per case x every
route. An officer reads and writes the cases of their own force (both officers
of a force share its cases); the role decides who may upload; a contact reads
only the case their session belongs to. Anything else answers 404 (or 401
without the right kind of credential), never 403 for a case, so a case's
existence does not leak; and no response carries another case's data."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tests.factories import case_body, contact
from tests.security.conftest import JSON, body, post_json
from tests.support import STRONG_PASSWORD, invitation_token

FORCES = ("lincs", "avon")
ROLES = ("officer", "supervisor")  # the supervisor may also batch-upload


@dataclass
class World:
    officers: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> headers
    officer_force: dict[str, str] = field(default_factory=dict)
    officer_role: dict[str, str] = field(default_factory=dict)
    cases: dict[str, str] = field(default_factory=dict)  # crime number -> force
    secrets: dict[str, list[str]] = field(default_factory=dict)  # crime number -> what only it holds
    contacts: dict[str, tuple[str, str]] = field(default_factory=dict)  # contact name -> (number, cookie)
    contact_ids: dict[str, str] = field(default_factory=dict)  # crime number -> one of its contacts' ids
    messages: dict[str, str] = field(default_factory=dict)  # contact name -> the message only they sent


def _build(client, issuer, aws) -> World:
    world = World()
    for force in FORCES:
        for n, role in enumerate(ROLES, 1):
            name = f"{force}-officer-{n}"
            world.officers[name] = issuer.headers(force=force, role=role, subject=name, name=f"PC {name}")
            world.officer_force[name], world.officer_role[name] = force, role
        for n in (1, 2):  # each officer of the force records one case
            creator = f"{force}-officer-{n}"
            people = [contact(role="victim"), contact(role="victim"), contact(role="witness")]
            payload = case_body(contacts=people)
            number = payload["crimeNumber"]
            created = post_json(client, "/officer/cases", payload, world.officers[creator])
            assert created.status_code == 201, created.body
            secret = f"Secret update of {number}: only its contacts and {force} may read this."
            assert post_json(client, f"/officer/cases/{number}/updates", {"type": "charged", "text": secret},
                             world.officers[creator]).status_code == 201
            world.cases[number] = force
            world.contact_ids[number] = body(created)["contacts"][0]["id"]
            world.secrets[number] = [secret] + [p["surname"] for p in people] + [p["email"] for p in people]
            for person, made in zip(people, body(created)["contacts"], strict=True):
                token = invitation_token(aws, number, made["id"], force)
                assert post_json(client, "/victim/register", {"invitation": token, "dateOfBirth": person["dateOfBirth"],
                                                               "password": STRONG_PASSWORD}).status_code == 201
                signed_in = post_json(client, "/victim/sign-in", {
                    "crimeNumber": number, "surname": person["surname"], "dateOfBirth": person["dateOfBirth"],
                    "password": STRONG_PASSWORD, "force": force})
                assert signed_in.status_code == 200, signed_in.body
                name = f"{number}/{person['role']}/{person['surname']}"
                cookie = signed_in.headers["Set-Cookie"].split(";")[0]
                world.contacts[name] = (number, cookie)
                # Each contact's own message: for the officers of the force, and for them alone.
                text = f"Message {len(world.messages) + 1} of the matrix: no other contact may read this."
                assert client.http.post("/victim/messages", headers={**JSON, "Cookie": cookie},
                                        body=json.dumps({"text": text})).status_code == 201
                world.messages[name] = text
                world.secrets[number].append(text)
    return world


def _leaks(response_body: bytes, world: World, allowed_numbers: set[str]) -> list[str]:
    text = response_body.decode()
    return [s for number, secrets in world.secrets.items() if number not in allowed_numbers
            for s in secrets if s in text]


def _officer_routes(client, number: str, headers: dict[str, str], contact_id: str) -> dict[str, Any]:
    return {
        "GET /officer/cases/{n}": client.http.get(f"/officer/cases/{number}", headers=headers),
        # Every contact here has registered: in the officer's own force, 409.
        "POST /officer/cases/{n}/contacts/{id}/invitation": post_json(
            client, f"/officer/cases/{number}/contacts/{contact_id}/invitation", {}, headers),
        "POST /officer/cases/{n}/updates": post_json(
            client, f"/officer/cases/{number}/updates", {"type": "progress_update", "text": "Matrix probe."},
            headers),
        "POST /officer/cases/{n}/contacts/{id}/messages": post_json(
            client, f"/officer/cases/{number}/contacts/{contact_id}/messages", {"text": "Matrix reply."}, headers),
        "GET /officer/inbox": client.http.get("/officer/inbox", headers=headers),
        "POST /officer/uploads": post_json(client, "/officer/uploads", {"items": [
            {"kind": "update", "crimeNumber": number, "type": "progress_update", "text": "Matrix probe.",
             "clientReference": f"probe-{abs(hash(json.dumps(headers)))}-{number}"}]}, headers),
    }


def test_access_matrix(client, issuer, aws, figures):
    world = _build(client, issuer, aws)
    cells, wrong = 0, []
    unknown = client.http.get("/officer/cases/NO-SUCH-CASE", headers=world.officers["lincs-officer-1"])
    assert unknown.status_code == 404

    def expect(cell: str, ok: bool, detail: Any = "") -> None:
        nonlocal cells
        cells += 1
        if not ok:
            wrong.append(f"{cell}: {detail}")

    # Officers x cases x officer routes.
    for officer, headers in world.officers.items():
        force, role = world.officer_force[officer], world.officer_role[officer]
        own = {n for n, f in world.cases.items() if f == force}
        for number, case_force in world.cases.items():
            for route, response in _officer_routes(client, number, headers, world.contact_ids[number]).items():
                cell = f"{officer} {route} {number} ({case_force})"
                leaks = _leaks(response.body, world, own)
                if route == "POST /officer/uploads" and role == "officer":
                    expect(cell, response.status_code == 403 and not leaks, response.status_code)
                elif route == "POST /officer/uploads":
                    row = body(response)["results"][0] if response.status_code == 200 else {}
                    expected = "created" if case_force == force else "rejected"
                    expect(cell, row.get("status") == expected and not leaks, (response.status_code, row))
                    if case_force != force:  # the same answer as for a case that does not exist
                        expect(cell + " (as unknown)", row.get("fields") == {
                            "crimeNumber": "No case with this crime number"}, row)
                elif route == "GET /officer/inbox":
                    listed = {i["crimeNumber"] for i in body(response)["items"]} \
                        if response.status_code == 200 else {"?"}
                    expect(cell, listed <= own | {n for n in listed if n not in world.cases} and not leaks,
                           (response.status_code, listed - own))
                elif route.endswith("/invitation") and case_force == force:
                    expect(cell, response.status_code == 409 and not leaks, (response.status_code, leaks))
                elif case_force == force:
                    expect(cell, response.status_code in (200, 201) and not leaks, (response.status_code, leaks))
                else:
                    expect(cell, response.status_code == 404 and response.body == unknown.body and not leaks,
                           (response.status_code, response.body[:80], leaks))
    # Contacts' sessions on officer routes: no token, so 401 whatever the case.
    for name, (_, cookie) in world.contacts.items():
        for number in world.cases:
            for route, response in _officer_routes(client, number, {**JSON, "Cookie": cookie},
                                                   world.contact_ids[number]).items():
                expect(f"contact {name} {route} {number}", response.status_code == 401 and not _leaks(
                    response.body, world, set()), response.status_code)
    # Each contact reads their own case, and nothing of any other.
    for name, (number, cookie) in world.contacts.items():
        response = client.http.get("/victim/case", headers={"Cookie": cookie})
        data = body(response)
        expect(f"contact {name} GET /victim/case", response.status_code == 200 and data["crimeNumber"] == number
               and world.secrets[number][0] in {u["text"] for u in data["updates"]}
               and not _leaks(response.body, world, {number}), response.status_code)
        # ...and the contact list of the case (names, emails) is not part of it, nor
        # any other contact's messages: only their own conversation.
        others = [s for s in world.secrets[number][1:] if s in response.body.decode() and s != world.messages[name]]
        expect(f"contact {name} sees no contact details and no one else's messages", not others, others)
        expect(f"contact {name} sees their own message",
               world.messages[name] in {m["text"] for m in data.get("messages", [])}, data.get("messages"))
    # Officers' tokens on the victim's routes that write: no session, 401.
    for officer, headers in world.officers.items():
        for path, payload in (("/victim/messages", {"text": "Forged by an officer token."}),
                              ("/victim/update-request", {})):
            response = post_json(client, path, payload, headers)
            expect(f"{officer} POST {path}", response.status_code == 401, response.status_code)
    # Officers' tokens on the victim's route: no session, 401.
    for officer, headers in world.officers.items():
        response = client.http.get("/victim/case", headers=headers)
        expect(f"{officer} GET /victim/case", response.status_code == 401, response.status_code)
    # Recording a case under another force's crime number makes a new case in the
    # officer's own force, and leaves the other force's case as it was.
    for officer, headers in world.officers.items():
        force = world.officer_force[officer]
        for number, case_force in world.cases.items():
            before = body(client.http.get(f"/officer/cases/{number}",
                                          headers=world.officers[f"{case_force}-officer-1"]))
            response = post_json(client, "/officer/cases", case_body(number=number), headers)
            after = body(client.http.get(f"/officer/cases/{number}",
                                         headers=world.officers[f"{case_force}-officer-1"]))
            if case_force == force:
                expect(f"{officer} POST /officer/cases {number} (own)", response.status_code == 409,
                       response.status_code)
            else:
                expect(f"{officer} POST /officer/cases {number} (other)", response.status_code in (201, 409)
                       and not _leaks(response.body, world, set()), response.status_code)
            expect(f"{officer} POST /officer/cases {number}: the case is unchanged",
                   before["contacts"] == after["contacts"] and before["force"] == after["force"] == case_force)
    # Sign-out by one contact ends their sessions only.
    first = next(iter(world.contacts))
    client.http.post("/victim/sign-out", headers={**JSON, "Cookie": world.contacts[first][1]}, body="{}")
    for name, (_, cookie) in world.contacts.items():
        status = client.http.get("/victim/case", headers={"Cookie": cookie}).status_code
        expect(f"after {first} signs out, {name}", status == (401 if name == first else 200), status)

    figures["access_matrix"] = {"forces": 2, "officers": len(world.officers), "cases": len(world.cases),
                                "contacts": len(world.contacts), "cells": cells}
    assert not wrong, "\n".join(wrong)
    assert cells >= 2 * 2 * 2 * 3 * 3
