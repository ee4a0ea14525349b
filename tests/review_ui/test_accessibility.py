"""axe-core (vendored: tests/review_ui/vendor, MPL-2.0) finds no WCAG violation on the login,
queue, review, dashboard and admin pages, in Debian's Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.review_ui.conftest import PASSWORD, UNSIGNED_ORDER, logged_in, process
from tests.review_ui.test_browser import CHROMIUM, FAX, base_url  # noqa: F401 (a fixture)

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
#: The rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

pytestmark = pytest.mark.databases("sqlite")


def _violations(page: Page) -> list[dict[str, object]]:
    # The pages' CSP admits no injected script; axe is evaluated in the page instead.
    page.evaluate(AXE.read_text())
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target)})))",
        TAGS,
    )
    return list(found)


def test_no_accessibility_violations_on_any_page(services, accounts, base_url):  # noqa: F811
    fax, unsigned = process(services, FAX, UNSIGNED_ORDER)
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    found: dict[str, list[dict[str, object]]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        page.goto(f"{base_url}/login")
        found["login"] = _violations(page)
        page.fill("#username", accounts["admin"].username)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base_url}/queue")
        found["queue"] = _violations(page)
        page.goto(f"{base_url}/documents/{fax}")
        page.locator("#f-member-phone").focus()  # with a box outlined and its print magnified
        found["review"] = _violations(page)
        page.goto(f"{base_url}/documents/{unsigned}")
        found["review, missing fields"] = _violations(page)
        page.goto(f"{base_url}/dashboard")
        found["dashboard"] = _violations(page)
        page.goto(f"{base_url}/admin/tokens")
        found["admin"] = _violations(page)
        browser.close()
    assert {name: v for name, v in found.items() if v} == {}


def test_the_menu_stays_on_error_pages_and_admins_reach_token_admin(app, accounts):
    admin = logged_in(app, accounts["admin"])
    try:
        missing = admin.client.get("/documents/999999")
        assert missing.status_code == 404
        assert 'href="/queue">Queue</a>' in missing.text and "Log out" in missing.text
        assert 'href="/admin/tokens">API tokens</a>' in admin.client.get("/queue").text
    finally:
        admin.client.__exit__(None, None, None)
