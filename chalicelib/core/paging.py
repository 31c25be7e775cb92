"""Cursors for reading a case a page at a time, newest first (issue 17).

A page can merge several streams of items (the victim's timeline: the case's
updates and their own conversation). A cursor says, for each stream, where the
next page goes on from: `START` (nothing of it shown yet: from its newest),
a position (the last item of it shown: from just before that), or nothing
(it is used up). It travels as unpadded base64url JSON: opaque to clients,
and checked on the way back in, field by field, so that a cursor that is not
one this service gave out is a 400 naming the field, never a 5xx.

Positions are sort keys within the caller's own case partition: a forged one
can only move the page within the case the caller may read anyway.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping

from chalicelib.core.errors import InvalidInput
from chalicelib.core.i18n import t

START = "*"
MAX_CURSOR_LENGTH = 800

Positions = dict[str, str | None]


def encode(positions: Mapping[str, str | None]) -> str | None:
    """The cursor of the next page; None when every stream is used up."""
    if all(value is None for value in positions.values()):
        return None
    raw = json.dumps(dict(positions), separators=(",", ":"), sort_keys=True, ensure_ascii=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str | None, streams: Mapping[str, re.Pattern[str]], field: str = "before") -> Positions | None:
    """The positions a cursor holds (None: no cursor, the newest page).
    InvalidInput naming `field` for anything this service did not give out:
    each stream's position must be START, null or match its pattern."""
    if cursor is None:
        return None
    problem = InvalidInput(fields={field: t("paging.bad_cursor")})
    if not isinstance(cursor, str) or not 0 < len(cursor) <= MAX_CURSOR_LENGTH \
            or not re.fullmatch(r"[A-Za-z0-9_-]+", cursor):
        raise problem
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError) as exc:
        raise problem from exc
    if not isinstance(decoded, dict) or set(decoded) != set(streams):
        raise problem
    for name, value in decoded.items():
        if value is None or value == START:
            continue
        if not isinstance(value, str) or not streams[name].fullmatch(value):
            raise problem
    if all(value is None for value in decoded.values()):
        raise problem  # never given out: there is no older page
    return decoded
