"""checkov's findings worth acting on: TLS 1.2 at the edge, and access logs
for CloudFront, the site bucket and API Gateway.

CloudFront's default certificate (the distribution's own *.cloudfront.net
name) has the fixed security policy TLSv1: no setting, function or header can
make CloudFront refuse TLS 1.0 there. So TLSv1.2_2021 applies whenever the
site has its own name and certificate, and prod may not deploy without them
(the template's rule, `make deploy` and infra/deploy.py each refuse).
"""

from __future__ import annotations

import json

import pytest

from infra import deploy
from tests.infra.support import resources, template

API_DOMAIN = "abc123.execute-api.eu-west-2.amazonaws.com"
SECRET = "arn:aws:secretsmanager:eu-west-2:111122223333:secret:track-my-crime/prod/origin-verify-AbCdEf"


def _distribution() -> dict:
    (distribution,) = resources("edge.yaml", "AWS::CloudFront::Distribution").values()
    return distribution["Properties"]["DistributionConfig"]


def test_an_own_name_gets_tls_1_2_at_least():
    own, default = _distribution()["ViewerCertificate"]["Fn::If"][1:]
    assert own["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert own["SslSupportMethod"] == "sni-only"
    assert default == {"CloudFrontDefaultCertificate": True}


def test_prod_cannot_be_deployed_on_the_cloudfront_name():
    rule = template("edge.yaml")["Rules"]["ProdHasItsOwnNameAndCertificate"]
    assert rule["RuleCondition"] == {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}
    asserted = [a["Assert"] for a in rule["Assertions"]]
    for parameter in ("SiteDomainName", "CertificateArn"):
        assert {"Fn::Not": [{"Fn::Equals": [{"Ref": parameter}, ""]}]} in asserted
    with pytest.raises(SystemExit, match="prod needs SITE_DOMAIN and CERTIFICATE_ARN"):
        deploy.edge_parameters("prod", API_DOMAIN, SECRET, "v1")
    with pytest.raises(SystemExit):
        deploy.edge_parameters("prod", API_DOMAIN, SECRET, "v1", site_domain="track-my-crime.police.uk")
    parameters = deploy.edge_parameters("prod", API_DOMAIN, SECRET, "v1", "track-my-crime.police.uk",
                                        "arn:aws:acm:us-east-1:111122223333:certificate/x")
    assert "SiteDomainName=track-my-crime.police.uk" in parameters
    assert deploy.edge_parameters("dev", API_DOMAIN, SECRET, "v1")[0] == "Stage=dev"


def test_cloudfront_logs_every_request_but_no_cookie():
    logging = _distribution()["Logging"]
    assert logging["Bucket"] == {"Fn::GetAtt": ["LogBucket", "DomainName"]}
    assert logging["IncludeCookies"] is False  # the session cookie is a credential


def test_the_site_bucket_logs_its_access_to_the_log_bucket():
    site = resources("edge.yaml", "AWS::S3::Bucket")["SiteBucket"]["Properties"]
    assert site["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": "LogBucket"}
    policy = resources("edge.yaml", "AWS::S3::BucketPolicy")["LogBucketPolicy"]["Properties"]["PolicyDocument"]
    (allow,) = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert allow["Resource"]["Fn::Sub"].endswith("/" + site["LoggingConfiguration"]["LogFilePrefix"] + "*")
    assert allow["Condition"]["ArnLike"]["aws:SourceArn"] == {"Fn::GetAtt": ["SiteBucket", "Arn"]}


def test_the_log_bucket_is_private_encrypted_tls_only_and_expires_its_logs():
    bucket = resources("edge.yaml", "AWS::S3::Bucket")["LogBucket"]
    props = bucket["Properties"]
    assert bucket["DeletionPolicy"] == "Retain"
    assert all(props["PublicAccessBlockConfiguration"].values())
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    # CloudFront's standard logs are delivered with an ACL: ACLs stay enabled, the owner keeps the objects.
    assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerPreferred"}]
    (rule,) = props["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled" and rule["ExpirationInDays"] == {"Ref": "AccessLogRetentionDays"}
    policy = resources("edge.yaml", "AWS::S3::BucketPolicy")["LogBucketPolicy"]["Properties"]["PolicyDocument"]
    (tls,) = [s for s in policy["Statement"] if s["Sid"] == "TlsOnly"]
    assert tls["Effect"] == "Deny" and tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_api_stage_gets_an_access_log_on_every_deploy():
    patches = {p["path"]: p["value"] for p in deploy.stage_patches(50, 100, "arn:aws:logs:eu-west-2:1:log-group:g")}
    assert patches["/accessLogSettings/destinationArn"] == "arn:aws:logs:eu-west-2:1:log-group:g"
    line = json.loads(patches["/accessLogSettings/format"])
    assert {"requestId", "ip", "method", "route", "status", "time"} <= set(line)
    assert line["route"] == "$context.resourcePath"
    # Never the raw path (a crime number), a query string, a header or a body.
    text = patches["/accessLogSettings/format"]
    for leak in ("$context.path", "$input", "$context.identity.user\"", "querystring", "header"):
        assert leak not in text


def test_the_access_log_group_and_the_logging_role_come_from_the_data_stack():
    outputs = template("data.yaml")["Outputs"]
    assert outputs["ApiAccessLogGroupArn"]["Value"]["Fn::Sub"].endswith(":log-group:${ApiAccessLogGroup}")
    group = resources("data.yaml", "AWS::Logs::LogGroup")["ApiAccessLogGroup"]["Properties"]
    assert group["LogGroupName"] == {"Fn::Sub": "/track-my-crime/${Stage}/api-access"}
    assert group["KmsKeyId"] == {"Fn::GetAtt": ["DataKey", "Arn"]}
    role = resources("data.yaml", "AWS::IAM::Role")["ApiGatewayLogsRole"]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "apigateway.amazonaws.com"}
    assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert outputs["ApiGatewayLogsRoleArn"]["Value"] == {"Fn::GetAtt": ["ApiGatewayLogsRole", "Arn"]}


@pytest.mark.parametrize(("variables", "refused"), [
    (["STAGE=prod"], True),
    (["STAGE=prod", "SITE_DOMAIN=track-my-crime.police.uk"], True),
    (["STAGE=prod", "SITE_DOMAIN=track-my-crime.police.uk", "CERTIFICATE_ARN=arn:aws:acm:us-east-1:1:certificate/x"],
     False),
    (["STAGE=dev"], False),
])
def test_make_deploy_refuses_prod_without_its_own_name_before_changing_anything(variables, refused):
    import shutil
    import subprocess

    from tests.infra.support import ROOT

    make = shutil.which("make")
    if make is None:
        pytest.skip("no make")
    result = subprocess.run([make, "--no-print-directory", "deploy-check-prod-name", *variables], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False,
                            env={"PATH": "/usr/bin:/bin"})
    assert (result.returncode != 0) == refused, result.stdout + result.stderr
    # `deploy` runs the check (a prerequisite) before its first step.
    plan = subprocess.run([make, "-n", "--no-print-directory", "deploy", "STAGE=prod"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False, env={"PATH": "/usr/bin:/bin"})
    assert 0 <= plan.stdout.find("prod needs SITE_DOMAIN") < plan.stdout.index("infra.deploy infra"), plan.stdout
