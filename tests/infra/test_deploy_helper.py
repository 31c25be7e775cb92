"""The pure parts of infra/deploy.py (what `make deploy` writes into the stage
configuration and policies, and the gateway responses it puts), and the
headers CloudFront adds, against the app's and the local site server's."""

from __future__ import annotations

import json
import re

import boto3
import pytest

from chalicelib.web.http import SECURITY_HEADERS
from infra import deploy
from infra.deploy import gateway_responses
from local.site_server import CONTENT_SECURITY_POLICY
from local.site_server import SECURITY_HEADERS as SITE_HEADERS
from tests.infra.support import CHALICE_DIR, policy, resources


def _words(text: str) -> list[str]:
    return re.sub(r"\s+", " ", text).strip().split("; ")


COMMITTED = [CHALICE_DIR / "config.json", *sorted(CHALICE_DIR.glob("policy-*.json"))]


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_committed_deploy_configuration_names_no_account_region_or_stream(path):
    text = path.read_text()
    assert not re.search(r"\b\d{12}\b", text), "an account id"
    assert not re.search(r"\b(eu|us|ap|ca|sa|me|af|il|mx)-[a-z]+-\d\b", text), "a region"
    assert "/stream/" not in text.replace("/stream/*", ""), "a stream label"


def test_policies_name_resources_by_stage_names_in_any_account_and_region():
    text = json.dumps(policy("policy-prod-stream.json"))
    assert "arn:aws:dynamodb:*:*:table/tmc-prod-cases" in text
    # The key is used only through the services, in the region of the request.
    assert "dynamodb.${aws:RequestedRegion}.amazonaws.com" in text


def test_gateway_responses_carry_every_security_header_of_the_app():
    for response in gateway_responses(SECURITY_HEADERS):
        parameters = response["responseParameters"]
        for name, value in SECURITY_HEADERS.items():
            quoted = parameters[f"gatewayresponse.header.{name}"]
            assert quoted.startswith("'") and quoted.endswith("'")
            assert quoted[1:-1].replace("\\'", "'") == value


