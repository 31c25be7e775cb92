"""The batch upload endpoint: JSON and CSV, a result per row, idempotent."""

from __future__ import annotations

import pytest

from tests.factories import case_body, contact, crime_number
from tests.support import Journey, body, post_json


@pytest.fixture
def rms(issuer):
    return issuer.headers(role="integration")


def _export(numbers):
    items = []
    for n in numbers:
        items.append({"kind": "case", **case_body(number=n)})
        items.append({"kind": "update", "crimeNumber": n, "type": "crime_recorded",
                      "text": "Your crime has been recorded.", "clientReference": f"{n}/1"})
    return {"items": items}


def test_upload_creates_cases_and_updates_with_a_result_per_row(client, rms):
    export = _export([crime_number(), crime_number()])
    response = post_json(client, "/officer/uploads", export, rms)
    assert response.status_code == 200
    result = body(response)
    assert result["summary"] == {"created": 4, "duplicate": 0, "rejected": 0}
    assert [r["row"] for r in result["results"]] == [0, 1, 2, 3]


def test_resending_the_same_export_creates_nothing_new(client, rms, issuer):
    numbers = [crime_number(), crime_number()]
    post_json(client, "/officer/uploads", _export(numbers), rms)
    again = body(post_json(client, "/officer/uploads", _export(numbers), rms))
    assert again["summary"] == {"created": 0, "duplicate": 4, "rejected": 0}
    case = body(client.http.get(f"/officer/cases/{numbers[0]}", headers=issuer.headers()))
    assert len(case["updates"]) == 1


def test_bad_rows_are_rejected_with_reasons_and_good_rows_still_land(client, rms):
    number = crime_number()
    items = [
        {"kind": "case", **case_body(number=number)},
        {"kind": "update", "crimeNumber": number, "type": "nonsense", "text": "x", "clientReference": "a"},
        {"kind": "update", "crimeNumber": number, "type": "charged", "text": "Charged."},
        {"kind": "update", "crimeNumber": "NO-SUCH-9", "type": "charged", "text": "x", "clientReference": "b"},
        {"kind": "wat"},
        "not an object",
        {"kind": "update", "crimeNumber": number, "type": "charged", "text": "Charged.", "clientReference": "c"},
    ]
    result = body(post_json(client, "/officer/uploads", {"items": items}, rms))
    statuses = [r["status"] for r in result["results"]]
    assert statuses == ["created", "rejected", "rejected", "rejected", "rejected", "rejected", "created"]
    assert result["results"][1]["fields"] == {"type": result["results"][1]["fields"]["type"]}
    assert "clientReference" in result["results"][2]["fields"]
    assert result["results"][3]["fields"] == {"crimeNumber": "No case with this crime number"}


def test_upload_of_more_than_500_rows_is_refused_whole(client, rms):
    items = [{"kind": "update", "crimeNumber": "X-1", "type": "charged", "text": "x",
              "clientReference": str(i)} for i in range(501)]
    response = post_json(client, "/officer/uploads", {"items": items}, rms)
    assert response.status_code == 400
    assert "items" in body(response)["fields"]


def test_upload_body_must_be_items_and_nothing_else(client, rms):
    response = post_json(client, "/officer/uploads", {"items": [], "extra": 1}, rms)
    assert response.status_code == 400


def test_csv_upload_joins_contact_rows_into_one_case(client, rms, issuer):
    number = crime_number()
    victim, witness = contact(), contact(role="witness")
    header = ("kind,crimeNumber,officerName,officerEmail,contactRole,contactForename,contactSurname,"
              "contactDateOfBirth,contactEmail,type,text,clientReference")
    rows = [header]
    for c in (victim, witness):
        rows.append(f"case,{number},PC Alex Morgan,alex@lincs.police.example,{c['role']},{c['forename']},"
                    f"{c['surname']},{c['dateOfBirth']},{c['email']},,,")
    rows.append(f'update,{number},,,,,,,,suspect_arrested,"A man was arrested, and interviewed.",rms-1')
    headers = {**rms, "Content-Type": "text/csv"}
    response = client.http.post("/officer/uploads", headers=headers, body="\n".join(rows))
    assert response.status_code == 200, response.body
    assert body(response)["summary"] == {"created": 2, "duplicate": 0, "rejected": 0}
    case = body(client.http.get(f"/officer/cases/{number}", headers=issuer.headers()))
    assert len(case["contacts"]) == 2
    assert case["updates"][0]["text"] == "A man was arrested, and interviewed."


