"""Who may do what, as plain names: the roles of users and the scopes of API tokens.

Apart from the tables that store them (intake.db.accounts, intake.tokens), so the `intake`
command can offer them in its help without loading the database layer.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType


class Role(StrEnum):
    clerk = "clerk"
    supervisor = "supervisor"
    admin = "admin"


REFERRALS_READ = "referrals:read"
METRICS_READ = "metrics:read"
#: What each scope lets a token do.
SCOPES = MappingProxyType(
    {
        REFERRALS_READ: "read validated referrals (JSON, FHIR, original fax) and acknowledge them",
        METRICS_READ: "read the service's Prometheus metrics (no PHI)",
    }
)
