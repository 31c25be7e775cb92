"""The tables in infra/data.yaml are the pynamodb models of chalicelib/storage/models.py:
same keys, indexes, stream and TTL attribute, so neither can drift."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from pynamodb.attributes import TTLAttribute
from pynamodb.models import Model

from chalicelib.storage import models
from tests.infra.support import STAGES, chalice_config, resources, stage_env


def _model_classes() -> list[type[Model]]:
    """Every model with its own table binding (subclasses share their parent's)."""
    found = [value for value in vars(models).values()
             if isinstance(value, type) and issubclass(value, Model) and value is not Model]
    return [cls for cls in found if "Meta" in vars(cls)]


def _table_suffix(table_name: str) -> str:
    # Models name tmc-dev-cases (or a test stage's, once bound); infra tmc-${Stage}-cases.
    return re.fullmatch(r"tmc-[a-z]+-([a-z]+)", table_name).group(1)


def _models_by_table() -> dict[str, list[type[Model]]]:
    grouped: dict[str, list[type[Model]]] = defaultdict(list)
    for cls in _model_classes():
        grouped[_table_suffix(cls.Meta.table_name)].append(cls)
    return dict(grouped)


def _infra_tables() -> dict[str, dict]:
    tables = {}
    for resource in resources("data.yaml", "AWS::DynamoDB::Table").values():
        name = resource["Properties"]["TableName"]["Fn::Sub"]
        tables[name.removeprefix("tmc-${Stage}-")] = resource["Properties"]
    return tables


def _keys(key_schema: list[dict]) -> dict[str, str]:
    return {k["KeyType"]: k["AttributeName"] for k in key_schema}


def _types(definitions: list[dict]) -> dict[str, str]:
    return {d["AttributeName"]: d["AttributeType"] for d in definitions}


TABLES = sorted(_models_by_table())


def test_infra_has_exactly_the_tables_of_the_models():
    assert sorted(_infra_tables()) == TABLES


@pytest.mark.parametrize("table", TABLES)
def test_table_keys_match_every_model_of_the_table(table):
    infra = _infra_tables()[table]
    for cls in _models_by_table()[table]:
        schema = cls._get_schema()
        assert _keys(schema["key_schema"]) == _keys(infra["KeySchema"]), cls.__name__
        model_types = _types(schema["attribute_definitions"])
        infra_types = _types(infra["AttributeDefinitions"])
        for name in _keys(schema["key_schema"]).values():
            assert model_types[name] == infra_types[name], (cls.__name__, name)


@pytest.mark.parametrize("table", TABLES)
def test_table_indexes_match_the_models(table):
    model_indexes = {}
    model_types: dict[str, str] = {}
    for cls in _models_by_table()[table]:
        schema = cls._get_schema()
        assert not schema["local_secondary_indexes"], "infra has no local secondary indexes"
        for index in schema["global_secondary_indexes"]:
            model_indexes[index["index_name"]] = (_keys(index["key_schema"]), index["projection"])
            model_types.update(_types(index["attribute_definitions"]))
    infra = _infra_tables()[table]
    infra_indexes = {index["IndexName"]: (_keys(index["KeySchema"]), dict(index["Projection"]))
                     for index in infra.get("GlobalSecondaryIndexes", [])}
    assert infra_indexes == model_indexes
    assert "LocalSecondaryIndexes" not in infra
    infra_types = _types(infra["AttributeDefinitions"])
    assert {n: infra_types[n] for n in model_types} == model_types
    # CloudFormation refuses definitions of attributes that are no key or index key.
    assert set(infra_types) == set(model_types) | set(_keys(infra["KeySchema"]).values())


# Streams the app does not read, only infra: the audit table's, whose every
# MODIFY or REMOVE is a change to a record that must never change (data.yaml).
INFRA_ONLY_STREAMS = {"audit": "NEW_AND_OLD_IMAGES"}
# Tables that must never have TTL, whatever the models say: a TTL attribute on
# an audit record would let a put with a past date delete it. (AuditItem still
# declares `ttl`, unused; the schema follows the models once it is gone.)
NEVER_TTL = {"audit"}


@pytest.mark.parametrize("table", TABLES)
def test_table_stream_matches_the_models(table):
    views = {getattr(cls.Meta, "stream_view_type", None) for cls in _models_by_table()[table]}
    assert len(views) == 1, views
    (view,) = views
    stream = _infra_tables()[table].get("StreamSpecification")
    expected = view or INFRA_ONLY_STREAMS.get(table)
    assert (stream or {}).get("StreamViewType") == expected


@pytest.mark.parametrize("table", TABLES)
def test_table_ttl_attribute_matches_the_models(table):
    names = {name for cls in _models_by_table()[table]
             for name, attribute in cls.get_attributes().items() if isinstance(attribute, TTLAttribute)}
    assert len(names) <= 1, f"one TTL attribute per table, models say {names}"
    ttl = _infra_tables()[table].get("TimeToLiveSpecification")
    if names and table not in NEVER_TTL:
        assert ttl == {"AttributeName": names.pop(), "Enabled": True}
    else:
        assert ttl is None


def test_the_audit_table_has_no_ttl():
    assert "TimeToLiveSpecification" not in _infra_tables()["audit"]


@pytest.mark.parametrize("table", TABLES)
def test_every_table_is_encrypted_with_the_stage_key_and_recoverable(table):
    infra = _infra_tables()[table]
    assert infra["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS",
                                         "KMSMasterKeyId": {"Fn::GetAtt": ["DataKey", "Arn"]}}
    assert infra["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert infra["DeletionProtectionEnabled"] is True


@pytest.mark.parametrize("stage", STAGES)
def test_stage_config_names_the_infra_tables(stage):
    env = stage_env(stage)
    assert {env["CASES_TABLE"], env["SESSIONS_TABLE"], env["AUDIT_TABLE"]} == {
        f"tmc-{stage}-{table}" for table in TABLES}
    assert env["CASES_TABLE"] == f"tmc-{stage}-cases"
    assert "CASES_STREAM_ARN" not in env  # read from the table by `chalice deploy` (chalicelib/config.py)


@pytest.mark.parametrize("stage", STAGES)
def test_reserved_concurrency_is_chalice_config_so_a_deploy_keeps_it(stage):
    # Chalice calls DeleteFunctionConcurrency for a function without the
    # setting on every deploy: concurrency set by hand would not survive.
    functions = chalice_config()["stages"][stage]["lambda_functions"]
    assert functions["retry_emails"]["reserved_concurrency"] == 1
    assert functions["retry_erasures"]["reserved_concurrency"] == 1
