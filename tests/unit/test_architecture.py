"""The shape of the code, checked: dependencies point inward, and no import cycles.

    core      <- imports nothing outside core, and nothing of AWS or Chalice
    features  <- victims, officers, notify, retention: core, config, observability;
                 never storage, never one another
    storage   <- core, config: the adapters behind core's ports
    web       <- core, config, observability and the features; never storage
    bootstrap <- everything: the one place that hands storage to the features
    aws       <- nothing: the container's one botocore session and its clients,
                 used by config (the secret), storage and notify (SES)

Every import counts, module-level or inside a function. `make lint` runs this.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FEATURES = ("victims", "officers", "notify", "retention")
AWS_AND_CHALICE = ("chalice", "boto3", "botocore", "pynamodb")


def area(module: str) -> str:
    """`chalicelib.core.domain` -> `core`; `chalicelib.config` -> `config`; `app` -> `app`."""
    parts = module.split(".")
    return parts[1] if parts[0] == "chalicelib" and len(parts) > 1 else parts[0]


ALLOWED: dict[str, set[str]] = {
    "chalicelib": set(),  # the package's own __init__
    "core": {"core"},
    "aws": set(),
    "config": {"aws"},
    "observability": set(),
    "storage": {"core", "config", "storage", "aws"},
    "web": {"core", "config", "observability", "web", *FEATURES},
    "bootstrap": {"core", "config", "observability", "storage", "web", "aws", *FEATURES},
    "app": {"bootstrap", "core", "config", "observability", "web", "officers"},
    **{feature: {"core", "config", "observability", feature} for feature in FEATURES},
    "notify": {"core", "config", "observability", "notify", "aws"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module this file imports, named in full (`from a import b` names
    `a.b` when that is a module, else `a`)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if _is_module(candidate) else node.module)
    return found


def _is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def import_graph() -> dict[str, set[str]]:
    return {module: set(imported) for module, imported in _graph().items()}


@functools.cache
def _graph() -> dict[str, frozenset[str]]:
    files = [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))]
    return {module_name(f): frozenset(imports_of(f)) for f in files}


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Each import that points the wrong way, in words."""
    found = []
    for module, imported in sorted(graph.items()):
        here = area(module)
        for name in sorted(imported):
            if name.split(".")[0] == "chalicelib" and name != "chalicelib":
                if area(name) not in ALLOWED[here]:
                    found.append(f"{module} imports {name}: {here} may not depend on {area(name)}")
            elif here == "core" and name.split(".")[0] in AWS_AND_CHALICE:
                found.append(f"{module} imports {name}: core imports nothing of AWS or Chalice")
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles among the project's modules (strongly connected
    components of more than one module, or a module importing itself)."""
    edges = {m: {n for n in imported if n in graph} for m, imported in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges[node]:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_dependencies_point_inward():
    assert violations(import_graph()) == []


def test_there_are_no_import_cycles():
    assert cycles(import_graph()) == []


def test_every_module_belongs_to_a_known_area():
    assert {area(m) for m in import_graph()} <= set(ALLOWED)


# The checks themselves can fail: each rule, broken on purpose.
@pytest.mark.parametrize(("module", "imported", "rule"), [
    ("chalicelib.core.domain", "chalicelib.storage.models", "core may not depend on storage"),
    ("chalicelib.core.throttle", "chalicelib.config", "core may not depend on config"),
    ("chalicelib.core.domain", "pynamodb.models", "core imports nothing of AWS"),
    ("chalicelib.victims.service", "chalicelib.storage.cases", "victims may not depend on storage"),
    ("chalicelib.victims.service", "chalicelib.officers.service", "victims may not depend on officers"),
    ("chalicelib.web.presenters", "chalicelib.storage.models", "web may not depend on storage"),
    ("chalicelib.storage.cases", "chalicelib.victims.service", "storage may not depend on victims"),
    ("app", "chalicelib.storage.models", "app may not depend on storage"),
])
def test_a_wrong_way_import_is_reported(module, imported, rule):
    graph = import_graph()
    graph[module] = graph.get(module, set()) | {imported}
    assert any(rule in v for v in violations(graph)), violations(graph)


def test_an_import_cycle_is_reported():
    graph = import_graph()
    graph["chalicelib.core.errors"] = graph["chalicelib.core.errors"] | {"chalicelib.core.domain"}
    graph["chalicelib.core.domain"] = graph["chalicelib.core.domain"] | {"chalicelib.core.errors"}
    assert ["chalicelib.core.domain", "chalicelib.core.errors"] in cycles(graph)
