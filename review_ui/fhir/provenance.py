"""Provenance of a referral's bundle: who signed the order (as the fax shows it) and who at
the intake desk validated the values, when, and the reason a supervisor gave for approving
over missing fields or values that fail a check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.provenance import Provenance, ProvenanceAgent
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.signature import Signature

from review_ui.fhir import absent, systems


@dataclass(frozen=True)
class Validation:
    """The clerk's approval, as the database records it."""

    #: The clerk's user name; None when the account is gone.
    username: str | None
    at: datetime
    #: Given only when a supervisor approved over missing fields or unconfirmed values.
    override_reason: str | None
    #: The installation's system of user names.
    users_system: str


def _participant(code: str, display: str) -> CodeableConcept:
    return CodeableConcept(
        coding=[Coding(system=systems.PROVENANCE_PARTICIPANT, code=code, display=display)]
    )


def validated(validation: Validation, targets: Sequence[Reference]) -> Provenance:
    # The clerk is named by user name, not as a Practitioner resource: an intake clerk has
    # no NPI, and the name is what the desk's own audit trail knows them by.
    who = (
        Reference(
            type="Practitioner",
            identifier=Identifier(system=validation.users_system, value=validation.username),
            display=validation.username,
        )
        if validation.username
        else Reference(extension=absent.reason())
    )
    override = validation.override_reason
    return Provenance(
        target=list(targets),
        recorded=validation.at,
        activity=CodeableConcept(text="Values checked against the faxed order and approved"),
        agent=[ProvenanceAgent(type=_participant("verifier", "Verifier"), who=who)],
        reason=[CodeableConcept(text=f"Supervisor override: {override}")] if override else None,
    )


def signed(
    signer: Reference | None,
    practice: Reference | None,
    signed_on: date | None,
    received_at: datetime,
    targets: Sequence[Reference],
) -> Provenance:
    """The order as signed by its treating practitioner. The fax shows a signature, seldom
    the instant it was made: Signature.when (an instant) is absent, the date the order gives
    is occurredDateTime."""
    who = signer or Reference(extension=absent.reason())
    return Provenance(
        target=list(targets),
        # Recorded here when the signed order arrived.
        recorded=received_at,
        occurredDateTime=signed_on,
        activity=CodeableConcept(text="Order signed by the treating practitioner"),
        agent=[
            ProvenanceAgent(
                type=_participant("author", "Author"),
                who=who,
                # US Core's provenance-1: a practitioner acts on behalf of an organization.
                onBehalfOf=practice or Reference(extension=absent.reason()),
            )
        ],
        signature=[
            Signature(
                type=[Coding(system=systems.SIGNATURE_TYPE, code=systems.AUTHOR_SIGNATURE)],
                when__ext=absent.primitive(),
                who=who,
            )
        ],
    )
