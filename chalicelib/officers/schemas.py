"""What an officer's requests may hold: the allow-list schemas (also the OpenAPI document's)."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.core.conversation import MAX_MESSAGE_LENGTH
from chalicelib.core.domain import CONTACT_ROLES, UPDATE_TYPES
from chalicelib.core.i18n import LANGUAGES
from chalicelib.core.validation import (
    Spec,
    boolean,
    client_reference,
    collar_number,
    coming_date,
    crime_number,
    email,
    list_of,
    mobile,
    name,
    obj,
    one_of,
    past_date,
    phone_number,
    text,
)

MAX_UPDATE_TEXT = 5000
MAX_CONTACTS = 20

CONTACT_SCHEMA = {
    "role": Spec(one_of(CONTACT_ROLES)),
    "forename": Spec(name()),
    "surname": Spec(name()),
    "dateOfBirth": Spec(past_date),
    # At least one of email and mobile (checked with the contact as a whole: officers/service.py).
    "email": Spec(email, required=False),
    "mobile": Spec(mobile, required=False),
    # At risk from someone who may read their phone or email: neutral messages (issue 14).
    "safeContact": Spec(boolean, required=False),
    # Victims' Code: entitled to enhanced rights (updates within 1 working day).
    "enhancedRights": Spec(boolean, required=False),
    # The language of their emails and texts (en or cy; English when left out); they can change it later.
    "language": Spec(one_of(LANGUAGES), required=False),
}
CASE_SCHEMA = {
    "crimeNumber": Spec(crime_number),
    # How a victim reaches the officer in charge: their collar number and a phone number (both optional).
    "officer": Spec(obj({"name": Spec(name()), "email": Spec(email),
                         "collarNumber": Spec(collar_number, required=False),
                         "phone": Spec(phone_number, required=False)})),
    "contacts": Spec(list_of(CONTACT_SCHEMA, max_items=MAX_CONTACTS)),
}
UPDATE_SCHEMA = {
    "type": Spec(one_of(UPDATE_TYPES)),
    "text": Spec(text(MAX_UPDATE_TEXT, multiline=True)),
    "clientReference": Spec(client_reference, required=False),
    # When the next update is due, if not the Victims' Code's 5 (or 1) working days.
    "nextUpdateDueBy": Spec(coming_date, required=False),
}
REPLY_SCHEMA = {
    "text": Spec(text(MAX_MESSAGE_LENGTH, multiline=True), missing="missing.a_message"),
    "clientReference": Spec(client_reference, required=False),
}
REISSUE_SCHEMA = {"email": Spec(email, required=False), "mobile": Spec(mobile, required=False),
                  "language": Spec(one_of(LANGUAGES), required=False)}
SAFE_CONTACT_SCHEMA = {"safeContact": Spec(boolean)}
REISSUE_INTERVAL = timedelta(minutes=15)
UPLOAD_CASE_SCHEMA = {"kind": Spec(one_of(("case",))), **CASE_SCHEMA}
UPLOAD_UPDATE_SCHEMA = {"kind": Spec(one_of(("update",))), "crimeNumber": Spec(crime_number),
                        **{**UPDATE_SCHEMA, "clientReference": Spec(client_reference)}}
