"""The words of the emails: invitation, password reset, update alert and reply
alert to victims and witnesses; and the notice to the officer in charge that a
message is waiting.

Each email has a plain-text and an HTML part. Those to a contact carry nothing from the case:
no crime number, no names, no crime type, no update text. The only variable
parts are the force's name (also the sender's display name), the link and how
long the link lasts; all of them are escaped in the HTML part. For a victim who
lives with the offender, an email that says more could be dangerous.

Every word comes from the `notify` message catalogue, in the contact's
language (`lang`: "en" or "cy"); `bilingual` joins a Welsh and an English
email into one, Welsh first (a Welsh-first force's email to an English
contact). The notice to the officer is always in English.
"""

from __future__ import annotations

import functools
import html
import textwrap
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from chalicelib.core.deliveries import MessageKind
from chalicelib.core.i18n import t, tn

SERVICE = "Track My Crime"


# Each body is a list of blocks: a paragraph (str), or a link (a `_Link`), so
# the plain-text and HTML parts say exactly the same thing.
@dataclass(frozen=True)
class _Link:
    label: str
    url: str


Blocks = tuple["str | _Link", ...]


@dataclass(frozen=True)
class Email:
    kind: str
    subject: str
    text: str
    html: str
    links: tuple[str, ...]
    lang: str = field(default="en", repr=False)
    # The body's blocks, kept so `bilingual` can lay two emails out as one.
    blocks: Blocks = field(default=(), repr=False, compare=False)


def _w(key: str, lang: str, **params: object) -> str:
    """A message of the notify catalogue."""
    return t(key, domain="notify", lang=lang, **params)


