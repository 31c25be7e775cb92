"""The direct path to the API is closed (chalicelib/web/edge.py): CloudFront
sends a secret header, taken from Secrets Manager, to the API origin only; the
stage's API function is told which secret it is, and only it may read it."""

from __future__ import annotations

import pytest

from chalicelib.web import edge
from infra import deploy
from tests.infra.iam import as_list
from tests.infra.support import STAGES, policy, resources, stage_env, stage_policy_files, template


def _origins() -> dict[str, dict]:
    (distribution,) = resources("edge.yaml", "AWS::CloudFront::Distribution").values()
    return {o["Id"]: o for o in distribution["Properties"]["DistributionConfig"]["Origins"]}


def test_the_secret_is_generated_encrypted_and_handed_to_the_app():
    secret = resources("data.yaml", "AWS::SecretsManager::Secret")["OriginVerifySecret"]["Properties"]
    assert secret["Name"] == {"Fn::Sub": "track-my-crime/${Stage}/origin-verify"}
    assert secret["KmsKeyId"] == {"Ref": "DataKey"}
    assert secret["GenerateSecretString"]["PasswordLength"] >= 32
    assert template("data.yaml")["Outputs"]["OriginVerifySecretArn"]["Value"] == {"Ref": "OriginVerifySecret"}


@pytest.mark.parametrize("stage", STAGES)
def test_every_deployed_stage_checks_the_origin(stage):
    # By name: Secrets Manager takes a name or an ARN, and the name is stable.
    assert stage_env(stage)["ORIGIN_VERIFY_SECRET"] == f"track-my-crime/{stage}/origin-verify"


def test_cloudfront_sends_the_secret_to_the_api_and_only_to_the_api():
    origins = _origins()
    (header,) = origins["api"]["OriginCustomHeaders"]
    assert header["HeaderName"].lower() == edge.ORIGIN_HEADER
    value = header["HeaderValue"]["Fn::Sub"]
    assert value == "{{resolve:secretsmanager:${OriginVerifySecretArn}:SecretString:::${OriginVerifySecretVersion}}}"
    assert "OriginCustomHeaders" not in origins["site"]


def test_a_rotation_reaches_cloudfront_through_the_secrets_version():
    described = {"Name": "s", "VersionIdsToStages": {"old-0000": ["AWSPREVIOUS"], "new-1111": ["AWSCURRENT"]}}
    assert deploy.current_version(described) == "new-1111"
    parameters = deploy.edge_parameters("dev", "abc.execute-api.eu-west-2.amazonaws.com",
                                        "arn:aws:secretsmanager:eu-west-2:1:secret:x", "new-1111")
    assert "OriginVerifySecretVersion=new-1111" in parameters
    assert "OriginVerifySecretArn=arn:aws:secretsmanager:eu-west-2:1:secret:x" in parameters


@pytest.mark.parametrize("stage", STAGES)
def test_only_the_api_reads_the_origin_secret(stage):
    for function, filename in stage_policy_files(stage).items():
        actions = {a.lower() for s in policy(filename)["Statement"] for a in as_list(s["Action"])}
        reads = "secretsmanager:getsecretvalue" in actions
        assert reads == (function == "api_handler"), (function, filename)
