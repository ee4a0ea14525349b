"""The referral columns the review queue sorts, filters and searches on, derived from the
contract's values: from the extractor's reading at first, from the clerk's values after."""

from __future__ import annotations

from typing import Any

from intake.clarification import failing_fields


def _name(person: dict[str, Any] | None) -> str | None:
    if not person:
        return None
    last, first = person.get("last_name"), person.get("first_name")
    if not last and not first:
        return None
    return ", ".join(part for part in (last, first) if part)[:200]


def reading_columns(values: dict[str, Any]) -> dict[str, Any]:
    """Column values fixed by the extractor's reading: a clerk's changes leave them."""
    return {"missing_at_read": len(values.get("missing") or [])}


def summary_columns(values: dict[str, Any]) -> dict[str, Any]:
    """Column values for a ReferralRecord, from a Referral dumped in JSON mode."""
    member = values.get("member") or {}
    return {
        "referral_type": values.get("referral_type") or "unknown",
        "urgent": bool(values.get("urgent")),
        "missing_count": len(values.get("missing") or []),
        # Values to resolve (failing a rule), not every note on how a value was read: a
        # document with nothing to resolve carries no flag in the queue.
        "flag_count": len(failing_fields(values)),
        "member_name": _name(member),
        "member_dob": member.get("dob"),
        "member_id": (member.get("member_id") or None) and str(member["member_id"])[:40],
        "clinician_name": _name(values.get("clinician")),
    }
