"""DynamoDB round trips per operation, counted with a botocore event hook (the
same counter as tests/functional/test_dynamodb_calls.py), beside the minimum
each operation needs, with the reason for any excess.

In-process moto and `chalice.test.Client`: register, sign-in, case read, post
update, a batch upload of 100 update rows, and one alert (the `send_emails`
stream handler invoked with one stream record: one update, one registered
contact). Also measures the stored size of each kind of item, for the capacity
estimate.

Run: `make bench`, or `.venv/bin/python bench/bench_round_trips.py`.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import (
    CallCounter,
    ItemCounter,
    drop_connections,
    fake_aws_environment,
    hooked_botocore_sessions,
    ms,
    table,
    verdict,
    write_section,
)

UPLOAD_ROWS = 100

# Operation -> (the minimum this design needs, and why; the reason for any excess).
MINIMUM: dict[str, tuple[int, str, str]] = {
    "register": (4, "read the invitation; read the case and contact (DOB, surname); reserve the "
                    "date-of-birth guess; one transaction (invitation used + password set + audit)", ""),
    "sign-in": (5, "3 in sequence (issue 17): [throttling counters | the count against the source | "
                   "the case's contacts] at once; reserve the guess (an atomic ADD that must see the "
                   "source's count, before the password is checked); one transaction (the session + the "
                   "reservations given back)", ""),
    "case read": (6, "3 in sequence: touch the session (it names the case); [case+contacts | newest "
                     "updates | the contact's newest messages | the day's message counter] at once, "
                     "key ranges only; the audit record (with what is newly read, in one write)", ""),
    "post update": (2, "read the case and contacts (open requests, who is to read it); one transaction "
                       "(update + case + idempotency key + audit + inbox items)", ""),
    f"upload of {UPLOAD_ROWS} update rows": (
        8, "10 cases of 10 rows: one BatchGetItem of the 100 references and 10 cases (2 calls: 100 "
           "keys a call); the 10 cases again for the contact ids each lists, then their contacts by key "
           "(1 + 1); the rows in 4 transactions (300 update/reference/audit actions + each case's own, "
           "at most 100 a transaction, a case's items once in each). Within the issue's 10; 7 if the "
           "references' read also served the plan (it runs only for rows with a reference)", ""),
    "one alert": (3, "read the case's registered contacts; claim the email (conditional put: exactly "
                     "once); record it sent and the audit record (a disclosure) in one transaction", ""),
}


def _stream_record(item: Any) -> dict[str, Any]:
    """A Lambda-shaped INSERT record for one item (the alerts tests' factory)."""
    from tests.alerts.events import insert

    return insert(item)


def _item_size(attributes: dict[str, Any]) -> int:
    """DynamoDB's item size: names plus values in UTF-8 (numbers roughly by digits)."""
    size = 0
    for name, value in attributes.items():
        size += len(name.encode())
        (kind, raw), = value.items()
        size += len(str(raw).encode()) if kind != "BOOL" else 1
    return size


def measure() -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]], dict[str, int], dict[str, float]]:
    fake_aws_environment(ALLOW_DEV_ISSUER="true")
    from tests.factories import crime_number
    from tests.support import STRONG_PASSWORD, Journey, invitation_token, post_json, start_issuer

    issuer = start_issuer()
    import os

    os.environ["OIDC_ISSUER"] = issuer.url
    os.environ["OIDC_JWKS_URL"] = f"{issuer.url}/.well-known/jwks.json"

    import boto3
    from chalice.test import Client
    from moto import mock_aws

    calls, items = CallCounter(), ItemCounter()
    measured: dict[str, dict[str, int]] = {}
    read: dict[str, dict[str, int]] = {}

    durations: dict[str, float] = {}
    clock = [time.perf_counter()]

    def start() -> None:
        calls.take(), items.take()
        clock[0] = time.perf_counter()

    def take(name: str) -> None:
        durations[name] = time.perf_counter() - clock[0]
        measured[name], read[name] = calls.take(), items.take()
        clock[0] = time.perf_counter()

    try:
        with mock_aws(), hooked_botocore_sessions(("before-call.dynamodb", calls),
                                                  ("after-call.dynamodb", items)):
            from app import app
            from chalicelib import bootstrap
            from chalicelib.storage import models
            from chalicelib.storage.models import CasesTableItem, UpdateItem

            drop_connections()
            settings = bootstrap.services().settings
            models.create_tables(settings)
            boto3.client("ses").verify_email_identity(EmailAddress=settings.mail_from)
            with Client(app, stage_name="local") as client:
                journey = Journey(client, issuer, settings)
                number, contact, created = journey.create_case(number=crime_number())
                token = invitation_token(settings, number, created["contacts"][0]["id"])
                start()
                response = post_json(client, "/victim/register", {
                    "invitation": token, "dateOfBirth": contact["dateOfBirth"], "password": STRONG_PASSWORD})
                assert response.status_code == 201, response.body
                take("register")
                response = journey.sign_in(number, contact)
                assert response.status_code == 200, response.body
                cookie = response.headers["Set-Cookie"].split(";")[0]
                take("sign-in")
                assert client.http.get("/victim/case", headers={"Cookie": cookie}).status_code == 200
                take("case read")
                assert journey.post_update(number, clientReference="bench-1").status_code == 201
                take("post update")

                numbers = [journey.create_case(number=crime_number())[0] for _ in range(10)]
                rows = [{"kind": "update", "crimeNumber": numbers[i % len(numbers)], "type": "progress_update",
                         "text": "We have spoken to a witness.", "clientReference": f"bench-upload-{i}"}
                        for i in range(UPLOAD_ROWS)]
                start()
                response = post_json(client, "/officer/uploads", {"items": rows},
                                     issuer.headers(role="integration"))
                assert response.status_code == 200, response.body
                take(f"upload of {UPLOAD_ROWS} update rows")

                from chalicelib.core.domain import case_key
                from chalicelib.storage.models import case_pk

                update = next(i for i in CasesTableItem.query(case_pk(case_key("lincs", number)))
                              if isinstance(i, UpdateItem))
                start()
                client.lambda_.invoke("send_emails", {"Records": [_stream_record(update)]})
                take("one alert")

                sizes = _sizes(number)
    finally:
        issuer.server.shutdown()
    return measured, read, sizes, durations


