"""tools/bytecode.py's check of a Lambda zip's .pyc (issue 17, item 1), on small
zips made here as Chalice makes them (every entry dated 1980-01-01): a
checked-hash .pyc that matches its source passes and Python loads it (`-v`
prints "matches") although the zip's dates say nothing; a stale, timestamp-based,
orphaned or duplicated one is reported. Under a second."""

from __future__ import annotations

import os
import py_compile
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tools.bytecode import check_zip, source_of

TAG = sys.implementation.cache_tag
MODE = py_compile.PycInvalidationMode


def _pyc(tmp_path: Path, source: str, mode: MODE) -> bytes:
    src = tmp_path / "m.py"
    src.write_text(source)
    out = tmp_path / "m.pyc"
    py_compile.compile(str(src), cfile=str(out), invalidation_mode=mode, doraise=True)
    return out.read_bytes()


def _zip(path: Path, entries: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return path


def test_source_of_a_pyc_is_beside_its_cache_folder():
    assert source_of(f"pkg/sub/__pycache__/mod.{TAG}.pyc") == "pkg/sub/mod.py"
    assert source_of(f"__pycache__/app.{TAG}.pyc") == "app.py"


def test_matching_hash_based_pyc_pass_and_python_loads_them(tmp_path):
    source = "VALUE = 42\n"
    zip_path = _zip(tmp_path / "ok.zip", [
        ("pkg/__init__.py", b""),
        (f"pkg/__pycache__/__init__.{TAG}.pyc", _pyc(tmp_path, "", MODE.CHECKED_HASH)),
        ("pkg/mod.py", source.encode()),
        (f"pkg/__pycache__/mod.{TAG}.pyc", _pyc(tmp_path, source, MODE.UNCHECKED_HASH)),
        ("pkg/data.txt", b"not python"),
    ])
    report = check_zip(zip_path)
    assert (report.problems, report.checked_hash, report.unchecked_hash) == ([], 1, 1)
    assert report.sources_without_pyc == []

    tree = tmp_path / "tree"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(tree)
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-S", "-v", "-c", "import pkg.mod; print(pkg.mod.VALUE)"], env=env,
                          capture_output=True, text=True, check=True, timeout=30)
    assert done.stdout.strip() == "42"
    assert f"{tree}/pkg/__pycache__/mod.{TAG}.pyc matches {tree}/pkg/mod.py" in done.stderr
    assert f"code object from '{tree}/pkg/mod.py'" not in done.stderr


@pytest.mark.filterwarnings("ignore:Duplicate name")  # the zip made here holds one on purpose
def test_stale_timestamp_orphaned_and_duplicated_pyc_are_reported(tmp_path):
    zip_path = _zip(tmp_path / "bad.zip", [
        ("edited.py", b"VALUE = 2\n"),
        (f"__pycache__/edited.{TAG}.pyc", _pyc(tmp_path, "VALUE = 1\n", MODE.UNCHECKED_HASH)),
        ("dated.py", b"VALUE = 3\n"),
        (f"__pycache__/dated.{TAG}.pyc", _pyc(tmp_path, "VALUE = 3\n", MODE.TIMESTAMP)),
        (f"__pycache__/gone.{TAG}.pyc", _pyc(tmp_path, "VALUE = 4\n", MODE.CHECKED_HASH)),
        ("twice.py", b""),
        ("twice.py", b""),
    ])
    report = check_zip(zip_path)
    found = "\n".join(report.problems)
    assert f"__pycache__/edited.{TAG}.pyc: stale" in found
    assert f"__pycache__/dated.{TAG}.pyc: timestamp-based" in found
    assert f"__pycache__/gone.{TAG}.pyc: no source gone.py" in found
    assert "duplicate zip entry: twice.py" in found
    assert len(report.problems) == 4
    assert report.sources_without_pyc == ["twice.py"]
