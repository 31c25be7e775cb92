"""Emails and texts in Welsh (issue 15): a contact whose language is Welsh
gets every email and text in Welsh, subject included, linking to the Welsh
pages (/cy/); no English sentence of the notify catalogue slips in. A Welsh
text keeps its letters, so one holding a circumflex is UCS-2, and a Welsh text
may take up to 4 segments (English: 2); the worst cases are measured here. A
Welsh-first force (WELSH_FIRST=true) emails its English contacts in both
languages, Welsh first; texts stay in the contact's language. And once end to
end: a Welsh alert through the stream handler, against moto, written to
test-artifacts/emails/welsh-alert.eml for a person to read.

Measured (tests/alerts/test_welsh_notices.py, worst case: a 40-character
force name, a long domain, a 30-character phrase; "safe" in brackets):
invitation GSM-7 382 septets, 3 segments (309, 3); reset 406, 3 (356, 3);
alert 306, 2 (180, 2); reply 349, 3 (180, 2); change code 277, 2 (220, 2);
change notice UCS-2 264 units, 4 (265, 4): only the change notice holds a
circumflex ("rhif ffôn symudol", the glossary's term).
"""

from __future__ import annotations

import html
import re
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from chalicelib.core import i18n
from chalicelib.core.changes import AddressChangeRequested, LinkStored, MessagePosted, UpdatePosted
from chalicelib.core.deliveries import MessageKind
from chalicelib.core.domain import Channel, case_key
from chalicelib.notify import emails, texts
from tests.factories import NOW, case, registered, sender
from tests.fakes import FakeCaseStore, FakeTexter
from tests.i18n_support import english_pieces

ROOT = Path(__file__).resolve().parents[2]
SITE = "https://victims.example.police.uk"
KEY = case_key("lincs", "LC-2026-00001")
MOBILE = "+447700900982"
PHRASE = "tegell glas yn canu"
KINDS = {MessageKind.INVITATION, MessageKind.RESET, MessageKind.ALERT, MessageKind.REPLY,
         MessageKind.CHANGE_CODE, MessageKind.CHANGE_NOTICE}


# -- what English could slip in -----------------------------------------------------------------


ENGLISH = english_pieces("notify")


def _readable(text: str) -> str:
    """What a reader reads: tags and links taken out."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"https?://\S+", " ", text)


def _english_in(text: str) -> list[str]:
    readable = _readable(text).casefold()
    return sorted(piece for piece in ENGLISH if piece in readable)


def _part(message, subtype: str) -> str:
    """A part's text, its lines ended as written (a quoted-printable part, as a
    Welsh one is, decodes with the wire's CRLF)."""
    return message.get_body((subtype,)).get_content().replace("\r\n", "\n")


def _links(text: str) -> list[str]:
    """The links to pages (not the site's bare address, which the footer names)."""
    return [link for link in re.findall(r"https?://[^\s\"<]+", text) if link.rstrip("/") != SITE]


def test_the_english_catalogue_is_seen_whole():
    assert "there is a new update about your report. sign in to" in ENGLISH
    assert "hello" in ENGLISH and "sign in" in ENGLISH
    assert _english_in("Helo, Mewngofnodi") == []
    assert _english_in("<p>Hello,</p> https://x.example/sign-in.html") == ["hello"]


# -- every kind, by email and by text ------------------------------------------------------------


def _everything(*, safe: bool = False, language: str = "cy", **setting_overrides):
    """Every kind of message to one contact (and an invitation to a second),
    by both channels, through the sender. Returns (emails by kind, texts by kind)."""
    contact = registered(email="sam@example.com", mobile=MOBILE, language=language, phrase=PHRASE,
                         safe_contact=safe)
    invited = registered("contact-2", email="jo@example.com", mobile="+447700900983", language=language,
                         status="invited", safe_contact=safe)
    the_case = case("LC-2026-00001", (contact, invited))
    texter = FakeTexter()
    built, mailer, _, _ = sender(FakeCaseStore(the_case), texter=texter, **setting_overrides)
    both = (Channel.EMAIL, Channel.TEXT)
    built.handle_changes([
        LinkStored(MessageKind.INVITATION, "invitation-1", KEY, invited.id, "lincs", invited.email,
                   NOW + timedelta(days=14), mobile=invited.mobile, channels=both),
        LinkStored(MessageKind.RESET, "reset-1", KEY, contact.id, "lincs", contact.email, NOW + timedelta(hours=1),
                   mobile=MOBILE, channels=both),
        UpdatePosted(KEY, "update-1"),
        MessagePosted(KEY, "message-1", contact.id, from_contact=False),
        AddressChangeRequested("change-1", KEY, contact.id, "lincs", Channel.EMAIL, "sam.new@example.com",
                               contact.email, NOW + timedelta(hours=1)),
        AddressChangeRequested("change-2", KEY, contact.id, "lincs", Channel.TEXT, "+447700900999", MOBILE,
                               NOW + timedelta(hours=1)),
    ])
    sent_emails: dict[str, list] = {}
    for outgoing in mailer.sent:
        sent_emails.setdefault(outgoing.kind, []).append(outgoing.message)
    sent_texts: dict[str, list] = {}
    for text in texter.sent:
        sent_texts.setdefault(text.kind, []).append(text.body)
    return sent_emails, sent_texts


