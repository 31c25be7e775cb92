"""The OpenAPI 3 document of the whole API, built from the same schemas that
validate requests, so the two cannot drift. `make openapi` writes openapi.json;
a test checks that file is current and lists exactly the app's routes."""

from __future__ import annotations

from typing import Any

from chalicelib.core.conversation import Author, InboxReason, ItemKind
from chalicelib.core.domain import (
    CASE_STATUSES,
    UPDATE_TYPES,
    Channel,
    ChannelChoice,
    ContactDisplayStatus,
    ContactRole,
    ContactStatus,
)
from chalicelib.core.i18n import LANGUAGES
from chalicelib.core.validation import json_schema
from chalicelib.officers.schemas import (
    CASE_SCHEMA,
    REISSUE_SCHEMA,
    REPLY_SCHEMA,
    SAFE_CONTACT_SCHEMA,
    UPDATE_SCHEMA,
    UPLOAD_CASE_SCHEMA,
    UPLOAD_UPDATE_SCHEMA,
)
from chalicelib.officers.service import RowStatus
from chalicelib.victims.schemas import (
    CHANGE_EMAIL_SCHEMA,
    CHANGE_MOBILE_SCHEMA,
    CHANGE_PASSWORD_SCHEMA,
    CONFIRM_CHANGE_SCHEMA,
    CONTACT_AGREEMENT_SCHEMA,
    IDENTITY_SCHEMA,
    MESSAGE_SCHEMA,
    REGISTER_SCHEMA,
    RESET_COMPLETE_SCHEMA,
    SIGN_IN_SCHEMA,
)

_STRING = {"type": "string"}
_TIME = {"type": "string", "format": "date-time"}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
_NULLABLE_STRING = {"type": ["string", "null"]}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "required": required if required is not None else list(properties),
            "properties": properties}


UPDATE = _object({"id": _STRING, "postedAt": _TIME, "type": {"type": "string", "enum": list(UPDATE_TYPES)},
                  "typeLabel": _STRING, "text": _STRING, "officerName": _STRING})
ERROR = _object({"code": _STRING, "message": _STRING,
                 "fields": {"type": "object", "additionalProperties": _STRING}}, ["code", "message"])
STATUS = {"type": "string", "enum": list(CASE_STATUSES)}
_NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
MESSAGE = _object({
    "id": _STRING, "from": {"type": "string", "enum": list(Author)}, "kind": {"type": "string", "enum": list(ItemKind)},
    "text": _STRING, "sentAt": _TIME, "readAt": _NULLABLE_TIME,
    "answeredAt": {**_NULLABLE_TIME, "description": "A contact's item: when the officer answered it"},
    "replyDueBy": {**_NULLABLE_DATE, "description": "A contact's unanswered item: when a reply is due"},
    "officerName": {"type": ["string", "null"], "description": "The officer's messages: who wrote it"},
}, ["id", "from", "kind", "text", "sentAt", "readAt"])
_MESSAGES = {"type": "array", "items": {"$ref": "#/components/schemas/Message"},
             "description": "One contact's conversation, newest first"}
VICTIM_CASE = _object({
    "crimeNumber": _STRING, "status": STATUS, "statusLabel": _STRING,
    "officer": _object({"name": _STRING, "role": _STRING, "collarNumber": _NULLABLE_STRING,
                        "phone": {**_NULLABLE_STRING, "description": "A UK number to call them on, if they gave one"}}),
    "updates": {"type": "array", "items": {"$ref": "#/components/schemas/Update"}},
    "messages": _MESSAGES,
    "openUpdateRequest": {"type": ["object", "null"], "properties": {
        "id": _STRING, "requestedAt": _TIME, "replyDueBy": _NULLABLE_DATE}},
    "nextUpdateDueBy": _NULLABLE_DATE,
    "messagesLeftToday": {"type": "integer", "minimum": 0},
    "olderCursor": {"type": ["string", "null"], "description": "Pass back as `before` for the next older page "
                    "(`updates` and `messages` together hold at most 20 items); null: nothing older"},
})
INBOX = _object({"items": {"type": "array", "items": _object({
    "crimeNumber": _STRING, "contactId": {"type": ["string", "null"]},
    "reason": {"type": "string", "enum": list(InboxReason)}, "waitingSince": _TIME, "officerId": _STRING})},
    "cursor": {"type": ["string", "null"], "description": "Pass back as `cursor` for the next page"}})
