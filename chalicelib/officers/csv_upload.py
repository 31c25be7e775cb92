"""A CSV upload from a records system, as the items of a JSON upload."""

from __future__ import annotations

import csv
import io
from typing import Any

from chalicelib.core.errors import InvalidInput
from chalicelib.core.i18n import t

CSV_COLUMNS = ("kind", "crimeNumber", "officerName", "officerEmail", "contactRole",
               "contactForename", "contactSurname", "contactDateOfBirth", "contactEmail",
               "type", "text", "clientReference", "contactMobile", "contactSafeContact", "contactLanguage",
               "officerCollarNumber", "officerPhone")


def items_from_csv(body: str, max_rows: int) -> list[dict[str, Any]]:
    """CSV upload: one row per update, or per contact of a case (rows of a case
    share its crime number and are joined into one case item)."""
    try:
        return _items_from_csv(body, max_rows)
    except csv.Error as exc:  # a field over csv's size limit, a stray quote... (found by fuzzing)
        raise InvalidInput(fields={"body": t("body.not_csv")}) from exc


def _items_from_csv(body: str, max_rows: int) -> list[dict[str, Any]]:
    # newline="": the csv module reads line endings itself, a lone \r included.
    reader = csv.DictReader(io.StringIO(body, newline=""))
    if reader.fieldnames is None or not set(reader.fieldnames) <= set(CSV_COLUMNS) or \
            "kind" not in reader.fieldnames:
        raise InvalidInput(fields={"body": t("body.csv_columns", columns=",".join(CSV_COLUMNS))})
    items: list[dict[str, Any]] = []
    cases: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(reader):
        if line >= max_rows:
            raise InvalidInput(fields={"body": t("upload.too_many_rows", most=max_rows)})
        row = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if row.get("kind") == "case":
            number = row.get("crimeNumber", "")
            item = cases.get(number.upper())
            if item is None:
                officer = {"name": row.get("officerName"), "email": row.get("officerEmail")}
                # Empty cells: left out (both are optional).
                for column, field in (("officerCollarNumber", "collarNumber"), ("officerPhone", "phone")):
                    if row.get(column):
                        officer[field] = row[column]
                item = {"kind": "case", "crimeNumber": number, "officer": officer, "contacts": []}
                cases[number.upper()] = item
                items.append(item)
            contact: dict[str, Any] = {
                "role": row.get("contactRole"), "forename": row.get("contactForename"),
                "surname": row.get("contactSurname"), "dateOfBirth": row.get("contactDateOfBirth")}
            # An empty cell is a value left out: a contact may have an email, a mobile or both.
            for column, field in (("contactEmail", "email"), ("contactMobile", "mobile"),
                                  ("contactLanguage", "language")):
                if row.get(column):
                    contact[field] = row[column]
            if row.get("contactSafeContact"):
                flag = row["contactSafeContact"].lower()
                contact["safeContact"] = True if flag in ("true", "yes") else False if flag in ("false", "no") \
                    else row["contactSafeContact"]
            item["contacts"].append(contact)
        else:
            items.append({k: row[k] for k in ("kind", "crimeNumber", "type", "text", "clientReference")
                          if row.get(k)})
    return items
