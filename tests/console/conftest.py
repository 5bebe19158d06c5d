"""Fixtures for the review console tests.

* ``console_project``: a temporary project root with a SQLite tracker store recorded by
  Rasa's own ``SQLTrackerStore`` from real Rasa events (``fixture_data``), a small fact
  store, a domain, an empty ``data/`` and ``stories/``, and an ``endpoints.yml`` that
  names the database through ``${CONSOLE_TEST_TRACKER_DB}`` (substitution is tested too).
* ``live_console``: the real console process (``python -m console --port P``) on that
  project, with a trainer account created by ``python -m console create-user --password-stdin``.
* ``client``: a logged-in HTTP session (requests) that knows the CSRF token.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, Optional

import pytest
import requests

from tests.console import fixture_data

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"
ARTIFACTS = ROOT / "test-artifacts"
EMAIL = "trainer@example.org"
PASSWORD = "milk-and-antibodies-42"
QUIET = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONWARNINGS": "ignore",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "requires_model: needs a trained model in models/ (rasa test core)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def python_exe() -> str:
    return str(PYTHON if PYTHON.exists() else Path(sys.executable))


@dataclass
class Project:
    root: Path
    tracker_db: Path
    env: Dict[str, str] = field(default_factory=dict)

    @property
    def nlu_file(self) -> Path:
        return self.root / "data" / "nlu" / "reviewed.yml"

    @property
    def stories_dir(self) -> Path:
        return self.root / "stories"


def console_env(root: Path, tracker_db: Optional[Path] = None, **extra: str) -> Dict[str, str]:
    env = {
        "CONSOLE_PROJECT_ROOT": str(root),
        "CONSOLE_ENDPOINTS": str(root / "endpoints.yml"),
        "CONSOLE_FACTS_DIR": str(root / "facts"),
        "CONSOLE_DOMAIN": str(root / "domain.yml"),
        "CONSOLE_DATA_DIR": str(root / "data"),
        "CONSOLE_STORIES_DIR": str(root / "stories"),
    }
    if tracker_db is not None:
        env["CONSOLE_TEST_TRACKER_DB"] = str(tracker_db)
    env.update(extra)
    return env


def make_project(base: Path, tracker_source: Path) -> Project:
    base.mkdir(parents=True, exist_ok=True)
    tracker_db = base / "var" / "trackers.db"
    tracker_db.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(tracker_source, tracker_db)
    fixture_data.write_facts(base / "facts")
    fixture_data.write_domain(base / "domain.yml")
    (base / "data" / "nlu").mkdir(parents=True, exist_ok=True)
    (base / "stories").mkdir(parents=True, exist_ok=True)
    (base / "endpoints.yml").write_text(
        "tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: ${CONSOLE_TEST_TRACKER_DB}\n", encoding="utf-8"
    )
    return Project(root=base, tracker_db=tracker_db, env=console_env(base, tracker_db))


@pytest.fixture(scope="session")
def recorded_tracker_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture conversations, recorded once per session by Rasa's SQLTrackerStore."""
    path = tmp_path_factory.mktemp("recorded") / "trackers.db"
    return fixture_data.build_sqlite_tracker_db(path)


@pytest.fixture(scope="session")
def console_project(tmp_path_factory: pytest.TempPathFactory, recorded_tracker_db: Path) -> Project:
    return make_project(tmp_path_factory.mktemp("console-project"), recorded_tracker_db)


@pytest.fixture
def fresh_project(tmp_path: Path, recorded_tracker_db: Path) -> Project:
    """A project of its own for tests that change review data or files."""
    return make_project(tmp_path / "project", recorded_tracker_db)


def run_cli(env: Dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [python_exe(), "-m", "console", *args],
        cwd=ROOT,
        env={**os.environ, **QUIET, **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


class ConsoleServer:
    """``python -m console --port P`` in its own process group."""

    def __init__(self, env: Dict[str, str], log_name: str = "console") -> None:
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = ARTIFACTS / "logs" / f"{log_name}-{self.port}.log"
        self.process: Optional[subprocess.Popen] = None

    def start(self, timeout: float = 60) -> "ConsoleServer":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.log, "ab")
        self.process = subprocess.Popen(
            [python_exe(), "-m", "console", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT,
            env={**os.environ, **QUIET, **self.env},
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"console exited early:\n{self.log.read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/login", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"console did not start; log {self.log}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


class Client:
    """A logged-in browser-like session."""

    def __init__(self, base_url: str, email: str = EMAIL, password: str = PASSWORD) -> None:
        self.base = base_url
        self.http = requests.Session()
        response = self.login(email, password)
        assert response.status_code == 200 and "/login" not in response.url, response.text[:500]
        self.csrf = self.http.get(self.base + "/api/me").json()["csrf_token"]

    def login(self, email: str, password: str) -> requests.Response:
        page = self.http.get(self.base + "/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.http.post(self.base + "/login", data={"email": email, "password": password, "csrf_token": token})

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(self.base + path, **kwargs)

    def post(self, path: str, data: Optional[dict] = None, csrf: bool = True, **kwargs) -> requests.Response:
        data = dict(data or {})
        if csrf:
            data["csrf_token"] = self.csrf
        return self.http.post(self.base + path, data=data, **kwargs)

    def api(self, path: str) -> dict:
        response = self.get(path)
        assert response.status_code == 200, response.text[:500]
        return response.json()

    def senders(self, query: str = "") -> set:
        data = self.api("/api/conversations?per_page=200&" + query)
        assert data["total"] == len(data["items"])
        return {item["id"] for item in data["items"]}


def start_console(project: Project, log_name: str = "console", **extra_env: str) -> ConsoleServer:
    env = {**project.env, **extra_env}
    created = run_cli(env, "create-user", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    assert created.returncode == 0 or "already exists" in created.stderr, created.stderr
    return ConsoleServer(env, log_name).start()


@pytest.fixture(scope="session")
def live_console(console_project: Project) -> Iterator[ConsoleServer]:
    server = start_console(console_project)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def client(live_console: ConsoleServer) -> Client:
    return Client(live_console.url)


@pytest.fixture
def fresh_console(fresh_project: Project) -> Iterator[ConsoleServer]:
    server = start_console(fresh_project, "console-fresh")
    try:
        yield server
    finally:
        server.stop()
