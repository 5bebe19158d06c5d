"""The console in real headless Chromium (Debian's /usr/bin/chromium through Playwright):
log in, filter to negative feedback, open the conversation, annotate a message, see the
dashboard's charts. Screenshots go to test-artifacts/console-*.png.

Without Chromium or Playwright the test skips with the reason; REQUIRE_BROWSER=1 makes
that a failure. No browser is ever downloaded.
"""

import os
from urllib.parse import urlparse

import pytest
import yaml

from tests.console.conftest import ARTIFACTS, EMAIL, PASSWORD
from tests.support.requirements import missing_browser

from tests.support.browser import CHROMIUM_ARGS, CHROMIUM_PATH as CHROMIUM  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture
def page():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        missing_browser(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_browser("Playwright for Python is not installed in the venv")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1300, "height": 900})
        outside = []

        def only_loopback(route):
            host = urlparse(route.request.url).hostname
            if host in ("127.0.0.1", "localhost"):
                return route.continue_()
            outside.append(route.request.url)
            return route.abort()

        context.route("**/*", only_loopback)
        tab = context.new_page()
        tab.errors = []
        tab.on("console", lambda message: message.type == "error" and tab.errors.append(message.text))
        tab.on("pageerror", lambda error: tab.errors.append(str(error)))
        yield tab
        assert not outside, f"requests left the machine: {outside}"
        context.close()
        browser.close()


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"console-{name}.png"), full_page=True)


def test_trainer_reviews_negative_feedback_and_sees_the_dashboard(page, fresh_console, fresh_project):
    base = fresh_console.url
    page.goto(base + "/conversations")
    assert "/login" in page.url
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(base + "/conversations")

    page.check("input[name=negative]")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/conversations?*negative=1*")
    rows = page.locator("tr.conversation-row")
    assert rows.count() == 1 and rows.first.get_attribute("data-sender") == "conv-negative"
    assert page.locator("#total").inner_text() == "1"
    shot(page, "1-negative-feedback")

    rows.first.locator("a.open").click()
    page.wait_for_url(base + "/conversations/conv-negative")
    turn = page.locator("#turn-2")
    assert "what is colostrum?" in turn.inner_text()
    assert "not helpful" in page.locator("#turn-3").inner_text()
    turn.locator("select[name=intent]").select_option("ask_secretory_iga")
    turn.locator("form.annotate button[type=submit]").click()
    page.wait_for_url("**/conversations/conv-negative#turn-2")
    assert "Added to reviewed.yml as 'ask_secretory_iga'" in page.locator("p.flash").inner_text()
    assert "Corrected to ask_secretory_iga" in page.locator("#turn-2").inner_text()
    shot(page, "2-annotated")
    written = yaml.safe_load(fresh_project.nlu_file.read_text(encoding="utf-8"))
    assert written["nlu"] == [{"intent": "ask_secretory_iga", "examples": "- what is colostrum?\n"}]

    page.click("header nav a[href='/dashboard']")
    page.wait_for_url(base + "/dashboard")
    charts = page.locator("svg.chart")
    assert charts.count() == 6
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box and box["width"] > 300 and box["height"] > 80
    bars = page.locator("svg#chart-volume rect.bar")
    assert bars.count() > 0 and max(bars.nth(i).bounding_box()["height"] for i in range(bars.count())) > 20
    assert page.locator("svg#chart-confused rect.bar").count() >= 2  # annotation + low-margin pairs
    assert "ask_colostrum / ask_secretory_iga" in page.locator("table.confused").inner_text()
    shot(page, "3-dashboard")
    assert not page.errors, page.errors
