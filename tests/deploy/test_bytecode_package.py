"""`make bytecode` reaches the zip that plain `chalice deploy` ships, and Python
uses it (issue 17, item 1). A copy of the project is packaged by the deploy
interpreter's Chalice (Python 3.13) as `make bytecode` does it; then, in the
unpacked zip, a fresh Python 3.13 with nothing but the package on its path
(`-S`, PYTHONDONTWRITEBYTECODE as on Lambda's read-only /var/task) imports the
app and builds the services a first request uses: `-v` must show every module
it takes from the package loaded from its .pyc ("matches"), none compiled from
source. A source edited after `make bytecode` runs as edited (checked-hash).

About 40-80 s (two `chalice package` runs): run by `make check-deploy`
(CHECK_DEPLOY=1), skipped by `make test`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tools.bytecode import check_zip

ROOT = Path(__file__).resolve().parents[2]
DEPLOY_PYTHON = ROOT / ".venv-deploy" / "bin" / "python"

pytestmark = [
    pytest.mark.deploy,
    pytest.mark.skipif(os.environ.get("CHECK_DEPLOY") != "1", reason="make check-deploy runs it (about 40 s)"),
]

PROBE = """
import app
from chalicelib import bootstrap
services = bootstrap.services()
services.victims, services.officers
print("probe done")
"""

ENV = {"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "eu-west-2", "AWS_ACCESS_KEY_ID": "testing",
       "AWS_SECRET_ACCESS_KEY": "testing", "TOKEN_SECRET": "t" * 48, "MAIL_FROM": "no-reply@lincs.police.example",
       "OIDC_ISSUER": "https://login.example", "OIDC_AUDIENCE": "api", "OIDC_JWKS_URL": "https://login.example/k",
       "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.fixture(scope="module")
def zips(tmp_path_factory) -> Path:
    assert DEPLOY_PYTHON.exists(), "make deploy-venv first"
    project = tmp_path_factory.mktemp("project")
    for name in ("app.py", "requirements.txt"):
        shutil.copy2(ROOT / name, project / name)
    shutil.copytree(ROOT / "chalicelib", project / "chalicelib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (project / ".chalice").mkdir()
    for config in (ROOT / ".chalice").glob("*.json"):
        shutil.copy2(config, project / ".chalice" / config.name)
    out = tmp_path_factory.mktemp("zips")
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-2"}
    done = subprocess.run([str(DEPLOY_PYTHON), "-m", "tools.bytecode", "build", "--project", str(project),
                           "--keep", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    return out


def _probe(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(DEPLOY_PYTHON), "-S", "-v", "-c", PROBE], cwd=tree,
                          env={**ENV, "PYTHONPATH": str(tree)}, capture_output=True, text=True, check=True,
                          timeout=120)


def _loaded_from(stderr: str, tree: Path) -> tuple[set[str], set[str]]:
    """Modules of the package loaded from a .pyc, and compiled from their source."""
    code = re.findall(r"^# code object from '?(" + re.escape(str(tree)) + r"/[^']+)'?$", stderr, re.MULTILINE)
    return {c for c in code if c.endswith(".pyc")}, {c for c in code if c.endswith(".py")}


def test_the_compiled_zip_carries_checked_pyc_of_every_source_and_python_uses_them(zips, tmp_path):
    # checked by the deploy Python: the .pyc's magic number and source hashes are 3.13's
    done = subprocess.run([str(DEPLOY_PYTHON), "-m", "tools.bytecode", "check", str(zips / "compiled.zip")],
                          cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stdout
    found = re.search(r"(\d+) \.pyc for (\d+) \.py in the zip \((\d+) checked-hash, 0 unchecked-hash\), "
                      r"0 sources without one, 0 problems", done.stdout)
    assert found, done.stdout
    pyc, sources, checked = map(int, found.groups())
    assert pyc == sources == checked > 500  # the dependencies' too, not only ours
    with zipfile.ZipFile(zips / "compiled.zip") as archive:
        assert "__pycache__/app.cpython-313.pyc" in archive.namelist()
        assert any(n.startswith("botocore/__pycache__/") for n in archive.namelist())
        archive.extractall(tmp_path)
    done = _probe(tmp_path)
    assert done.stdout.strip().endswith("probe done")
    from_pyc, from_source = _loaded_from(done.stderr, tmp_path)
    assert from_source == set()
    assert len(from_pyc) > 200  # app, chalicelib, pynamodb, botocore...
    assert f"{tmp_path}/__pycache__/app.cpython-313.pyc matches {tmp_path}/app.py" in done.stderr


def test_a_source_edited_after_compiling_runs_as_edited(zips, tmp_path):
    with zipfile.ZipFile(zips / "compiled.zip") as archive:
        archive.extractall(tmp_path)
    init = tmp_path / "chalicelib" / "__init__.py"
    init.write_text(init.read_text() + "\nprint('edited after make bytecode')\n")
    done = _probe(tmp_path)
    assert "edited after make bytecode" in done.stdout
    from_pyc, from_source = _loaded_from(done.stderr, tmp_path)
    assert from_source == {str(init)}
    assert len(from_pyc) > 200


def test_chalice_alone_ships_no_bytecode(zips):
    assert check_zip(zips / "plain.zip", cache_tag="cpython-313").pyc == 0
