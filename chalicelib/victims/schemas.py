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
    "invitation": Spec(raw_string(200), missing="Open the link in your invitation email"),
    "dateOfBirth": Spec(past_date, missing="Enter your date of birth"),
    "password": Spec(raw_string(4 * passwords.MAX_LENGTH), missing="Enter a password"),
}
IDENTITY_SCHEMA = {
    "crimeNumber": Spec(crime_number, missing="Enter your crime number"),
    "surname": Spec(name(), missing="Enter your surname"),
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

# The contact agreement (issue 14): the whole of it, each time ("How we contact you").
CHANNELS = ("email", "text", "both")
LANGUAGES = ("en",)  # "cy" when Welsh lands
CONTACT_AGREEMENT_SCHEMA = {
    "channels": Spec(one_of(CHANNELS), missing="Choose how we contact you"),
    "quietHours": Spec(quiet_hours, missing="Choose whether you want quiet hours"),
    "language": Spec(one_of(LANGUAGES), missing="Choose a language"),
    "phrase": Spec(phrase, required=False, label="Your safety phrase"),
    "safeContact": Spec(boolean, missing="Choose whether messages should look like they are not from the police"),
}
CHANGE_EMAIL_SCHEMA = {"email": Spec(email, missing="Enter your new email address")}
CHANGE_MOBILE_SCHEMA = {"mobile": Spec(mobile, missing="Enter your new mobile number")}
CONFIRM_CHANGE_SCHEMA = {"code": Spec(raw_string(20), missing="Enter the code we sent you")}
