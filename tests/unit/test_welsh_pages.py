"""Every built Welsh page (site/dist/cy, the victim site and the officer
console) holds no English run of words from the catalogues and no message
key: in its visible text, in the states a script reveals later (hidden
panels, <template>s, the no-JavaScript notices) and in the attributes a
person or a screen reader meets. The browser tests check the pages as shown;
this reads everything a page carries, without a browser."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.i18n_support import english_in, keys_in

ROOT = Path(__file__).resolve().parents[2]
WELSH = ROOT / "site" / "dist" / "cy"
READ_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "value", "content"}


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        for name, value in attrs:
            if value and (name in READ_ATTRIBUTES or name.startswith(("data-i18n", "data-title"))):
                self.words.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.words.append(data)


def _pages() -> list[Path]:
    if not (WELSH / "index.html").is_file():
        pytest.fail("site/dist/cy is not built: `make test` builds the site first (or run `make site`)")
    return sorted(WELSH.rglob("*.html"))


def test_the_welsh_site_is_built_for_every_page():
    english = {p.relative_to(WELSH.parent) for p in WELSH.parent.rglob("*.html") if WELSH not in p.parents}
    welsh = {p.relative_to(WELSH) for p in _pages()}
    assert english == welsh


def test_no_welsh_page_carries_english_or_a_key_even_in_its_hidden_states():
    found: dict[str, list[str]] = {}
    for page in _pages():
        parser = _Words()
        parser.feed(page.read_text("utf-8"))
        text = "\n".join(parser.words)
        problems = english_in(text) + keys_in(text)
        if problems:
            found[str(page.relative_to(WELSH))] = problems
    assert found == {}
