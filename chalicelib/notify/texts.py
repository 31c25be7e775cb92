"""The words of the text messages: invitation, password reset, update alert,
reply alert, and the code and notice of a change of mobile number or email
address. Also how long a text is, in the segments a phone network counts.

A text carries nothing from the case: no crime number, no names, no crime
type, no update text. Its variable parts are the force's name, a link to the
force's own site (never a URL shortener), how long the link lasts, a code,
and the contact's own anti-phishing phrase. For a contact marked for safe
contact, the wording is neutral: no police, crime, officer, victim, witness,
investigation, force or service name.

Every word comes from the `notify` message catalogue, in the contact's
language (`lang`: "en" or "cy").

An English text is plain GSM-7 (one septet a character; any other character
would turn the whole text into UCS-2, at 70 characters a segment) and at most
two segments (306 septets). A Welsh text keeps its letters: one with a
circumflex (â ê î ô û ŵ ŷ) is not GSM-7, so a Welsh text holding one is
UCS-2 (70 UTF-16 units in one part, 67 a part in more). Welsh texts may take
up to four segments, whichever the encoding (`MAX_SEGMENTS_BY_LANGUAGE`): the
Welsh wording is longer, and is not to lose the sentences the English keeps.
The Welsh catalogue prefers, where plain Welsh has an equally natural word,
one without a circumflex, so most Welsh texts stay GSM-7. In any language, a
sentence that would not fit is left out, never the link or the phrase.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from chalicelib.core.deliveries import MessageKind
from chalicelib.core.i18n import t
from chalicelib.notify.emails import SERVICE, plain_duration

# GSM 03.38: the basic character set (one septet each) and its extension table
# (two septets each: an escape, then the character).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
SINGLE_SEGMENT = 160  # septets in a text of one segment
PART_SEGMENT = 153  # septets in each part of a longer one (the rest holds the joining header)
MAX_SEGMENTS = 2  # an English text
MAX_SEPTETS = PART_SEGMENT * MAX_SEGMENTS  # 306
UCS2_SINGLE_SEGMENT = 70  # UTF-16 units in a UCS-2 text of one segment
UCS2_PART_SEGMENT = 67  # ...and in each part of a longer one
MAX_SEGMENTS_BY_LANGUAGE = {"en": MAX_SEGMENTS, "cy": 4}
# Welsh letters (to bach, diaeresis, acute, grave): kept in a Welsh text, even
# where that makes it UCS-2; a Welsh word is never misspelt to save a segment.
WELSH_LETTERS = frozenset("âêîôûŵŷÂÊÎÔÛŴŶäëïöüẅÿÄËÏÖÜẄŸáéíóúẃýÁÉÍÓÚẂÝàèìòùẁỳÀÈÌÒÙẀỲ")


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
        size, single, part = ucs2_units(text), UCS2_SINGLE_SEGMENT, UCS2_PART_SEGMENT
    return 1 if size <= single else -(-size // part)


def ucs2_units(text: str) -> int:
    """UTF-16 code units: a character beyond the Basic Multilingual Plane takes two."""
    return len(text.encode("utf-16-le")) // 2


def encoding(text: str) -> str:
    """How the text is sent: "GSM-7" or "UCS-2"."""
    return "GSM-7" if is_gsm7(text) else "UCS-2"


def size(text: str) -> int:
    """Its length as the network counts it: septets for GSM-7, UTF-16 units for UCS-2."""
    return septets(text) if is_gsm7(text) else ucs2_units(text)


def to_gsm7(text: str, keep: frozenset[str] = frozenset()) -> str:
    """Text made plain GSM-7 (a force's name with a ŵ, curly quotes): accents
    dropped where GSM-7 lacks the letter, anything else left out; except the
    letters in `keep` (a Welsh text's own letters)."""
    swaps = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
    out = []
    for c in text:
        c = swaps.get(c, c)
        if c in GSM7_BASIC or c in keep:
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
    lang: str = field(default="en", repr=False)


def _plain(text: str, lang: str) -> str:
    """English: plain GSM-7. Welsh: GSM-7 but for its own letters."""
    return to_gsm7(text, WELSH_LETTERS if lang == "cy" else frozenset())


def _fit(kind: str, required: list[str], optional: list[str], links: tuple[str, ...], lang: str = "en") -> Text:
    """The required sentences, then each optional one that still fits in the
    language's segments (`MAX_SEGMENTS_BY_LANGUAGE`), as one text."""
    limit = MAX_SEGMENTS_BY_LANGUAGE.get(lang, MAX_SEGMENTS)
    parts = [_plain(p, lang) for p in required]
    for sentence in optional:
        candidate = [*parts, _plain(sentence, lang)]
        if segments(" ".join(candidate)) <= limit:
            parts = candidate
    body = " ".join(parts)
    if segments(body) > limit:
        raise ValueError(f"a {kind} text ({lang}) is {size(body)} {encoding(body)} characters: "
                         f"more than {limit} segments")
    return Text(kind=kind, body=body, links=links, lang=lang)


MAX_FORCE_NAME = 40  # longer than any UK force's; a longer name is cut at a word


def _force(name: str) -> str:
    name = to_gsm7(name)
    if len(name) <= MAX_FORCE_NAME:
        return name
    return name[:MAX_FORCE_NAME + 1].rsplit(" ", 1)[0].rstrip(" ,-")


def _w(key: str, lang: str, **params: object) -> str:
    """A message of the notify catalogue."""
    return t(key, domain="notify", lang=lang, **params)


def _phrase(phrase: str | None, lang: str) -> list[str]:
    return [_w("text.phrase", lang, phrase=phrase)] if phrase else []


def invitation(force_name: str, link: str, valid_for: timedelta, *, safe: bool = False, lang: str = "en") -> Text:
    force_name = _force(force_name)
    duration = plain_duration(valid_for, lang)
    if safe:
        required = [_w("text.invitation.safe", lang, duration=duration, link=link)]
    else:
        required = [_w("text.invitation", lang, force_name=force_name, service=SERVICE, duration=duration, link=link)]
    return _fit(MessageKind.INVITATION, required, [_w("text.invitation.not_expecting", lang)], (link,), lang)


def reset(force_name: str, link: str, valid_for: timedelta, *, safe: bool = False,
          phrase: str | None = None, lang: str = "en") -> Text:
    force_name = _force(force_name)
    who = _w("text.reset.asked.safe", lang) if safe else \
        _w("text.reset.asked", lang, force_name=force_name, service=SERVICE)
    required = [who, _w("text.reset.choose", lang, duration=plain_duration(valid_for, lang), link=link),
                *_phrase(phrase, lang)]
    return _fit(MessageKind.RESET, required, [_w("text.reset.not_you", lang)], (link,), lang)


def alert(force_name: str, sign_in_link: str, *, safe: bool = False, phrase: str | None = None,
          kind: str = MessageKind.ALERT, lang: str = "en") -> Text:
    force_name = _force(force_name)
    # Welsh says "read it" by the gender of what waits: a message (neges) or an update (diweddariad).
    sign_in = "text.sign_in.message"
    if safe:
        what = _w("text.message.what.safe", lang)
    elif kind == MessageKind.REPLY:
        what = _w("text.reply.what", lang, force_name=force_name, service=SERVICE)
    else:
        what = _w("text.alert.what", lang, force_name=force_name, service=SERVICE)
        sign_in = "text.sign_in.update"
    required = [what, _w(sign_in, lang, link=sign_in_link), *_phrase(phrase, lang)]
    never = [] if safe else [_w("text.alert.never", lang)]
    return _fit(kind, required, never, (sign_in_link,), lang)


def change_code(force_name: str, code: str, *, safe: bool = False, phrase: str | None = None,
                lang: str = "en") -> Text:
    force_name = _force(force_name)
    who = _w("text.change_code.what.safe", lang, code=code) if safe else \
        _w("text.change_code.what", lang, force_name=force_name, service=SERVICE, code=code)
    required = [who, _w("text.change_code.enter", lang), *_phrase(phrase, lang)]
    return _fit(MessageKind.CHANGE_CODE, required, [_w("text.change_code.not_you", lang)], (), lang)


def change_notice(force_name: str, sign_in_link: str, *, safe: bool = False, phrase: str | None = None,
                  lang: str = "en") -> Text:
    force_name = _force(force_name)
    who = _w("text.change_notice.asked.safe", lang) if safe else \
        _w("text.change_notice.asked", lang, force_name=force_name, service=SERVICE)
    required = [who, _w("text.change_notice.check", lang, link=sign_in_link), *_phrase(phrase, lang)]
    optional = [_w("text.change_notice.was_you", lang)] + ([] if safe else [_w("text.change_notice.worried", lang)])
    return _fit(MessageKind.CHANGE_NOTICE, required, optional, (sign_in_link,), lang)