def test_gateway_responses_answer_in_the_contract_error_shape():
    by_type = {r["responseType"]: r for r in gateway_responses(SECURITY_HEADERS)}
    assert '"code": "unauthorized"' in by_type["UNAUTHORIZED"]["responseTemplates"]["application/json"]
    assert by_type["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == "404"
    assert {"DEFAULT_4XX", "DEFAULT_5XX", "THROTTLED"} <= set(by_type)


def _headers_policy(logical_id: str) -> dict:
    return resources("edge.yaml", "AWS::CloudFront::ResponseHeadersPolicy")[logical_id][
        "Properties"]["ResponseHeadersPolicyConfig"]


def test_cloudfront_site_headers_are_the_local_site_servers():
    config = _headers_policy("SiteHeadersPolicy")
    security = config["SecurityHeadersConfig"]
    assert _words(security["ContentSecurityPolicy"]["ContentSecurityPolicy"]) == \
        _words(CONTENT_SECURITY_POLICY)
    assert SITE_HEADERS["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] == 31536000
    assert security["StrictTransportSecurity"]["IncludeSubdomains"] is True
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == SITE_HEADERS["Referrer-Policy"]
    assert security["FrameOptions"]["FrameOption"] == SITE_HEADERS["X-Frame-Options"]
    custom = {item["Header"]: item["Value"] for item in config["CustomHeadersConfig"]["Items"]}
    for name in ("Cross-Origin-Opener-Policy", "Cross-Origin-Resource-Policy", "Permissions-Policy"):
        assert custom[name] == SITE_HEADERS[name]


def test_cloudfront_api_headers_are_the_apps_and_never_override_them():
    config = _headers_policy("ApiHeadersPolicy")
    security = config["SecurityHeadersConfig"]
    assert _words(security["ContentSecurityPolicy"]["ContentSecurityPolicy"]) == \
        _words(SECURITY_HEADERS["Content-Security-Policy"])
    custom = {item["Header"]: item["Value"] for item in config["CustomHeadersConfig"]["Items"]}
    assert custom["Cache-Control"] == SECURITY_HEADERS["Cache-Control"]
    assert all(not item["Override"] for item in config["CustomHeadersConfig"]["Items"])


# -- the AWS steps against moto: request shapes botocore accepts, idempotence ---------------


@pytest.fixture
def fake_aws(monkeypatch, tmp_path):
    from moto import mock_aws

    monkeypatch.setattr(deploy, "CHALICE_DIR", tmp_path)
    with mock_aws():
        yield tmp_path


def _chalice_deployed_api(chalice_dir) -> str:
    apigateway = boto3.client("apigateway")
    api = apigateway.create_rest_api(name="track-my-crime")["id"]
    root = apigateway.get_resources(restApiId=api)["items"][0]["id"]
    apigateway.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigateway.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    apigateway.create_deployment(restApiId=api, stageName="api")
    (chalice_dir / "deployed").mkdir()
    (chalice_dir / "deployed" / "dev.json").write_text(json.dumps(
        {"resources": [{"name": "rest_api", "resource_type": "rest_api", "rest_api_id": api}]}))
    return api


def _data_stack_with_api_logging() -> dict[str, str]:
    outputs = {"ApiGatewayLogsRoleArn": "arn:aws:iam::123456789012:role/apigateway-logs",
               "ApiAccessLogGroupArn": "arn:aws:logs:eu-west-2:123456789012:log-group:/track-my-crime/dev/api-access"}
    boto3.client("cloudformation").create_stack(StackName="track-my-crime-dev-data", TemplateBody=json.dumps({
        "Resources": {"Placeholder": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {name: {"Value": value} for name, value in outputs.items()}}))
    return outputs


def test_api_step_puts_gateway_responses_with_the_security_headers(fake_aws):
    api = _chalice_deployed_api(fake_aws)
    _data_stack_with_api_logging()
    deploy.main(["api", "dev"])
    response = boto3.client("apigateway").get_gateway_response(restApiId=api, responseType="UNAUTHORIZED")
    assert response["responseParameters"]["gatewayresponse.header.Referrer-Policy"] == "'no-referrer'"


def test_api_step_sends_the_stages_access_log_to_the_data_stacks_log_group(fake_aws):
    api = _chalice_deployed_api(fake_aws)
    outputs = _data_stack_with_api_logging()
    deploy.main(["api", "dev"])
    apigateway = boto3.client("apigateway")
    stage = apigateway.get_stage(restApiId=api, stageName="api")
    assert stage["accessLogSettings"]["destinationArn"] == outputs["ApiAccessLogGroupArn"]
    assert json.loads(stage["accessLogSettings"]["format"])["route"] == "$context.resourcePath"
    assert apigateway.get_account()["cloudwatchRoleArn"] == outputs["ApiGatewayLogsRoleArn"]


def test_secret_step_creates_the_token_secret_once_and_never_replaces_it(fake_aws):
    kms, ssm = boto3.client("kms"), boto3.client("ssm")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/track-my-crime-dev", TargetKeyId=key)
    boto3.client("cloudformation").create_stack(StackName="track-my-crime-dev-data", TemplateBody=json.dumps({
        "Resources": {"Placeholder": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {"TokenSecretParameter": {"Value": "/track-my-crime/dev/token-secret"},
                    "DataKeyAlias": {"Value": "alias/track-my-crime-dev"}}}))
    deploy.main(["secret", "dev"])
    first = ssm.get_parameter(Name="/track-my-crime/dev/token-secret", WithDecryption=True)["Parameter"]
    deploy.main(["secret", "dev"])
    again = ssm.get_parameter(Name="/track-my-crime/dev/token-secret", WithDecryption=True)["Parameter"]
    assert first["Type"] == "SecureString" and len(first["Value"]) >= 32
    assert again["Value"] == first["Value"]


def test_the_officer_console_may_reach_its_identity_provider_and_is_never_stored():
    """The victim site's pages connect to the site alone; the console's also to
    the force's identity provider (discovery and token requests), and the browser
    keeps none of its pages, so Back after signing out shows nothing."""
    template = resources("edge.yaml", "AWS::CloudFront::Distribution")["Distribution"]["Properties"]
    behaviours = {b["PathPattern"]: b for b in template["DistributionConfig"]["CacheBehaviors"]}
    assert behaviours["/officer/*"]["ResponseHeadersPolicyId"] == {"Ref": "ConsoleHeadersPolicy"}
    assert behaviours["/cy/officer/*"]["ResponseHeadersPolicyId"] == {"Ref": "ConsoleHeadersPolicy"}
    console = _headers_policy("ConsoleHeadersPolicy")
    csp = console["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    site = _headers_policy("SiteHeadersPolicy")["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    assert _words(csp) == _words(site["ContentSecurityPolicy"].replace(
        "connect-src 'self'", "connect-src 'self' ${IdentityProviderOrigin}"))
    custom = {item["Header"]: item["Value"] for item in console["CustomHeadersConfig"]["Items"]}
    assert custom["Cache-Control"] == "no-store"


def _mapping(name: str, stream: str, uuid: str) -> dict[str, str]:
    return {"name": name, "resource_type": "dynamodb_event", "stream_arn": stream, "event_uuid": uuid,
            "lambda_arn": "arn:aws:lambda:eu-west-2:1:function:track-my-crime-dev-send_emails"}


def test_after_a_restore_the_record_forgets_the_old_streams_mapping_and_supersedes_it():
    """CASES_TABLE names a restored table: Chalice's record must not keep the
    app's mapping on the old stream (Chalice would update it for ever), and the
    old mapping is recorded as superseded, so the next deploy sweeps it."""
    own = "send_emails-dynamodb-event-source"
    api = {"name": "rest_api", "resource_type": "rest_api", "rest_api_id": "a1"}
    recorded = [api, _mapping(own, "old-stream", "u-old")]
    found = [_mapping(deploy.SUPERSEDED_MAPPING + "u-old", "old-stream", "u-old")]
    kept = deploy.without_stale_mappings(recorded, found, "new-stream")
    assert kept == [api]
    assert [r["name"] for r in deploy.merge_resources(kept, found)] == ["rest_api", deploy.SUPERSEDED_MAPPING + "u-old"]
    # Once the deploy swept it, a superseded entry that no longer exists is dropped too.
    assert deploy.without_stale_mappings([api, *found], [], "new-stream") == [api]
    # The app's own mapping on the current stream stays, found or not (Chalice checks it).
    current = _mapping(own, "new-stream", "u-new")
    assert deploy.without_stale_mappings([api, current], [], "new-stream") == [api, current]
    # Without a cases table to compare with, nothing is judged stale but what a sweep removed.
    assert deploy.without_stale_mappings([api, current], [], None) == [api, current]
