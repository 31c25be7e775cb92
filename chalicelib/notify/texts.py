"""The words of the text messages: invitation, password reset, update alert,
reply alert, and the code and notice of a change of mobile number or email
address. Also how long a text is, in the segments a phone network counts.

A text carries nothing from the case: no crime number, no names, no crime
type, no update text. Its variable parts are the force's name, a link to the
force's own site (never a URL shortener), how long the link lasts, a code,
and the contact's own anti-phishing phrase. For a contact marked for safe
contact, the wording is neutral: no police, crime, officer, victim, witness,
investigation, force or service name.

Each text is plain GSM-7 (one septet a character; any other character would
turn the whole text into UCS-2, at 70 characters a segment) and at most two
segments (306 septets): a sentence that would not fit is left out, never the
link or the phrase.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from chalicelib.core.deliveries import MessageKind
from chalicelib.notify.emails import SERVICE, plain_duration

# GSM 03.38: the basic character set (one septet each) and its extension table
# (two septets each: an escape, then the character).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
SINGLE_SEGMENT = 160  # septets in a text of one segment
PART_SEGMENT = 153  # septets in each part of a longer one (the rest holds the joining header)
MAX_SEGMENTS = 2
MAX_SEPTETS = PART_SEGMENT * MAX_SEGMENTS  # 306


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def septets(text: str) -> int:
    return sum(2 if c in GSM7_EXTENSION else 1 for c in text)


def segments(text: str) -> int:
    """How many segments a phone network bills this text as: GSM-7 at 160
    septets, or 153 a part; anything else is UCS-2 at 70, or 67 a part
    (counted in UTF-16 code units)."""
    if is_gsm7(text):
        size, single, part = septets(text), SINGLE_SEGMENT, PART_SEGMENT
    else:
        size, single, part = len(text.encode("utf-16-le")) // 2, 70, 67
    return 1 if size <= single else -(-size // part)


def to_gsm7(text: str) -> str:
    """Text made plain GSM-7 (a force's name with a ŵ, curly quotes): accents
    dropped where GSM-7 lacks the letter, anything else left out."""
    swaps = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
    out = []
    for c in text:
        c = swaps.get(c, c)
        if c in GSM7_BASIC:
            out.append(c)
            continue
        plain = "".join(b for b in unicodedata.normalize("NFKD", c) if b in GSM7_BASIC)
        out.append(plain)
    return " ".join("".join(out).split())


@dataclass(frozen=True)
class Text:
    kind: str
    body: str
    links: tuple[str, ...]


def _fit(kind: str, required: list[str], optional: list[str], links: tuple[str, ...]) -> Text:
    """The required sentences, then each optional one that still fits in two
    segments, as one GSM-7 text."""
    parts = [to_gsm7(p) for p in required]
    for sentence in optional:
        candidate = [*parts, to_gsm7(sentence)]
        if septets(" ".join(candidate)) <= MAX_SEPTETS:
            parts = candidate
    body = " ".join(parts)
    if septets(body) > MAX_SEPTETS:
        raise ValueError(f"a {kind} text is {septets(body)} septets: more than {MAX_SEGMENTS} segments")
    return Text(kind=kind, body=body, links=links)


MAX_FORCE_NAME = 40  # longer than any UK force's; a longer name is cut at a word


def _force(name: str) -> str:
    name = to_gsm7(name)
    if len(name) <= MAX_FORCE_NAME:
        return name
    return name[:MAX_FORCE_NAME + 1].rsplit(" ", 1)[0].rstrip(" ,-")


def _phrase(phrase: str | None) -> list[str]:
    return [f"Your phrase: {phrase}."] if phrase else []


def invitation(force_name: str, link: str, valid_for: timedelta, *, safe: bool = False) -> Text:
    force_name = _force(force_name)
    if safe:
        required = ["An account has been set up for you to read updates. Set it up with this link (it works "
                    f"once, for {plain_duration(valid_for)}): {link}"]
    else:
        required = [f"{force_name}: you can now read updates on the case online, with {SERVICE}. Set up "
                    f"your account with this link (it works once, for {plain_duration(valid_for)}): {link}"]
    return _fit(MessageKind.INVITATION, required, ["If you were not expecting this, ignore it."], (link,))


def reset(force_name: str, link: str, valid_for: timedelta, *, safe: bool = False,
          phrase: str | None = None) -> Text:
    force_name = _force(force_name)
    who = "Someone asked to reset your account password." if safe else \
        f"{force_name}: someone asked to reset your {SERVICE} password."
    required = [who, f"If it was you, choose a new one within {plain_duration(valid_for)}: {link}", *_phrase(phrase)]
    return _fit(MessageKind.RESET, required, ["If not, ignore this text. Your password has not changed."], (link,))


def alert(force_name: str, sign_in_link: str, *, safe: bool = False, phrase: str | None = None,
          kind: str = MessageKind.ALERT) -> Text:
    force_name = _force(force_name)
    if safe:
        what = "You have a new message in your account."
    elif kind == MessageKind.REPLY:
        what = f"{force_name}: the officer dealing with the case has sent you a message on {SERVICE}."
    else:
        what = f"{force_name}: there is a new update on {SERVICE}."
    required = [what, f"Sign in to read it: {sign_in_link}", *_phrase(phrase)]
    never = [] if safe else ["We never put details in a text. To speak to someone, call 101."]
    return _fit(kind, required, never, (sign_in_link,))


def change_code(force_name: str, code: str, *, safe: bool = False, phrase: str | None = None) -> Text:
    force_name = _force(force_name)
    who = f"Your code is {code}." if safe else f"{force_name}: your {SERVICE} code is {code}."
    required = [who, "Enter it on the Your account page to start using this number. It works for 1 hour.",
                *_phrase(phrase)]
    return _fit(MessageKind.CHANGE_CODE, required, ["If you did not ask for it, ignore this text."], ())


def change_notice(force_name: str, sign_in_link: str, *, safe: bool = False, phrase: str | None = None) -> Text:
    force_name = _force(force_name)
    who = "Someone asked to change the mobile number on your account." if safe else \
        f"{force_name}: someone asked to change the mobile number on your {SERVICE} account."
    required = [who, f"If it was not you, sign in and check: {sign_in_link}", *_phrase(phrase)]
    optional = ["If it was you, there is nothing to do."] + ([] if safe else ["If you are worried, call 101."])
    return _fit(MessageKind.CHANGE_NOTICE, required, optional, (sign_in_link,))