CONTACT_STATUS = {"type": "string", "enum": list(ContactDisplayStatus)}
_LANGUAGE = {"type": "string", "enum": list(LANGUAGES)}
OFFICER_CASE = _object({
    "crimeNumber": _STRING, "force": _STRING, "status": STATUS, "statusLabel": _STRING,
    "officer": _object({"name": _STRING, "email": _STRING, "collarNumber": _NULLABLE_STRING,
                        "phone": _NULLABLE_STRING}),
    "createdAt": _TIME, "closedAt": _NULLABLE_TIME,
    "contacts": {"type": "array", "items": _object({
        "id": _STRING, "role": {"type": "string", "enum": list(ContactRole)}, "forename": _STRING,
        "surname": _STRING, "status": CONTACT_STATUS, "registeredAt": _NULLABLE_TIME,
        "invitationExpiresAt": _NULLABLE_TIME, "alertsFailing": {"type": "boolean"},
        "alertsFailingReason": {"type": ["string", "null"]}, "enhancedRights": {"type": "boolean"},
        "hasEmail": {"type": "boolean"}, "hasMobile": {"type": "boolean"},
        "channels": {"type": "array", "items": {"type": "string", "enum": list(Channel)},
                     "description": "How alerts reach this contact now (their choice, where they have the address)"},
        "textsFailing": {"type": "boolean"},
        "textsFailingReason": {"type": ["string", "null"], "description": "Why texts fail (refused, number "
                               "opted out by replying STOP, given up): what to do, in words for the officer"},
        "safeContact": {"type": "boolean", "description": "Messages use a neutral sender and wording"},
        "language": {**_LANGUAGE, "description": "The language of the contact's emails and texts"},
        "stoppedAt": {**_NULLABLE_TIME, "description": "When the contact stopped using the service: no alerts "
                      "go to them; they want to be contacted another way"},
        "lastReadAt": _NULLABLE_TIME, "readUpdateIds": {"type": "array", "items": _STRING},
        "messages": _MESSAGES})},
    "updates": {"type": "array", "items": {"$ref": "#/components/schemas/Update"}},
    "olderCursor": {"type": ["string", "null"], "description": "Pass back as `before` for the next 20 older "
                    "updates; null: nothing older"},
    "nextUpdateDueBy": _NULLABLE_DATE,
})
_BEFORE_PARAMETER = {"name": "before", "in": "query", "required": False, "schema": _STRING,
                     "description": "`olderCursor` of the page before: the next older page"}
_CHOICE = {"type": "string", "enum": list(ChannelChoice)}
ACCOUNT = _object({
    "email": {"type": ["string", "null"]},
    "mobile": {"type": ["string", "null"], "description": "E.164, like +447700900982"},
    "channels": {**_CHOICE, "description": "How we contact them: what they chose, or every channel they "
                 "have an address for"},
    "availableChannels": {"type": "array", "items": _CHOICE, "description": "The choices they have an address "
                          "for (`both` only with an email address and a mobile number)"},
    "quietHours": {"type": "string", "description": "`none` or `HH:MM-HH:MM`, UK time: no texts then"},
    "language": _LANGUAGE,
    "phrase": {"type": ["string", "null"], "description": "Their anti-phishing phrase, in every email and text"},
    "safeContact": {"type": "boolean"},
    "pendingChange": {"type": ["object", "null"], "required": ["channel", "expiresAt"], "properties": {
        "channel": {"type": "string", "enum": list(Channel)}, "expiresAt": _TIME},
        "description": "A new email address or mobile number waiting for its code"},
    "agreed": {"type": "boolean", "description": "Whether they have chosen how we contact them since they "
               "registered or last stopped using the service (the site asks until they have)"},
})
CHANGE_SENT = _object({"channel": {"type": "string", "enum": list(Channel)}, "expiresAt": _TIME})
CREATED_CASE = _object({"crimeNumber": _STRING, "contacts": {"type": "array", "items": _object({
    "id": _STRING, "role": _STRING, "forename": _STRING, "surname": _STRING, "status": CONTACT_STATUS,
    "invitationExpiresAt": _TIME})}})