def test_csv_with_unknown_columns_is_refused(client, rms):
    headers = {**rms, "Content-Type": "text/csv"}
    response = client.http.post("/officer/uploads", headers=headers, body="kind,secret\ncase,1")
    assert response.status_code == 400
    assert "body" in body(response)["fields"]


def test_uploaded_cases_belong_to_the_uploaders_force(client, rms, issuer):
    number = crime_number()
    post_json(client, "/officer/uploads", _export([number]), rms)
    assert client.http.get(f"/officer/cases/{number}", headers=issuer.headers("avon")).status_code == 404


def test_journey_helpers_see_uploaded_cases(client, issuer, aws, rms):
    number = crime_number()
    post_json(client, "/officer/uploads", _export([number]), rms)
    assert Journey(client, issuer, aws).post_update(number, clientReference=f"{number}/1").status_code == 200


@pytest.mark.parametrize("types, status, due", [
    (["charged", "progress_update", "case_closed"], "closed", False),
    (["case_closed", "progress_update"], "closed", False),  # a closed case stays closed, no update due
    (["case_closed", "case_reopened", "progress_update"], "investigating", True),
])
def test_several_rows_on_one_case_leave_it_as_posting_them_one_by_one_would(client, rms, issuer, types, status,
                                                                             due):
    """An upload's rows on one case are written together (issue 17): the case
    ends as its last status change left it, its next update due as its last row."""
    batched, single = crime_number(), crime_number()
    for number in (batched, single):
        post_json(client, "/officer/uploads", {"items": [{"kind": "case", **case_body(number=number)}]}, rms)
    rows = [{"kind": "update", "crimeNumber": batched, "type": t, "text": f"Row {i}", "clientReference": f"r{i}"}
            for i, t in enumerate(types)]
    assert body(post_json(client, "/officer/uploads", {"items": rows}, rms))["summary"]["created"] == len(types)
    for row in rows:
        post_json(client, "/officer/uploads", {"items": [{**row, "crimeNumber": single}]}, rms)
    pages = [body(client.http.get(f"/officer/cases/{n}", headers=issuer.headers())) for n in (batched, single)]
    for page in pages:
        assert page["status"] == status and (page["nextUpdateDueBy"] is not None) == due
        assert [u["type"] for u in page["updates"]] == types[::-1]
    assert pages[0]["nextUpdateDueBy"] == pages[1]["nextUpdateDueBy"]


def test_a_refused_transaction_falls_back_to_one_row_at_a_time_and_posts_nothing_twice(client, rms, issuer,
                                                                                     monkeypatch):
    """A reference used after the upload's batch read (a concurrent upload) makes
    its transaction refuse: nothing of it is written, and its rows go one by one."""
    from chalicelib import bootstrap

    used, fresh = crime_number(), crime_number()
    for number in (used, fresh):
        post_json(client, "/officer/uploads", {"items": [{"kind": "case", **case_body(number=number)}]}, rms)
    first = {"kind": "update", "crimeNumber": used, "type": "progress_update", "text": "One", "clientReference": "x"}
    original = body(post_json(client, "/officer/uploads", {"items": [first]}, rms))["results"][0]["id"]
    monkeypatch.setattr(bootstrap.services().officers._cases, "updates_by_reference", lambda refs, now: {})
    rows = [first, {**first, "clientReference": "y"},
            {**first, "crimeNumber": fresh}, {**first, "crimeNumber": fresh, "clientReference": "y"}]
    results = body(post_json(client, "/officer/uploads", {"items": rows}, rms))["results"]
    assert [r["status"] for r in results] == ["duplicate", "created", "created", "created"]
    assert results[0]["id"] == original
    for number, expected in ((used, 2), (fresh, 2)):
        page = body(client.http.get(f"/officer/cases/{number}", headers=issuer.headers()))
        assert len(page["updates"]) == expected
