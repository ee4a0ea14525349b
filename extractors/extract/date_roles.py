"""Which date rules judge each date field of the contract (see ``extractors.normalize.dates``)."""

from __future__ import annotations

from collections.abc import Mapping

from extractors.normalize import DateRole

DATE_ROLES: Mapping[str, DateRole] = {
    "member.dob": "dob",
    "dates.order": "order",
    "dates.service_start": "service",
    "dates.discharge": "discharge",
    "dates.signature": "signature",
    "dates.face_to_face": "face_to_face",
}
