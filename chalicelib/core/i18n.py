"""Words in the reader's language: English (`en`) or Welsh (`cy`).

Every sentence a victim, witness or officer reads from the service comes from
a message catalogue: `chalicelib/core/locale/<lang>/LC_MESSAGES/<domain>.po`,
compiled to `.mo` (`make messages`) and read here with the standard library's
gettext. The site's build reads its own catalogues (`site/locale/`) in the
same format. A message is named by a key ("sign_in.failed"); its text may hold
`{name}` placeholders, filled by `t(key, name=...)`.

Domains: `api` (errors and field messages the API answers with) and `notify`
(emails and texts). The language of an API answer is the request's (its
Accept-Language, set by the web layer with `use`); an email or text is in the
language its contact chose, passed explicitly.
"""

from __future__ import annotations

import contextlib
import functools
import gettext
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

LANGUAGES = ("en", "cy")
DEFAULT = "en"
LOCALE_DIR = Path(__file__).with_name("locale")

_current: ContextVar[str] = ContextVar("language", default=DEFAULT)


class MissingMessage(KeyError):
    """A key no catalogue holds: a bug (tests/unit/test_catalogues.py checks every key used)."""


@functools.cache
def _catalogue(domain: str, lang: str) -> gettext.GNUTranslations:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.mo").open("rb") as file:
        return gettext.GNUTranslations(file)


def language(value: str | None) -> str:
    """A supported language code for `value`, else English."""
    return value if value in LANGUAGES else DEFAULT


def current() -> str:
    return _current.get()


@contextlib.contextmanager
def use(lang: str | None) -> Iterator[str]:
    """Messages made inside the block are in `lang`."""
    token = _current.set(language(lang))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def from_accept_language(header: str | None) -> str:
    """The language an Accept-Language header prefers of ours: `cy` only when
    Welsh ranks above English (the site sends exactly its page's language)."""
    best, best_q = DEFAULT, -1.0
    for position, part in enumerate((header or "")[:200].split(",")[:10]):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                continue
        # Earlier entries win ties, as a browser lists them in order.
        score = q - position * 1e-6
        if score > best_q:
            best, best_q = primary, score
    return best


def t(key: str, /, *, domain: str = "api", lang: str | None = None, **params: object) -> str:
    """The message `key` in `lang` (default: the current language), its
    `{name}` placeholders filled from `params`."""
    text = _catalogue(domain, language(lang or current())).gettext(key)
    if text == key:
        raise MissingMessage(f"{domain}:{key}")
    return text.format(**params) if params else text


def tn(key: str, count: int, /, *, domain: str = "api", lang: str | None = None, **params: object) -> str:
    """The plural form of `key` for `count` (Welsh has six), `{count}` filled in."""
    text = _catalogue(domain, language(lang or current())).ngettext(key, key + "#plural", count)
    if text in (key, key + "#plural"):
        raise MissingMessage(f"{domain}:{key}")
    return text.format(count=count, **params)
