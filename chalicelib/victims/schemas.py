"""What a victim's or witness's requests may hold: the allow-list schemas (also the OpenAPI document's)."""

from __future__ import annotations

from chalicelib.core import passwords
from chalicelib.core.conversation import MAX_MESSAGE_LENGTH
from chalicelib.core.validation import (
    Spec,
    boolean,
    crime_number,
    email,
    force_code,
    mobile,
    name,
    one_of,
    past_date,
    phrase,
    quiet_hours,
    raw_string,
    text,
)

REGISTER_SCHEMA = {
    "invitation": Spec(raw_string(200), missing="missing.invitation"),
    "dateOfBirth": Spec(past_date, missing="missing.date_of_birth"),
    "password": Spec(raw_string(4 * passwords.MAX_LENGTH), missing="missing.password"),
}
IDENTITY_SCHEMA = {
    "crimeNumber": Spec(crime_number, missing="missing.crime_number"),
    "surname": Spec(name(), missing="missing.surname"),
    "dateOfBirth": Spec(past_date, missing="missing.date_of_birth"),
    "force": Spec(force_code, required=False),
}
SIGN_IN_SCHEMA = {**IDENTITY_SCHEMA,
                  "password": Spec(raw_string(4 * passwords.MAX_LENGTH), missing="missing.your_password")}
CHANGE_PASSWORD_SCHEMA = {
    "currentPassword": Spec(raw_string(4 * passwords.MAX_LENGTH), missing="missing.current_password"),
    "newPassword": Spec(raw_string(4 * passwords.MAX_LENGTH), missing="missing.new_password"),
}
RESET_COMPLETE_SCHEMA = {
    "token": Spec(raw_string(200), missing="missing.reset_token"),
    "password": Spec(raw_string(4 * passwords.MAX_LENGTH), missing="missing.new_password"),
}
MESSAGE_SCHEMA = {
    "text": Spec(text(MAX_MESSAGE_LENGTH, multiline=True), missing="missing.your_message"),
}

# The contact agreement (issue 14): the whole of it, each time ("How we contact you").
CHANNELS = ("email", "text", "both")
LANGUAGES = ("en", "cy")  # as chalicelib.core.i18n.LANGUAGES: the language of emails and texts
CONTACT_AGREEMENT_SCHEMA = {
    "channels": Spec(one_of(CHANNELS), missing="missing.channels"),
    "quietHours": Spec(quiet_hours, missing="missing.quiet_hours"),
    "language": Spec(one_of(LANGUAGES), missing="missing.language"),
    "phrase": Spec(phrase, required=False, label="label.your_safety_phrase"),
    "safeContact": Spec(boolean, missing="missing.safe_contact"),
}
CHANGE_EMAIL_SCHEMA = {"email": Spec(email, missing="missing.new_email")}
CHANGE_MOBILE_SCHEMA = {"mobile": Spec(mobile, missing="missing.new_mobile")}
CONFIRM_CHANGE_SCHEMA = {"code": Spec(raw_string(20), missing="missing.code")}
