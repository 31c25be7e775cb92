"""A small IAM policy evaluator for the tests: enough of the policy language to
say whether a statement matches a request (action, resource, condition keys).

It knows the operators these policies use: String{Equals,Like,NotEquals} (with
IfExists), ArnLike, and the ForAllValues:/ForAnyValue: set forms, with IAM's
rules for a key the request lacks (ForAllValues holds, ForAnyValue does not,
a plain operator does not unless IfExists). Template values written with
`!Sub` are resolved for a stage in the placeholder account and region.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from typing import Any

ACCOUNT = "111122223333"
REGION = "eu-west-2"

Context = Mapping[str, str | list[str]]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def resolve(value: Any, stage: str) -> Any:
    """A template value with `Fn::Sub` of the pseudo parameters and Stage resolved."""
    if isinstance(value, dict) and set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
        names = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "Stage": stage}
        return re.sub(r"\$\{([^}]+)\}", lambda m: names[m.group(1)], value["Fn::Sub"])
    if isinstance(value, dict):
        return {k: resolve(v, stage) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, stage) for v in value]
    return value


# IAM policy variables the policies use instead of a written account and region:
# the caller's own (a Lambda role's account; the region its request goes to).
POLICY_VARIABLES = {"${aws:PrincipalAccount}": ACCOUNT, "${aws:RequestedRegion}": REGION}


def substitute(pattern: str) -> str:
    for variable, value in POLICY_VARIABLES.items():
        pattern = pattern.replace(variable, value)
    return pattern


def _like(value: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(value, substitute(pattern))


def _compare(base: str, value: str, expected: str) -> bool:
    expected = substitute(expected)
    if base == "StringEquals":
        return value == expected
    if base == "StringNotEquals":
        return value != expected
    if base in ("StringLike", "ArnLike"):
        return _like(value, expected)
    if base in ("StringNotLike", "ArnNotLike"):
        return not _like(value, expected)
    raise AssertionError(f"the evaluator does not know {base}")


def _negated(base: str) -> bool:
    return "Not" in base


def condition_holds(operator: str, key: str, expected: Any, context: Context) -> bool:
    qualifier, _, base = operator.rpartition(":")
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    expected_values = [str(v) for v in as_list(expected)]
    if key not in context:
        if qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return False
        return if_exists
    values = [str(v) for v in as_list(context[key])]
    if qualifier == "ForAllValues":
        return all(_any_match(base, v, expected_values) for v in values)
    if qualifier == "ForAnyValue":
        return any(_any_match(base, v, expected_values) for v in values)
    assert len(values) == 1, f"{key} has several values: use ForAllValues or ForAnyValue"
    return _any_match(base, values[0], expected_values)


def _any_match(base: str, value: str, expected: list[str]) -> bool:
    # A negated operator holds when the value matches none of the expected ones.
    if _negated(base):
        return all(_compare(base, value, e) for e in expected)
    return any(_compare(base, value, e) for e in expected)


def conditions_hold(condition: Mapping[str, Mapping[str, Any]], context: Context) -> bool:
    return all(condition_holds(operator, key, expected, context)
               for operator, pairs in condition.items() for key, expected in pairs.items())


def action_matches(statement: Mapping[str, Any], action: str) -> bool:
    return any(fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in as_list(statement["Action"]))


def resource_matches(statement: Mapping[str, Any], resource: str) -> bool:
    """`resource` and the statement's resources are full ARNs."""
    return any(_like(resource, pattern) for pattern in as_list(statement["Resource"]))


def matches(statement: Mapping[str, Any], action: str, resource: str, context: Context) -> bool:
    return (action_matches(statement, action) and resource_matches(statement, resource)
            and conditions_hold(statement.get("Condition", {}), context))


def allows(document: Mapping[str, Any], action: str, resource: str, context: Context) -> bool:
    return any(statement["Effect"] == "Allow" and matches(statement, action, resource, context)
               for statement in as_list(document["Statement"]))


def denies(document: Mapping[str, Any], action: str, resource: str, context: Context) -> bool:
    return any(statement["Effect"] == "Deny" and matches(statement, action, resource, context)
               for statement in as_list(document["Statement"]))
