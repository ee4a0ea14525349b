"""A defect in extraction never leaves a document a clerk cannot review: a word past the
page's edge, one finder failing, or the whole reading failing still give a reading, with a
flag saying what was not read."""

from __future__ import annotations

from extractors.extract import extractor
from intake import pipeline
from intake.db.models import Status
from tests.badfiles import text_past_the_edge_pdf
from tests.review_ui.conftest import TEXT_ORDER, process, reading


def test_a_pdf_with_text_past_the_page_edge_is_reviewable(services, clerk, tmp_path):
    fax = tmp_path / "edge.pdf"
    fax.write_bytes(text_past_the_edge_pdf())
    [document_id] = process(services, fax)
    document, referral = reading(services, document_id)
    assert document.status == Status.needs_review and referral is not None
    assert referral.extracted["diagnoses"][0]["code"] == "J44.1"
    page = clerk.client.get(f"/documents/{document_id}")
    assert page.status_code == 200 and 'id="review-form"' in page.text


def test_a_failing_finder_costs_only_its_own_part(services, clerk, monkeypatch):
    def broken(_pages):
        raise IndexError("a finder's defect")

    monkeypatch.setattr(extractor, "find_items", broken)
    [document_id] = process(services, TEXT_ORDER)
    _, referral = reading(services, document_id)
    assert referral is not None
    values = referral.extracted
    assert values["member"]["last_name"] == "Kim" and values["diagnoses"]
    assert {"field": "items", "code": "not_read"} in [
        {"field": f["field"], "code": f["code"]} for f in values["flags"]
    ]
    page = clerk.client.get(f"/documents/{document_id}")
    assert page.status_code == 200
    assert "The equipment and supplies: not read automatically" in page.text


def test_a_failing_reading_still_gives_a_reviewable_document(services, clerk, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise ValueError("Patient: Mohammed Kim")  # an exception quoting the page

    monkeypatch.setattr(pipeline, "extract", broken)
    [document_id] = process(services, TEXT_ORDER)
    document, referral = reading(services, document_id)
    assert document.status == Status.needs_review and referral is not None
    values = referral.extracted
    assert values["member"]["last_name"] is None and referral.due_by is not None
    assert "member.name" in values["missing"]
    assert [f["code"] for f in values["flags"] if f["field"] == "document"] == ["not_read"]
    page = clerk.client.get(f"/documents/{document_id}")
    assert page.status_code == 200 and "The order: not read automatically" in page.text
    # The log says what failed and where, never the message that quotes the page.
    assert "extraction failed: ValueError" in caplog.text and "Mohammed" not in caplog.text
