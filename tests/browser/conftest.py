"""Fixtures for the parents' website widget tests (real headless Chromium via Playwright).

* Chromium is Debian's /usr/bin/chromium; it is never downloaded. Without it the tests skip with
  the reason; with REQUIRE_BROWSER=1 they fail instead.
* `web_server_for(rasa_url)` starts `python -m web.server` on a free loopback port.
* `assistant` (the trained assistant: Rasa + action server) comes from tests/conftest.py;
  `stub_assistant` is tests/browser/stub_rasa.py (Rasa's real socket.io channel, scripted replies).
* Everything runs on loopback; every browser context blocks and records non-loopback requests.
* Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Dict, Iterator, Tuple

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from browser_support import (  # noqa: E402
    ARTIFACTS_DIR,
    CHROMIUM_ARGS,
    NetworkRecorder,
    StubAssistant,
    require_browser,
    skip_or_fail,
    start_web_server,
)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for one test module. Module scope on purpose: Playwright's sync API
    keeps an event loop running while it is started, which breaks asyncio/Sanic test clients
    in the modules (and test directories) that run after it."""
    executable = require_browser()
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        except PlaywrightError as error:
            skip_or_fail(f"Chromium at {executable} did not start: {error}")
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def web_server_for() -> Iterator[Callable[..., str]]:
    """web_server_for(rasa_url, allowed_origins='') -> base URL of a running web.server."""
    servers: Dict[Tuple[str, str], object] = {}

    def get(rasa_url: str, allowed_origins: str = "") -> str:
        key = (rasa_url, allowed_origins)
        if key not in servers:
            servers[key] = start_web_server(rasa_url, allowed_origins)
        return servers[key].url  # type: ignore[attr-defined]

    yield get
    for server in servers.values():
        server.stop()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def stub_assistant() -> Iterator[StubAssistant]:
    require_browser()  # skip before starting servers nobody can use
    stub = StubAssistant()
    stub.start_rasa()
    yield stub
    stub.stop_rasa()


@pytest.fixture(scope="session")
def real_assistant(request):
    """The trained assistant from tests/conftest.py (fixture `assistant`)."""
    require_browser()  # skip before starting servers nobody can use
    return request.getfixturevalue("assistant")


@pytest.fixture
def open_page(browser, request) -> Iterator[Callable[..., Tuple[object, NetworkRecorder]]]:
    """open_page(url, width=1280, height=800) -> (page, recorder) in a fresh browser context.

    Each page records dialogs (`page.dialogs`) and CSP violations (`window.__cspViolations`).
    """
    contexts = []

    def make(url: str, width: int = 1280, height: int = 800, context=None):
        if context is None:
            context = browser.new_context(viewport={"width": width, "height": height})
            contexts.append(context)
            context.recorder = NetworkRecorder()
            context.recorder.attach(context)
            context.add_init_script(
                "window.__cspViolations = [];"
                "document.addEventListener('securitypolicyviolation', e =>"
                " window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
            )
        page = context.new_page()
        context.recorder.watch(page)
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        if url:
            page.goto(url)
        return page, context.recorder

    yield make
    for context in contexts:
        context.close()
