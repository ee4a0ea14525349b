"""A real Chromium against a real uvicorn server: log in, queue, review, correct, approve.

Debian's chromium is driven through Playwright's executable_path; no browser is downloaded.
Screenshots of the queue and review pages are kept as test artifacts under
$INTAKE_TEST_ARTIFACTS (default tests/artifacts/).
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pdfplumber
import pytest
from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy import update as sqlalchemy_update
from sqlmodel import col, select

from intake.clock import utcnow
from intake.db.accounts import UserSession
from intake.db.audit import AuditEvent
from intake.db.engine import session_scope
from intake.db.models import Document, ReferralRecord, Status
from review_ui.server import make_server, start_in_thread
from tests.review_ui.conftest import CORPUS, PASSWORD, TEXT_ORDER, UNSIGNED_ORDER, process

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(
    os.environ.get("INTAKE_TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / "artifacts")
)
#: A two-page fine-resolution fax (TIFF Class F) read by tesseract: real page images and boxes.
FAX = CORPUS / "order-0008.tiff"

pytestmark = pytest.mark.databases("sqlite")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def base_url(services) -> Iterator[str]:
    settings = services.settings.model_copy(update={"web_port": _free_port()})
    server = make_server(dataclasses.replace(services, settings=settings))
    thread = start_in_thread(server)
    yield f"http://127.0.0.1:{settings.web_port}"
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture
def page() -> Iterator[Page]:
    # Chromium refuses to start as root inside its sandbox; this machine's tests run as root.
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        yield context.new_page()
        browser.close()


def _centre_distance(one, other) -> float:
    a, b = one.bounding_box(), other.bounding_box()
    assert a is not None and b is not None
    return math.hypot(
        a["x"] + a["width"] / 2 - b["x"] - b["width"] / 2,
        a["y"] + a["height"] / 2 - b["y"] - b["height"] / 2,
    )


def test_a_clerk_corrects_and_approves_a_fax_in_chromium(services, accounts, base_url, page):
    other, fax = process(services, TEXT_ORDER, FAX)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # Logging in.
    page.goto(f"{base_url}/queue")
    expect(page).to_have_url(f"{base_url}/login?next=/queue")
    page.fill("#username", accounts["clerk"].username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base_url}/queue")

    # The queue lists both documents; htmx is live (a filter swaps the rows in place).
    expect(page.locator(f'a[href="/documents/{fax}"]')).to_be_visible()
    expect(page.locator(f'a[href="/documents/{other}"]')).to_be_visible()
    page.screenshot(path=ARTIFACTS / "queue.png", full_page=True)
    page.fill("#search", "O'Brien")
    expect(page.locator(f'a[href="/documents/{other}"]')).to_have_count(0)
    expect(page).to_have_url(f"{base_url}/queue")  # filtered in place, nothing in the URL

    # The review page: the fax's pages on the left with boxes, the form on the right.
    page.click(f'a[href="/documents/{fax}"]')
    expect(page).to_have_url(f"{base_url}/documents/{fax}")
    expect(page.locator(".page img")).to_have_count(2)
    phone = page.locator("#f-member-phone")
    box = page.locator('.box[data-evidence="member.phone"]')
    expect(box).not_to_have_class(re.compile(r"\bactive\b"))

    # Focusing a field highlights its box, scrolled into view over the page image.
    phone.focus()
    expect(box).to_have_class(re.compile(r"\bactive\b"))
    expect(box).to_be_in_viewport()
    geometry = box.bounding_box()
    assert geometry is not None and geometry["width"] > 20 and geometry["height"] > 5

    # Alt+Down moves to the next field, and its box is the one highlighted.
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator("#f-member-address-line1")).to_be_focused()
    expect(page.locator('.box[data-evidence="member.address"]')).to_have_class(
        re.compile(r"\bactive\b")
    )
    expect(box).not_to_have_class(re.compile(r"\bactive\b"))

    # Clicking a word on the image fills the focused field.
    word = page.locator('.page[data-page="1"] .word').first
    phone.focus()
    word.click()
    expect(phone).to_have_value(word.get_attribute("data-text") or "")

    # The same from the keyboard: Alt+W starts at the word nearest the field's box.
    phone.fill("")
    page.keyboard.press("Alt+w")
    picked = page.locator(".word:focus")
    expect(picked).to_have_count(1)
    assert _centre_distance(picked, box) <= _centre_distance(word, box)
    first = picked.get_attribute("data-text") or ""
    page.keyboard.press("Enter")
    expect(phone).to_be_focused()
    expect(phone).to_have_value(first)
    # Right moves to the next word in reading order; Shift+Enter adds it.
    page.keyboard.press("Alt+w")
    page.keyboard.press("ArrowRight")
    second = page.locator(".word:focus").get_attribute("data-text") or ""
    page.keyboard.press("Shift+Enter")
    expect(phone).to_have_value(f"{first} {second}")
    # Down goes to a word on a lower line; Escape goes back with the value unchanged.
    page.keyboard.press("Alt+w")
    top = page.locator(".word:focus").bounding_box()
    page.keyboard.press("ArrowDown")
    lower = page.locator(".word:focus").bounding_box()
    assert top is not None and lower is not None and lower["y"] >= top["y"] + top["height"] - 1
    page.keyboard.press("Escape")
    expect(phone).to_be_focused()
    expect(phone).to_have_value(f"{first} {second}")

    # The clerk corrects the phone; a code typed in the new diagnosis row is looked up live.
    phone.fill("(508) 555-0142")
    new_code = page.locator("#f-diagnoses-1-code")
    new_code.fill("J44.1")
    expect(page.locator("#f-diagnoses-1-code-code")).to_contain_text("Chronic obstructive")
    new_code.fill("")
    phone.focus()
    page.screenshot(path=ARTIFACTS / "review.png", full_page=False)

    # Ctrl+Enter approves and goes on to the next document; this one leaves the queue.
    page.keyboard.press("Control+Enter")
    expect(page).to_have_url(f"{base_url}/documents/{other}")
    page.goto(f"{base_url}/queue")
    expect(page.locator(f'a[href="/documents/{fax}"]')).to_have_count(0)
    expect(page.locator(f'a[href="/documents/{other}"]')).to_be_visible()
    page.screenshot(path=ARTIFACTS / "queue-after-approval.png", full_page=True)

    assert problems == []  # no script errors, no Content-Security-Policy violations
    with session_scope(services.engine) as session:
        assert session.get_one(Document, fax).status == Status.validated
        edits = session.exec(
            select(AuditEvent.field, AuditEvent.new_value).where(
                col(AuditEvent.document_id) == fax, col(AuditEvent.action) == "edit"
            )
        ).all()
    # The whole form was submitted; only the one correction became an edit.
    assert edits == [("member.phone", "5085550142")]
    for name in ("queue.png", "review.png", "queue-after-approval.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000


def _log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base_url}/queue")


def test_approving_a_failing_npi_is_refused_then_confirmed_against_the_page(
    services, accounts, base_url, page
):
    [document_id] = process(services, TEXT_ORDER)
    _log_in(page, base_url, accounts["clerk"].username)
    page.goto(f"{base_url}/documents/{document_id}")
    npi = page.locator("#f-clinician-npi")
    npi.fill("1234567890")  # fails the NPI check digit

    # Ctrl+Enter: refused, the form comes back with the value, marked, and a box to confirm.
    page.keyboard.press("Control+Enter")
    expect(page.locator("#message")).to_contain_text("fail a rule")
    expect(page).to_have_url(f"{base_url}/documents/{document_id}/approve")
    expect(npi).to_have_value("1234567890")
    expect(page.locator("#f-clinician-npi-problems")).to_contain_text("INVALID")
    confirm = page.get_by_label("Checked against the page: it prints this value")
    expect(confirm).to_have_count(1)

    # The clerk compares it with the page, ticks the box, and approves.
    confirm.check()
    page.locator("#approve").click()
    expect(page).to_have_url(f"{base_url}/queue")
    with session_scope(services.engine) as session:
        assert session.get_one(Document, document_id).status == Status.validated
        confirmations = session.exec(
            select(AuditEvent.field).where(
                col(AuditEvent.document_id) == document_id, col(AuditEvent.action) == "confirm"
            )
        ).all()
    assert confirmations == ["clinician.npi"]


def _lock_holder(services, document_id: int) -> int | None:
    with session_scope(services.engine) as session:
        referral = session.exec(
            select(ReferralRecord).where(col(ReferralRecord.document_id) == document_id)
        ).one()
        return referral.review_user_id


def test_viewing_does_not_lock_the_first_edit_does_and_leaving_releases(
    services, accounts, base_url, page
):
    [document_id] = process(services, TEXT_ORDER)
    _log_in(page, base_url, accounts["clerk"].username)
    page.goto(f"{base_url}/documents/{document_id}")
    page.locator("#f-member-phone").focus()
    page.keyboard.press("Alt+ArrowDown")  # moving between fields is still only looking
    assert _lock_holder(services, document_id) is None

    # The first keystroke in a field takes the lock.
    with page.expect_response(lambda r: r.url.endswith(f"/documents/{document_id}/lock")):
        page.locator("#f-payer-name").press_sequentially("Aetna")
    assert _lock_holder(services, document_id) is not None
    expect(page.locator("#lock-notice")).to_be_empty()

    # Leaving the page by a link gives it up (a beacon as the page goes).
    page.locator(".review-head a[href='/queue']").click()
    expect(page).to_have_url(f"{base_url}/queue")
    deadline = time.monotonic() + 5
    while _lock_holder(services, document_id) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _lock_holder(services, document_id) is None


@pytest.fixture
def short_idle_url(services) -> Iterator[str]:
    """A server whose sessions end after 2.1 idle minutes: the warning comes after 6 s."""
    update = {"web_port": _free_port(), "session_idle_minutes": 2.1}
    settings = services.settings.model_copy(update=update)
    server = make_server(dataclasses.replace(services, settings=settings))
    thread = start_in_thread(server)
    yield f"http://127.0.0.1:{settings.web_port}"
    server.should_exit = True
    thread.join(timeout=30)


def test_alt_n_with_edits_loses_nothing(services, accounts, base_url, page):
    first, second = process(services, TEXT_ORDER, CORPUS / "order-0006.pdf")
    _log_in(page, base_url, accounts["clerk"].username)
    page.goto(f"{base_url}/documents/{first}")
    page.locator("#f-payer-name").fill("Humana Gold Plus")
    page.keyboard.press("Alt+n")  # at once: the draft goes as the page does
    expect(page).to_have_url(re.compile(rf"{base_url}/(documents/{second}|queue)$"))

    page.goto(f"{base_url}/documents/{first}")
    expect(page.locator("#f-payer-name")).to_have_value("Humana Gold Plus")
    expect(page.locator("#draft-notice")).to_contain_text("Restored what you typed")
    page.locator("#approve").click()
    expect(page).to_have_url(f"{base_url}/documents/{second}")  # on to the next one
    with session_scope(services.engine) as session:
        referral = session.exec(
            select(ReferralRecord).where(col(ReferralRecord.document_id) == first)
        ).one()
        assert referral.approved is not None
        assert referral.approved["payer"]["name"] == "Humana Gold Plus"


def test_a_timeout_with_unsaved_edits_then_logging_in_again(
    services, accounts, short_idle_url, page
):
    base_url = short_idle_url
    [document_id] = process(services, TEXT_ORDER)
    _log_in(page, base_url, accounts["clerk"].username)
    page.goto(f"{base_url}/documents/{document_id}")

    # Two minutes before the idle limit the page warns; staying signed in clears it.
    warning = page.locator("#idle-warning")
    expect(warning).to_be_visible(timeout=15000)
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()

    with page.expect_response(lambda r: r.url.endswith(f"/documents/{document_id}/draft")):
        page.locator("#f-member-last_name").fill("Kimball")
    # The session ends on the server (idle past its limit) while the clerk is away.
    with session_scope(services.engine) as session:
        session.execute(
            sqlalchemy_update(UserSession).values(last_seen_at=utcnow() - timedelta(hours=1))
        )
    page.locator("#f-payer-name").fill("Aetna")
    signed_out = page.locator("#signed-out")
    expect(signed_out).to_be_visible()
    expect(page).to_have_url(f"{base_url}/documents/{document_id}")  # no jump to the login
    expect(page.locator("#f-payer-name")).to_have_value("Aetna")

    signed_out.get_by_role("link", name="Log in again").click()
    expect(page).to_have_url(f"{base_url}/login?next=/documents/{document_id}")
    page.fill("#username", accounts["clerk"].username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base_url}/documents/{document_id}")
    expect(page.locator("#f-member-last_name")).to_have_value("Kimball")
    expect(page.locator("#draft-notice")).to_be_visible()


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 720}, {"width": 853, "height": 480}],  # the second: 150% zoom
    ids=["1280x720", "zoom-150"],
)
def test_every_alt_down_stop_is_visible_above_the_action_bar(
    services, accounts, base_url, viewport
):
    [document_id] = process(services, FAX)
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_context(viewport=viewport).new_page()
        _log_in(page, base_url, accounts["clerk"].username)
        page.goto(f"{base_url}/documents/{document_id}")
        stops = page.evaluate(
            """() => Array.from(
                document.querySelectorAll('#review-form input, #review-form select'))
                .filter(e => e.type !== 'hidden' && e.name && !e.name.startsWith('_')).length"""
        )
        assert stops > 40
        hidden = []
        page.locator("#f-referral_type").focus()
        for _ in range(stops):
            page.keyboard.press("Alt+ArrowDown")
            page.wait_for_timeout(30)
            where = page.evaluate(
                """() => {
                    const e = document.activeElement, r = e.getBoundingClientRect();
                    const bar = document.querySelector('.actions').getBoundingClientRect();
                    const pane = document.querySelector('.form-pane').getBoundingClientRect();
                    return {id: e.id, top: r.top, bottom: r.bottom, bar: bar.top, pane: pane.top,
                            height: innerHeight};
                }"""
            )
            if not (where["pane"] <= where["top"] and where["bottom"] <= where["bar"]):
                hidden.append(where)
        browser.close()
    assert hidden == []


def test_the_queue_refresh_keeps_the_focus(services, accounts, base_url, page):
    first, second = process(services, TEXT_ORDER, CORPUS / "order-0006.pdf")
    _log_in(page, base_url, accounts["clerk"].username)
    link = page.locator(f'#queue-rows a[href="/documents/{second}"]')
    link.focus()
    expect(link).to_be_focused()
    # The next refresh (every 10 s) replaces the rows; the same document's link keeps focus.
    with page.expect_response(lambda r: r.url.endswith("/queue/rows"), timeout=15000):
        pass
    page.wait_for_timeout(200)  # the swap follows the answer
    expect(page.locator(f'#queue-rows a[href="/documents/{second}"]')).to_be_focused()
    expect(page.locator(f'#queue-rows a[href="/documents/{first}"]')).to_be_visible()


def test_the_viewer_zooms_and_shows_the_value_magnified_beside_its_field(
    services, accounts, base_url, page
):
    [document_id] = process(services, FAX)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    _log_in(page, base_url, accounts["clerk"].username)
    page.goto(f"{base_url}/documents/{document_id}")
    sheet = page.locator('.page[data-page="1"] .sheet')
    fit = sheet.bounding_box()
    assert fit is not None

    # Page numbers and thumbnails.
    expect(page.locator(".page-number").first).to_have_text("Page 1 of 2")
    expect(page.locator(".thumbs .thumb")).to_have_count(2)

    # Zoom: the button, Ctrl+wheel over the pages, and Alt+0 back to the pane's width.
    page.locator("#zoom-in").click()
    expect(page.locator("#zoom-level")).to_have_text("150%")
    wider = sheet.bounding_box()
    assert wider is not None and abs(wider["width"] - 1.5 * fit["width"]) < 3
    page.locator("#pages").hover()
    page.keyboard.down("Control")
    page.mouse.wheel(0, -100)
    page.keyboard.up("Control")
    expect(page.locator("#zoom-level")).to_have_text("200%")
    page.keyboard.press("Alt+0")
    expect(page.locator("#zoom-level")).to_have_text("100%")

    # Focusing a field outlines its box (not filled) and shows its print magnified under it.
    phone = page.locator("#f-member-phone")
    phone.focus()
    box = page.locator('.box[data-evidence="member.phone"]')
    expect(box).to_have_class(re.compile(r"\bactive\b"))
    assert box.evaluate("e => getComputedStyle(e).backgroundColor") == "rgba(0, 0, 0, 0)"
    crop = page.locator("#value-crop")
    expect(crop).to_be_visible()
    shown = crop.evaluate(
        """e => ({image: e.style.backgroundImage, size: parseFloat(e.style.backgroundSize),
                 height: e.getBoundingClientRect().height,
                 after: e.previousElementSibling.id})"""
    )
    assert f"/documents/{document_id}/pages/1" in shown["image"]
    assert shown["after"] == "f-member-phone"
    # Magnified: the page behind the crop is drawn wider than the sheet at the pane's width.
    assert shown["size"] > 1.5 * fit["width"] and shown["height"] > 20
    # Another field moves the crop under it.
    page.keyboard.press("Alt+ArrowDown")
    assert crop.evaluate("e => e.previousElementSibling.id") == "f-member-address-line1"
    assert problems == []


def test_the_viewer_opens_at_the_orders_first_page_after_a_cover_sheet(
    services, accounts, base_url, page
):
    [document_id] = process(services, CORPUS / "order-0007.pdf")  # a cover sheet, then the order
    _log_in(page, base_url, accounts["clerk"].username)
    page.goto(f"{base_url}/documents/{document_id}")
    expect(page.locator("#pages")).to_have_attribute("data-order-page", "2")
    expect(page.locator('.page[data-page="2"] .page-number')).to_contain_text(
        "the order starts here"
    )
    expect(page.locator('.page[data-page="2"] .page-number')).to_be_in_viewport()
    expect(page.locator(".thumb.order")).to_have_attribute("data-page", "2")


def test_the_fax_back_letter_is_a_pdf_for_the_office(services, accounts, base_url, page):
    [document_id] = process(services, UNSIGNED_ORDER)  # the signature is missing
    _log_in(page, base_url, accounts["clerk"].username)
    page.goto(f"{base_url}/documents/{document_id}")
    page.locator("#f-clinician-npi").fill("1234567890")  # and the NPI fails its check
    page.locator("#reason").fill("Signature missing and the NPI does not check out")
    page.get_by_role("button", name="Request clarification").click()
    expect(page.locator("#fax-back")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()

    with page.expect_download() as downloading:
        page.locator("#fax-back-pdf").click()
    download = downloading.value
    assert download.suggested_filename == f"fax-back-{document_id}.pdf"
    with pdfplumber.open(download.path()) as pdf:
        assert len(pdf.pages) == 1
        text = " ".join(pdf.pages[0].extract_text().split())  # lines wrap on the page
    settings = services.settings
    assert "REQUEST FOR INFORMATION" in text
    assert f"From: {settings.desk_name}" in text
    assert "Ordering practitioner's signature and the date signed" in text
    assert "NPI 1234567890 is not a valid NPI: please send the correct NPI" in text
    assert "Signature missing and the NPI does not check out" in text
    assert re.search(r"Patient: \S.+, DOB \d{2}/\d{2}/\d{4}", text)
    assert re.search(r"order received \d{2}/\d{2}/\d{4}", text)
    # No date in ISO form, no wording of the service's own flags.
    assert re.search(r"\d{4}-\d{2}-\d{2}", text) is None
    assert "check digit" not in text and "confidence" not in text.lower()


#: The README's screenshots, taken here so they show the pages as they are.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_the_readmes_screenshots_of_the_queue_and_the_review_page(services, accounts, base_url):
    fax, _ = process(services, FAX, UNSIGNED_ORDER)
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        _log_in(page, base_url, accounts["clerk"].username)
        page.screenshot(path=SCREENSHOTS / "queue.png")
        page.goto(f"{base_url}/documents/{fax}")
        page.locator("#f-member-phone").focus()
        expect(page.locator("#value-crop")).to_be_visible()
        page.screenshot(path=SCREENSHOTS / "review.png")
        browser.close()
    for name in ("queue.png", "review.png"):
        assert (SCREENSHOTS / name).stat().st_size > 20_000


def test_a_refused_save_brings_the_clerk_to_the_field_it_marks(services, accounts, base_url, page):
    [document_id] = process(services, TEXT_ORDER)
    _log_in(page, base_url, accounts["clerk"].username)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{base_url}/documents/{document_id}")
    quantity = page.locator("#f-items-0-quantity")
    quantity.fill("two")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#message")).to_contain_text("Nothing was saved")
    expect(quantity).to_be_focused()
    expect(quantity).to_have_value("two")
    expect(quantity).to_be_in_viewport()


def test_item_rows_leave_every_field_room_at_1280(services, accounts, base_url, page):
    [document_id] = process(services, TEXT_ORDER)  # a DME order with items
    page.set_viewport_size({"width": 1280, "height": 720})
    _log_in(page, base_url, accounts["clerk"].username)
    page.goto(f"{base_url}/documents/{document_id}")
    widths = page.evaluate(
        """() => Array.from(document.querySelectorAll('[id^="f-items-0-"]'))
            .filter(e => e.tagName === 'INPUT' || e.tagName === 'SELECT')
            .map(e => [e.id, e.getBoundingClientRect().width])"""
    )
    assert len(widths) >= 9
    assert [name for name, width in widths if width < 120] == []
