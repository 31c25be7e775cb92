"""The message catalogues, English and Welsh: checked, and compiled for Python.

    python -m tools.catalogues            compile chalicelib's .po to .mo, then check
    python -m tools.catalogues --check    check only (the .mo must be up to date)

Checks, for every domain (chalicelib/core/locale and site/locale):
- each language's catalogue has exactly the keys the other has;
- no message is empty (every plural form of it, too);
- a message names the same placeholders ({name}, {{name}}) in both languages,
  and the same HTML elements, in the same order;
- the Welsh catalogue declares Welsh's six plural forms;
- every .mo is what compiling its .po gives now.
"""

from __future__ import annotations

import io
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PYTHON_LOCALE = ROOT / "chalicelib" / "core" / "locale"
SITE_LOCALE = ROOT / "site" / "locale"
LANGUAGES = ("en", "cy")
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
WELSH_PLURALS = "nplurals=6; plural=(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 : (n==6) ? 4 : 5;"

PLACEHOLDER = re.compile(r"\{\{?\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}?\}")
TAG = re.compile(r"<\s*(/?[a-zA-Z][a-zA-Z0-9]*)")


def python_catalogues() -> dict[str, dict[str, Path]]:
    """{domain: {lang: path}} for chalicelib's catalogues."""
    found: dict[str, dict[str, Path]] = {}
    for lang in LANGUAGES:
        for po in sorted((PYTHON_LOCALE / lang / "LC_MESSAGES").glob("*.po")):
            found.setdefault(po.stem, {})[lang] = po
    return found


def site_catalogues() -> dict[str, dict[str, Path]]:
    found: dict[str, dict[str, Path]] = {}
    for lang in LANGUAGES:
        for po in sorted((SITE_LOCALE / lang).glob("*.po")):
            found.setdefault(po.stem, {})[lang] = po
    return found


def load(path: Path, lang: str) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=lang, abort_invalid=True)


def compiled(catalog: Catalog) -> bytes:
    # Babel stamps a catalogue without dates with the time it was read: a fixed
    # date keeps the .mo the same from one compile to the next.
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _texts(message: Any) -> list[str]:
    string = message.string
    return list(string) if isinstance(string, (list, tuple)) else [string]


def messages(catalog: Catalog) -> dict[str, list[str]]:
    """{key: [text, ...plural forms]} of a catalogue (its header left out)."""
    out: dict[str, list[str]] = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
        out[key] = _texts(message)
    return out


def problems_of(domain: str, paths: dict[str, Path]) -> list[str]:
    problems: list[str] = []
    missing_langs = [lang for lang in LANGUAGES if lang not in paths]
    if missing_langs:
        return [f"{domain}: no {', '.join(missing_langs)} catalogue"]
    catalogs = {lang: load(paths[lang], lang) for lang in LANGUAGES}
    plural_forms = catalogs["cy"].plural_forms.replace(" ", "")
    if plural_forms != WELSH_PLURALS.replace(" ", ""):
        problems.append(f"{paths['cy']}: Plural-Forms is {catalogs['cy'].plural_forms!r}, not Welsh's six forms")
    texts = {lang: messages(catalog) for lang, catalog in catalogs.items()}
    for lang, other in (("en", "cy"), ("cy", "en")):
        for key in sorted(set(texts[other]) - set(texts[lang])):
            problems.append(f"{paths[lang]}: lacks {key!r}, which {other} has")
    for lang in LANGUAGES:
        for key, forms in texts[lang].items():
            if any(not form.strip() for form in forms):
                problems.append(f"{paths[lang]}: {key!r} is empty")
    for key in sorted(set(texts["en"]) & set(texts["cy"])):
        en = " ".join(texts["en"][key])
        for form in texts["cy"][key]:
            if set(PLACEHOLDER.findall(form)) - set(PLACEHOLDER.findall(en)):
                problems.append(f"{paths['cy']}: {key!r} has a placeholder English does not")
        if set(PLACEHOLDER.findall(en)) != set(PLACEHOLDER.findall(" ".join(texts["cy"][key]))):
            problems.append(f"{paths['cy']}: {key!r} names other placeholders than English")
        if TAG.findall(texts["en"][key][0]) != TAG.findall(texts["cy"][key][0]):
            problems.append(f"{paths['cy']}: {key!r} has other HTML elements than English")
    return problems


def problems(*, check_mo: bool = True) -> list[str]:
    found: list[str] = []
    for domain, paths in {**python_catalogues(), **{f"site/{d}": p for d, p in site_catalogues().items()}}.items():
        found += problems_of(domain, paths)
    if check_mo:
        for paths in python_catalogues().values():
            for lang, po in paths.items():
                mo = po.with_suffix(".mo")
                if not mo.exists() or mo.read_bytes() != compiled(load(po, lang)):
                    found.append(f"{mo} is out of date: run make messages")
    return found


def compile_all() -> int:
    count = 0
    for paths in python_catalogues().values():
        for lang, po in paths.items():
            data = compiled(load(po, lang))
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.read_bytes() != data:
                mo.write_bytes(data)
                count += 1
    return count


def main(argv: list[str]) -> int:
    if "--check" not in argv:
        print(f"catalogues: {compile_all()} .mo written")
    found = problems()
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
