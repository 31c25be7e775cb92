"""Reading the infrastructure as data: the CloudFormation templates (with their
short-form tags), the Chalice stage configuration and its IAM policies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
CHALICE_DIR = ROOT / ".chalice"
TEMPLATES = sorted(INFRA.glob("*.yaml"))
STAGES = ("dev", "prod")


@cache
def template(name: str) -> dict[str, Any]:
    from cfnlint.decode import decode

    loaded, problems = decode(str(INFRA / name))
    assert not problems, problems
    return loaded


def resources(name: str, resource_type: str) -> dict[str, dict[str, Any]]:
    return {logical_id: resource for logical_id, resource in template(name)["Resources"].items()
            if resource["Type"] == resource_type}


def chalice_config() -> dict[str, Any]:
    return json.loads((CHALICE_DIR / "config.json").read_text())


def stage_env(stage: str) -> dict[str, str]:
    return chalice_config()["stages"][stage]["environment_variables"]


def stage_policy_files(stage: str) -> dict[str, str]:
    """Function ('*' for the stage default) -> its iam_policy_file."""
    stage_config = chalice_config()["stages"][stage]
    files = {"*": stage_config["iam_policy_file"]}
    for function, settings in stage_config.get("lambda_functions", {}).items():
        if "iam_policy_file" in settings:
            files[function] = settings["iam_policy_file"]
    return files


def policy(filename: str) -> dict[str, Any]:
    return json.loads((CHALICE_DIR / filename).read_text())


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def cfn_lint(path: Path) -> list[str]:
    """cfn-lint's findings as `file:line:col:rule:message` lines (E errors, W warnings)."""
    executable = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run([str(executable), "--format", "parseable", str(path)],
                            capture_output=True, text=True, cwd=ROOT, env={**os.environ}, check=False)
    assert result.returncode in (0, 2, 4, 6, 8, 10, 12, 14), result.stderr
    return [line for line in result.stdout.splitlines() if line.strip()]


def errors(findings: list[str]) -> list[str]:
    return [line for line in findings if line.split(":")[3].startswith("E")]
