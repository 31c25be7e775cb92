"""Unsaved pynamodb items for unit tests' stream records (what the core writes)."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.core.domain import Case
from chalicelib.storage.models import INVITATION_SK, RESET_SK, InvitationItem, ResetItem, UpdateItem, case_pk
from tests.factories import NOW

INVITATION_ID = "AAAAAAAAAAAAAAAAAAAAAA"
RESET_ID = "BBBBBBBBBBBBBBBBBBBBBB"


def invitation(case: Case, contact_id: str, email: str | None, invitation_id: str = INVITATION_ID,
               valid_for: timedelta = timedelta(days=14), mobile: str | None = None) -> InvitationItem:
    return InvitationItem(f"INVITATION#{invitation_id}", INVITATION_SK, case_pk=case_pk(case.key),
                          contact_id=contact_id, force=case.force, email=email, mobile=mobile,
                          expires_at=NOW + valid_for, failed_attempts=0)


def reset(case: Case, contact_id: str, email: str | None, reset_id: str = RESET_ID, mobile: str | None = None,
          channels: str | None = None) -> ResetItem:
    return ResetItem(f"RESET#{reset_id}", RESET_SK, case_pk=case_pk(case.key), contact_id=contact_id,
                     force=case.force, email=email, mobile=mobile, channels=channels,
                     expires_at=NOW + timedelta(hours=1))


def update(case: Case, update_id: str = "update-1", text: str = "We have spoken to a witness.",
           update_type: str = "progress_update", officer_name: str = "PC 1 Alex Morgan") -> UpdateItem:
    return UpdateItem(case_pk(case.key), f"UPDATE#2026-11-27T22:00:00.000Z#{update_id}",
                      update_id=update_id, force=case.force, type=update_type, text=text,
                      officer_name=officer_name, officer_id="officer-1", posted_at=NOW)
