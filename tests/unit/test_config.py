import pytest

from chalicelib.config import ConfigError, event_sources, load_settings

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


# -- the event sources app.py's decorators name ---------------------------------------------

DEPLOY = ["/work/.venv/bin/chalice", "deploy", "--stage", "dev"]
STREAM = "arn:aws:dynamodb:eu-west-1:444455556666:table/tmc-dev-cases/stream/2026-11-29T20:00:00.000"


def _no_aws(table):
    raise AssertionError("no AWS call outside `chalice deploy`")


def test_chalice_deploy_reads_the_stream_arn_from_the_stages_table():
    asked = []
    sources = event_sources({"STAGE": "dev", "CASES_TABLE": "tmc-dev-cases"}, DEPLOY,
                            lambda table: asked.append(table) or {"LatestStreamArn": STREAM})
    assert sources.cases_stream_arn == STREAM
    assert asked == ["tmc-dev-cases"]
    assert sources.email_events_topic == "tmc-dev-email-events"


@pytest.mark.parametrize("argv", [["pytest"], ["/x/bin/chalice", "package", "build"], ["/x/bin/chalice", "local"]])
def test_anything_but_a_deploy_calls_no_aws_at_import(argv):
    sources = event_sources({"STAGE": "prod"}, argv, _no_aws)
    assert sources.cases_stream_arn.endswith(":table/tmc-prod-cases/stream/not-deployed")


def test_inside_lambda_no_aws_call_is_made_at_import():
    env = {"STAGE": "prod", "AWS_LAMBDA_FUNCTION_NAME": "track-my-crime-prod-send_emails"}
    assert "not-deployed" in event_sources(env, DEPLOY, _no_aws).cases_stream_arn


def test_a_deploy_before_the_infrastructure_stops_with_what_to_run():
    def missing(table):
        raise RuntimeError("ResourceNotFoundException")

    with pytest.raises(ConfigError, match="make infra"):
        event_sources({"STAGE": "dev"}, DEPLOY, missing)


def test_a_table_without_a_stream_stops_the_deploy():
    with pytest.raises(ConfigError, match="no stream"):
        event_sources({"STAGE": "dev"}, DEPLOY, lambda table: {"TableName": table})


def test_an_explicit_stream_arn_wins_and_calls_nothing():
    assert event_sources({"CASES_STREAM_ARN": STREAM}, DEPLOY, _no_aws).cases_stream_arn == STREAM


def test_welsh_first_is_off_unless_set_true_and_refuses_anything_else():
    assert load_settings(BASE).welsh_first is False
    assert load_settings({**BASE, "WELSH_FIRST": "true"}).welsh_first is True
    assert load_settings({**BASE, "WELSH_FIRST": "False"}).welsh_first is False
    with pytest.raises(ConfigError, match="WELSH_FIRST"):
        load_settings({**BASE, "WELSH_FIRST": "yes"})