def _sizes(number: str) -> dict[str, int]:
    """Stored bytes of each kind of item, read back from the tables."""
    import boto3

    from chalicelib import bootstrap

    settings = bootstrap.services().settings
    client = boto3.client("dynamodb")
    sizes: dict[str, int] = {}
    for table_name in (settings.cases_table, settings.sessions_table, settings.audit_table):
        for page in client.get_paginator("scan").paginate(TableName=table_name):
            for item in page["Items"]:
                kind = item.get("kind", {}).get("S") or item["pk"]["S"].split("#", 1)[0].lower()
                if table_name == settings.audit_table:
                    kind = "audit"
                sizes[kind] = max(sizes.get(kind, 0), _item_size(item))
    return sizes


def main() -> None:
    measured, read, sizes, durations = measure()
    rows, figures = [], {"calls": {}, "items_read": read, "item_bytes": sizes, "durations_s": durations}
    all_met = True
    print("DynamoDB round trips per operation (botocore before-call hook):")
    for name, calls in measured.items():
        total = sum(calls.values())
        minimum, why, excess = MINIMUM[name]
        ok = total <= minimum
        all_met &= ok
        figures["calls"][name] = {"total": total, "minimum": minimum, "by_operation": calls}
        detail = ", ".join(f"{op} {n}" for op, n in sorted(calls.items()))
        print(f"  {name:28} {total:4}  minimum {minimum:4}  {verdict(ok):6}  ({detail}; one run {ms(durations[name])})")
        if not ok:
            print(f"      excess: {excess}")
        note = why + (f". **Excess:** {excess}" if excess and not ok else "")
        rows.append([name, total, minimum, verdict(ok), detail, ms(durations[name]), note])
    print("  largest stored item of each kind (bytes): " + json.dumps(sizes, sort_keys=True))
    markdown = "\n\n".join([
        "## DynamoDB round trips per operation",
        "Counted with a botocore `before-call` hook on every session pynamodb makes "
        "(`bench/bench_round_trips.py`; the same counter guards the budget in "
        "`tests/functional/test_dynamodb_calls.py`). In-process moto, `chalice.test.Client`; the alert is "
        "the `send_emails` handler invoked with one stream record (one update, one registered contact). "
        f"Target: each at its minimum ({'all met' if all_met else 'not all met'}).",
        table(["operation", "calls", "minimum", "target", "by operation", "time (one run)",
               "what the minimum is; why any excess"],
              rows),
        "Times are one run each against in-process moto, for the capacity estimate's Lambda durations "
        "only (moto's own transactions deep-copy every table they name; local/moto_patches.py makes them "
        "copy only the items they name, so a transaction no longer slows down as the table grows).",
        "Largest stored item of each kind (bytes, names + values, as DynamoDB counts them): "
        + ", ".join(f"{k} {v}" for k, v in sorted(sizes.items())) + ".",
    ])
    write_section("bench_round_trips", markdown, figures)
    if not all_met:
        raise SystemExit("round-trip benchmark: an operation above its minimum (see above)")


if __name__ == "__main__":
    main()
