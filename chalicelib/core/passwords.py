"""Password policy (ASVS V6.2) and hashing with argon2id through passlib (libpass)."""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from chalicelib.core.i18n import t

if TYPE_CHECKING:
    from passlib.context import CryptContext

MIN_LENGTH = 8
RECOMMENDED_LENGTH = 15
MAX_LENGTH = 128
_COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt"

# OWASP's argon2id parameters: 19 MiB, 2 passes, 1 lane. Raising them later makes
# `needs_update` true for older hashes, which sign-in then rehashes.
ARGON2_PARAMETERS = {"memory_cost": 19456, "time_cost": 2, "parallelism": 1}


@functools.lru_cache(maxsize=1)
def _context() -> CryptContext:
    # Imported on first use: passlib takes tens of milliseconds to import on a cold
    # start (docs/performance.md), and only requests that hash or verify need it.
    from passlib.context import CryptContext

    return CryptContext(
        schemes=["argon2"],
        argon2__type="ID",
        **{f"argon2__{k}": v for k, v in ARGON2_PARAMETERS.items()},
    )


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _context().hash("not-a-real-password-only-for-equal-timing")


@functools.lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = _COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def normalise(password: str) -> str:
    # NFKC so that the same password typed on two keyboards hashes the same.
    return unicodedata.normalize("NFKC", password)


def length(password: str) -> int:
    """Length in characters as a person counts them (code points after NFKC)."""
    return len(normalise(password))


def problem_with(password: str, context_words: tuple[str, ...] = ()) -> str | None:
    """What is wrong with a new password, in words for the person, or None."""
    password = normalise(password)
    if len(password) < MIN_LENGTH:
        return t("password.too_short", least=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return t("password.too_long", most=MAX_LENGTH)
    folded = password.casefold()
    if folded in common_passwords() or folded.strip() in common_passwords():
        return t("password.too_common")
    for word in context_words:
        word = " ".join(normalise(word).casefold().split())
        if len(word) >= 3 and (word in folded or word.replace(" ", "") in folded):
            return t("password.has_case_detail")
    return None


def hash_password(password: str) -> str:
    return _context().hash(normalise(password))


def verify(password: str, password_hash: str | None) -> tuple[bool, bool]:
    """(matches, needs_rehash). With no hash, spend the same work and fail,
    so that an unknown account cannot be told apart by timing."""
    candidate = normalise(password)
    try:
        candidate.encode("utf-8")
    except UnicodeEncodeError:
        # Validation refuses such text first; should one get here, both paths
        # still spend the same work and fail the same way.
        candidate = "\ufffd" * len(candidate)
        password_hash = None
    try:
        ok = _context().verify(candidate, password_hash or _dummy_hash())
    except (ValueError, TypeError):
        ok = False
    if password_hash is None:
        return False, False
    return ok, ok and _context().needs_update(password_hash)
