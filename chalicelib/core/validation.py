"""Allow-list validation of request bodies.

A schema maps each allowed field to (validator, required). Unknown fields are
refused; every problem is reported at once, keyed by the field's path
(`contacts[0].email`), in words a person can act on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from chalicelib.core.errors import InvalidInput
from chalicelib.core.i18n import MissingMessage, t

Validator = Callable[[Any], Any]


class FieldError(ValueError):
    """A value's problem, as a message key of the api catalogue and its
    placeholders. The words are made when the field's label is known
    (`worded`), in the request's language: a key under `field.` says what is
    wrong with "{label}"; any other is a whole sentence."""

    def __init__(self, key: str, **params: Any):
        super().__init__(key)
        self.key = key
        self.params = params


def described(schema: dict[str, Any]) -> Callable[[Validator], Validator]:
    """Attaches the JSON Schema of what a validator accepts (for the OpenAPI document)."""
    def attach(validator: Validator) -> Validator:
        validator.json_schema = schema  # type: ignore[attr-defined]
        return validator
    return attach


def json_schema(schema: Schema) -> dict[str, Any]:
    """The JSON Schema of a whole body schema: what the OpenAPI document publishes."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [name for name, spec in schema.items() if spec.required],
        "properties": {name: _spec_schema(spec.validator) for name, spec in schema.items()},
    }


def _spec_schema(validator: Any) -> dict[str, Any]:
    if isinstance(validator, obj):
        return json_schema(validator.schema)
    if isinstance(validator, list_of):
        return {"type": "array", "minItems": validator.min_items, "maxItems": validator.max_items,
                "items": json_schema(validator.schema)}
    return dict(validator.json_schema)


@dataclass(frozen=True)
class Spec:
    validator: Validator | _Nested
    required: bool = True
    missing: str | None = None  # key of what a person is told when a required field is empty
    label: str | None = None  # key of the field's name in messages; `label.<field>` when not given


