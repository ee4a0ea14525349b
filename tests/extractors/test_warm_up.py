"""The warm-up's specimen order: it must reach every finder, or the first real order in a
process pays the loads the warm-up was meant to take off it."""

from __future__ import annotations

from datetime import UTC, datetime

from extractors.extract.extractor import extract
from extractors.extract.warm_up import specimen_page


def test_the_specimen_reaches_every_finder() -> None:
    referral = extract(
        [specimen_page()],
        filename="specimen.pdf",
        sha256="0" * 64,
        received_at=datetime(2025, 1, 6, tzinfo=UTC),
    )
    assert (referral.member.first_name, referral.member.last_name) == ("Jane", "Roe")
    assert referral.member.member_id and referral.member.address.postal_code == "62701"
    assert referral.payer.name and referral.clinician.npi == "1234567893"
    assert [d.code for d in referral.diagnoses] == ["J44.1"]
    # The infused drug, printed with no code, is an item too: it reaches that finder.
    assert [(i.description, i.hcpcs) for i in referral.items] == [
        ("Oxygen concentrator", "E1390"),
        ("Ceftriaxone", None),
    ]
    assert referral.services and referral.infusion and referral.infusion.drug == "Ceftriaxone"
    assert referral.signature.present and referral.dates.order is not None
    assert referral.urgent
