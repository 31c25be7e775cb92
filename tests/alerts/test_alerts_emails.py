"""The words and the shape of the three emails."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import pytest

from chalicelib.notify import emails
from tests.factories import NOW

SITE = "https://victims.example.police.uk"
LINK = f"{SITE}/register.html#invitation=abc.def"


def _mime(email: emails.Email, force_name: str = "Lincolnshire Police"):
    raw = emails.render(email, sender_name=force_name, sender_address="no-reply@lincs.police.example",
                        recipient="sam@example.com", now=NOW)
    return message_from_bytes(raw, policy=policy.default)


def test_every_email_has_a_plain_text_and_an_html_part_saying_the_same_link():
    for email in (emails.invitation("Lincolnshire Police", SITE, LINK, timedelta(days=14)),
                  emails.reset("Lincolnshire Police", SITE, LINK, timedelta(hours=1)),
                  emails.alert("Lincolnshire Police", SITE, "https://victims.example.police.uk/sign-in.html")):
        message = _mime(email)
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert email.links[0] in text
        assert f'href="{email.links[0]}"' in html


def test_the_force_name_is_the_senders_display_name():
    message = _mime(emails.alert("Avon and Somerset Police", SITE, "https://x.example/sign-in.html"),
                    force_name="Avon and Somerset Police")

    assert message["From"].addresses[0].display_name == "Avon and Somerset Police"
    assert message["From"].addresses[0].addr_spec == "no-reply@lincs.police.example"
    assert message["Auto-Submitted"] == "auto-generated"


def test_a_force_name_cannot_add_a_header_or_markup():
    hostile = 'Police <b>"x"</b>\r\nBcc: someone@example.com'
    message = _mime(emails.alert(hostile, SITE, "https://x.example/sign-in.html"), force_name=hostile)

    assert message["Bcc"] is None
    html = message.get_body(("html",)).get_content()
    assert "<b>" not in html and "&lt;b&gt;" in html


def test_the_alert_carries_only_the_sign_in_link():
    email = emails.alert("Lincolnshire Police", SITE, "https://victims.example.police.uk/sign-in.html")

    assert email.links == ("https://victims.example.police.uk/sign-in.html",)
    assert "#" not in email.text


@pytest.mark.parametrize(("left", "words"), [
    (timedelta(days=14), "14 days"), (timedelta(days=13, hours=23, minutes=59), "14 days"),
    (timedelta(days=1), "24 hours"), (timedelta(hours=1), "1 hour"), (timedelta(minutes=59), "1 hour"),
    (timedelta(minutes=30), "30 minutes"), (timedelta(seconds=5), "1 minute"),
])
def test_how_long_a_link_lasts_is_said_in_round_words(left, words):
    assert emails.plain_duration(left) == words
