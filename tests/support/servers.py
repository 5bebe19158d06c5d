"""Starts the real action server and Rasa server on loopback for conversation tests.

Each server runs in its own process group so that stopping it leaves no orphans. Logs go to
`test-artifacts/logs/` so that a failing test can be diagnosed.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
MODEL = ROOT / "models" / "assistant.tar.gz"
LOG_DIR = ROOT / "test-artifacts" / "logs"
TEST_CREDENTIALS = ROOT / "tests" / "support" / "credentials_test.yml"
QUIET_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONWARNINGS": "ignore",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_json(method: str, url: str, body: Optional[dict] = None, timeout: float = 60) -> object:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def wait_until_up(url: str, process: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"server exited with code {process.returncode} before {url} answered; "
                f"log {log}:\n{log.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s; log {log}")


@dataclass
class ManagedServer:
    name: str
    command: List[str]
    health_url: str
    env: Dict[str, str] = field(default_factory=dict)
    process: Optional[subprocess.Popen] = None

    @property
    def log(self) -> Path:
        return LOG_DIR / f"{self.name}.log"

    def start(self, timeout: float = 180) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        handle = open(self.log, "ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env={**os.environ, **QUIET_ENV, **self.env},
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        wait_until_up(self.health_url, self.process, timeout, self.log)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@dataclass
class Assistant:
    """The running assistant: a real action server and a real Rasa server with the model."""

    workdir: Path
    rasa_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    extra_env: Dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tracker_db = self.workdir / "trackers.db"
        self.endpoints_path = self.workdir / "endpoints.yml"
        self.credentials_path = self.workdir / "credentials.yml"
        self.endpoints_path.write_text(
            yaml.safe_dump(
                {
                    "action_endpoint": {"url": f"{self.actions_url}/webhook"},
                    "tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(self.tracker_db)},
                    "lock_store": {"type": "in_memory"},
                }
            )
        )
        self.credentials_path.write_text(TEST_CREDENTIALS.read_text())
        self.actions = ManagedServer(
            "action-server",
            [str(VENV_BIN / "rasa"), "run", "actions", "--port", str(self.actions_port)],
            f"{self.actions_url}/health",
            self.extra_env,
        )
        self.rasa = ManagedServer(
            "rasa-server",
            [
                str(VENV_BIN / "rasa"), "run", "--enable-api", "--cors", "*",
                "--model", str(MODEL),
                "--endpoints", str(self.endpoints_path),
                "--credentials", str(self.credentials_path),
                "--port", str(self.rasa_port), "--interface", "127.0.0.1",
            ],
            f"{self.rasa_url}/status",
            self.extra_env,
        )

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}"

    def start(self) -> None:
        self.actions.start()
        self.start_rasa()

    def start_rasa(self) -> None:
        self.rasa.start()

    def stop_rasa(self) -> None:
        self.rasa.stop()

    def stop(self) -> None:
        self.rasa.stop()
        self.actions.stop()

    def say(self, sender: str, message: str, metadata: Optional[dict] = None) -> List[dict]:
        """Sends a message over the REST channel and returns the bot's replies."""
        body = {"sender": sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        return http_json("POST", f"{self.rasa_url}/webhooks/rest/webhook", body)  # type: ignore[return-value]

    def tracker(self, sender: str) -> dict:
        return http_json("GET", f"{self.rasa_url}/conversations/{sender}/tracker")  # type: ignore[return-value]

    def parse(self, text: str) -> dict:
        return http_json("POST", f"{self.rasa_url}/model/parse", {"text": text})  # type: ignore[return-value]
