"""Tracker fixtures for unit tests of the custom actions (no server needed)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import spacy
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


PIPELINE = Path(__file__).resolve().parents[2] / "build" / "spacy" / "en_breastmilk"


@pytest.fixture(scope="session")
def nlp():
    """The project-built spaCy pipeline."""
    if not (PIPELINE / "meta.json").is_file():
        pytest.fail(f"{PIPELINE} is missing: run `make spacy-model` (make test does it first)")
    return spacy.load(PIPELINE)


def make_tracker(
    intent: str = "greet",
    text: str = "",
    entities: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    metadata: Optional[Dict[str, Any]] = None,
    ranking: Optional[List[Dict[str, Any]]] = None,
    events: Optional[List[Dict[str, Any]]] = None,
) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": 0.9},
        "text": text,
        "entities": entities or [],
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.9}],
        "metadata": metadata or {},
    }
    return Tracker(
        sender_id="unit",
        slots=dict(slots or {}),
        latest_message=latest,
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.fixture
def tracker_for():
    return make_tracker


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def slots_set(events) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
