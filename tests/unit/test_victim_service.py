"""VictimService with hand-written fakes: the rules, without I/O."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.bootstrap import Services
from chalicelib.config import load_settings
from chalicelib.core import tokens
from chalicelib.core.domain import Officer
from chalicelib.core.errors import InvalidInput, SignedOut, SignInFailed, SignInPaused
from chalicelib.core.throttle import Limits, delay_after
from tests.fakes import Clock, FakeAuditLog, FakeCaseStore, FakeSessionStore

PASSWORD = "correct horse battery staple"
SETTINGS = load_settings({"OIDC_ISSUER": "https://issuer.example", "OIDC_AUDIENCE": "tmc",
                          "OIDC_JWKS_URL": "https://issuer.example/keys", "TOKEN_SECRET": "t" * 40})
OFFICER = Officer(id="o1", name="PC Morgan", force="lincs", roles=frozenset({"officer"}))


class World:
    """The service on fakes, through the composition root's overrides."""

    def __init__(self):
        self.clock = Clock(datetime(2026, 11, 27, 12, 0, tzinfo=UTC))
        self.audit_log = FakeAuditLog()
        self.cases = FakeCaseStore(audit_log=self.audit_log)
        self.sessions = FakeSessionStore(self.cases)
        services = Services(SETTINGS, clock=self.clock, cases=self.cases, sessions=self.sessions,
                            audit_log=self.audit_log)
        self.victims, self.officers = services.victims, services.officers

    def case_with_registered_victim(self, number="LC-1"):
        created = self.officers.create_case(OFFICER, {
            "crimeNumber": number, "officer": {"name": "PC Morgan", "email": "pc@police.example"},
            "contacts": [{"role": "victim", "forename": "Sam", "surname": "Taylor",
                          "dateOfBirth": "1980-03-31", "email": "sam@example.com"}]})
        invitation_id = next(iter(created.invitation_ids.values()))
        self.victims.register({"invitation": tokens.link_token(SETTINGS.token_secret, tokens.INVITATION, invitation_id),
                               "dateOfBirth": "1980-03-31", "password": PASSWORD})
        return number

    def sign_in(self, number="LC-1", **overrides):
        return self.victims.sign_in({"crimeNumber": number, "surname": "Taylor", "dateOfBirth": "1980-03-31",
                                     "password": PASSWORD, **overrides}, source="198.51.100.7")


@pytest.fixture
def world():
    return World()


def test_registered_victim_can_sign_in_and_read_their_case(world):
    world.case_with_registered_victim()
    signed_in = world.sign_in()
    view = world.victims.read_case(signed_in.token)
    assert view.case.crime_number == "LC-1" and view.contact.surname == "Taylor"


@pytest.mark.parametrize("overrides", [
    {"crimeNumber": "LC-2"}, {"surname": "Jones"}, {"dateOfBirth": "1980-04-01"}, {"password": "wrong pass phrase"},
])
def test_every_mismatch_raises_the_same_error(world, overrides):
    world.case_with_registered_victim()
    with pytest.raises(SignInFailed) as error:
        world.sign_in(**overrides)
    assert error.value.message == SignInFailed.message


def test_eleventh_guess_in_five_minutes_is_refused_even_with_the_right_password(world):
    """Each guess waits out its delay, so only the count of ten can refuse the eleventh."""
    world.case_with_registered_victim()
    for failures in range(10):
        world.clock.advance(seconds=delay_after(failures, Limits()).total_seconds())
        with pytest.raises(SignInFailed):
            world.sign_in(password="wrong pass phrase")
    world.clock.advance(seconds=delay_after(10, Limits()).total_seconds())
    with pytest.raises(SignInPaused):
        world.sign_in()
    world.clock.advance(minutes=10)  # the ten have left both windows
    assert world.sign_in().token


def test_session_ends_after_15_idle_minutes(world):
    world.case_with_registered_victim()
    token = world.sign_in().token
    world.clock.advance(minutes=14)
    world.victims.read_case(token)
    world.clock.advance(minutes=14)
    world.victims.read_case(token)
    world.clock.advance(minutes=15)
    with pytest.raises(SignedOut):
        world.victims.read_case(token)


def test_session_ends_after_4_hours_however_active(world):
    world.case_with_registered_victim()
    token = world.sign_in().token
    for _ in range(23):
        world.clock.advance(minutes=10)
        world.victims.read_case(token)
    world.clock.advance(minutes=10)  # 4 hours since sign-in
    with pytest.raises(SignedOut):
        world.victims.read_case(token)


def test_sign_out_ends_every_session_of_the_contact(world):
    world.case_with_registered_victim()
    first, second = world.sign_in().token, world.sign_in().token
    world.clock.advance(seconds=1)
    world.victims.sign_out(first)
    with pytest.raises(SignedOut):
        world.victims.read_case(second)


def test_expired_invitation_cannot_register(world):
    created = world.officers.create_case(OFFICER, {
        "crimeNumber": "LC-9", "officer": {"name": "PC Morgan", "email": "pc@police.example"},
        "contacts": [{"role": "witness", "forename": "Al", "surname": "Lee", "dateOfBirth": "1970-01-01",
                      "email": "al@example.com"}]})
    world.clock.advance(days=14, seconds=1)
    token = tokens.link_token(SETTINGS.token_secret, tokens.INVITATION, next(iter(created.invitation_ids.values())))
    with pytest.raises(InvalidInput) as error:
        world.victims.register({"invitation": token, "dateOfBirth": "1970-01-01", "password": PASSWORD})
    assert set(error.value.fields) == {"invitation"}


def test_reads_and_changes_are_audited_without_content(world):
    number = world.case_with_registered_victim()
    world.victims.read_case(world.sign_in().token)
    world.officers.post_update(OFFICER, number, {"type": "charged", "text": "He was charged today."})
    events = [(r.action, r.event) for r in world.audit_log.records]
    assert events == [("collection", "case_created"), ("alteration", "contact_registered"),
                      ("consultation", "case_read_by_contact"), ("alteration", "update_posted")]
    assert "charged today" not in repr(world.audit_log.records)
