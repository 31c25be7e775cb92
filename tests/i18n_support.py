"""For the Welsh tests: the English a Welsh page or message must not contain.

Every English message (site, API and notices) whose Welsh differs, cut at its
placeholders and markup into runs of words; runs of three words or more are
distinctive enough that finding one in a Welsh page means something was left
in English (proper names and one-word labels such as "Help" are not runs)."""

from __future__ import annotations

import functools
import html
import re

from tools import catalogues

_SPLIT = re.compile(r"<[^>]*>|\{\{?\s*[A-Za-z_][A-Za-z0-9_]*\s*\}?\}|[.:;!?()\n·|]")


def _pairs() -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    domains = [*catalogues.python_catalogues().values(), *catalogues.site_catalogues().values()]
    for paths in domains:
        en = catalogues.messages(catalogues.load(paths["en"], "en"))
        cy = catalogues.messages(catalogues.load(paths["cy"], "cy"))
        pairs += [(" ".join(en[key]), " ".join(cy.get(key, []))) for key in en]
    return pairs


@functools.cache
def english_runs() -> frozenset[str]:
    runs: set[str] = set()
    for en, cy in _pairs():
        if en == cy:
            continue
        welsh = " ".join(cy.split()).lower()
        for piece in _SPLIT.split(html.unescape(en)):
            words = " ".join(piece.replace("’", "'").split()).strip(" ,-–")
            if len(words.split()) >= 3 and words.lower().replace("'", "’") not in welsh:
                runs.add(words.lower())
    return frozenset(runs)


def english_in(text: str) -> list[str]:
    """The English runs found in `text` (a Welsh page's or message's words)."""
    normal = " ".join(html.unescape(text).replace("’", "'").split()).lower()
    return sorted(run for run in english_runs() if run in normal)


def english_pieces(domain: str, min_letters: int = 4) -> frozenset[str]:
    """A stricter list for one of chalicelib's catalogues (`notify`): every
    English piece of it, split at placeholders and line breaks, with at least
    `min_letters` letters, that its Welsh does not also say (proper names).
    Single words count here ("hello"), as an email is short and all ours."""
    paths = catalogues.python_catalogues()[domain]
    english = catalogues.messages(catalogues.load(paths["en"], "en"))
    welsh = catalogues.messages(catalogues.load(paths["cy"], "cy"))
    welsh_text = " ".join(" ".join(forms) for forms in welsh.values())
    out: set[str] = set()
    for key, forms in english.items():
        if welsh.get(key) == forms:
            continue
        for form in forms:
            for piece in re.split(r"\{[a-z_]+\}|\n", form):
                piece = piece.strip(" :.,()")
                if len(re.sub(r"[^A-Za-z]", "", piece)) >= min_letters and piece not in welsh_text:
                    out.add(piece.casefold())
    return frozenset(out)


KEY = re.compile(r"\b(?:js|layout|page|partials|support|error|field|case_status|update_type)\.[a-z0-9_.]+[a-z0-9]\b")


def keys_in(text: str) -> list[str]:
    """Message keys shown instead of their text."""
    return sorted(set(KEY.findall(text)))