UPLOAD_RESULT = _object({
    "summary": _object({"created": {"type": "integer"}, "duplicate": {"type": "integer"},
                        "rejected": {"type": "integer"}}),
    "results": {"type": "array", "items": _object({
        "row": {"type": "integer"}, "kind": {"type": ["string", "null"]},
        "status": {"type": "string", "enum": list(RowStatus)},
        "crimeNumber": _STRING, "id": _STRING, "message": _STRING,
        "fields": {"type": "object", "additionalProperties": _STRING}}, ["row", "kind", "status"])},
})
CSV_COLUMNS_DOC = ("CSV with a header row of these columns: kind, crimeNumber, officerName, officerEmail, "
                   "contactRole, contactForename, contactSurname, contactDateOfBirth, contactEmail, "
                   "contactMobile, contactSafeContact (true or false), contactLanguage (en or cy; left empty: en), "
                   "type, text, clientReference. Rows of kind "
                   "`case` that share a crime number form one case; a contact needs contactEmail, contactMobile "
                   "or both.")


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, **_json({"$ref": "#/components/schemas/Error"})}


def _operation(summary: str, responses: dict[str, Any], body: dict[str, Any] | None = None,
               officer: bool = False, tags: tuple[str, ...] = ()) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "tags": list(tags), "responses": {
        **responses,
        "400": _error("Invalid input: `fields` says what is wrong with each field"),
        "413": _error("Body too large"),
        "415": _error("Body is not application/json"),
        "503": _error("The service is unavailable; nothing was changed"),
    }}
    if body is not None:
        operation["requestBody"] = {"required": True, **body}
    if officer:
        operation["security"] = [{"officerToken": []}]
        # With no Authorization header at all, API Gateway (and `chalice local`)
        # answers 401 itself, before the authorizer: {"message": "Unauthorized"}.
        operation["responses"]["401"] = {
            "description": "Missing or invalid officer token",
            **_json({"anyOf": [{"$ref": "#/components/schemas/Error"},
                               _object({"message": _STRING})]})}
        operation["responses"]["403"] = _error("The token's role does not allow this")
    return operation


_CRIME_NUMBER_PARAMETER = {"name": "crime_number", "in": "path", "required": True,
                           "schema": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9/\\-]{2,39}$"}}
_CONTACT_ID_PARAMETER = {"name": "contact_id", "in": "path", "required": True,
                         "schema": {"type": "string", "maxLength": 100}}
_REQUEST = _object({"id": _STRING, "requestedAt": _TIME, "replyDueBy": _NULLABLE_DATE})
_COOKIE = {"description": "`__Host-tmc_session`: HttpOnly, Secure, SameSite=Strict", "schema": _STRING}


