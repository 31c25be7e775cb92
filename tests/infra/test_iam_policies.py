"""The hand-written IAM policies of .chalice/: least privilege, checked by
reading them. No `*` resource (logs aside), no wildcard action, the audit
table put-only, email only from the configured sender."""

from __future__ import annotations

import re

import pytest

from tests.infra.iam import substitute
from tests.infra.support import (
    CHALICE_DIR,
    STAGES,
    as_list,
    chalice_config,
    policy,
    resources,
    stage_env,
    stage_policy_files,
)

POLICY_FILES = sorted(path.name for path in CHALICE_DIR.glob("policy-*.json"))
AUDIT_CHANGES = {"dynamodb:updateitem", "dynamodb:deleteitem", "dynamodb:batchwriteitem",
                 "dynamodb:partiqlupdate", "dynamodb:partiqldelete", "dynamodb:partiqlinsert",
                 "dynamodb:executestatement", "dynamodb:batchexecutestatement",
                 "dynamodb:executetransaction", "dynamodb:deletetable", "dynamodb:updatetable",
                 "dynamodb:updatetimetolive", "dynamodb:restoretablefrombackup",
                 "dynamodb:restoretabletopointintime", "dynamodb:importtable"}


def _statements(filename: str) -> list[dict]:
    return as_list(policy(filename)["Statement"])


def _stage_of(filename: str) -> str:
    return re.match(r"policy-(dev|prod)", filename).group(1)


def _allowed(filename: str) -> list[tuple[str, str, dict]]:
    """(action, resource, condition) for every Allow pair."""
    pairs = []
    for statement in _statements(filename):
        assert statement["Effect"] == "Allow", "these policies only allow"
        assert "NotAction" not in statement and "NotResource" not in statement
        for action in as_list(statement["Action"]):
            for resource in as_list(statement["Resource"]):
                pairs.append((action.lower(), resource, statement.get("Condition", {})))
    return pairs


def test_every_stage_function_uses_a_hand_written_policy():
    config = chalice_config()
    for stage in STAGES:
        assert config["stages"][stage]["autogen_policy"] is False
        for filename in stage_policy_files(stage).values():
            assert (CHALICE_DIR / filename).exists(), filename
    assert {f for stage in STAGES for f in stage_policy_files(stage).values()} == set(POLICY_FILES)


# A text has no resource ARN: SNS authorizes Publish to a phone number, and the
# opt-out check, on "*" only (docs/architecture.md, issue 14). Only the two
# functions that send texts hold them.
TEXT_ACTIONS = {"sns:publish", "sns:checkifphonenumberisoptedout"}
TEXT_SENDERS = {"stream", "retry"}


@pytest.mark.parametrize("filename", POLICY_FILES)
def test_no_resource_is_a_wildcard_except_logs_and_texts(filename):
    for action, resource, condition in _allowed(filename):
        if action.startswith("logs:"):
            assert resource.startswith("arn:aws:logs:") and "/aws/lambda/track-my-crime-" in resource
            continue
        if action in TEXT_ACTIONS:
            assert resource == "*" and not condition
            assert re.match(r"policy-(dev|prod)-(stream|retry)\.json$", filename), filename
            continue
        assert resource != "*", action
        # Nothing committed names an account or a region: both are wildcards,
        # and the resource's own name carries the stage (docs/deploy.md, checkov).
        service, name = re.match(r"^arn:aws:([a-z0-9-]+):\*:\*:(.+)$", resource).groups()
        if "*" not in name and "?" not in name:
            continue
        if service == "dynamodb":
            # A named table's streams: their label is a creation time.
            assert re.fullmatch(r"table/tmc-(dev|prod)-[a-z]+/stream/\*", name), resource
        elif service == "kms":
            # Key ids are random; the key is pinned by its alias instead.
            assert name == "key/*"
            assert condition["ForAnyValue:StringEquals"]["kms:ResourceAliases"] == \
                f"alias/track-my-crime-{_stage_of(filename)}"
            assert condition["StringEquals"]["kms:ViaService"]
        elif service == "secretsmanager":
            # A secret's ARN ends in six random characters: exactly six, one secret.
            assert re.fullmatch(r"secret:track-my-crime/(dev|prod)/origin-verify-\?{6}", name), resource
            assert action == "secretsmanager:getsecretvalue"
        else:
            pytest.fail(f"wildcard in {resource}")