def _subject_key(kind: str, safe: bool) -> tuple[str, dict[str, str]]:
    name = {MessageKind.INVITATION: "invitation", MessageKind.RESET: "reset", MessageKind.ALERT: "alert",
            MessageKind.REPLY: "reply", MessageKind.CHANGE_CODE: "change_code",
            MessageKind.CHANGE_NOTICE: "change_notice"}[kind]
    if safe:
        name = "message" if kind in (MessageKind.ALERT, MessageKind.REPLY) else name
        return f"email.{name}.subject.safe", {}
    return f"email.{name}.subject", {"service": emails.SERVICE}


@pytest.mark.parametrize("safe", [False, True], ids=["ordinary", "safe"])
def test_a_welsh_contacts_every_email_is_in_welsh_and_links_to_the_welsh_pages(safe):
    sent, _ = _everything(safe=safe)

    assert set(sent) == KINDS
    for kind, (message,) in sent.items():
        key, params = _subject_key(kind, safe)
        assert str(message["Subject"]) == i18n.t(key, domain="notify", lang="cy", **params)
        text = _part(message, "plain")
        page = _part(message, "html")
        assert text.startswith("Helo,\n")
        assert '<html lang="cy">' in page and 'lang="en"' not in page
        assert _english_in(str(message["Subject"]) + "\n" + text + "\n" + page) == [], kind
        links = _links(text) + _links(page)
        assert (kind == MessageKind.CHANGE_CODE) == (links == []), kind
        assert all(link.startswith(f"{SITE}/cy/") for link in links), links
        if kind == MessageKind.INVITATION:
            assert re.search(rf"{re.escape(SITE)}/cy/register\.html#invitation=[\w.-]+", text)
        if kind == MessageKind.RESET:
            assert re.search(rf"{re.escape(SITE)}/cy/reset-password\.html#token=[\w.-]+", text)
        if kind in (MessageKind.ALERT, MessageKind.REPLY, MessageKind.CHANGE_NOTICE):
            assert f"{SITE}/cy/sign-in.html" in links
        if kind != MessageKind.INVITATION:
            assert f"Eich ymadrodd diogelwch: {PHRASE}" in text


@pytest.mark.parametrize("safe", [False, True], ids=["ordinary", "safe"])
def test_a_welsh_contacts_every_text_is_in_welsh_within_four_segments(safe):
    _, sent = _everything(safe=safe)

    assert set(sent) == KINDS
    for kind, (body,) in sent.items():
        assert _english_in(body) == [], (kind, body)
        assert texts.segments(body) <= texts.MAX_SEGMENTS_BY_LANGUAGE["cy"] == 4, (kind, texts.size(body))
        assert all(link.startswith(f"{SITE}/cy/") for link in _links(body)), body
        assert "\u2019" not in body  # apostrophes go straight
        assert (PHRASE in body) == (kind != MessageKind.INVITATION)


def test_an_english_contacts_messages_are_unchanged():
    sent_emails, sent_texts = _everything(language="en")

    assert str(sent_emails[MessageKind.ALERT][0]["Subject"]) == "You have a new update on Track My Crime"
    assert '<html lang="en">' in _part(sent_emails[MessageKind.ALERT][0], "html")
    assert sent_texts[MessageKind.ALERT] == [
        f"Lincolnshire Police: there is a new update on Track My Crime. Sign in to read it: {SITE}/sign-in.html "
        f"Your phrase: {PHRASE}. We never put details in a text. To speak to someone, call 101."]


def test_the_officer_is_told_in_english_whatever_the_contacts_language():
    contact = registered(email="sam@example.com", language="cy")
    built, mailer, _, _ = sender(FakeCaseStore(case("LC-2026-00001", (contact,))))

    built.handle_changes([MessagePosted(KEY, "message-1", contact.id, from_contact=True)])

    (notice,) = [m for m in mailer.sent if m.kind == MessageKind.OFFICER_NOTICE]
    assert notice.subject == "Track My Crime: a message is waiting on LC-2026-00001"
    assert '<html lang="en">' in _part(notice.message, "html")


