"""Fixtures for the WhatsApp channel tests (unit tests: Sanic ASGI test client + fake handler;
the fake Twilio Messages API runs on loopback, nothing leaves this machine)."""

import os
import sys
from pathlib import Path
from typing import Any, Dict

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:  # pyproject sets pythonpath = ["."]; belt and braces
    sys.path.insert(0, str(PROJECT_ROOT))

from channels.whatsapp import WhatsAppInput, WhatsAppSettings  # noqa: E402
from tests.whatsapp.fake_twilio import FakeTwilio  # noqa: E402
from tests.whatsapp.support import (  # noqa: E402
    ACCOUNT_SID,
    AUTH_TOKEN,
    BOT_NUMBER,
    PUBLIC_URL,
    Harness,
)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def fake_twilio_server():
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as fake:
        yield fake


@pytest.fixture
def fake_twilio(fake_twilio_server: FakeTwilio) -> FakeTwilio:
    fake_twilio_server.reset()
    return fake_twilio_server


@pytest.fixture
def settings_factory(fake_twilio: FakeTwilio, tmp_path: Path):
    def _make(**overrides: Any) -> WhatsAppSettings:
        credentials: Dict[str, Any] = {
            "account_sid": ACCOUNT_SID,
            "auth_token": AUTH_TOKEN,
            "whatsapp_number": BOT_NUMBER,
            "api_base": fake_twilio.base_url,
            "public_url": PUBLIC_URL,
            "optout_db": str(tmp_path / "optout.db"),
            "send_backoff_seconds": 0.01,
            "send_backoff_jitter": 0,
            "send_max_retries": 3,
            "send_timeout_seconds": 5,
        }
        credentials.update(overrides)
        return WhatsAppSettings.from_credentials(credentials, environ={})

    return _make


@pytest.fixture
def harness_factory(settings_factory, fake_twilio: FakeTwilio):
    def _make(**overrides: Any) -> Harness:
        return Harness(WhatsAppInput(settings_factory(**overrides)), fake_twilio)

    return _make


@pytest.fixture
def harness(harness_factory) -> Harness:
    return harness_factory()


@pytest.fixture(autouse=True)
def _no_twilio_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit tests must not pick up a developer's real Twilio settings."""
    for name in list(os.environ):
        if name.startswith(("TWILIO_", "WHATSAPP_")):
            monkeypatch.delenv(name, raising=False)