def plain_duration(left: timedelta, lang: str = "en") -> str:
    """'14 days', '1 hour', '45 minutes' ('14 diwrnod', '1 awr', '45 munud'):
    how long a link still works, rounded to a word a reader takes in at a glance."""
    seconds = max(left.total_seconds(), 60)
    if seconds >= 36 * 3600:
        return tn("count.days", round(seconds / 86400), domain="notify", lang=lang)
    if seconds >= 90 * 60:
        return tn("count.hours", round(seconds / 3600), domain="notify", lang=lang)
    if seconds >= 55 * 60:
        return tn("count.hours", 1, domain="notify", lang=lang)
    return tn("count.minutes", int(-(-seconds // 60)), domain="notify", lang=lang)


def _phrase_block(phrase: str | None, lang: str) -> list[str | _Link]:
    """The contact's anti-phishing phrase: how they tell our messages from a fake."""
    if not phrase:
        return []
    return [_w("email.phrase", lang, phrase=phrase)]


# Safe contact: nothing that says police, crime, officer, victim, witness,
# investigation, the force or the service (in either language).
def _safe_footer(lang: str) -> list[str | _Link]:
    return [_w("email.footer.never_ask_emergency", lang), _w("email.footer.automatic", lang)]


def _footer(force_name: str, site: str, lang: str, safe: bool = False) -> list[str | _Link]:
    if safe:
        return _safe_footer(lang)
    return [
        _w("email.footer.not_the_officer", lang, service=SERVICE),
        _w("email.footer.never_ask_site", lang, site=site),
        f"{force_name}\n{_w('email.footer.automatic', lang)}",
    ]


def invitation(force_name: str, site: str, link: str, valid_for: timedelta, *, safe: bool = False,
               lang: str = "en") -> Email:
    duration = plain_duration(valid_for, lang)
    if safe:
        return _email(MessageKind.INVITATION, _w("email.invitation.subject.safe", lang), [
            _w("email.hello", lang),
            _w("email.invitation.intro.safe", lang),
            _w("email.invitation.use_link", lang),
            _Link(_w("email.invitation.link", lang), link),
            _w("email.invitation.asked", lang, duration=duration),
            _w("email.invitation.not_expecting", lang),
            *_safe_footer(lang)], link, lang)
    blocks: list[str | _Link] = [
        _w("email.hello", lang),
        _w("email.invitation.intro", lang, force_name=force_name, service=SERVICE),
        _w("email.invitation.use_link", lang),
        _Link(_w("email.invitation.link", lang), link),
        _w("email.invitation.asked", lang, duration=duration),
        _w("email.invitation.after", lang),
        _w("email.invitation.not_expecting", lang),
        *_footer(force_name, site, lang),
    ]
    return _email(MessageKind.INVITATION, _w("email.invitation.subject", lang, service=SERVICE), blocks, link, lang)


def reset(force_name: str, site: str, link: str, valid_for: timedelta, *, safe: bool = False,
          phrase: str | None = None, lang: str = "en") -> Email:
    blocks: list[str | _Link] = [
        _w("email.hello", lang),
        *_phrase_block(phrase, lang),
        _w("email.reset.asked.safe", lang) if safe else _w("email.reset.asked", lang, service=SERVICE),
        _Link(_w("email.reset.link", lang), link),
        _w("email.reset.lasts", lang, duration=plain_duration(valid_for, lang)),
        _w("email.reset.not_you", lang),
        *_footer(force_name, site, lang, safe),
    ]
    subject = _w("email.reset.subject.safe", lang) if safe else _w("email.reset.subject", lang, service=SERVICE)
    return _email(MessageKind.RESET, subject, blocks, link, lang)


def _sign_in_to_read(kind: str, which: str, force_name: str, site: str, sign_in_link: str, safe: bool,
                     phrase: str | None, lang: str) -> Email:
    """An alert: something is waiting (`which`: alert or reply), sign in to
    read it; what we never email."""
    if safe:
        blocks: list[str | _Link] = [
            _w("email.hello", lang), *_phrase_block(phrase, lang), _w("email.message.what.safe", lang),
            _Link(_w("email.sign_in", lang), sign_in_link), *_safe_footer(lang)]
        return _email(kind, _w("email.message.subject.safe", lang), blocks, sign_in_link, lang)
    blocks = [
        _w("email.hello", lang),
        *_phrase_block(phrase, lang),
        _w(f"email.{which}.what", lang, service=SERVICE),
        _Link(_w("email.sign_in", lang), sign_in_link),
        _w(f"email.{which}.never", lang),
        *_footer(force_name, site, lang),
    ]
    return _email(kind, _w(f"email.{which}.subject", lang, service=SERVICE), blocks, sign_in_link, lang)


def alert(force_name: str, site: str, sign_in_link: str, *, safe: bool = False, phrase: str | None = None,
          lang: str = "en") -> Email:
    return _sign_in_to_read(MessageKind.ALERT, "alert", force_name, site, sign_in_link, safe, phrase, lang)


def reply_alert(force_name: str, site: str, sign_in_link: str, *, safe: bool = False,
                phrase: str | None = None, lang: str = "en") -> Email:
    return _sign_in_to_read(MessageKind.REPLY, "reply", force_name, site, sign_in_link, safe, phrase, lang)


def change_code(force_name: str, site: str, code: str, *, safe: bool = False, phrase: str | None = None,
                lang: str = "en") -> Email:
    """To a new email address: the code that confirms it."""
    blocks: list[str | _Link] = [
        _w("email.hello", lang),
        *_phrase_block(phrase, lang),
        _w("email.change_code.asked.safe", lang) if safe else _w("email.change_code.asked", lang, service=SERVICE),
        code,
        _w("email.change_code.enter", lang),
        _w("email.change_code.not_you", lang),
        *_footer(force_name, site, lang, safe),
    ]
    subject = _w("email.change_code.subject.safe", lang) if safe else \
        _w("email.change_code.subject", lang, service=SERVICE)
    return Email(kind=MessageKind.CHANGE_CODE, subject=subject, text=_text(blocks),
                 html=_html(subject, [(lang, blocks)]), links=(), lang=lang, blocks=tuple(blocks))


def change_notice(force_name: str, site: str, sign_in_link: str, *, safe: bool = False,
                  phrase: str | None = None, lang: str = "en") -> Email:
    """To the old email address: someone asked to change it."""
    blocks: list[str | _Link] = [
        _w("email.hello", lang),
        *_phrase_block(phrase, lang),
        _w("email.change_notice.asked.safe", lang) if safe else
        _w("email.change_notice.asked", lang, service=SERVICE),
        _w("email.change_notice.check", lang),
        _Link(_w("email.sign_in", lang), sign_in_link),
        *_footer(force_name, site, lang, safe),
    ]
    subject = _w("email.change_notice.subject.safe", lang) if safe else \
        _w("email.change_notice.subject", lang, service=SERVICE)
    return _email(MessageKind.CHANGE_NOTICE, subject, blocks, sign_in_link, lang)


def officer_notice(force_name: str, crime_number: str) -> Email:
    """To the officer in charge (and the team inbox): something is waiting on a
    case. The crime number only: never the message, never the person's name.
    Always in English (the officer console is)."""
    lang = "en"
    blocks: list[str | _Link] = [
        _w("email.officer.waiting", lang, crime_number=crime_number, service=SERVICE),
        _w("email.officer.reply", lang, service=SERVICE),
        _w("email.officer.not_here", lang),
        f"{force_name}\n{_w('email.officer.automatic', lang, service=SERVICE)}",
    ]
    return Email(kind=MessageKind.OFFICER_NOTICE,
                 subject=_w("email.officer.subject", lang, service=SERVICE, crime_number=crime_number),
                 text=_text(blocks),
                 html=_html(_w("email.officer.title", lang, crime_number=crime_number), [(lang, blocks)]),
                 links=(), lang=lang, blocks=tuple(blocks))


def bilingual(first: Email, second: Email) -> Email:
    """Two emails of one kind as one: `first`'s language first (Welsh, for a
    Welsh-first force), then `second`'s, under both subjects ("Welsh / English")."""
    subject = f"{first.subject} / {second.subject}"
    text = f"{first.text}\n{_DIVIDER}\n\n{second.text}"
    links = tuple(dict.fromkeys(first.links + second.links))
    return Email(kind=first.kind, subject=subject, text=text,
                 html=_html(subject, [(first.lang, list(first.blocks)), (second.lang, list(second.blocks))]),
                 links=links, lang=first.lang, blocks=first.blocks + second.blocks)


_DIVIDER = "-" * 40


def _email(kind: str, subject: str, blocks: list[str | _Link], link: str, lang: str) -> Email:
    return Email(kind=kind, subject=subject, text=_text(blocks), html=_html(subject, [(lang, blocks)]),
                 links=(link,), lang=lang, blocks=tuple(blocks))


def _text(blocks: list[str | _Link]) -> str:
    # Wrapped for plain-text readers; a link stays whole on its own line.
    paragraphs = [b.url if isinstance(b, _Link) else
                  "\n".join(textwrap.fill(line, 72, break_long_words=False, break_on_hyphens=False)
                            for line in b.split("\n"))
                  for b in blocks]
    return "\n\n".join(paragraphs) + "\n"


_P = '<p style="margin:0 0 16px 0">{}</p>'
_A = ('<p style="margin:0 0 16px 0"><a href="{url}" style="color:#1d70b8;font-weight:bold">'
      '{label}</a></p>\n<p style="margin:0 0 16px 0;color:#505a5f">{fallback}<br>{url}</p>')
_HR = '<hr style="border:0;border-top:1px solid #b1b4b6;margin:32px 0">'


def _html_blocks(blocks: list[str | _Link], lang: str) -> str:
    parts = []
    for block in blocks:
        if isinstance(block, _Link):
            parts.append(_A.format(url=html.escape(block.url), label=html.escape(block.label),
                                   fallback=html.escape(_w("email.link_fallback", lang))))
        else:
            parts.append(_P.format("<br>".join(html.escape(line) for line in block.split("\n"))))
    return "\n".join(parts)


def _html(subject: str, sections: list[tuple[str, list[str | _Link]]]) -> str:
    """The HTML part: one section per language, the page in the first one's
    language and each later one marked with its own (`lang`)."""
    (lang, blocks), *others = sections
    body = _html_blocks(blocks, lang)
    for other_lang, other_blocks in others:
        body += f'\n{_HR}\n<div lang="{other_lang}">\n{_html_blocks(other_blocks, other_lang)}\n</div>'
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(subject)}</title>\n</head>\n"
        '<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;'
        'font-size:19px;line-height:1.4;color:#0b0c0c;background:#ffffff">\n'
        f'<div style="max-width:640px">\n{body}\n</div>\n</body>\n</html>\n'
    )


def to_mime(email: Email, *, sender_name: str, sender_address: str, recipient: str,
            now: datetime) -> EmailMessage:
    """The email as a message object (tests and tools); `render` makes the bytes sent."""
    return message_from_bytes(render(email, sender_name=sender_name, sender_address=sender_address,
                                     recipient=recipient, now=now), policy=policy.default)


def render(email: Email, *, sender_name: str, sender_address: str, recipient: str,
           now: datetime) -> bytes:
    """The raw message SES sends: a multipart/alternative message, the force's name
    as the sender's display name. Only To, Date and Message-ID differ between the
    alerts of one force, so the rest is built once and reused."""
    domain = sender_address.partition("@")[2] or "track-my-crime.invalid"
    common = _common_part(email, sender_name, sender_address)
    own = (_SMTP.fold_binary("To", recipient) + _SMTP.fold_binary("Date", format_datetime(now))
           + _SMTP.fold_binary("Message-ID", make_msgid(domain=domain)))
    return own + common


_SMTP = policy.SMTP


@functools.lru_cache(maxsize=256)
def _common_part(email: Email, sender_name: str, sender_address: str) -> bytes:
    local, _, domain = sender_address.partition("@")
    # Encoded by the header machinery, and stripped of control characters, so a
    # name can neither add a header nor break the From line.
    display_name = " ".join("".join(c if c.isprintable() else " " for c in sender_name).split())
    message = EmailMessage(policy=_SMTP)
    message["From"] = Address(display_name=display_name, username=local, domain=domain)
    message["Subject"] = email.subject
    # RFC 3834: tells mail systems not to send out-of-office replies.
    message["Auto-Submitted"] = "auto-generated"
    # 7bit when it can be (every line is short and ASCII): the .eml stays readable
    # as it is and a link is never split by quoted-printable soft breaks.
    message.set_content(email.text, cte=_transfer_encoding(email.text))
    message.add_alternative(email.html, subtype="html", cte=_transfer_encoding(email.html))
    for part in message.iter_parts():
        del part["MIME-Version"]  # belongs to the message only (add_alternative copies it)
    return message.as_bytes()


def _transfer_encoding(body: str) -> str:
    plain = body.isascii() and all(len(line) <= 900 for line in body.splitlines())
    return "7bit" if plain else "quoted-printable"