def label_of(field: str) -> str:
    """A field's key as words: `dateOfBirth` is "Date of birth"."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", field).lower()
    return words[:1].upper() + words[1:]


def field_label(field: str, label: str | None = None) -> str:
    """A field's name in messages, in the current language: the catalogue's
    `label` key (or `label.<field>`); a label that is no key is used as it is
    (English words), and a field with no label its key as words."""
    try:
        return t(label or f"label.{field}")
    except MissingMessage:
        return label or label_of(field)


def worded(error: FieldError, label: str) -> str:
    """A validator's problem with the field named ("Date of birth must be in the
    past", "Rhaid i’r dyddiad geni fod yn y gorffennol"), as GOV.UK error
    messages are; a whole sentence ("Enter an email address...") as it is."""
    return t(error.key, label=label, **error.params)


Schema = dict[str, Spec]


def validate(body: Any, schema: Schema, path: str = "") -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned = _validate_into(body, schema, path, errors)
    if errors:
        raise InvalidInput(fields=errors)
    return cleaned


def _validate_into(body: Any, schema: Schema, path: str, errors: dict[str, str]) -> dict[str, Any]:
    if not isinstance(body, dict):
        errors[path or "body"] = t("body.not_an_object")
        return {}
    cleaned: dict[str, Any] = {}
    for name in body:
        if name not in schema:
            errors[f"{path}{name}"] = t("body.unknown_field")
    for name, spec in schema.items():
        where = f"{path}{name}"
        if name not in body and not spec.required:
            continue
        value = body.get(name)
        label = field_label(name, spec.label)
        if value is None or (isinstance(value, str) and not value.strip()):
            # An optional field is left out, never sent empty: what the schema says.
            if not spec.required:
                errors[where] = t("field.empty_optional", label=label)
            elif spec.missing:
                errors[where] = t(spec.missing)
            else:
                errors[where] = t("field.missing", label_lower=label[:1].lower() + label[1:])
            continue
        try:
            if isinstance(spec.validator, _Nested):
                cleaned[name] = spec.validator.run(value, f"{where}", errors)
            else:
                cleaned[name] = spec.validator(value)
        except FieldError as exc:
            errors[where] = worded(exc, label)
    return cleaned


class _Nested:
    def run(self, value: Any, where: str, errors: dict[str, str]) -> Any:
        raise NotImplementedError


class obj(_Nested):  # noqa: N801 - reads as a type in schemas
    def __init__(self, schema: Schema):
        self.schema = schema

    def run(self, value: Any, where: str, errors: dict[str, str]) -> Any:
        if not isinstance(value, dict):
            errors[where] = t("body.not_an_object_field")
            return None
        return _validate_into(value, self.schema, f"{where}.", errors)


class list_of(_Nested):  # noqa: N801
    def __init__(self, schema: Schema, min_items: int = 1, max_items: int = 20):
        self.schema, self.min_items, self.max_items = schema, min_items, max_items

    def run(self, value: Any, where: str, errors: dict[str, str]) -> Any:
        if not isinstance(value, list):
            errors[where] = t("body.not_a_list")
            return None
        if not self.min_items <= len(value) <= self.max_items:
            errors[where] = t("body.entries_between", least=self.min_items, most=self.max_items)
            return None
        return [_validate_into(v, self.schema, f"{where}[{i}].", errors) for i, v in enumerate(value)]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def is_text(value: str) -> bool:
    """Whether a string is Unicode text that can be stored and sent: no lone
    UTF-16 surrogate (which JSON's `\\ud800` escape can carry) and no NUL."""
    return "\x00" not in value and not _SURROGATE.search(value)


def text(max_length: int, *, multiline: bool = False) -> Validator:
    @described({"type": "string", "minLength": 1, "maxLength": max_length})
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise FieldError("field.not_text")
        if len(value) > max_length:  # as sent: the cap bounds what anyone may send
            raise FieldError("field.too_long", most=f"{max_length:,}")
        if not is_text(value):
            raise FieldError("field.bad_characters")
        value = value.strip()
        if _CONTROL.search(value) or (not multiline and ("\n" in value or "\r" in value)):
            raise FieldError("field.bad_characters")
        if len(value) > max_length:
            raise FieldError("field.too_long", most=f"{max_length:,}")
        return value
    return check


# The joiners some scripts need inside a word (Persian, Indic): the only format
# characters a name may hold.
_JOINERS = frozenset("\u200c\u200d")


def is_printable_name(value: str) -> bool:
    """No control, format, private-use or unassigned character (Unicode category
    C: bidirectional controls, zero-width space, soft hyphen, BOM, tab...), but
    for the joiners: nothing that can make a name look like another or reorder
    what is shown around it."""
    return all(unicodedata.category(c)[0] != "C" or c in _JOINERS for c in value)


def name(max_length: int = 100) -> Validator:
    """A person's name (or an officer's, as they give it): text on one line,
    in any script, with no invisible characters."""
    plain = text(max_length)

    @described({"type": "string", "minLength": 1, "maxLength": max_length})
    def check(value: Any) -> str:
        value = plain(value)
        if not is_printable_name(value):
            raise FieldError("field.bad_characters")
        return value
    return check


def raw_string(max_length: int) -> Validator:
    """A string kept exactly as sent (passwords, tokens): never trimmed."""
    @described({"type": "string", "minLength": 1, "maxLength": max_length})
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise FieldError("field.not_text")
        if len(value) > max_length:
            raise FieldError("field.too_long", most=f"{max_length:,}")
        if not is_text(value):
            raise FieldError("field.bad_characters")
        return value
    return check


_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$")
EMAIL_FORMAT = "email.format"


def _ascii_domain(domain: str) -> str | None:
    """A domain's ASCII form under IDNA 2008 (the `idna` package: `faß.de` is
    `xn--fa-hia.de`, not IDNA 2003's `fass.de`), or None. Refused, rather than
    changed, when the ASCII form does not read back as what was typed (apart
    from capitals): an invisible character dropped, or a letter mapped to
    another, would send the invitation to someone else's domain."""
    import idna

    typed = unicodedata.normalize("NFC", domain).lower()
    try:
        ascii_form = idna.encode(domain, uts46=True, transitional=False).decode("ascii").lower()
        reads_back = idna.decode(ascii_form)
    except (idna.IDNAError, UnicodeError, ValueError):
        return None
    return ascii_form if reads_back == typed else None


@described({"type": "string", "format": "email", "maxLength": 254})
def email(value: Any) -> str:
    """An address SES can deliver to. The domain may be written in any script
    (stored in its IDNA, ASCII form, which is what mail servers use); the part
    before the @ must be ASCII, because delivering to anything else needs
    SMTPUTF8, which Amazon SES does not offer: refused here, with words, rather
    than accepted and never delivered."""
    value = text(254)(value)
    if not _EMAIL.match(value):
        raise FieldError(EMAIL_FORMAT)
    local, _, domain = value.rpartition("@")
    if not _EMAIL_LOCAL.match(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        raise FieldError("email.local_part")
    ascii_domain = _ascii_domain(domain)
    if ascii_domain is None:
        raise FieldError("email.domain")
    if not re.fullmatch(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}[a-z0-9]", ascii_domain) \
            or len(local) + 1 + len(ascii_domain) > 254:
        raise FieldError(EMAIL_FORMAT)
    return f"{local}@{ascii_domain}"


# Month names as typed into the month box, English and Welsh, in full or short
# ("Jul", "Gorff", "Tach"). "Mawrth" is March (and Tuesday, not a month box's
# word); "Mai" is May.
_MONTHS = {name: number for number, names in enumerate((
    ("jan", "january", "ion", "ionawr"),
    ("feb", "february", "chwef", "chwefror"),
    ("mar", "march", "maw", "mawrth"),
    ("apr", "april", "ebr", "ebrill"),
    ("may", "mai"),
    ("jun", "june", "meh", "mehefin"),
    ("jul", "july", "gorff", "gorffennaf"),
    ("aug", "august", "awst"),
    ("sep", "sept", "september", "medi"),
    ("oct", "october", "hyd", "hydref"),
    ("nov", "november", "tach", "tachwedd"),
    ("dec", "december", "rhag", "rhagfyr")), start=1) for name in names}
# What the site sends from the three boxes of a GOV.UK date input, as typed
# (year-month-day; the month may be a name), of which ISO 8601 is one case.
DATE_PATTERN = r"^[0-9]{4}-([0-9]{1,2}|[A-Za-z]{3,10})-[0-9]{1,2}$"
# Which boxes were left empty: the message's key.
_MISSING_PARTS = {("day",): "date.missing_day", ("month",): "date.missing_month", ("year",): "date.missing_year",
                  ("day", "month"): "date.missing_day_month", ("day", "year"): "date.missing_day_year",
                  ("month", "year"): "date.missing_month_year",
                  ("day", "month", "year"): "date.missing_day_month_year"}


def _date(value: Any) -> date:
    """A date from year-month-day as typed into the three boxes, with GOV.UK's
    date-input messages: what is missing, then the first box that is wrong ("Month
    must be a number from 1 to 12"), then whether the whole is a real date."""
    if not isinstance(value, str) or value.count("-") != 2:
        raise FieldError("date.not_real")
    year, month, day = (part.strip() for part in value.split("-"))
    missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
    if missing:
        raise FieldError(_MISSING_PARTS[tuple(missing)])
    month = str(_MONTHS.get(month.lower(), month))
    wrong = [problem for problem, ok in (
        ("date.day_number", re.fullmatch(r"0?[1-9]|[12][0-9]|3[01]", day)),
        ("date.month_number", re.fullmatch(r"0?[1-9]|1[0-2]", month)),
        ("date.year_digits", re.fullmatch(r"[0-9]{4}", year))) if not ok]
    if wrong:  # the first box that is wrong, by name; the next is named once that is put right
        raise FieldError(wrong[0])
    if not re.fullmatch(DATE_PATTERN, value):  # spaces within a box
        raise FieldError("date.not_real")
    try:
        return date(int(year), int(month), int(day))
    except ValueError as exc:  # 31 February: not clear which box is wrong
        raise FieldError("date.not_real") from exc


@described({"type": "string", "pattern": DATE_PATTERN, "example": "1980-03-31"})
def past_date(value: Any) -> date:
    parsed = _date(value)
    if parsed > date.today():
        raise FieldError("date.past")
    if parsed.year < 1900:
        raise FieldError("date.from_1900")
    return parsed


def one_of(choices: dict[str, str] | tuple[str, ...]) -> Validator:
    @described({"type": "string", "enum": list(choices)})
    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            raise FieldError("field.one_of", choices=", ".join(choices))
        return value
    return check


# Separators as people type them: spaces, hyphens and dashes, dots, underscores.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015._]+")
_CRIME_NUMBER = re.compile(r"^[A-Z0-9]+(?:[-/][A-Z0-9]+)*$")
CRIME_NUMBER_HELP = "crime_number.help"


@described({"type": "string", "pattern": r"^[A-Za-z0-9 \t/._\u2010-\u2015-]{1,60}$", "maxLength": 60,
            "example": "LC-2026-10042"})
def crime_number(value: Any) -> str:
    """A crime number as people copy it from a letter: spaces, lower case and
    any run of separators are accepted and written the one way, capitals with
    single hyphens ("lc 2026 10042" is LC-2026-10042); a slash stays a slash.
    (Cases are found without regard to separators at all: domain.crime_number_key.)"""
    value = text(60)(value)
    parts = [_SEPARATORS.sub("-", part).strip("-") for part in value.upper().split("/")]
    normal = "/".join(parts)
    if not _CRIME_NUMBER.match(normal) or not 3 <= len(normal) <= 40:
        raise FieldError(CRIME_NUMBER_HELP)
    return normal


_REFERENCE = re.compile(r"^[A-Za-z0-9._:/\-]{1,100}$")


@described({"type": "string", "pattern": _REFERENCE.pattern})
def client_reference(value: Any) -> str:
    if not isinstance(value, str) or not _REFERENCE.match(value):
        raise FieldError("field.client_reference")
    return value


@described({"type": "string", "pattern": r"^\s*[A-Za-z0-9-]{2,20}\s*$", "maxLength": 20, "example": "lincs"})
def force_code(value: Any) -> str:
    value = text(20)(value).lower()  # force codes are case-insensitive
    if not re.fullmatch(r"[a-z0-9-]{2,20}", value):
        raise FieldError("field.force_code")
    return value


@described({"type": "boolean"})
def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError("field.true_or_false")
    return value


@described({"type": "string", "format": "date", "example": "2026-12-04"})
def coming_date(value: Any) -> date:
    """A date from today to a year ahead (when the next update is due)."""
    parsed = _date(value)
    today = date.today()
    if parsed < today:
        raise FieldError("date.today_or_later")
    if parsed > today + timedelta(days=365):
        raise FieldError("date.within_a_year")
    return parsed


# -- text messages (issue 14) ------------------------------------------------------------

MOBILE_FORMAT = "mobile.format"
MOBILE_NOT_MOBILE = "mobile.not_mobile"
# Ofcom keeps 07700 900000 to 07700 900999 for drama and examples (GOV.UK's own
# example is one): accepted, so examples work; they never reach anyone.
_DRAMA = re.compile(r"^\+447700900[0-9]{3}$")


@described({"type": "string", "maxLength": 30, "example": "07700 900 982",
            "description": "A UK mobile number, or any mobile number with its country code (+...): "
                           "stored and answered as E.164, like +447700900982"})
def mobile(value: Any) -> str:
    """A mobile number as people type it (spaces, brackets, dashes, 0 or +44),
    UK by default, written as E.164. `phonenumbers` is imported here, on first
    use, not when this module is: its metadata costs the API's cold start about
    30 ms, which only a request carrying a number should pay."""
    value = text(30)(value)
    if not re.fullmatch(r"[0-9+()\-. ]{7,30}", value) or "+" in value[1:]:
        raise FieldError(MOBILE_FORMAT)
    import phonenumbers

    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException as exc:
        raise FieldError(MOBILE_FORMAT) from exc
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if _DRAMA.match(e164):
        return e164
    if not phonenumbers.is_valid_number(number):
        raise FieldError(MOBILE_FORMAT)
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise FieldError(MOBILE_NOT_MOBILE)
    return e164


QUIET_HOURS_PATTERN = r"^(none|([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9])$"


@described({"type": "string", "pattern": QUIET_HOURS_PATTERN, "example": "21:00-08:00",
            "description": "`none`, or `HH:MM-HH:MM` (UK time, 24-hour clock): no texts from the first "
                           "time to the second; texts due then are sent when quiet hours end"})
def quiet_hours(value: Any) -> str:
    value = text(20)(value).lower()
    if not re.fullmatch(QUIET_HOURS_PATTERN, value):
        raise FieldError("quiet_hours.format")
    if value != "none" and value[:5] == value[6:]:
        raise FieldError("quiet_hours.same_times")
    return value


# The anti-phishing phrase goes into every text, which stays plain GSM-7 (one
# character one septet): letters a to z, digits, spaces and a little punctuation.
PHRASE_MIN, PHRASE_MAX = 4, 30
_PHRASE = re.compile(r"^[A-Za-z0-9 .,'!?-]+$")


@described({"type": "string", "minLength": PHRASE_MIN, "maxLength": PHRASE_MAX, "pattern": _PHRASE.pattern,
            "example": "blue kettle sings"})
def phrase(value: Any) -> str:
    if not isinstance(value, str):
        raise FieldError("field.not_text")
    if len(value) > 4 * PHRASE_MAX or not is_text(value):
        raise FieldError("field.too_long", most=PHRASE_MAX)
    value = " ".join(value.split())
    if len(value) < PHRASE_MIN:
        raise FieldError("field.too_short", least=PHRASE_MIN)
    if len(value) > PHRASE_MAX:
        raise FieldError("field.too_long", most=PHRASE_MAX)
    if not _PHRASE.match(value):
        raise FieldError("phrase.characters")
    return value


# The officer in charge, as a victim may reach them (issue 15): a collar
# number as printed on the uniform, and a phone number the victim may call.
_COLLAR = re.compile(r"^[A-Z]{0,3}[0-9]{1,6}[A-Z]{0,2}$")


@described({"type": "string", "maxLength": 12, "example": "1234"})
def collar_number(value: Any) -> str:
    """A collar (shoulder) number: digits, perhaps with a letter prefix or suffix
    some forces use ("PC 1234" is taken as 1234; "AB 123" as AB123)."""
    value = text(20)(value)
    compact = "".join(value.upper().split())
    for rank in ("PC", "DC", "PS", "DS"):
        if compact.startswith(rank) and compact[len(rank):].isdigit():
            compact = compact[len(rank):]
    if not _COLLAR.match(compact):
        raise FieldError("officer.collar_number_format")
    return compact


@described({"type": "string", "maxLength": 30, "example": "01632 960 001",
            "description": "A UK phone number the victim may call (landline or mobile), shown to them "
                           "as a number to tap"})
def phone_number(value: Any) -> str:
    """A UK phone number as people type it, written the way the UK reads it
    ("01632 960001"); a landline is as good as a mobile here."""
    value = text(30)(value)
    if not re.fullmatch(r"[0-9+()\-. ]{3,30}", value) or "+" in value[1:]:
        raise FieldError("officer.phone_format")
    import phonenumbers

    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException as exc:
        raise FieldError("officer.phone_format") from exc
    if not (phonenumbers.is_valid_number(number) or _DRAMA_ANY.match(
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))):
        raise FieldError("officer.phone_format")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))


# Ofcom's numbers for drama (never anyone's): 01632 960xxx and 07700 900xxx.
_DRAMA_ANY = re.compile(r"^\+44(1632960|7700900)[0-9]{3}$")
