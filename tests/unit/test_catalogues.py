"""The message catalogues (chalicelib/core/locale, site/locale): English and
Welsh hold the same keys, with the same placeholders and markup, none empty;
the compiled .mo files are current; every key the Python code names exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from chalicelib.core import i18n
from tools import catalogues

ROOT = Path(__file__).resolve().parents[2]


def test_every_catalogue_pair_agrees_and_the_mo_files_are_current():
    assert catalogues.problems() == []


def test_the_checks_fail_on_a_missing_key_a_lost_placeholder_and_an_empty_message(tmp_path, monkeypatch):
    for lang, body in (("en", 'msgid "a"\nmsgstr "Hello {name}"\n\nmsgid "b"\nmsgstr "Two"\n'),
                       ("cy", 'msgid "a"\nmsgstr "Helo"\n\nmsgid "c"\nmsgstr ""\n')):
        folder = tmp_path / lang
        folder.mkdir()
        plural = catalogues.WELSH_PLURALS if lang == "cy" else "nplurals=2; plural=(n != 1);"
        (folder / "x.po").write_text(f'msgid ""\nmsgstr ""\n"Plural-Forms: {plural}\\n"\n\n{body}', "utf-8")
    found = catalogues.problems_of("x", {lang: tmp_path / lang / "x.po" for lang in ("en", "cy")})
    text = "\n".join(found)
    assert "lacks 'b'" in text and "lacks 'c'" in text
    assert "'c' is empty" in text
    assert "'a' names other placeholders" in text


def _python_keys() -> set[tuple[str, str]]:
    """(domain, key) of every literal t()/tn() call in chalicelib and app.py."""
    found: set[tuple[str, str]] = set()
    for path in [ROOT / "app.py", *(ROOT / "chalicelib").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in ("t", "tn") or not isinstance(node.args[0].value, str):
                continue
            domain = next((k.value.value for k in node.keywords
                           if k.arg == "domain" and isinstance(k.value, ast.Constant)), "api")
            found.add((domain, node.args[0].value))
    return found


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_key_the_code_names_is_in_the_catalogue(lang):
    missing = []
    for domain, key in sorted(_python_keys()):
        try:
            i18n.t(key, domain=domain, lang=lang) if not _is_plural(domain, key) else i18n.tn(key, 2, domain=domain,
                                                                                           lang=lang)
        except i18n.MissingMessage:
            missing.append(f"{domain}:{key}")
        except (KeyError, IndexError):
            pass  # a placeholder the call fills: the message exists
    assert missing == []


def _is_plural(domain: str, key: str) -> bool:
    po = (i18n.LOCALE_DIR / "en" / "LC_MESSAGES" / f"{domain}.po").read_text("utf-8")
    return re.search(rf'msgid "{re.escape(key)}"\nmsgid_plural', po) is not None


def test_welsh_has_six_plural_forms_and_english_two():
    assert [i18n.tn("count.minutes", n, lang="cy") for n in (0, 1, 2, 3, 6, 7)] == [
        "0 munud", "1 munud", "2 funud", "3 munud", "6 munud", "7 munud"]
    assert [i18n.tn("count.minutes", n, lang="en") for n in (1, 2)] == ["1 minute", "2 minutes"]


@pytest.mark.parametrize(("header", "lang"), [
    (None, "en"), ("", "en"), ("cy", "cy"), ("cy-GB,en;q=0.8", "cy"), ("en-GB,cy;q=0.9", "en"),
    ("fr,cy;q=0.5", "cy"), ("cy;q=0.2,en;q=0.9", "en"), ("cy;q=abc", "en"), ("\udc80" * 500, "en"),
])
def test_the_request_language_comes_from_accept_language(header, lang):
    assert i18n.from_accept_language(header) == lang