@pytest.mark.parametrize("filename", POLICY_FILES)
def test_no_action_is_a_wildcard(filename):
    for action, _resource, _condition in _allowed(filename):
        assert "*" not in action, action


@pytest.mark.parametrize("filename", POLICY_FILES)
def test_audit_records_can_only_be_put(filename):
    audit_table = f":table/tmc-{_stage_of(filename)}-audit"
    for action, resource, _condition in _allowed(filename):
        if audit_table in resource or resource.endswith(":table/*"):
            assert action == "dynamodb:putitem", (action, resource)
        assert not (action in AUDIT_CHANGES and "audit" in resource), (action, resource)


def test_audit_table_refuses_changes_by_the_service_roles_whatever_their_policy():
    # More in tests/infra/test_audit_trail.py.
    statements = resources("data.yaml", "AWS::DynamoDB::Table")["AuditTable"]["Properties"][
        "ResourcePolicy"]["PolicyDocument"]["Statement"]
    assert statements and all(s["Effect"] == "Deny" for s in statements)
    for statement in statements:
        assert "role/track-my-crime-${Stage}*" in statement["Condition"]["ArnLike"]["aws:PrincipalArn"]["Fn::Sub"]


@pytest.mark.parametrize("filename", POLICY_FILES)
def test_email_is_sent_only_from_the_configured_sender(filename):
    env = stage_env(_stage_of(filename))
    domain = env["MAIL_FROM"].rpartition("@")[2]
    for statement in _statements(filename):
        if not any(a.startswith("ses:") for a in as_list(statement["Action"])):
            continue
        assert set(statement["Action"]) <= {"ses:SendEmail", "ses:SendRawEmail"}
        assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": env["MAIL_FROM"]}}
        assert {substitute(r).split(":", 5)[5] for r in as_list(statement["Resource"])} == {
            f"identity/{domain}", f"configuration-set/{env['SES_CONFIGURATION_SET']}"}


@pytest.mark.parametrize("stage", STAGES)
def test_only_the_event_handlers_may_send_email_or_read_the_stream(stage):
    files = stage_policy_files(stage)
    for function in ("api_handler", "officer_token"):
        for action, resource, _condition in _allowed(files[function]):
            assert not action.startswith("ses:"), (function, action)
            assert "/stream/" not in resource, (function, resource)


@pytest.mark.parametrize("stage", STAGES)
def test_the_authorizer_touches_no_table(stage):
    actions = {action for action, _r, _c in _allowed(stage_policy_files(stage)["officer_token"])}
    assert not any(a.startswith("dynamodb:") for a in actions)


@pytest.mark.parametrize("filename", POLICY_FILES)
def test_policies_name_only_this_stages_configured_resources(filename):
    stage = _stage_of(filename)
    env = stage_env(stage)
    tables = {env["CASES_TABLE"], env["SESSIONS_TABLE"], env["AUDIT_TABLE"]}
    for action, resource, _condition in _allowed(filename):
        if action.startswith("dynamodb:"):
            assert resource.split(":table/")[1].split("/")[0] in tables, resource
        if action.startswith("ssm:"):
            assert action == "ssm:getparameter"
            assert resource.endswith(f":parameter{env['TOKEN_SECRET_PARAMETER']}")
        # ses: checked above, kms: by alias, texts: no resource to name
        if not action.startswith(("logs:", "kms:", "ses:")) and action not in TEXT_ACTIONS:
            assert stage in resource, resource


# -- what a compromised email function still cannot do ------------------------------------

EMAIL_FUNCTIONS = ("send_emails", "retry_emails", "email_events")
CONTACT = "CASE#lincs#LC-2026-00001"


def _email_policy(stage: str, function: str) -> dict:
    from tests.infra.test_policies_cover_the_code import _policy_of, _suffixes

    return _suffixes(policy(_policy_of(stage, function)))


