"""The audit trail is append-only in AWS, not only in the code (security.md,
"append-only means enforced outside the service"). IAM cannot demand the
condition the service puts records with (`AUDIT_PUT_CONDITION`), so:

* what can be refused is refused, by the audit table's resource policy, to the
  service's roles whatever their own policies say: every write but PutItem,
  PartiQL, TTL and table changes, restores, policy changes, and a put carrying
  an attribute no record has (a `ttl`);
* the table has no TTL;
* what cannot be refused (an overwriting PutItem, or a change by anyone else)
  is detected outside the service: the table's stream (old and new image) goes
  through an EventBridge pipe, MODIFY and REMOVE only, to a log group the
  service cannot write, whose every line raises an alarm.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.core.domain import AuditRecord
from chalicelib.storage.audit_log import audit_item
from tests.infra import iam
from tests.infra.support import STAGES, resources

ROLES = ("api_handler", "send_emails", "retry_emails", "email_events", "officer_token")
TABLE_ARN = "arn:aws:dynamodb:eu-west-2:111122223333:table/tmc-{stage}-audit"
ROLE_ARN = "arn:aws:iam::111122223333:role/track-my-crime-{stage}-{function}"


def _resource_policy(stage: str) -> dict:
    table = resources("data.yaml", "AWS::DynamoDB::Table")["AuditTable"]["Properties"]
    return iam.resolve(table["ResourcePolicy"]["PolicyDocument"], stage)


def _record_attributes() -> list[str]:
    """Every attribute a record can have: one with every optional field set."""
    record = AuditRecord(at=datetime(2026, 1, 1, tzinfo=UTC), action="alteration", event="update_posted",
                         actor="officer:1", record_id="r1", force="lincs", case_key="lincs#LC-1",
                         subject="contact-1")
    return sorted(audit_item(record).serialize())


def _context(stage: str, function: str, attributes: list[str] | None = None) -> dict:
    context: dict = {"aws:PrincipalArn": ROLE_ARN.format(stage=stage, function=function)}
    if attributes is not None:
        context["dynamodb:Attributes"] = attributes
    return context


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("action", [
    "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
    "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete",
    "dynamodb:UpdateTimeToLive", "dynamodb:UpdateTable", "dynamodb:DeleteTable",
    "dynamodb:RestoreTableToPointInTime", "dynamodb:RestoreTableFromBackup",
    "dynamodb:PutResourcePolicy", "dynamodb:DeleteResourcePolicy",
])
def test_the_service_roles_cannot_change_a_record_or_the_table(stage, action):
    for function in ROLES:
        assert iam.denies(_resource_policy(stage), action, TABLE_ARN.format(stage=stage),
                          _context(stage, function)), (function, action)


@pytest.mark.parametrize("stage", STAGES)
def test_a_record_put_by_the_service_is_not_refused_but_one_with_a_ttl_is(stage):
    table = TABLE_ARN.format(stage=stage)
    policy = _resource_policy(stage)
    assert not iam.denies(policy, "dynamodb:PutItem", table, _context(stage, "api_handler", _record_attributes()))
    tampered = [*_record_attributes(), "ttl"]
    assert iam.denies(policy, "dynamodb:PutItem", table, _context(stage, "send_emails", tampered))


def test_the_deny_applies_to_the_service_roles_only():
    # An administrator (or the pipe) is not refused by it: detection covers them.
    policy = _resource_policy("prod")
    context = {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/platform-admin"}
    assert not iam.denies(policy, "dynamodb:DeleteItem", TABLE_ARN.format(stage="prod"), context)


def test_the_audit_table_streams_old_and_new_images():
    table = resources("data.yaml", "AWS::DynamoDB::Table")["AuditTable"]["Properties"]
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert "TimeToLiveSpecification" not in table
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["DeletionProtectionEnabled"] is True


def test_every_change_to_a_record_reaches_a_log_the_service_cannot_write_and_alarms():
    import json

    (pipe,) = resources("data.yaml", "AWS::Pipes::Pipe").values()
    props = pipe["Properties"]
    assert props["Source"] == {"Fn::GetAtt": ["AuditTable", "StreamArn"]}
    (pattern,) = [json.loads(f["Pattern"]) for f in props["SourceParameters"]["FilterCriteria"]["Filters"]]
    assert sorted(pattern["eventName"]) == ["MODIFY", "REMOVE"]  # an append (INSERT) is not a change
    log_group = resources("data.yaml", "AWS::Logs::LogGroup")["AuditChangesLogGroup"]["Properties"]
    name = log_group["LogGroupName"]["Fn::Sub"]
    assert props["Target"]["Fn::Sub"].endswith(f":log-group:{name}")
    assert props["SourceParameters"]["DynamoDBStreamParameters"]["StartingPosition"] == "TRIM_HORIZON"

    metric_filter = resources("data.yaml", "AWS::Logs::MetricFilter")["AuditChangesFilter"]["Properties"]
    assert metric_filter["LogGroupName"] == {"Ref": "AuditChangesLogGroup"}
    assert metric_filter["FilterPattern"] == ""  # every line is a change
    (transformation,) = metric_filter["MetricTransformations"]
    alarm = resources("data.yaml", "AWS::CloudWatch::Alarm")["AuditRecordsChangedAlarm"]["Properties"]
    assert (alarm["Namespace"], alarm["MetricName"]) == (transformation["MetricNamespace"],
                                                         transformation["MetricName"])
    assert alarm["Threshold"] == 1 and alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_the_pipe_failing_alarms_too():
    alarm = resources("data.yaml", "AWS::CloudWatch::Alarm")["AuditChangesPipeFailingAlarm"]["Properties"]
    assert alarm["Dimensions"] == [{"Name": "PipeName", "Value": {"Ref": "AuditChangesPipe"}}]
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_the_pipe_role_reads_the_audit_stream_and_writes_the_changes_log_only():
    role = resources("data.yaml", "AWS::IAM::Role")["AuditChangesPipeRole"]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "pipes.amazonaws.com"}
    assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    (document,) = [p["PolicyDocument"] for p in role["Policies"]]
    grants = {(action, str(statement["Resource"])) for statement in document["Statement"]
              for action in iam.as_list(statement["Action"])}
    assert grants == {
        ("dynamodb:DescribeStream", str({"Fn::GetAtt": ["AuditTable", "StreamArn"]})),
        ("dynamodb:GetRecords", str({"Fn::GetAtt": ["AuditTable", "StreamArn"]})),
        ("dynamodb:GetShardIterator", str({"Fn::GetAtt": ["AuditTable", "StreamArn"]})),
        ("dynamodb:ListStreams", str({"Fn::GetAtt": ["AuditTable", "StreamArn"]})),
        ("logs:CreateLogStream", str({"Fn::Sub": "${AuditChangesLogGroup.Arn}"})),
        ("logs:PutLogEvents", str({"Fn::Sub": "${AuditChangesLogGroup.Arn}"})),
        ("kms:Decrypt", str({"Fn::GetAtt": ["DataKey", "Arn"]})),
    }
