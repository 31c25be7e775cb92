"""Deployability, offline: `chalice package` builds the app's SAM template and
cfn-lint finds no error in it or in infra/'s templates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.infra.support import ROOT, TEMPLATES, cfn_lint, errors, policy, stage_policy_files

PACKAGED_STAGE = "prod"


@pytest.fixture(scope="module")
def packaged(tmp_path_factory) -> Path:
    """`chalice package --stage prod` into a temporary folder (about ten seconds)."""
    out = tmp_path_factory.mktemp("package") / "out"
    chalice = Path(sys.executable).parent / "chalice"
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-2", "AWS_REGION": "eu-west-2"}
    result = subprocess.run([str(chalice), "package", "--stage", PACKAGED_STAGE, str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_chalice_package_builds_a_template_and_a_zip(packaged):
    assert (packaged / "deployment.zip").stat().st_size > 1_000_000
    sam = json.loads((packaged / "sam.json").read_text())
    functions = {k: v for k, v in sam["Resources"].items() if v["Type"] == "AWS::Serverless::Function"}
    assert functions["APIHandler"]["Properties"]["MemorySize"] == 1769


def test_packaged_template_has_no_cfn_lint_errors(packaged):
    assert errors(cfn_lint(packaged / "sam.json")) == []


def test_packaged_roles_carry_the_hand_written_policies(packaged):
    sam = json.loads((packaged / "sam.json").read_text())
    roles = [v for v in sam["Resources"].values() if v["Type"] == "AWS::IAM::Role"]
    written = [policy(f) for f in stage_policy_files(PACKAGED_STAGE).values()]
    assert roles
    for role in roles:
        (document,) = [p["PolicyDocument"] for p in role["Properties"]["Policies"]]
        assert document in written


@pytest.mark.parametrize("path", TEMPLATES, ids=[p.name for p in TEMPLATES])
def test_infra_template_has_no_cfn_lint_errors(path):
    assert errors(cfn_lint(path)) == []
