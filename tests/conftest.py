"""Shared fixtures: the real running assistant, and the loaded fact store."""
from __future__ import annotations

import uuid

import pytest

from tests.support.servers import MODEL, Assistant


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    """A real action server and Rasa server (trained model) on free loopback ports."""
    if not MODEL.is_file():
        pytest.fail(f"no trained model at {MODEL}: run `make model` (make test does it first)")
    running = Assistant(tmp_path_factory.mktemp("assistant"))
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture
def sender() -> str:
    """A fresh conversation id."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def store():
    from actions.fact_store import load_fact_store

    return load_fact_store()
