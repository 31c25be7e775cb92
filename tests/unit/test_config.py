import pytest

from chalicelib.config import ConfigError, load_settings

BASE = {
    "STAGE": "prod",
    "OIDC_ISSUER": "https://login.example.com/tenant/v2.0",
    "OIDC_AUDIENCE": "api://tmc",
    "OIDC_JWKS_URL": "https://login.example.com/tenant/keys",
    "TOKEN_SECRET": "s" * 40,
    "SITE_URL": "https://victims.example.police.uk",
}


def test_prod_settings_load():
    assert load_settings(BASE).is_production


def test_prod_can_never_enable_the_development_issuer():
    with pytest.raises(ConfigError):
        load_settings({**BASE, "ALLOW_DEV_ISSUER": "true"})


@pytest.mark.parametrize("name", ["OIDC_ISSUER", "OIDC_JWKS_URL"])
def test_prod_refuses_a_loopback_issuer(name):
    with pytest.raises(ConfigError):
        load_settings({**BASE, "ALLOW_DEV_ISSUER": "true", name: "http://127.0.0.1:8001"})
    with pytest.raises(ConfigError):
        load_settings({**BASE, name: "http://localhost:8001/keys"})


def test_any_stage_refuses_a_loopback_issuer_unless_allowed():
    dev = {**BASE, "STAGE": "dev", "OIDC_ISSUER": "http://127.0.0.1:8001",
           "OIDC_JWKS_URL": "http://127.0.0.1:8001/keys"}
    with pytest.raises(ConfigError):
        load_settings(dev)
    assert load_settings({**dev, "ALLOW_DEV_ISSUER": "true"}).allow_dev_issuer


def test_alg_none_can_never_be_configured():
    with pytest.raises(ConfigError):
        load_settings({**BASE, "OIDC_ALGORITHMS": "RS256,none"})


def test_short_token_secret_is_refused():
    with pytest.raises(ConfigError):
        load_settings({**BASE, "TOKEN_SECRET": "short"})


def test_forces_and_default_force_are_parsed():
    settings = load_settings({**BASE, "FORCES": "lincs=Lincolnshire Police, avon=Avon and Somerset Police",
                              "DEFAULT_FORCE": "avon"})
    assert settings.forces == {"lincs": "Lincolnshire Police", "avon": "Avon and Somerset Police"}
    assert settings.default_force == "avon"
