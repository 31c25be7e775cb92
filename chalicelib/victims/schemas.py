"""What a victim's or witness's requests may hold: the allow-list schemas (also the OpenAPI document's)."""

from __future__ import annotations

from chalicelib.core import passwords
from chalicelib.core.conversation import MAX_MESSAGE_LENGTH
from chalicelib.core.validation import Spec, crime_number, force_code, past_date, raw_string, text

REGISTER_SCHEMA = {
    "invitation": Spec(raw_string(200), missing="Open the link in your invitation email"),
    "dateOfBirth": Spec(past_date, missing="Enter your date of birth"),
    "password": Spec(raw_string(4 * passwords.MAX_LENGTH), missing="Enter a password"),
}
IDENTITY_SCHEMA = {
    "crimeNumber": Spec(crime_number, missing="Enter your crime number"),
    "surname": Spec(text(100), missing="Enter your surname"),
    "dateOfBirth": Spec(past_date, missing="Enter your date of birth"),
    "force": Spec(force_code, required=False),
}
SIGN_IN_SCHEMA = {**IDENTITY_SCHEMA,
                  "password": Spec(raw_string(4 * passwords.MAX_LENGTH), missing="Enter your password")}
CHANGE_PASSWORD_SCHEMA = {
    "currentPassword": Spec(raw_string(4 * passwords.MAX_LENGTH), missing="Enter your current password"),
    "newPassword": Spec(raw_string(4 * passwords.MAX_LENGTH), missing="Enter a new password"),
}
RESET_COMPLETE_SCHEMA = {
    "token": Spec(raw_string(200), missing="Open the link in your password reset email"),
    "password": Spec(raw_string(4 * passwords.MAX_LENGTH), missing="Enter a new password"),
}
MESSAGE_SCHEMA = {
    "text": Spec(text(MAX_MESSAGE_LENGTH, multiline=True), missing="Enter your message"),
}
