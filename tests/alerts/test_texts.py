"""Texts (issue 14), with fakes: which channels a message goes by, exactly once
under duplicate delivery and throttling, the opt-out list, quiet hours on a
clock the test moves, the phrase, safe contact's neutral wording, and the
length and alphabet of every text."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from chalicelib.core.deliveries import DeliveryRef, DeliveryStatus, MessageKind
from chalicelib.core.domain import ContactDisplayStatus, case_key
from chalicelib.notify import texts
from chalicelib.notify.mailer import Rejected, Throttled
from chalicelib.notify.sender import REASON_TEXT_OPTED_OUT, REASON_TEXT_REJECTED, THROTTLE_TRIES
from chalicelib.notify.texter import OptedOut
from tests.alerts import events, stream_items
from tests.factories import NOW, case, handle_stream, registered, sender
from tests.fakes import Clock, FakeCaseStore, FakeDeliveries, FakeTexter

MOBILE = "+447700900982"
PHRASE = "blue kettle sings"
SITE = "https://victims.example.police.uk"
KEY = case_key("lincs", "LC-2026-00001")


def _alert_ref(contact_id: str = "contact-1", channel: str = "text") -> DeliveryRef:
    return DeliveryRef(MessageKind.ALERT, "update-1", KEY, contact_id, "lincs", channel)


def _setup(*contacts, texter: FakeTexter | None = None, clock: Clock | None = None):
    the_case = case("LC-2026-00001", tuple(contacts))
    store = FakeCaseStore(the_case)
    texter = texter or FakeTexter()
    built, mailer, deliveries, audit_log = sender(store, texter=texter, clock=clock, deliveries=FakeDeliveries(store))
    return the_case, store, built, mailer, texter, deliveries, audit_log


# -- channels ------------------------------------------------------------------------------


def test_a_contact_who_chose_texts_gets_an_alert_by_text_and_none_by_email():
    contact = registered(email="sam@example.com", mobile=MOBILE, channels="text")
    the_case, _, built, mailer, texter, _, _ = _setup(contact)

    handle_stream(built, [events.insert(stream_items.update(the_case))])

    assert [t.recipient for t in texter.sent] == [MOBILE]
    assert mailer.sent == []


def test_a_contact_with_both_addresses_and_no_choice_gets_both():
    contact = registered(email="sam@example.com", mobile=MOBILE)
    the_case, _, built, mailer, texter, _, _ = _setup(contact)

    handle_stream(built, [events.insert(stream_items.update(the_case))])

    assert len(texter.sent) == 1 and len(mailer.sent) == 1


def test_a_contact_with_only_a_mobile_is_invited_by_text():
    contact = registered(email=None, mobile=MOBILE, status="invited")
    the_case, _, built, mailer, texter, _, _ = _setup(contact)

    handle_stream(built, [events.insert(stream_items.invitation(the_case, contact.id, None, mobile=MOBILE))])

    (text,) = texter.sent
    assert mailer.sent == []
    assert re.search(rf"{re.escape(SITE)}/register\.html#invitation=[\w.-]+", text.body)


def test_a_contact_who_stopped_using_the_service_gets_no_alert_by_any_channel():
    contact = registered(email="sam@example.com", mobile=MOBILE, stopped_at=NOW - timedelta(days=1))
    the_case, _, built, mailer, texter, _, _ = _setup(contact)

    handle_stream(built, [events.insert(stream_items.update(the_case))])

    assert texter.sent == [] and mailer.sent == []


# -- exactly once, never blocking ------------------------------------------------------------


def test_the_same_stream_record_delivered_twice_sends_one_text():
    contact = registered(email=None, mobile=MOBILE)
    the_case, _, built, _, texter, deliveries, _ = _setup(contact)
    record = events.insert(stream_items.update(the_case))

    first = handle_stream(built, [record])
    again = handle_stream(built, [record, record])

    assert len(texter.sent) == 1
    assert first["sent"] == 1 and again["duplicate"] == 2
    assert deliveries.statuses() == {_alert_ref().key: DeliveryStatus.SENT}


def test_a_throttled_text_is_retried_and_sent_once():
    contact = registered(email=None, mobile=MOBILE)
    texter = FakeTexter(script=[Throttled("SNS Throttling")] * (THROTTLE_TRIES - 1))
    the_case, _, built, _, texter, _deliveries, _ = _setup(contact, texter=texter)

    outcome = handle_stream(built, [events.insert(stream_items.update(the_case))])

    assert len(texter.sent) == 1 and texter.calls == THROTTLE_TRIES
    assert outcome["throttled"] == THROTTLE_TRIES - 1 and outcome["sent"] == 1


def test_a_text_throttled_past_the_tries_waits_for_the_scheduled_retry_then_goes_once():
    contact = registered(email=None, mobile=MOBILE)
    clock = Clock(NOW)
    texter = FakeTexter(script=[Throttled("SNS Throttling")] * THROTTLE_TRIES)
    the_case, _, built, _, texter, deliveries, _ = _setup(contact, texter=texter, clock=clock)
    record = events.insert(stream_items.update(the_case))

    assert handle_stream(built, [record])["retry_scheduled"] == 1
    clock.advance(minutes=2)
    built.retry_due()
    built.retry_due()
    handle_stream(built, [record])  # the stream's redelivery, late

    assert len(texter.sent) == 1
    assert deliveries.statuses()[_alert_ref().key] == DeliveryStatus.SENT


def test_a_refused_number_is_given_up_at_once_and_the_officer_sees_texts_failing():
    contact = registered(email="sam@example.com", mobile=MOBILE)
    texter = FakeTexter(script=[Rejected("SNS InvalidParameter")])
    the_case, store, built, mailer, _, deliveries, _ = _setup(contact, texter=texter)

    handle_stream(built, [events.insert(stream_items.update(the_case))])

    stored = store.cases[KEY].contact(contact.id)
    assert stored.texts_failing and stored.texts_failing_reason == REASON_TEXT_REJECTED
    assert not stored.alerts_failing and len(mailer.sent) == 1  # the email still went
    assert stored.display_status(NOW) == ContactDisplayStatus.TEXTS_FAILING
    assert deliveries.statuses()[_alert_ref().key] == DeliveryStatus.FAILED


# -- opt-out (STOP) ------------------------------------------------------------------------------


def test_a_number_on_the_opt_out_list_gets_no_text_and_the_officer_is_told():
    contact = registered(email=None, mobile=MOBILE)
    texter = FakeTexter(opted_out_numbers={MOBILE})
    the_case, store, built, _, texter, deliveries, _ = _setup(contact, texter=texter)

    outcome = handle_stream(built, [events.insert(stream_items.update(the_case))])

    assert texter.calls == 0 and texter.opt_out_checks == 1
    assert outcome["opted_out"] == 1
    stored = store.cases[KEY].contact(contact.id)
    assert stored.texts_failing_reason == REASON_TEXT_OPTED_OUT
    assert "STOP" in REASON_TEXT_OPTED_OUT
    assert deliveries.statuses()[_alert_ref().key] == DeliveryStatus.FAILED  # never retried


def test_an_opted_out_error_from_the_provider_is_permanent():
    contact = registered(email=None, mobile=MOBILE)
    texter = FakeTexter(script=[OptedOut("SNS OptedOut")])
    the_case, store, built, _, texter, _deliveries, _ = _setup(contact, texter=texter)

    handle_stream(built, [events.insert(stream_items.update(the_case))])
    built.retry_due()

    assert texter.calls == 1
    assert store.cases[KEY].contact(contact.id).texts_failing_reason == REASON_TEXT_OPTED_OUT


# -- quiet hours ---------------------------------------------------------------------------------


def test_an_alert_due_in_quiet_hours_waits_and_is_sent_once_when_they_end():
    # NOW is 22:00 on 27 November: 22:00 in the UK (GMT).
    contact = registered(email=None, mobile=MOBILE, quiet_hours="21:00-08:00")
    clock = Clock(NOW)
    the_case, _, built, _, texter, deliveries, _ = _setup(contact, clock=clock)

    assert handle_stream(built, [events.insert(stream_items.update(the_case))])["quiet_hours"] == 1
    assert texter.sent == []
    clock.advance(hours=9, minutes=59)  # 07:59
    built.retry_due()
    assert texter.sent == []
    clock.advance(minutes=1)  # 08:00: quiet hours are over
    built.retry_due()
    built.retry_due()

    assert len(texter.sent) == 1
    assert deliveries.statuses()[_alert_ref().key] == DeliveryStatus.SENT


def test_quiet_hours_hold_texts_only_not_emails():
    contact = registered(email="sam@example.com", mobile=MOBILE, quiet_hours="21:00-08:00")
    the_case, _, built, mailer, texter, _, _ = _setup(contact)

    handle_stream(built, [events.insert(stream_items.update(the_case))])

    assert len(mailer.sent) == 1 and texter.sent == []


def test_quiet_hours_follow_uk_summer_time():
    from datetime import UTC, datetime

    from chalicelib.core.domain import quiet_hours_end

    # 20:30 UTC in July is 21:30 in the UK: inside, ending at 08:00 BST (07:00 UTC).
    assert quiet_hours_end("21:00-08:00", datetime(2026, 7, 10, 20, 30, tzinfo=UTC)) == \
        datetime(2026, 7, 11, 7, 0, tzinfo=UTC)
    assert quiet_hours_end("21:00-08:00", datetime(2026, 7, 10, 19, 59, tzinfo=UTC)) is None
    assert quiet_hours_end(None, datetime(2026, 7, 10, 23, 0, tzinfo=UTC)) is None


# -- the phrase, and safe contact -------------------------------------------------------------------


def test_the_phrase_is_in_every_text_and_email_after_it_is_chosen():
    contact = registered(email="sam@example.com", mobile=MOBILE, phrase=PHRASE)
    the_case, _, built, mailer, texter, _, _ = _setup(contact)

    handle_stream(built, [events.insert(stream_items.update(the_case)),
                          events.insert(stream_items.reset(the_case, contact.id, "sam@example.com", mobile=MOBILE,
                                                           channels="email,text"))])

    assert len(texter.sent) == 2 and len(mailer.sent) == 2
    assert all(PHRASE in t.body for t in texter.sent)
    assert all(PHRASE in m.message.get_body(("plain",)).get_content() for m in mailer.sent)


GIVEAWAYS = ("police", "crime", "officer", "victim", "witness", "investigat", "lincoln", "track my",
             "101", "case", "report", "court", "suspect")
# ...and in Welsh, mutated forms included: heddlu, trosedd (drosedd, throsedd), swyddog,
# dioddefwr (ddioddefwr), tyst (dyst, thyst), ymchwiliad, achos (hachos), llys, adroddiad,
# rhywun a amheuir.
WELSH_GIVEAWAYS = ("heddlu", "rosedd", "swyddog", "ioddef", "tyst", "dyst", "ymchwil", "achos", "llys",
                   "adroddiad", "amheu")


def _without_links(body: str) -> str:
    return re.sub(r"https?://\S+", "", body)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_safe_contact_messages_have_a_neutral_sender_and_no_giveaway_word(language):
    giveaways = GIVEAWAYS + (WELSH_GIVEAWAYS if language == "cy" else ())
    contact = registered(email="sam@example.com", mobile=MOBILE, safe_contact=True, phrase=PHRASE,
                         language=language)
    invited = registered("contact-2", email="jo@example.com", mobile="+447700900983", safe_contact=True,
                         status="invited", language=language)
    the_case, _, built, mailer, texter, _, _ = _setup(contact, invited)

    handle_stream(built, [
        events.insert(stream_items.update(the_case)),
        events.insert(stream_items.reset(the_case, contact.id, "sam@example.com", mobile=MOBILE,
                                         channels="email,text")),
        events.insert(stream_items.invitation(the_case, invited.id, "jo@example.com", mobile="+447700900983"))])

    assert len(texter.sent) == 3 and len(mailer.sent) == 3
    for text in texter.sent:
        assert text.sender_id == "Notice"
        assert not [w for w in giveaways if w in _without_links(text.body).lower()], text.body
    for sent in mailer.sent:
        message = sent.message
        # The display name; the address is the service's verified sender (MAIL_FROM: a force
        # that keeps safe contacts sets a neutral one).
        words = " ".join([message["From"].addresses[0].display_name, str(message["Subject"]),
                          _without_links(message.get_body(("plain",)).get_content()),
                          _without_links(re.sub(r"<[^>]+>", " ", message.get_body(("html",)).get_content()))])
        assert "Account notice" in str(message["From"])
        assert not [w for w in giveaways if w in words.lower()], words


def test_an_ordinary_text_comes_from_the_forces_sender_id():
    contact = registered(email=None, mobile=MOBILE)
    the_case = case("LC-2026-00001", (contact,))
    texter = FakeTexter()
    built, *_ = sender(FakeCaseStore(the_case), texter=texter, sms_sender_ids={"lincs": "LincsPolice"})

    handle_stream(built, [events.insert(stream_items.update(the_case))])

    assert texter.sent[0].sender_id == "LincsPolice"


# -- length and alphabet -------------------------------------------------------------------------------


def test_segments_are_counted_as_networks_count_them():
    assert texts.segments("a" * 160) == 1
    assert texts.segments("a" * 161) == 2
    assert texts.segments("a" * 306) == 2
    assert texts.segments("a" * 307) == 3
    assert texts.segments("[" * 80) == 1 and texts.segments("[" * 81) == 2  # two septets each
    assert texts.segments("ŵ" + "a" * 69) == 1 and texts.segments("ŵ" + "a" * 70) == 2  # UCS-2


LONGEST_FORCE = "Heddlu Dyfed-Powys Police and the Office of the Police and Crime Commissioner"  # cut to 40


@pytest.mark.parametrize("safe", [False, True])
def test_every_text_is_plain_gsm7_in_at_most_two_segments(safe):
    link = "https://victims.a-long-force-domain.police.uk/register.html#invitation=" + "A" * 22 + "." + "B" * 22
    sign_in = "https://victims.a-long-force-domain.police.uk/sign-in.html"
    phrase = "x" * 30
    made = [texts.invitation(LONGEST_FORCE, link, timedelta(days=14), safe=safe),
            texts.reset(LONGEST_FORCE, link, timedelta(hours=1), safe=safe, phrase=phrase),
            texts.alert(LONGEST_FORCE, sign_in, safe=safe, phrase=phrase),
            texts.alert(LONGEST_FORCE, sign_in, safe=safe, phrase=phrase, kind=MessageKind.REPLY),
            texts.change_code(LONGEST_FORCE, "123456", safe=safe, phrase=phrase),
            texts.change_notice(LONGEST_FORCE, sign_in, safe=safe, phrase=phrase)]
    for text in made:
        assert texts.is_gsm7(text.body), text.body
        assert texts.segments(text.body) <= 2, (text.kind, texts.septets(text.body))
        assert phrase in text.body or text.kind == MessageKind.INVITATION
        assert all(link_ in text.body for link_ in text.links)


def test_a_force_name_outside_gsm7_is_made_plain():
    text = texts.alert("Heddlu Gogledd Cymru \u2014 ŵ", "https://x.example/sign-in.html")
    assert texts.is_gsm7(text.body)


def test_a_text_tells_the_reader_what_happened_and_what_to_do():
    text = texts.alert("Lincolnshire Police", f"{SITE}/sign-in.html", phrase=PHRASE)
    assert text.body == (f"Lincolnshire Police: there is a new update on Track My Crime. Sign in to read it: "
                         f"{SITE}/sign-in.html Your phrase: {PHRASE}. We never put details in a text. To speak "
                         "to someone, call 101.")
