"""Helpers for the widget's browser tests: the browser requirement, servers on loopback,
network recording, and a small driver for the chat widget."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Dict, List, Optional
from urllib.parse import urlsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.support.requirements import missing_browser  # noqa: E402

ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"
LOG_DIR = ARTIFACTS_DIR / "logs"
PYTHON = str(REPO_ROOT / ".venv" / "bin" / "python") if (REPO_ROOT / ".venv" / "bin" / "python").exists() else sys.executable
from tests.support.browser import CHROMIUM_ARGS, CHROMIUM_PATH  # noqa: E402,F401
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}

# The lost-connection message the widget must show (web/static/widget.js, STRINGS.lost).
LOST_CONNECTION = "Connection lost, trying to reconnect\u2026"


# ---------------------------------------------------------------------------------------------
# Skip, or fail under REQUIRE_BROWSER=1
# ---------------------------------------------------------------------------------------------


def skip_or_fail(reason: str) -> None:
    """Skip with a visible reason; with REQUIRE_BROWSER=1 fail instead (CI must not go green
    because the browser went missing). Uses the project's helper in tests/support/."""
    missing_browser(f"{reason} (browser tests need it; REQUIRE_BROWSER=1 makes this a failure)")


def require_browser() -> str:
    """Return the Chromium executable, or skip/fail with the reason it cannot be used."""
    problems = []
    if not (os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)):
        problems.append(f"{CHROMIUM_PATH} is missing (install it: apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("Playwright for Python is not installed in the venv")
    if problems:
        skip_or_fail("; ".join(problems))
    return CHROMIUM_PATH


# ---------------------------------------------------------------------------------------------
# Processes on loopback
# ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback only)
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


class ManagedProcess:
    """A child process started in its own process group, stopped by its own id."""

    def __init__(self, name: str, args: List[str], health_url: str, env: Optional[Dict[str, str]] = None,
                 start_timeout: float = 90.0) -> None:
        self.name = name
        self.args = args
        self.health_url = health_url
        self.env = env
        self.start_timeout = start_timeout
        self.proc: Optional[subprocess.Popen] = None
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"{name}.log"

    def start(self) -> None:
        if self.proc and self.proc.poll() is None:
            return
        env = dict(os.environ)
        env.update(self.env or {})
        env.setdefault("PYTHONUNBUFFERED", "1")
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            self.args, cwd=str(REPO_ROOT), env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.proc.returncode} while starting; "
                    f"see {self.log_path}:\n{self.tail()}"
                )
            if http_ok(self.health_url):
                return
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer {self.health_url} in {self.start_timeout:.0f} s; "
                           f"see {self.log_path}:\n{self.tail()}")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if not proc or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # our own child's process group, by id
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start_web_server(rasa_url: str, allowed_origins: str = "") -> ManagedProcess:
    port = free_port()
    server = ManagedProcess(
        f"web-server-{port}",
        [PYTHON, "-m", "web.server", "--host", "127.0.0.1", "--port", str(port), "--rasa-url", rasa_url],
        health_url=f"http://127.0.0.1:{port}/healthz",
        env={"WEB_ALLOWED_ORIGINS": allowed_origins},
        start_timeout=30,
    )
    server.start()
    server.url = f"http://localhost:{port}"  # type: ignore[attr-defined]
    return server


class StubAssistant:
    """tests/browser/stub_rasa.py (Rasa's real socket.io channel + a scripted bot), with the
    same interface as the `assistant` fixture of tests/conftest.py."""

    def __init__(self) -> None:
        port = free_port()
        self.rasa_url = f"http://localhost:{port}"
        self.actions_url = None
        self._process = ManagedProcess(
            f"stub-rasa-{port}",
            [PYTHON, str(Path(__file__).with_name("stub_rasa.py")), "--port", str(port), "--cors", "*"],
            health_url=f"http://127.0.0.1:{port}/stub/health",
            start_timeout=120,
        )

    def start_rasa(self) -> None:
        self._process.start()

    def stop_rasa(self) -> None:
        self._process.stop()

    def received(self) -> list:
        import json

        with urllib.request.urlopen(f"{self.rasa_url}/stub/messages", timeout=5) as response:  # noqa: S310
            return json.loads(response.read())


# ---------------------------------------------------------------------------------------------
# Network recording
# ---------------------------------------------------------------------------------------------


