"""Alert benchmark (issue 3's acceptance): 1,000 alerts through the stream
handler, each SES call slowed to 50 ms, at a configured 50 emails a second.

In-process moto: 50 cases of 20 registered contacts; one update posted to each
through the officer use-case; moto's real stream read by the local stack's
poller and handed to the `send_emails` handler, as Lambda would. Then the whole
stream is delivered a second time. Prints alerts per second, the ratio to the
configured rate (target >= 0.9), duplicates and losses (target 0).

Run: `make bench`, or `.venv/bin/python bench/bench_alerts.py`.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

CASES = 50
CONTACTS_PER_CASE = 20
RATE = 50.0
SES_LATENCY = 0.050

# Before boto3 or the app is imported: nothing may reach real AWS.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.support import fake_aws_environment  # noqa: E402

fake_aws_environment(SES_MAX_SEND_RATE=str(RATE))


def _seed(officer: Any) -> list[str]:
    """50 cases, each with 20 registered contacts (written directly: registering
    through the API would spend 1,000 password hashes on nothing measured)."""
    from chalicelib import bootstrap
    from chalicelib.core.domain import case_key, utcnow
    from chalicelib.storage.models import CaseItem, CasesTableItem, ContactItem, case_pk

    now = utcnow()
    recipients = []
    with CasesTableItem.batch_write() as batch:
        for n in range(CASES):
            number = f"LC-2026-{n:05d}"
            pk = case_pk(case_key("lincs", number))
            batch.save(CaseItem(pk, "CASE", force="lincs", crime_number=number, status="investigating",
                                officer_name="PC 1 Alex Morgan", officer_email="alex@lincs.police.example",
                                created_by=officer.id, created_at=now, updated_at=now))
            for c in range(CONTACTS_PER_CASE):
                email = f"victim-{n:02d}-{c:02d}@example.com"
                recipients.append(email)
                batch.save(ContactItem(pk, f"CONTACT#{n:02d}{c:02d}", contact_id=f"{n:02d}{c:02d}",
                                       role="victim", forename="Sam", surname="Taylor", surname_key="taylor",
                                       date_of_birth="1980-03-31", email=email, status="registered"))
    for n in range(CASES):
        bootstrap.services().officers.post_update(officer, f"LC-2026-{n:05d}",
                                        {"type": "progress_update", "text": "We have spoken to a witness."})
    return recipients


def main() -> None:
    import boto3
    from moto import mock_aws
    from moto.ses.models import ses_backends

    with mock_aws():
        import app as chalice_app
        from chalicelib import bootstrap
        from chalicelib.core.domain import Officer
        from chalicelib.storage import models
        from local.stream_poller import StreamPoller

        bootstrap.reset()
        settings = bootstrap.services().settings
        models.create_tables(settings)
        boto3.client("ses").verify_email_identity(EmailAddress=settings.mail_from)
        officer = Officer(id="bench", name="PC 1 Alex Morgan", force="lincs", roles=frozenset({"officer"}))
        recipients = _seed(officer)

        ses_client = bootstrap.services().email_sender.mailer.client
        ses_client.meta.events.register("before-call.ses.SendRawEmail",
                                        lambda **_: time.sleep(SES_LATENCY))
        handler = chalice_app.app.handler_map["send_emails"]
        elapsed = 0.0

        def timed(event: dict[str, Any], context: Any) -> None:
            nonlocal elapsed
            started = time.perf_counter()
            handler(event, context)
            elapsed += time.perf_counter() - started

        poller = StreamPoller(None, settings.region, settings.cases_table, timed)
        while poller.poll():
            pass
        first_pass = elapsed
        sent_first = len(ses_backends["123456789012"][settings.region].sent_messages)

        # The same records again (as after a failed batch): nothing more may go.
        again = StreamPoller(None, settings.region, settings.cases_table, timed)
        while again.poll():
            pass

        sent = Counter(str(m.destinations[0]) for m in
                       ses_backends["123456789012"][settings.region].sent_messages)
        expected = Counter(recipients)
        duplicates = sum(max(0, sent[r] - 1) for r in sent)
        losses = sum(1 for r in expected if sent[r] == 0)
        strays = sum(1 for r in sent if r not in expected)

    alerts = len(recipients)
    per_second = sent_first / first_pass
    print(f"alert benchmark: {alerts} alerts ({CASES} updates x {CONTACTS_PER_CASE} registered contacts), "
          f"SES call +{SES_LATENCY * 1000:.0f} ms, SES_MAX_SEND_RATE {RATE:.0f}/s")
    print(f"  sent {sent_first} in {first_pass:.2f} s of handler time: {per_second:.1f} alerts/s")
    print(f"  ratio to the configured rate: {per_second / RATE:.2f} (target >= 0.90)")
    print(f"  stream delivered twice: duplicates {duplicates}, losses {losses}, unexpected {strays} "
          f"(target 0, 0, 0); second pass {elapsed - first_pass:.2f} s")
    ok = per_second / RATE >= 0.9 and duplicates == 0 and losses == 0 and strays == 0
    if not ok:
        raise SystemExit("alert benchmark: below target")


if __name__ == "__main__":
    main()