def _table(stage: str, name: str) -> str:
    return f"table/tmc-{stage}-{name}"


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("function", EMAIL_FUNCTIONS)
def test_an_email_function_cannot_set_a_password_or_mint_a_session(stage, function):
    from tests.infra import iam

    document = _email_policy(stage, function)
    refused = [
        # A contact's password hash, or its sessions' revocation.
        ("dynamodb:UpdateItem", _table(stage, "cases"),
         {"dynamodb:LeadingKeys": [CONTACT], "dynamodb:Attributes": ["pk", "sk", "password_hash"]}),
        ("dynamodb:UpdateItem", _table(stage, "cases"),
         {"dynamodb:LeadingKeys": [CONTACT], "dynamodb:Attributes": ["pk", "sk", "sessions_revoked_at"]}),
        # Any new item in the cases table, directly or through a batch.
        ("dynamodb:PutItem", _table(stage, "cases"),
         {"dynamodb:LeadingKeys": [CONTACT], "dynamodb:Attributes": ["pk", "sk", "kind", "password_hash"]}),
        ("dynamodb:BatchWriteItem", _table(stage, "cases"),
         {"dynamodb:LeadingKeys": [CONTACT], "dynamodb:Attributes": ["pk", "sk", "kind", "password_hash"]}),
        # An update item's text, an invitation's use.
        ("dynamodb:UpdateItem", _table(stage, "cases"),
         {"dynamodb:LeadingKeys": ["INVITATION#x"], "dynamodb:Attributes": ["pk", "sk", "used_at"]}),
        # A session, or a throttling counter reset.
        ("dynamodb:PutItem", _table(stage, "sessions"),
         {"dynamodb:LeadingKeys": ["SESSION#x"], "dynamodb:Attributes": ["pk", "case_pk", "contact_id"]}),
        ("dynamodb:UpdateItem", _table(stage, "sessions"),
         {"dynamodb:LeadingKeys": ["THROTTLE#account#x#1"], "dynamodb:Attributes": ["pk", "count"]}),
        ("dynamodb:DeleteItem", _table(stage, "sessions"),
         {"dynamodb:LeadingKeys": ["THROTTLE#account#x#1"], "dynamodb:Attributes": ["pk"]}),
        # A delivery record with an attribute deliveries never have.
        ("dynamodb:UpdateItem", _table(stage, "sessions"),
         {"dynamodb:LeadingKeys": ["DELIVERY#alert#u#c"], "dynamodb:Attributes": ["pk", "password_hash"]}),
    ]
    for action, resource, context in refused:
        assert not iam.allows(document, action, resource, context), (function, action, context)


@pytest.mark.parametrize("stage", STAGES)
def test_only_the_stream_handler_may_batch_write_and_only_to_delete(stage):
    from tests.infra import iam

    for function in EMAIL_FUNCTIONS:
        document = _email_policy(stage, function)
        delete = {"dynamodb:LeadingKeys": [CONTACT], "dynamodb:Attributes": ["pk", "sk"]}
        allowed = iam.allows(document, "dynamodb:BatchWriteItem", _table(stage, "cases"), delete)
        assert allowed == (function == "send_emails"), function


@pytest.mark.parametrize("stage", STAGES)
def test_delivery_records_may_carry_the_models_attributes_and_no_other(stage):
    from chalicelib.storage.models import DeliveryItem

    attributes = sorted(a.attr_name for a in DeliveryItem.get_attributes().values())
    for function in ("send_emails", "retry_emails"):
        (statement,) = [s for s in _email_policy(stage, function)["Statement"] if s["Sid"] == "DeliveryRecordsOnly"]
        assert sorted(statement["Condition"]["ForAllValues:StringEquals"]["dynamodb:Attributes"]) == attributes
        assert statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["DELIVERY#*"]


@pytest.mark.parametrize("stage", STAGES)
def test_the_authorizer_reads_no_secret(stage):
    document = policy(stage_policy_files(stage)["officer_token"])
    actions = {a for s in document["Statement"] for a in as_list(s["Action"])}
    assert {a.split(":")[0] for a in actions} == {"logs"}, actions