class NetworkRecorder:
    """Records every request and websocket a browser context opens; blocks non-loopback ones."""

    def __init__(self) -> None:
        self.requests: List[str] = []
        self.websockets: List[str] = []
        self.blocked: List[str] = []

    def attach(self, context) -> None:
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("page", self._watch_page)

        def guard(route):
            if is_local(route.request.url):
                route.continue_()
            else:
                self.blocked.append(route.request.url)
                route.abort()

        context.route(re.compile(r"^(?!data:|blob:).*"), guard)

    def _watch_page(self, page) -> None:
        page.on("websocket", lambda ws: self.websockets.append(ws.url))

    def watch(self, page) -> None:
        self._watch_page(page)

    def non_local(self) -> List[str]:
        return [u for u in self.requests + self.websockets + self.blocked if not is_local(u)]


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return (parts.hostname or "") in LOOPBACK_HOSTS


# ---------------------------------------------------------------------------------------------
# Driving the widget (it lives in an open shadow root; Playwright's CSS/role locators pierce it)
# ---------------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


BOT_TEXTS_JS = """
() => {
  const host = document.querySelector('#bmchat-widget');
  if (!host || !host.shadowRoot) return [];
  return Array.from(host.shadowRoot.querySelectorAll('.bmchat-msg')).map(m => {
    const bubble = m.querySelector('.bmchat-bubble');
    let text = '';
    if (bubble) {
      const copy = bubble.cloneNode(true);
      copy.querySelectorAll('.bmchat-sr-only').forEach(n => n.remove());
      text = copy.textContent;
    }
    return {from: m.classList.contains('bmchat-msg--user') ? 'user' : 'bot', text};
  });
}
"""


class Chat:
    def __init__(self, page) -> None:
        self.page = page
        self.launcher = page.get_by_role("button", name="Chat with us")
        self.log = page.locator("[role=log]")
        self.input = page.get_by_label("Your question")
        self.send_button = page.get_by_role("button", name="Send", exact=True)
        self.status = page.locator(".bmchat-status")

    def open(self) -> None:
        self.launcher.click()
        self.input.wait_for(state="visible")

    def send(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def messages(self) -> List[dict]:
        return self.page.evaluate(BOT_TEXTS_JS)

    def bot_texts(self) -> List[str]:
        return [normalise(m["text"]) for m in self.messages() if m["from"] == "bot"]

    def user_texts(self) -> List[str]:
        return [normalise(m["text"]) for m in self.messages() if m["from"] == "user"]

    def wait_until(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            self.page.wait_for_timeout(200)
        raise AssertionError(
            f"timed out after {timeout:.0f} s waiting for {what}; transcript: {self.messages()!r}; "
            f"status: {self.status.text_content()!r}"
        )

    def wait_until_settled(self, quiet: float = 1.5, timeout: float = 30.0) -> List[dict]:
        """Waits until no message has arrived for `quiet` seconds (a reply is several messages)."""
        deadline = time.monotonic() + timeout
        last, since = self.messages(), time.monotonic()
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(250)
            now = self.messages()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return now
        raise AssertionError(f"the transcript kept changing for {timeout:.0f} s")

    def wait_for_bot_text(self, expected: str, timeout: float = 30.0) -> None:
        wanted = normalise(expected)
        self.wait_until(lambda: any(wanted in t for t in self.bot_texts()), timeout, f"bot text {wanted!r}")

    def wait_for_bot_count(self, count: int, timeout: float = 30.0) -> None:
        self.wait_until(lambda: len(self.bot_texts()) >= count, timeout, f"{count} bot messages")

    def wait_for_new_bot_message(self, before: int, timeout: float = 30.0) -> None:
        self.wait_for_bot_count(before + 1, timeout)

    def session_id(self) -> Optional[str]:
        return self.page.evaluate(
            """() => { for (let i = 0; i < localStorage.length; i++) {
                 const k = localStorage.key(i);
                 if (k.startsWith('bmchat:v1:') && k.endsWith(':session_id')) return JSON.parse(localStorage.getItem(k));
               } return null; }"""
        )


class HtmlHost:
    """A throw-away website on loopback (another origin) that serves one HTML page: used to
    embed the widget the way another website would. Chromium treats a real loopback server as
    such; a Playwright-fulfilled page would count as a public site (local-network-access rules)."""

    def __init__(self, html: str) -> None:
        import http.server
        import threading

        self.body = html.encode("utf-8")
        host = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(host.body)))
                self.end_headers()
                self.wfile.write(host.body)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def set_html(self, html: str) -> None:
        self.body = html.encode("utf-8")

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "HtmlHost":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
