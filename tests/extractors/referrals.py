"""Hand-built referrals for the rules' and the confidence scorer's tests."""

from __future__ import annotations

from datetime import date

from extractors.referral import (
    Address,
    Clinician,
    Dates,
    Diagnosis,
    Item,
    Member,
    Payer,
    Referral,
    Signature,
    Source,
)

SOURCE = Source(filename="order.pdf", sha256="0" * 64, pages=1)


def complete(**changes: object) -> Referral:
    """A DME order with every common required field filled in; ``changes`` replace parts."""
    referral = Referral(
        member=Member(
            first_name="Joan",
            last_name="Washington",
            dob=date(1955, 6, 27),
            sex="F",
            member_id="9DE1NM8KJ23",
            phone="2175573209",
            address=Address(
                line1="7010 Church Blvd", city="Tampa", state="FL", postal_code="33601"
            ),
        ),
        payer=Payer(name="Medicare"),
        clinician=Clinician(first_name="Julia", last_name="O'Brien", npi="1234567893"),
        diagnoses=[Diagnosis(code="J44.1")],
        items=[Item(description="Oxygen concentrator", hcpcs="E1390", quantity=1)],
        dates=Dates(order=date(2024, 10, 11)),
        signature=Signature(present=True),
        source=SOURCE,
    )
    for name, value in changes.items():
        setattr(referral, name, value)
    return referral