# -- the length of Welsh texts ---------------------------------------------------------------------

LONGEST_FORCE = "Heddlu Dyfed-Powys Police and the Office of the Police and Crime Commissioner"  # cut to 40
LONG_SITE = "https://victims.a-long-force-domain.police.uk/cy"
TOKEN = "A" * 22 + "." + "B" * 22


def _welsh_texts(safe: bool, force: str = LONGEST_FORCE, phrase: str = "x" * 30) -> list[texts.Text]:
    sign_in = f"{LONG_SITE}/sign-in.html"
    return [texts.invitation(force, f"{LONG_SITE}/register.html#invitation={TOKEN}", timedelta(days=14),
                             safe=safe, lang="cy"),
            texts.reset(force, f"{LONG_SITE}/reset-password.html#token={TOKEN}", timedelta(hours=1), safe=safe,
                        phrase=phrase, lang="cy"),
            texts.alert(force, sign_in, safe=safe, phrase=phrase, lang="cy"),
            texts.alert(force, sign_in, safe=safe, phrase=phrase, kind=MessageKind.REPLY, lang="cy"),
            texts.change_code(force, "123456", safe=safe, phrase=phrase, lang="cy"),
            texts.change_notice(force, sign_in, safe=safe, phrase=phrase, lang="cy")]


@pytest.mark.parametrize("safe", [False, True], ids=["ordinary", "safe"])
def test_every_welsh_text_at_its_longest_fits_in_four_segments_with_its_link_and_phrase(safe):
    for text in _welsh_texts(safe):
        body = text.body
        assert texts.segments(body) <= 4, (text.kind, texts.encoding(body), texts.size(body))
        if texts.is_gsm7(body):
            assert texts.septets(body) <= 4 * texts.PART_SEGMENT
        else:
            assert texts.ucs2_units(body) <= 4 * texts.UCS2_PART_SEGMENT  # 268
        assert all(link in body for link in text.links)
        assert "x" * 30 in body or text.kind == MessageKind.INVITATION


def test_a_circumflex_makes_a_welsh_text_ucs2_and_it_is_kept_not_dropped():
    notice = texts.change_notice("Heddlu Dyfed-Powys", f"{SITE}/cy/sign-in.html", lang="cy")
    assert "rhif ffôn symudol" in notice.body
    assert texts.encoding(notice.body) == "UCS-2"
    # An English text never holds one, even from a force's name.
    assert texts.is_gsm7(texts.change_notice("Heddlu Dyfed-Powys \u0175", f"{SITE}/sign-in.html").body)


def test_segments_are_counted_by_encoding():
    assert texts.segments("a" * 160) == 1 and texts.segments("a" * 161) == 2
    assert texts.segments("€" * 80) == 1 and texts.segments("€" * 81) == 2  # an extension character: 2 septets
    assert texts.segments("ô" * 70) == 1 and texts.segments("ô" * 71) == 2  # UCS-2
    assert texts.segments("ô" * 134) == 2 and texts.segments("ô" * 135) == 3  # 67 a part
    assert texts.segments("ô" + "a" * 267) == 4 and texts.segments("ô" + "a" * 268) == 5
    assert texts.segments("\U0001F600" * 35) == 1  # beyond the BMP: two UTF-16 units each


def test_a_welsh_text_keeps_an_optional_sentence_an_english_one_would_drop_only_while_it_fits():
    alert = texts.alert("Heddlu Dyfed-Powys", f"{SITE}/cy/sign-in.html", phrase="blue kettle sings", lang="cy")
    assert alert.body.endswith("I siarad gyda rhywun, ffoniwch 101.")


@pytest.mark.parametrize(("left", "words"), [
    (timedelta(days=14), "14 diwrnod"), (timedelta(days=2), "2 ddiwrnod"), (timedelta(days=3), "3 diwrnod"),
    (timedelta(days=1), "24 awr"), (timedelta(hours=2), "2 awr"), (timedelta(hours=1), "1 awr"),
    (timedelta(minutes=45), "45 munud"), (timedelta(minutes=2), "2 funud"), (timedelta(seconds=5), "1 munud"),
])
def test_how_long_a_link_lasts_in_welsh(left, words):
    assert emails.plain_duration(left, "cy") == words


# -- a Welsh-first force ----------------------------------------------------------------------------


