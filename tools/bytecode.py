"""Bytecode for the Lambda package that plain `chalice deploy` builds (issue 17, item 1).

Chalice builds the deployment zip itself on every deploy: the dependencies'
wheels unpacked, app.py, chalicelib/, its own chalice/ runtime files, then
everything under the project's `vendor/` folder, copied to the zip's root. It
ships no bytecode and dates every entry 1980-01-01, so Lambda (whose /var/task
is read-only) compiles every module it imports on every cold start.

`make bytecode` (run by `make infra`, `make deploy` and `make package` before
Chalice packages) fills a generated, git-ignored `vendor/` with nothing but
`__pycache__/*.cpython-3XX.pyc` files, at the paths where Chalice puts the
sources they were compiled from:

1. `chalice package` (the deploy interpreter's Chalice, so the same wheels it
   picks for Lambda: manylinux, the deploy Python's ABI) into a temporary folder;
2. the zip unpacked and compiled by the deploy interpreter (its magic number
   and cache tag are the Lambda runtime's: python3.13 runs 3.13 bytecode);
3. hash-based .pyc (PEP 552), never timestamp ones (Chalice's 1980 dates would
   make those stale), and *checked-hash*: Python compares each .pyc with the
   source beside it (a hash of the source it reads anyway) and compiles the
   source if they differ. So a module edited after `make bytecode`, or a
   dependency upgraded, runs its new source (slower, never old bytecode).
   bench/bench_package.py measures what checking costs against unchecked-hash
   .pyc (0-7 % of the cold start, within this machine's noise). Unchecked .pyc
   for the dependencies would run old bytecode after a requirements.txt change
   deployed without `make bytecode`, so there is no such option;
4. `chalice package` again, with vendor/ in place: that zip is the one Chalice
   caches in .chalice/deployments and `chalice deploy` reuses while app code,
   requirements and vendor/ are unchanged. Every .pyc in it is compared with
   its source in the same zip (the source hash in the .pyc's header): a stale
   or orphaned .pyc fails the step.

    .venv-deploy/bin/python -m tools.bytecode build
    .venv-deploy/bin/python -m tools.bytecode check [path/to/deployment.zip]

`check` without a zip checks the one Chalice caches for the tree as it is now
(`.chalice/deployments/<hash of requirements, app, vendor/>-python3.13.zip`,
the zip `chalice deploy` builds or reuses); `make deploy` runs it after the
deploy. Runs under the deploy interpreter (its Chalice, its Python's bytecode).
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import py_compile
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = ".bytecode"  # vendor/.bytecode: says vendor/ is generated (and may be removed)
OWN_CODE = ("app.py", "chalicelib/", "chalice/")
# PEP 552 flags in a .pyc header (bytes 4-8): bit 0 hash-based, bit 1 check the source.
HASH_BASED, CHECK_SOURCE = 0b01, 0b10


def is_own_code(path: str) -> bool:
    return path == "app.py" or path.startswith(OWN_CODE[1:])


def source_of(pyc_path: str) -> str:
    """`a/b/__pycache__/c.cpython-313.pyc` -> `a/b/c.py` (the zip's layout)."""
    folder, _, name = pyc_path.rpartition("__pycache__/")
    return folder + name.split(".", 1)[0] + ".py"


@dataclass
class Report:
    checked_hash: int = 0
    unchecked_hash: int = 0
    problems: list[str] = field(default_factory=list)
    sources: int = 0
    sources_without_pyc: list[str] = field(default_factory=list)

    @property
    def pyc(self) -> int:
        return self.checked_hash + self.unchecked_hash


def check_zip(zip_path: Path, cache_tag: str | None = None) -> Report:
    """Every .pyc of the running interpreter's cache tag in the zip must be hash-based and
    match, byte for byte, the source beside it in the same zip (what Python would compare)."""
    tag = cache_tag or sys.implementation.cache_tag
    report = Report()
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        present = set(names)
        duplicates = {n for n in names if names.count(n) > 1} if len(present) != len(names) else set()
        report.problems += [f"duplicate zip entry: {n}" for n in sorted(duplicates)]
        compiled = set()
        for name in sorted(present):
            if not (name.endswith(f".{tag}.pyc") and "/__pycache__/" in f"/{name}"):
                continue
            source = source_of(name)
            compiled.add(source)
            header = archive.read(name)[:16]
            flags = int.from_bytes(header[4:8], "little")
            if header[:4] != importlib.util.MAGIC_NUMBER:
                report.problems.append(f"{name}: not this Python's magic number")
            elif not flags & HASH_BASED:
                report.problems.append(f"{name}: timestamp-based (always stale in Chalice's zip)")
            elif source not in present:
                report.problems.append(f"{name}: no source {source} in the zip")
            elif header[8:16] != importlib.util.source_hash(archive.read(source)):
                report.problems.append(f"{name}: stale, {source} has changed since it was compiled")
            elif flags & CHECK_SOURCE:
                report.checked_hash += 1
            else:
                report.unchecked_hash += 1
        sources = [n for n in present if n.endswith(".py")]
        report.sources = len(sources)
        report.sources_without_pyc = sorted(s for s in sources if s not in compiled)
    return report


def deployment_zip(project: Path = ROOT) -> Path:
    """The zip Chalice caches, and `chalice deploy` reuses, for this tree as it is now."""
    from chalice.deploy.packager import LambdaDeploymentPackager
    from chalice.utils import UI, OSUtils

    runtime = f"python{sys.version_info.major}.{sys.version_info.minor}"
    packager = LambdaDeploymentPackager(OSUtils(), None, UI())  # type: ignore[arg-type] - naming only
    return Path(packager.deployment_package_filename(str(project), runtime))


def chalice_package(stage: str, out: Path, project: Path = ROOT) -> Path:
    chalice = Path(sys.executable).parent / "chalice"
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-west-2")}
    subprocess.run([str(chalice), "package", "--stage", stage, str(out)],  # noqa: S603 - our own chalice
                   cwd=project, env=env, check=True, stdout=subprocess.DEVNULL)
    return out / "deployment.zip"


def remove_generated(project: Path = ROOT) -> None:
    """vendor/ (only if this step made it) and the dev tree's stray chalicelib bytecode, which
    Chalice would otherwise copy into the zip (it packages chalicelib/ whole)."""
    vendor = project / "vendor"
    if vendor.exists():
        if not (vendor / MARKER).exists():
            raise SystemExit(f"{vendor} exists and was not made by `make bytecode`: move it away first")
        shutil.rmtree(vendor)
    for cache in (project / "chalicelib").rglob("__pycache__"):
        shutil.rmtree(cache)


def build(stage: str, keep: Path | None = None, project: Path = ROOT) -> Report:
    """`keep`: a folder to leave both zips in (plain.zip, as Chalice packages without
    vendor/, and compiled.zip, with it), for bench/bench_package.py."""
    remove_generated(project)
    vendor = project / "vendor"
    with tempfile.TemporaryDirectory(prefix="tmc-bytecode-") as tmp:
        work = Path(tmp)
        with zipfile.ZipFile(chalice_package(stage, work / "plain", project)) as archive:
            archive.extractall(work / "tree")
        tree = work / "tree"
        mode = py_compile.PycInvalidationMode.CHECKED_HASH
        for path in sorted(tree.iterdir()):
            own = is_own_code(path.name + ("/" if path.is_dir() else ""))
            if path.is_dir():
                ok = compileall.compile_dir(path, quiet=2, workers=0, invalidation_mode=mode,
                                            ddir=f"/var/task/{path.name}")
            elif path.suffix == ".py":
                ok = compileall.compile_file(path, quiet=2, invalidation_mode=mode, ddir="/var/task")
            else:
                continue
            if not ok and own:
                raise SystemExit(f"bytecode: {path.name} does not compile")
            # a dependency's test fixture that does not compile (Python 2 syntax...) stays source only
        tag = sys.implementation.cache_tag
        vendor.mkdir()
        for pyc in tree.rglob(f"__pycache__/*.{tag}.pyc"):
            target = vendor / pyc.relative_to(tree)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pyc, target)
        (vendor / MARKER).write_text(
            "Generated by `make bytecode` (tools/bytecode.py) for Chalice to copy into the Lambda zip;\n"
            f"Python {sys.version.split()[0]} ({tag}), checked-hash. Never commit; `make bytecode` remakes it.\n")
        # The zip `chalice deploy` will reuse (same requirements, app and vendor/), checked.
        final = chalice_package(stage, work / "final", project)
        report = check_zip(final)
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / "plain" / "deployment.zip", keep / "plain.zip")
            shutil.copyfile(final, keep / "compiled.zip")
    if report.problems:
        raise SystemExit("bytecode: the package's .pyc do not match its sources:\n  "
                         + "\n  ".join(report.problems[:20]))
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.bytecode")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="fill vendor/ with the package's bytecode")
    # Chalice's zip is the same for every stage (dependencies, app, vendor/; its cache is named by
    # their hash alone); `local` needs no IAM policy files, which `make infra` writes only later.
    b.add_argument("--stage", default="local", help="the stage Chalice packages with (default local)")
    b.add_argument("--keep", type=Path, help="leave plain.zip and compiled.zip in this folder")
    b.add_argument("--project", type=Path, default=ROOT, help="a copy of the project (tests)")
    c = sub.add_parser("check", help="check a deployment zip's .pyc against its sources")
    c.add_argument("zip", type=Path, nargs="?", help="default: the zip `chalice deploy` uses for this tree")
    args = parser.parse_args(argv)
    if args.command == "build":
        report = build(args.stage, args.keep, args.project)
    else:
        target = args.zip or deployment_zip()
        if not target.exists():
            raise SystemExit(f"bytecode: no {target}: Chalice has not packaged this tree (make bytecode)")
        report = check_zip(target)
    print(f"bytecode: {report.pyc} .pyc for {report.sources} .py in the zip ({report.checked_hash} checked-hash, "
          f"{report.unchecked_hash} unchecked-hash), {len(report.sources_without_pyc)} sources without one, "
          f"{len(report.problems)} problems")
    for problem in report.problems[:20]:
        print(f"  {problem}")
    if report.problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
