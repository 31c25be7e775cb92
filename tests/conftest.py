"""Shared fixtures. The fake AWS environment is set before anything imports
boto3 or the app, so no client can ever reach real AWS."""

from __future__ import annotations

import os
import secrets

_ENV = {
    "AWS_DEFAULT_REGION": "eu-west-2",
    "AWS_REGION": "eu-west-2",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "STAGE": "test",
    "CASES_TABLE": "tmc-test-cases",
    "SESSIONS_TABLE": "tmc-test-sessions",
    "AUDIT_TABLE": "tmc-test-audit",
    "FORCES": "lincs=Lincolnshire Police,avon=Avon and Somerset Police",
    "DEFAULT_FORCE": "lincs",
    "SITE_URL": "https://victims.example.police.uk",
    "OIDC_AUDIENCE": "track-my-crime",
    "ALLOW_DEV_ISSUER": "true",
    "TOKEN_SECRET": secrets.token_urlsafe(32),
    "MAIL_FROM": "no-reply@lincs.police.example",
    "POWERTOOLS_METRICS_NAMESPACE": "TrackMyCrime",
    "POWERTOOLS_DEV": "false",
}
for _name in ("AWS_ENDPOINT_URL", "DYNAMODB_ENDPOINT", "AWS_PROFILE"):
    os.environ.pop(_name, None)
os.environ.update(_ENV)

import pytest  # noqa: E402

from local import moto_patches  # noqa: E402
from tests.fakes import Clock  # noqa: E402
from tests.support import Issuer, Journey, start_issuer  # noqa: E402

moto_patches.install()  # moto as DynamoDB: atomic writes, no stream records of refused transactions


def _lambda_context_with_the_configured_timeout() -> None:
    """`chalice.test.Client().lambda_.invoke` hands every function a context
    that says 3 s in all, whatever `.chalice/config.json` gives it (60 s for the
    email functions). The sender stops starting sends 10 s, or a fifth, before
    its timeout and defers the rest, so on a loaded machine a test's invocation
    could defer an email after 2.4 s that Lambda would have sent. Tests get the
    timeout the function is deployed with (the dev stage's)."""
    import json
    from pathlib import Path

    import chalice.test
    from chalice.local import LambdaContext

    config = json.loads((Path(__file__).resolve().parent.parent / ".chalice" / "config.json").read_text())
    stage = config["stages"]["dev"]
    default = stage.get("lambda_timeout", config.get("lambda_timeout", 60))
    timeouts = {name: settings.get("lambda_timeout", default)
                for name, settings in stage.get("lambda_functions", {}).items()}

    def context(function_name: str, memory_size: int, **kwargs):
        kwargs.setdefault("max_runtime_ms", timeouts.get(function_name, default) * 1000)
        return LambdaContext(function_name, memory_size, **kwargs)

    chalice.test.LambdaContext = context


_lambda_context_with_the_configured_timeout()


def _no_environment_swap_without_variables() -> None:
    """chalice's test client replaces `os.environ` with a copy around every
    request and puts back the object it found. Requests racing on threads (the
    burst tests) can leave a stale copy behind: one request "restores" the copy
    another had put in place. `config.load_settings` reads the real environment
    (its default argument), so a test's later `monkeypatch.setenv` went to the
    copy and was never seen (test_edge's origin check stayed off). The `local`
    stage the `client` fixture uses sets no variables, so there is nothing to
    swap; a stage that sets some still gets chalice's own swap."""
    import contextlib

    import chalice.test

    swap = chalice.test.BaseClient._patched_env_vars

    @contextlib.contextmanager
    def patched(self, environment_variables):
        if not environment_variables:
            yield
            return
        with swap(self, environment_variables):
            yield

    chalice.test.BaseClient._patched_env_vars = patched


_no_environment_swap_without_variables()


@pytest.fixture(scope="session")
def issuer() -> Issuer:
    """A real OIDC-style issuer on loopback: the app fetches its JWKS over HTTP."""
    issuer = start_issuer()
    os.environ["OIDC_ISSUER"] = issuer.url
    os.environ["OIDC_JWKS_URL"] = f"{issuer.url}/.well-known/jwks.json"
    yield issuer
    issuer.server.shutdown()


@pytest.fixture(scope="module")
def _moto(issuer):
    """One in-process moto per test module, with the tables created from the
    models. (A fresh mock per test re-parses botocore's models: a second a test.)
    Not per run: while `mock_aws` is active it catches every botocore call in
    the process, even those meant for a local stack's moto server, so modules
    that start a local stack must run with no mock active."""
    from moto import mock_aws

    from chalicelib import bootstrap
    from chalicelib.storage import models

    with mock_aws():
        bootstrap.reset()
        models.create_tables(bootstrap.services().settings)
        import boto3

        boto3.client("ses").verify_email_identity(EmailAddress=os.environ["MAIL_FROM"])
        yield
        bootstrap.reset()


@pytest.fixture
def aws(_moto):
    """The run's moto, with the sessions table emptied: every test starts with
    no sessions and no throttling counters. Cases never collide (unique numbers)."""
    from chalicelib import bootstrap
    from chalicelib.storage.models import SessionItem

    bootstrap.reset()
    settings = bootstrap.services().settings
    with SessionItem.batch_write() as batch:
        for item in SessionItem.scan(attributes_to_get=["pk"]):
            batch.delete(item)
    yield settings
    bootstrap.reset()


@pytest.fixture
def journey(client, issuer, aws) -> Journey:
    """An officer and a victim going through the service (tests/support.py)."""
    return Journey(client, issuer, aws)


@pytest.fixture
def clock(aws) -> Clock:
    """The service's clock, which the test moves by hand: the app's services are
    rebuilt on it (the composition root's override). It runs with real time
    unless the test stops it (`clock.ticking = False`)."""
    from chalicelib import bootstrap

    clock = Clock(ticking=True)
    bootstrap.install(clock=clock)
    return clock


@pytest.fixture
def client(aws):
    from chalice.test import Client

    from app import app

    # The `local` stage sets no environment variables. With the default `dev`
    # stage the client swaps os.environ for a copy carrying dev's variables on
    # every request, which threads racing through it can leave behind.
    with Client(app, stage_name="local") as test_client:
        yield test_client


SECOND_BROWSER_GROUP = {"test_welsh.py", "test_account.py", "test_officer_console.py"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (`make test` runs two workers, `--dist loadgroup`), a
    module's tests stay on one worker (its module-scoped moto or stack is set up
    once), and the browser tests go in two groups, each on one worker with its
    own local stack (the Welsh site and the account pages in the second), so
    neither worker waits for the whole browser suite. Runs before xdist's own
    hook, which reads the group."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            module = item.nodeid.split("::")[0]
            if item.get_closest_marker("browser"):
                group = "browser-2" if module.rsplit("/", 1)[-1] in SECOND_BROWSER_GROUP else "browser"
            else:
                group = module
            item.add_marker(pytest.mark.xdist_group(group))