def document() -> dict[str, Any]:
    victim, officer = ("victim",), ("officer",)
    paths: dict[str, Any] = {
        "/health": {"get": {"summary": "Ready to serve", "responses": {
            "200": {"description": "Ready", **_json(_object({"status": _STRING}))}}}},
        "/victim/register": {"post": _operation(
            "Register from an invitation: confirm date of birth, choose a password",
            {"201": {"description": "Registered", **_json(_object({"crimeNumber": _STRING}))}},
            _json(json_schema(REGISTER_SCHEMA)), tags=victim)},
        "/victim/sign-in": {"post": _operation(
            "Sign in with crime number, surname, date of birth and password",
            {"200": {"description": "Signed in; sets the session cookie",
                     "headers": {"Set-Cookie": _COOKIE},
                     **_json(_object({"expiresAt": _TIME, "idleTimeoutSeconds": {"type": "integer"}}))},
             "401": _error("The details do not match (the same answer for every mismatch)"),
             "429": _error("Too many attempts at these details or from this connection: wait 10 minutes")},
            _json(json_schema(SIGN_IN_SCHEMA)), tags=victim)},
        "/victim/case": {"get": {
            "summary": "The signed-in contact's case and its updates, newest first", "tags": list(victim),
            "security": [{"victimSession": []}], "parameters": [_BEFORE_PARAMETER],
            "responses": {"200": {"description": "The case", **_json({"$ref": "#/components/schemas/VictimCase"})},
                          "400": _error("`before` is not a cursor this service gave out"),
                          "401": _error("Not signed in, or the session has ended")}}},
        "/victim/sign-out": {"post": {
            "summary": "End every session of the signed-in contact", "tags": list(victim),
            "requestBody": {"required": False, **_json({"type": "object", "maxProperties": 0})},
            "responses": {"204": {"description": "Signed out"},
                          "400": _error("The body is not empty JSON"),
                          "413": _error("Body too large"),
                          "415": _error("Body is not application/json")}}},
        "/victim/password": {"post": {
            **_operation("Change the password, giving the current one; ends every session, this one too",
                         {"204": {"description": "Password changed; sign in again", "headers": {"Set-Cookie": _COOKIE}},
                          "401": _error("Not signed in, or the session has ended")},
                         _json(json_schema(CHANGE_PASSWORD_SCHEMA)), tags=victim),
            "security": [{"victimSession": []}]}},
        "/victim/password-reset": {"post": _operation(
            "Ask for a password reset link (always the same answer)",
            {"202": {"description": "Accepted", **_json(_object({"message": _STRING}))}},
            _json(json_schema(IDENTITY_SCHEMA)), tags=victim)},
        "/victim/password-reset/complete": {"post": _operation(
            "Set a new password from a reset link; ends every session",
            {"204": {"description": "Password changed"}},
            _json(json_schema(RESET_COMPLETE_SCHEMA)), tags=victim)},
        "/victim/update-request": {"post": {
            "summary": "Ask the officer in charge for an update (one open request at a time)", "tags": list(victim),
            "security": [{"victimSession": []}],
            "requestBody": {"required": False, **_json({"type": "object", "maxProperties": 0})},
            "responses": {
                "201": {"description": "Asked", **_json(_REQUEST)},
                "200": {"description": "A request is open already: this is it", **_json(_REQUEST)},
                "400": _error("The body is not empty JSON"), "401": _error("Not signed in, or the session has ended"),
                "413": _error("Body too large"), "415": _error("Body is not application/json"),
                "503": _error("The service is unavailable; nothing was changed")}}},
        "/victim/session/keep-alive": {"post": {
            "summary": "The person is using the page: start the session's idle time again, reading nothing "
                       "(no read receipt); at most once a minute per session",
            "tags": list(victim), "security": [{"victimSession": []}],
            "requestBody": {"required": False, **_json({"type": "object", "maxProperties": 0})},
            "responses": {"204": {"description": "The session's idle time starts again"},
                          "400": _error("The body is not empty JSON"),
                          "401": _error("Not signed in, or the session has ended (it is not revived)"),
                          "413": _error("Body too large"), "415": _error("Body is not application/json"),
                          "429": _error("Kept alive less than a minute ago; the session is unchanged")}}},
        "/victim/messages": {"post": {
            **_operation("Send a message to the officer in charge (plain text; 10 a day)",
                         {"201": {"description": "Sent", **_json(_object({
                             "id": _STRING, "sentAt": _TIME, "replyDueBy": _NULLABLE_DATE}))},
                          "401": _error("Not signed in, or the session has ended"),
                          "429": _error("The day's messages are used up")},
                         _json(json_schema(MESSAGE_SCHEMA)), tags=victim),
            "security": [{"victimSession": []}]}},
        "/victim/account": {"get": {
            "summary": "The signed-in contact's account: addresses and the contact agreement", "tags": list(victim),
            "security": [{"victimSession": []}],
            "responses": {"200": {"description": "The account", **_json({"$ref": "#/components/schemas/Account"})},
                          "401": _error("Not signed in, or the session has ended")}}},
        "/victim/contact-agreement": {"put": {
            **_operation("Set the whole contact agreement: channels (only those they have an address for), "
                         "quiet hours for texts, language, anti-phishing phrase (left out: none), safe contact",
                         {"200": {"description": "Saved", **_json({"$ref": "#/components/schemas/Account"})},
                          "401": _error("Not signed in, or the session has ended")},
                         _json(json_schema(CONTACT_AGREEMENT_SCHEMA)), tags=victim),
            "security": [{"victimSession": []}]}},
        "/victim/account/email": {"post": {
            **_operation("Change the email address: a code goes to the new address (it takes effect when "
                         "confirmed) and a notice to the old one",
                         {"202": {"description": "Code sent", **_json(CHANGE_SENT)},
                          "401": _error("Not signed in, or the session has ended"),
                          "429": _error("Too many changes asked for today")},
                         _json(json_schema(CHANGE_EMAIL_SCHEMA)), tags=victim),
            "security": [{"victimSession": []}]}},
        "/victim/account/mobile": {"post": {
            **_operation("Add or change the mobile number: a code goes by text to the new number (it takes "
                         "effect when confirmed) and a notice to the old one",
                         {"202": {"description": "Code sent", **_json(CHANGE_SENT)},
                          "401": _error("Not signed in, or the session has ended"),
                          "429": _error("Too many changes asked for today")},
                         _json(json_schema(CHANGE_MOBILE_SCHEMA)), tags=victim),
            "security": [{"victimSession": []}]}},
        "/victim/account/confirm": {"post": {
            **_operation("Confirm the new email address or mobile number with the code sent to it "
                         "(5 tries; the code lasts 1 hour)",
                         {"200": {"description": "Changed", **_json({"$ref": "#/components/schemas/Account"})},
                          "401": _error("Not signed in, or the session has ended")},
                         _json(json_schema(CONFIRM_CHANGE_SCHEMA)), tags=victim),
            "security": [{"victimSession": []}]}},
        "/victim/stop": {"post": {
            "summary": "Stop using Track My Crime: no more alerts, every session ends; the officer is told "
                       "to contact them another way", "tags": list(victim),
            "security": [{"victimSession": []}],
            "requestBody": {"required": False, **_json({"type": "object", "maxProperties": 0})},
            "responses": {"204": {"description": "Stopped; signed out", "headers": {"Set-Cookie": _COOKIE}},
                          "400": _error("The body is not empty JSON"),
                          "401": _error("Not signed in, or the session has ended"),
                          "413": _error("Body too large"), "415": _error("Body is not application/json"),
                          "503": _error("The service is unavailable; nothing was changed")}}},
        "/officer/cases/{crime_number}/contacts/{contact_id}/safe-contact": {"post": {
            **_operation("Mark a victim or witness as at risk from someone who may read their messages (neutral "
                         "sender and wording), or clear the mark",
                         {"200": {"description": "Saved", **_json(_object({"id": _STRING,
                                                                           "safeContact": {"type": "boolean"}}))},
                          "404": _error("No such case in the officer's force, or no such contact in it")},
                         _json(json_schema(SAFE_CONTACT_SCHEMA)), officer=True, tags=officer),
            "parameters": [_CRIME_NUMBER_PARAMETER, _CONTACT_ID_PARAMETER]}},
        "/officer/inbox": {"get": {
            **_operation("What needs the force's attention, oldest first: unanswered messages and update "
                         "requests, updates due under the Victims' Code, updates unread for 7 days",
                         {"200": {"description": "A page of the inbox", **_json(INBOX)}}, officer=True, tags=officer),
            "parameters": [
                {"name": "mine", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["true", "false"]}},
                {"name": "since", "in": "query", "required": False, "schema": {"type": "string", "format": "date-time"},
                 "description": "Only what came due at or after this time (a records system's feed)"},
                {"name": "cursor", "in": "query", "required": False, "schema": _STRING}]}},
        "/officer/cases/{crime_number}/contacts/{contact_id}/messages": {"post": {
            **_operation("Reply to one victim or witness (they are alerted, without the text); the same "
                         "clientReference again answers the existing reply",
                         {"201": {"description": "Sent",
                                  **_json(_object({"id": _STRING, "created": {"type": "boolean"}}))},
                          "200": {"description": "Already sent with this clientReference",
                                  **_json(_object({"id": _STRING, "created": {"type": "boolean"}}))},
                          "404": _error("No such case in the officer's force, or no such contact in it")},
                         _json(json_schema(REPLY_SCHEMA)), officer=True, tags=officer),
            "parameters": [_CRIME_NUMBER_PARAMETER, _CONTACT_ID_PARAMETER]}},
        "/officer/cases": {"post": _operation(
            "Record a case with its victims and witnesses; each gets an invitation",
            {"201": {"description": "Created", **_json(CREATED_CASE)},
             "409": _error("A case with this crime number exists in the force")},
            _json(json_schema(CASE_SCHEMA)), officer=True, tags=officer)},
        "/officer/cases/{crime_number}": {"get": {
            **_operation("A case of the officer's force, with contacts' status and updates",
                         {"200": {"description": "The case", **_json(OFFICER_CASE)},
                          "400": _error("`before` is not a cursor this service gave out"),
                          "404": _error("No such case in the officer's force")}, officer=True, tags=officer),
            "parameters": [_CRIME_NUMBER_PARAMETER, _BEFORE_PARAMETER]}},
        "/officer/cases/{crime_number}/updates": {"post": {
            **_operation("Post an update; the same clientReference again answers the existing update",
                         {"201": {"description": "Created",
                                  **_json(_object({"id": _STRING, "created": {"type": "boolean"}}))},
                          "200": {"description": "Already posted with this clientReference",
                                  **_json(_object({"id": _STRING, "created": {"type": "boolean"}}))},
                          "404": _error("No such case in the officer's force")},
                         _json(json_schema(UPDATE_SCHEMA)), officer=True, tags=officer),
            "parameters": [_CRIME_NUMBER_PARAMETER]}},
        "/officer/cases/{crime_number}/contacts/{contact_id}/invitation": {"post": {
            **_operation("Send a new invitation to a victim or witness who has not registered (optionally to a "
                         "corrected email address or mobile number); the last invitation's link stops working",
                         {"201": {"description": "Invitation sent", **_json(_object({
                             "id": _STRING, "status": {"type": "string", "enum": [ContactStatus.INVITED]},
                             "invitationExpiresAt": _TIME}))},
                          "404": _error("No such case in the officer's force, or no such contact in it"),
                          "409": _error("The contact has registered, or was invited in the last 15 minutes")},
                         {"required": False, **_json(json_schema(REISSUE_SCHEMA))}, officer=True, tags=officer),
            "parameters": [_CRIME_NUMBER_PARAMETER, _CONTACT_ID_PARAMETER]}},
        "/officer/uploads": {"post": _operation(
            "Batch upload of cases and updates (at most 500 rows); a result per row",
            {"200": {"description": "A result per row", **_json(UPLOAD_RESULT)}},
            {"content": {
                "application/json": {"schema": {
                    "type": "object", "additionalProperties": False, "required": ["items"],
                    # Each row is validated on its own: a bad row is rejected in the
                    # results (200), it does not fail the request. So the request
                    # schema takes any value per row; the rows' schemas are below.
                    "properties": {"items": {"type": "array", "maxItems": 500, "items": {
                        "description": "A row: see UploadCaseRow and UploadUpdateRow"}}}}},
                "text/csv": {"schema": {"type": "string", "description": CSV_COLUMNS_DOC}}}},
            officer=True, tags=officer)},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Track My Crime API", "version": "1.0.0",
                 "description": "Victims and witnesses follow their investigation; officers post cases "
                                "and updates. Errors are {code, message, fields}. Messages, field messages "
                                "and labels (statusLabel, typeLabel) are in the language Accept-Language "
                                "ranks first of English (en) and Welsh (cy), English by default; "
                                "Content-Language says which."},
        "servers": [{"url": "/api"}],
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR, "Update": UPDATE, "VictimCase": VICTIM_CASE, "Message": MESSAGE,
                        "Account": ACCOUNT,
                        "UploadCaseRow": json_schema(UPLOAD_CASE_SCHEMA),
                        "UploadUpdateRow": json_schema(UPLOAD_UPDATE_SCHEMA)},
            "securitySchemes": {
                "officerToken": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                 "description": "An OIDC access token with `force` and `roles` claims"},
                "victimSession": {"type": "apiKey", "in": "cookie", "name": "__Host-tmc_session"},
            },
        },
    }


def main() -> None:
    import json
    import sys

    json.dump(document(), sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
