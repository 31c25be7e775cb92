"""Timing: can an attacker tell an account that exists from one that does not?

Sign-in: median time of `POST /victim/sign-in` failures for an account that
does not exist, against failures for a registered contact with the wrong
password. Password reset: median time of `POST /victim/password-reset` for a
registered contact (a reset record is written and emailed) against one for no
account (a decoy of the same size is written instead). Each pair interleaved,
through chalice.test.Client on an in-process moto. Target: a gap under 10% for
both (ASVS V6.3.8). Exits 1 when either misses.

The throttle is widened for the run so that every attempt takes the checking
path; a throttled attempt spends a dummy hash too (tests/security checks that
every failure path verifies exactly one hash).

    .venv/bin/python bench/bench_timing_gap.py [rounds]
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_GAP = 0.10
PASSWORD = "correct horse battery staple"  # noqa: S105 - a test account's
WRONG = "wrong horse battery staple"

os.environ.update({
    "AWS_DEFAULT_REGION": "eu-west-2", "AWS_REGION": "eu-west-2", "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench", "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled", "STAGE": "bench",
    "CASES_TABLE": "tmc-bench-cases", "SESSIONS_TABLE": "tmc-bench-sessions", "AUDIT_TABLE": "tmc-bench-audit",
    "FORCES": "lincs=Lincolnshire Police", "DEFAULT_FORCE": "lincs", "SITE_URL": "https://victims.example.police.uk",
    "OIDC_ISSUER": "https://issuer.example", "OIDC_AUDIENCE": "track-my-crime",
    "OIDC_JWKS_URL": "https://issuer.example/jwks", "TOKEN_SECRET": secrets.token_urlsafe(32),
    "MAIL_FROM": "no-reply@lincs.police.example", "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_METRICS_DISABLED": "true",
})
for _name in ("AWS_ENDPOINT_URL", "DYNAMODB_ENDPOINT", "AWS_PROFILE", "OUTBOX_DIR"):
    os.environ.pop(_name, None)
sys.path.insert(0, str(ROOT))


def _setup():
    """A case with one registered victim, and the app with a wide throttle."""
    from chalicelib import bootstrap
    from chalicelib.core import passwords, tokens
    from chalicelib.core.domain import Officer
    from chalicelib.core.throttle import Limits
    from chalicelib.storage import models

    services = bootstrap.install(throttle_limits=Limits(per_account=10**9, per_source=10**9, free_failures=10**9))
    settings = services.settings
    models.create_tables(settings)
    victims = services.victims
    officer = Officer(id="bench", name="PC Bench", force="lincs", roles=frozenset({"officer"}))
    created = services.officers.create_case(officer, {
        "crimeNumber": "LC-BENCH-1", "officer": {"name": "PC Bench", "email": "pc@police.example"},
        "contacts": [{"role": "victim", "forename": "Sam", "surname": "Taylor", "dateOfBirth": "1980-03-31",
                      "email": "sam@example.com"}]})
    invitation_id = next(iter(created.invitation_ids.values()))
    invitation = tokens.link_token(settings.token_secret, tokens.INVITATION, invitation_id)
    victims.register({"invitation": invitation, "dateOfBirth": "1980-03-31", "password": PASSWORD})
    passwords.verify(PASSWORD, None)  # build the dummy hash before timing


def _time(client, payload: dict, path: str = "/victim/sign-in", status: int = 401) -> float:
    started = time.perf_counter()
    response = client.http.post(path, headers={"Content-Type": "application/json"}, body=json.dumps(payload))
    elapsed = time.perf_counter() - started
    assert response.status_code == status, response.status_code
    return elapsed


def _gap(name: str, rounds: int, absent: list[float], present: list[float], labels: tuple[str, str]) -> float:
    absent_median, present_median = statistics.median(absent), statistics.median(present)
    gap = abs(absent_median - present_median) / present_median
    print(f"{name}, {rounds} of each, interleaved:")
    print(f"  {labels[0]:<22}median {absent_median * 1000:7.2f} ms")
    print(f"  {labels[1]:<22}median {present_median * 1000:7.2f} ms")
    print(f"  gap                   {gap * 100:6.1f} %   (target < {TARGET_GAP * 100:.0f} %)")
    return gap


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    from chalice.test import Client
    from moto import mock_aws

    with mock_aws():
        _setup()
        from app import app

        known = {"crimeNumber": "LC-BENCH-1", "surname": "Taylor", "dateOfBirth": "1980-03-31", "password": WRONG}
        with Client(app, stage_name="local") as client:
            for _ in range(5):  # warm up both paths
                _time(client, known)
                _time(client, {**known, "crimeNumber": "LC-NOBODY-1"})
            unknown_times, wrong_times = [], []
            for n in range(rounds):
                # Interleaved, each account new to the server: an unknown crime
                # number, a wrong surname, a wrong date of birth, in turn.
                unknown = [{**known, "crimeNumber": f"LC-NOBODY-{n}"}, {**known, "surname": f"Nobody{n}"},
                           {**known, "dateOfBirth": f"19{40 + n % 50}-01-01"}][n % 3]
                unknown_times.append(_time(client, unknown))
                wrong_times.append(_time(client, known))
            identity = {k: v for k, v in known.items() if k != "password"}
            reset = ("/victim/password-reset", 202)
            for _ in range(5):
                _time(client, identity, *reset)
                _time(client, {**identity, "crimeNumber": "LC-NOBODY-1"}, *reset)
            no_account_times, account_times = [], []
            for n in range(rounds):
                no_account = [{**identity, "crimeNumber": f"LC-NOBODY-{n}"}, {**identity, "surname": f"Nobody{n}"},
                              {**identity, "dateOfBirth": f"19{40 + n % 50}-01-01"}][n % 3]
                no_account_times.append(_time(client, no_account, *reset))
                account_times.append(_time(client, identity, *reset))
    gaps = [_gap("sign-in failures", rounds, unknown_times, wrong_times, ("unknown account", "wrong password")),
            _gap("password reset requests", rounds, no_account_times, account_times, ("no account", "account"))]
    return 0 if all(gap < TARGET_GAP for gap in gaps) else 1


if __name__ == "__main__":
    sys.exit(main())
