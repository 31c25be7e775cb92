"""Rotating the link-sealing secret (`make rotate-token-secret`, a new version
of the SSM parameter): links sealed before keep opening while they can live,
never longer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from chalicelib.config import _previous_token_secret, load_settings

NAME = "/track-my-crime/dev/token-secret"
ENV = {"STAGE": "dev", "AWS_DEFAULT_REGION": "eu-west-2", "TOKEN_SECRET_PARAMETER": NAME,
       "OIDC_ISSUER": "https://login.example/v2.0", "OIDC_AUDIENCE": "api", "OIDC_JWKS_URL": "https://login.example/keys"}


@pytest.fixture
def ssm():
    with mock_aws():
        yield boto3.client("ssm", region_name="eu-west-2")


def test_after_a_rotation_the_new_secret_seals_and_the_previous_still_opens(ssm):
    ssm.put_parameter(Name=NAME, Type="SecureString", Value="a" * 48)
    ssm.put_parameter(Name=NAME, Type="SecureString", Value="b" * 48, Overwrite=True)
    settings = load_settings(ENV)
    assert settings.token_secret == b"b" * 48
    assert settings.previous_token_secrets == (b"a" * 48,)


def test_before_any_rotation_there_is_no_previous_secret(ssm):
    ssm.put_parameter(Name=NAME, Type="SecureString", Value="a" * 48)
    assert load_settings(ENV).previous_token_secrets == ()


def test_the_previous_secret_is_dropped_once_every_link_it_sealed_has_expired(ssm):
    ssm.put_parameter(Name=NAME, Type="SecureString", Value="a" * 48)
    ssm.put_parameter(Name=NAME, Type="SecureString", Value="b" * 48, Overwrite=True)
    current = {"Version": 2, "LastModifiedDate": datetime.now(UTC) - timedelta(days=15)}
    assert _previous_token_secret(ssm, NAME, current, timedelta(days=14)) == ()
    current["LastModifiedDate"] = datetime.now(UTC) - timedelta(days=13)
    assert _previous_token_secret(ssm, NAME, current, timedelta(days=14)) == (b"a" * 48,)
