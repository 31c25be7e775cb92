"""The words of the emails: invitation, password reset, update alert and reply
alert to victims and witnesses; and the notice to the officer in charge that a
message is waiting.

Each email has a plain-text and an HTML part. Those to a contact carry nothing from the case:
no crime number, no names, no crime type, no update text. The only variable
parts are the force's name (also the sender's display name), the link and how
long the link lasts; all of them are escaped in the HTML part. For a victim who
lives with the offender, an email that says more could be dangerous.
"""

from __future__ import annotations

import functools
import html
import textwrap
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from chalicelib.core.deliveries import MessageKind

SERVICE = "Track My Crime"


@dataclass(frozen=True)
class Email:
    kind: str
    subject: str
    text: str
    html: str
    links: tuple[str, ...]


def plain_duration(left: timedelta) -> str:
    """'14 days', '1 hour', '45 minutes': how long a link still works, rounded
    to a word a reader takes in at a glance."""
    seconds = max(left.total_seconds(), 60)
    if seconds >= 36 * 3600:
        return _count(round(seconds / 86400), "day")
    if seconds >= 90 * 60:
        return _count(round(seconds / 3600), "hour")
    if seconds >= 55 * 60:
        return "1 hour"
    return _count(int(-(-seconds // 60)), "minute")


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


# Each body is a list of blocks: a paragraph (str), or a link (a `_Link`), so
# the plain-text and HTML parts say exactly the same thing.
@dataclass(frozen=True)
class _Link:
    label: str
    url: str


def _phrase_block(phrase: str | None) -> list[str | _Link]:
    """The contact's anti-phishing phrase: how they tell our messages from a fake."""
    if not phrase:
        return []
    return [f"Your security phrase: {phrase}\nEvery email and text we send you shows it. If a message "
            "does not, do not use its links."]


# Safe contact: nothing that says police, crime, officer, victim, witness,
# investigation, the force or the service.
SAFE_FOOTER: list[str | _Link] = [
    "We will never ask for your password by email or by phone. In an emergency, call 999.",
    "This email was sent automatically. Replies are not read.",
]


def _footer(force_name: str, site: str, safe: bool = False) -> list[str | _Link]:
    if safe:
        return list(SAFE_FOOTER)
    return [
        f"{SERVICE} does not replace the officer investigating the crime. To speak to "
        "someone, call 101. In an emergency, call 999.",
        f"We will never ask for your password by email or by phone. Links in our emails "
        f"always go to this website: {site}",
        f"{force_name}\nThis email was sent automatically. Replies are not read.",
    ]


def invitation(force_name: str, site: str, link: str, valid_for: timedelta, *, safe: bool = False) -> Email:
    if safe:
        return _email(MessageKind.INVITATION, "Set up your account", [
            "Hello,",
            "An account has been set up for you, to read updates at any time.",
            "Set up your account using this link:",
            _Link("Set up your account", link),
            f"You will be asked for your date of birth and to choose a password. The link works once and "
            f"stops working in {plain_duration(valid_for)}.",
            "If you were not expecting this email, you can ignore it.",
            *SAFE_FOOTER], link)
    blocks: list[str | _Link] = [
        "Hello,",
        f"{force_name} has set up {SERVICE} for you. You can use it to read updates "
        "from the officer investigating the crime, at any time.",
        "Set up your account using this link:",
        _Link("Set up your account", link),
        f"You will be asked for your date of birth and to choose a password. The link "
        f"works once and stops working in {plain_duration(valid_for)}.",
        "After that, you sign in with your surname, your crime number, your date of birth "
        "and your password. We show you your crime number when you set up your account.",
        "If you were not expecting this email, you can ignore it.",
        *_footer(force_name, site),
    ]
    return _email(MessageKind.INVITATION, f"Set up your {SERVICE} account", blocks, link)


def reset(force_name: str, site: str, link: str, valid_for: timedelta, *, safe: bool = False,
          phrase: str | None = None) -> Email:
    account = "your account" if safe else f"your {SERVICE} account"
    blocks: list[str | _Link] = [
        "Hello,",
        *_phrase_block(phrase),
        f"Someone asked to reset the password for {account}. If it was you, "
        "choose a new password using this link:",
        _Link("Choose a new password", link),
        f"The link works once and stops working in {plain_duration(valid_for)}.",
        "If you did not ask for this, you can ignore this email. Your password has not changed.",
        *_footer(force_name, site, safe),
    ]
    return _email(MessageKind.RESET, "Reset your password" if safe else f"Reset your {SERVICE} password",
                  blocks, link)


def _sign_in_to_read(kind: str, subject: str, what: str, never: str, force_name: str, site: str,
                     sign_in_link: str, safe: bool = False, phrase: str | None = None) -> Email:
    """An alert: something is waiting (`what`), sign in to read it; what we never email."""
    if safe:
        blocks: list[str | _Link] = [
            "Hello,", *_phrase_block(phrase), "You have a new message in your account. Sign in to read it:",
            _Link("Sign in", sign_in_link), *SAFE_FOOTER]
        return _email(kind, "You have a new message", blocks, sign_in_link)
    blocks = [
        "Hello,",
        *_phrase_block(phrase),
        f"{what} Sign in to {SERVICE} to read it:",
        _Link("Sign in", sign_in_link),
        f"To keep your information safe, we never put {never} in an email.",
        *_footer(force_name, site),
    ]
    return _email(kind, subject, blocks, sign_in_link)


def alert(force_name: str, site: str, sign_in_link: str, *, safe: bool = False, phrase: str | None = None) -> Email:
    return _sign_in_to_read(MessageKind.ALERT, f"You have a new update on {SERVICE}",
                            "There is a new update about your report.", "details of your report",
                            force_name, site, sign_in_link, safe, phrase)


def reply_alert(force_name: str, site: str, sign_in_link: str, *, safe: bool = False,
                phrase: str | None = None) -> Email:
    return _sign_in_to_read(MessageKind.REPLY, f"You have a new message on {SERVICE}",
                            "The officer dealing with the case has sent you a message.",
                            "the message, or any details of the case", force_name, site, sign_in_link, safe, phrase)


def change_code(force_name: str, site: str, code: str, *, safe: bool = False, phrase: str | None = None) -> Email:
    """To a new email address: the code that confirms it."""
    account = "your account" if safe else f"your {SERVICE} account"
    blocks: list[str | _Link] = [
        "Hello,",
        *_phrase_block(phrase),
        f"You asked to use this email address for {account}. Your code is:",
        code,
        "Enter it on the Your account page to start using this address. It works for 1 hour.",
        "If you did not ask for this, you can ignore this email. Nothing has changed.",
        *_footer(force_name, site, safe),
    ]
    subject = "Your code" if safe else f"Your {SERVICE} code"
    return Email(kind=MessageKind.CHANGE_CODE, subject=subject, text=_text(blocks), html=_html(subject, blocks),
                 links=())


def change_notice(force_name: str, site: str, sign_in_link: str, *, safe: bool = False,
                  phrase: str | None = None) -> Email:
    """To the old email address: someone asked to change it."""
    account = "your account" if safe else f"your {SERVICE} account"
    blocks: list[str | _Link] = [
        "Hello,",
        *_phrase_block(phrase),
        f"Someone asked to change the email address for {account}. The new address is used only once "
        "the code we sent to it is entered.",
        "If it was you, there is nothing more to do. If it was not you, sign in and check your account:",
        _Link("Sign in", sign_in_link),
        *_footer(force_name, site, safe),
    ]
    subject = "Your email address is being changed" if safe else f"Your {SERVICE} email address is being changed"
    return _email(MessageKind.CHANGE_NOTICE, subject, blocks, sign_in_link)


def officer_notice(force_name: str, crime_number: str) -> Email:
    """To the officer in charge (and the team inbox): something is waiting on a
    case. The crime number only: never the message, never the person's name."""
    blocks: list[str | _Link] = [
        f"A victim or witness on crime number {crime_number} has sent a message or asked for an "
        f"update through {SERVICE}.",
        f"Read it and reply through {SERVICE} (the officer inbox lists it until it is answered). Under "
        "the Victims' Code, reply within 5 working days, or 1 working day for a victim entitled to "
        "enhanced rights.",
        "This email does not contain the message, to keep it out of mailboxes and forwarding.",
        f"{force_name}\nThis email was sent automatically by {SERVICE}. Replies are not read.",
    ]
    return Email(kind=MessageKind.OFFICER_NOTICE, subject=f"{SERVICE}: a message is waiting on {crime_number}",
                 text=_text(blocks), html=_html(f"A message is waiting on {crime_number}", blocks), links=())


def _email(kind: str, subject: str, blocks: list[str | _Link], link: str) -> Email:
    return Email(kind=kind, subject=subject, text=_text(blocks), html=_html(subject, blocks),
                 links=(link,))


def _text(blocks: list[str | _Link]) -> str:
    # Wrapped for plain-text readers; a link stays whole on its own line.
    paragraphs = [b.url if isinstance(b, _Link) else
                  "\n".join(textwrap.fill(line, 72, break_long_words=False, break_on_hyphens=False)
                            for line in b.split("\n"))
                  for b in blocks]
    return "\n\n".join(paragraphs) + "\n"


_P = '<p style="margin:0 0 16px 0">{}</p>'
_A = ('<p style="margin:0 0 16px 0"><a href="{url}" style="color:#1d70b8;font-weight:bold">'
      '{label}</a></p>\n<p style="margin:0 0 16px 0;color:#505a5f">If the link does not work, '
      'copy this address into your browser:<br>{url}</p>')


def _html(subject: str, blocks: list[str | _Link]) -> str:
    parts = []
    for block in blocks:
        if isinstance(block, _Link):
            parts.append(_A.format(url=html.escape(block.url), label=html.escape(block.label)))
        else:
            parts.append(_P.format("<br>".join(html.escape(line) for line in block.split("\n"))))
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
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
