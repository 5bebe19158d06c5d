"""Read-only helpers over a conversation tracker."""
from __future__ import annotations

from typing import List, Optional

from rasa_sdk import Tracker

from actions.fact_store.rendering import AUDIENCES, PARENT

FACT_ID_SLOT = "fact_id"
AUDIENCE_SLOT = "audience"


def audience(tracker: Tracker) -> str:
    """The user's choice if they made one, else the channel's default, else parent."""
    chosen = tracker.get_slot(AUDIENCE_SLOT)
    if chosen in AUDIENCES:
        return chosen
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    default = metadata.get("audience")
    return default if default in AUDIENCES else PARENT


def intent(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


def text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def entity_values(tracker: Tracker, entity: Optional[str] = None) -> List[str]:
    entities = (tracker.latest_message or {}).get("entities") or []
    return [
        str(e.get("value"))
        for e in entities
        if e.get("value") is not None and (entity is None or e.get("entity") == entity)
    ]


def previous_action(tracker: Tracker) -> Optional[str]:
    """The last action the bot ran before the current user message (not action_listen)."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                break
            seen_user = True
            continue
        if seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name")
    return None