def test_a_welsh_first_force_emails_an_english_contact_in_welsh_then_english():
    sent, sent_texts = _everything(language="en", welsh_first=True)
    english_only, english_texts = _everything(language="en")

    assert set(sent) == KINDS
    for kind, (message,) in sent.items():
        (english,) = english_only[kind]
        key, params = _subject_key(kind, safe=False)
        # A subject this long is folded, perhaps whole onto the next line: a reader trims the space.
        assert str(message["Subject"]).strip() == \
            f"{i18n.t(key, domain='notify', lang='cy', **params)} / {english['Subject']}"
        text = _part(message, "plain")
        page = _part(message, "html")
        assert text.startswith("Helo,\n")
        assert text.index("Helo,") < text.index("Hello,")
        assert text.endswith(_part(english, "plain"))
        assert page.startswith('<!DOCTYPE html>\n<html lang="cy">')
        assert page.index("Helo,") < page.index('<div lang="en">') < page.index("Hello,")
        welsh_half, english_half = text.split("Hello,", 1)
        assert all("/cy/" in link for link in _links(welsh_half))
        assert all("/cy/" not in link for link in _links(english_half))
    # Texts: the contact's language only (two languages would not fit).
    assert sent_texts == english_texts


def test_a_welsh_first_force_emails_a_welsh_contact_in_welsh_only():
    sent, _ = _everything(language="cy", welsh_first=True)
    for kind, (message,) in sent.items():
        text = _part(message, "plain")
        assert " / " not in str(message["Subject"]) and "Hello," not in text, kind


def test_a_safe_contacts_bilingual_email_says_nothing_in_either_language():
    from tests.alerts.test_texts import GIVEAWAYS, WELSH_GIVEAWAYS

    sent, _ = _everything(language="en", welsh_first=True, safe=True)
    for kind, (message,) in sent.items():
        words = " ".join([str(message["Subject"]), _readable(_part(message, "plain")),
                          _readable(_part(message, "html"))]).lower()
        assert not [w for w in (*GIVEAWAYS, *WELSH_GIVEAWAYS) if w in words], (kind, words)


# -- end to end, against moto -----------------------------------------------------------------------


def _make_welsh(crime_number: str, contact_id: str) -> None:
    """The contact's language, set in storage (an officer cannot choose it at case creation yet)."""
    from chalicelib.storage.models import CONTACT_PREFIX, ContactItem, case_pk

    item = ContactItem.get(case_pk(case_key("lincs", crime_number)), f"{CONTACT_PREFIX}{contact_id}")
    item.update(actions=[ContactItem.language.set("cy")])


def test_a_welsh_contact_registers_from_a_welsh_invitation_and_gets_a_welsh_alert(journey, ses, invoke):
    from tests.alerts import events
    from tests.alerts.items import case_of, invitation_item, update_items
    from tests.support import STRONG_PASSWORD, body, post_json

    number, person, created = journey.create_case()
    contact_id = created["contacts"][0]["id"]
    _make_welsh(number, contact_id)
    assert case_of(number).contact(contact_id).language == "cy"

    invoke("send_emails", events.batch(events.insert(invitation_item(number, contact_id))))
    [invitation] = ses.sent()
    assert invitation.subject == "Creu eich cyfrif Track My Crime"
    match = re.search(r"https://[^\s\"]+/cy/register\.html#invitation=([\w.-]+)", _part(invitation.message, "plain"))
    assert match, invitation.text
    response = post_json(journey.client, "/victim/register", {
        "invitation": match.group(1), "dateOfBirth": person["dateOfBirth"], "password": STRONG_PASSWORD})
    assert response.status_code == 201, response.body
    assert body(response) == {"crimeNumber": number}

    journey.post_update(number)
    invoke("send_emails", events.batch(*[events.insert(u) for u in update_items(number)]))

    [sent] = ses.sent()[1:]
    assert sent.recipient == person["email"]
    assert sent.subject == "Mae gennych chi ddiweddariad newydd ar Track My Crime"
    text, page = _part(sent.message, "plain"), _part(sent.message, "html")
    assert text.startswith("Helo,\n\nMae diweddariad newydd am eich adroddiad.")
    assert '<html lang="cy">' in page
    assert re.search(r"https://[^\s\"]+/cy/sign-in\.html", text)
    assert _english_in(sent.subject + "\n" + text + "\n" + page) == []
    assert number not in text + page  # still nothing from the case
    out = ROOT / "test-artifacts" / "emails"
    out.mkdir(parents=True, exist_ok=True)
    raw = sent.message.as_bytes(policy=policy.SMTP)
    (out / "welsh-alert.eml").write_bytes(raw)
    assert _part(message_from_bytes(raw, policy=policy.default), "plain") == text
