"""Headers, escaping of untrusted OCR text, and a forged request."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from fastapi.testclient import TestClient
from fpdf import FPDF
from sqlmodel import select

from intake import review
from intake.db.audit import AuditEvent
from intake.db.engine import session_scope
from intake.db.models import Document, Status
from review_ui.security import CONTENT_SECURITY_POLICY
from tests.review_ui.conftest import TEXT_ORDER, log_in, process

REVIEW_UI = Path(__file__).resolve().parents[2] / "review_ui"
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover="alert(2)'
IMG = "<img src=x onerror=alert(3)>"


class _Elements(HTMLParser):
    """Every start tag with its attributes, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def _elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def _assert_inert(html: str) -> None:
    for tag, attrs in _elements(html):
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if tag == "script":
            assert (attrs.get("src") or "").startswith("/static/"), attrs
        if tag == "img":
            assert (attrs.get("src") or "").startswith("/documents/"), attrs
        assert tag != "style"
        assert "style" not in attrs, (tag, attrs)


def _hostile_fax(folder: Path) -> Path:
    """A faxed order whose text carries markup, read by the real pipeline (text layer)."""
    pdf = FPDF(format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in (
        "DME ORDER - STANDARD WRITTEN ORDER",
        f"Patient Name: {SCRIPT} Smith",
        f"Member ID: {ATTRIBUTE}",
        "DOB: 01/02/1950",
        f"Diagnosis: J44.1 {IMG}",
        "Item: E1390 oxygen concentrator",
    ):
        pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    # The file name comes from the sender too, and is shown nowhere unescaped either.
    path = folder / f'{IMG}".pdf'
    pdf.output(str(path))
    return path


def test_hostile_ocr_text_renders_inert(services, clerk, tmp_path):
    [document_id] = process(services, _hostile_fax(tmp_path))
    page = clerk.client.get(f"/documents/{document_id}")
    assert page.status_code == 200
    # The words are on the page, escaped, as text for click-to-fill.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    _assert_inert(page.text)
    # A clerk types the same markup into fields: the queue and the page still show it inert.
    saved = clerk.post(
        f"/documents/{document_id}/save",
        {"member.last_name": SCRIPT, "member.first_name": IMG, "member.member_id": ATTRIBUTE},
    )
    assert saved.status_code == 303
    for response in (clerk.client.get(f"/documents/{document_id}"), clerk.client.get("/queue")):
        assert response.status_code == 200
        assert SCRIPT not in response.text and IMG not in response.text
        assert "&lt;script&gt;" in response.text
        _assert_inert(response.text)
    values = [
        attrs.get("value")
        for tag, attrs in _elements(clerk.client.get(f"/documents/{document_id}").text)
        if tag == "input"
    ]
    assert ATTRIBUTE in values  # the whole string stayed inside the value attribute


def test_pages_carry_the_security_headers(services, clerk):
    [document_id] = process(services, TEXT_ORDER)
    for path in (
        "/queue",
        f"/documents/{document_id}",
        f"/documents/{document_id}/pages/1",
        f"/documents/{document_id}/original",
        "/login",
    ):
        response = clerk.client.get(path)
        assert response.status_code == 200, path
        headers = response.headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src 'self';" in headers["content-security-policy"]
        assert "unsafe" not in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["cache-control"] == "no-store", path


def test_htmx_runs_without_eval_and_keeps_no_history(services, clerk):
    page = clerk.client.get("/queue").text
    config = next(a["content"] for t, a in _elements(page) if a.get("name") == "htmx-config")
    assert config is not None
    assert '"allowEval": false' in config and '"historyCacheSize": 0' in config


def test_a_forged_post_without_the_token_changes_nothing(services, clerk):
    [document_id] = process(services, TEXT_ORDER)
    clerk.client.get(f"/documents/{document_id}")
    forged = clerk.client.post(f"/documents/{document_id}/approve", data={})
    assert forged.status_code == 403
    with session_scope(services.engine) as session:
        document = session.get_one(Document, document_id)
        actions = session.exec(select(AuditEvent.action)).all()
    assert document.status == Status.needs_review  # viewing takes no lock
    assert "edit" not in actions and "status" not in actions


def test_search_terms_never_go_in_a_url(services, clerk):
    page = clerk.client.get("/queue").text
    forms = [attrs for tag, attrs in _elements(page) if tag == "form"]
    assert forms and all(attrs.get("method") == "post" for attrs in forms)
    assert clerk.client.get("/queue?search=Kim").status_code == 200  # ignored, not an API


def test_nothing_is_marked_safe_and_autoescape_stays_on():
    sources = [*REVIEW_UI.rglob("templates/**/*.html"), *REVIEW_UI.glob("*.py")]
    sources += [*REVIEW_UI.glob("routes/*.py"), *REVIEW_UI.glob("views/*.py")]
    assert len(sources) > 10
    for path in sources:
        text = path.read_text()
        for forbidden in ("|safe", "| safe", "Markup(", "autoescape false", "mark_safe"):
            assert forbidden not in text, (path.name, forbidden)
    assert "autoescape=True" in (REVIEW_UI / "templating.py").read_text()


def test_static_scripts_are_files_and_templates_hold_no_inline_script_or_style():
    for path in REVIEW_UI.rglob("templates/**/*.html"):
        for tag, attrs in _elements(path.read_text()):
            if tag == "script":
                assert attrs.get("src"), path.name
            assert tag != "style" and "style" not in attrs, path.name
            assert not any(name.startswith(("on", "hx-on")) for name in attrs), path.name


def _has_security_headers(response) -> None:
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"


def test_an_id_past_the_databases_integers_is_a_404_page_not_a_500(services, clerk):
    for path in (
        "/documents/99999999999999999999999",
        "/documents/2147483648",
        "/documents/0",
        "/documents/1/pages/99999999999999999999",
    ):
        page = clerk.client.get(path)
        assert page.status_code == 404, path
        assert 'href="/queue"' in page.text  # the menu stays
        _has_security_headers(page)


def test_a_server_error_is_a_page_with_the_menu_and_the_security_headers(
    services, app, accounts, monkeypatch
):
    [document_id] = process(services, TEXT_ORDER)

    def broken(*_args, **_kwargs):
        raise RuntimeError("a defect")

    monkeypatch.setattr(review, "open_document", broken)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        assert log_in(client, accounts["clerk"].username).status_code == 303
        page = client.get(f"/documents/{document_id}")
    assert page.status_code == 500
    assert "Something went wrong on our side" in page.text and 'href="/queue"' in page.text
    _has_security_headers(page)
    # The API answers its own errors as problem details, with the headers too.
    api = TestClient(app, raise_server_exceptions=False).get("/api/v1/nowhere")
    assert api.headers["content-type"].startswith("application/problem+json")
