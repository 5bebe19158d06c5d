"""CSV and JSON export of a filtered conversation list.

``level=conversations`` (default) gives one row per conversation with its signals;
``level=turns`` one row per user message. Personal data is masked; in CSV, cells that a
spreadsheet would run as a formula (``= + - @``) are prefixed with ``'``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any, Dict, Iterable, List, Sequence

from console.masking import mask
from console.queries import ConversationRow

CONVERSATION_FIELDS = [
    "sender_id",
    "started",
    "last",
    "messages",
    "channels",
    "audience",
    "topics",
    "facts",
    "fallback",
    "urgent",
    "handoff",
    "negative_feedback",
    "positive_feedback",
    "low_confidence",
    "reviewed",
    "tags",
    "first_message",
]
TURN_FIELDS = [
    "sender_id",
    "turn",
    "event_id",
    "time",
    "channel",
    "text",
    "intent",
    "confidence",
    "runner_up",
    "runner_up_confidence",
    "entities",
    "actions",
    "bot_reply",
    "fact_id",
    "feedback",
    "fallback",
    "urgent",
    "handoff",
]


def iso(timestamp: Any) -> str:
    if timestamp is None:
        return ""
    return dt.datetime.fromtimestamp(float(timestamp), tz=dt.timezone.utc).isoformat(timespec="seconds")


def conversation_records(
    rows: Sequence[ConversationRow], info: Dict[str, Dict[str, Any]], threshold: float
) -> List[Dict[str, Any]]:
    records = []
    for row in rows:
        conversation = row.conversation
        extra = info.get(conversation.sender_id, {})
        records.append(
            {
                "sender_id": mask(conversation.sender_id),
                "started": iso(row.started),
                "last": iso(row.last),
                "messages": row.messages,
                "channels": list(conversation.channels),
                "audience": conversation.audience,
                "topics": list(conversation.topics),
                "facts": list(conversation.facts),
                "fallback": conversation.count("fallback"),
                "urgent": conversation.count("urgent"),
                "handoff": conversation.count("handoff"),
                "negative_feedback": conversation.negative_feedback,
                "positive_feedback": conversation.positive_feedback,
                "low_confidence": conversation.low_confidence_count(threshold),
                "reviewed": bool(extra.get("reviewed")),
                "tags": list(extra.get("tags", [])),
                "first_message": mask(conversation.first_text),
            }
        )
    return records


def turn_records(rows: Sequence[ConversationRow]) -> List[Dict[str, Any]]:
    records = []
    for row in rows:
        conversation = row.conversation
        for turn in conversation.user_turns:
            runner_up = turn.ranking[1] if len(turn.ranking) > 1 else (None, None)
            records.append(
                {
                    "sender_id": mask(conversation.sender_id),
                    "turn": turn.index,
                    "event_id": turn.event_id,
                    "time": iso(turn.timestamp),
                    "channel": turn.channel or "",
                    "text": mask(turn.text),
                    "intent": turn.intent,
                    "confidence": turn.confidence,
                    "runner_up": runner_up[0],
                    "runner_up_confidence": runner_up[1],
                    "entities": [f"{e.get('entity')}={mask(str(e.get('value')))}" for e in turn.entities],
                    "actions": list(turn.actions),
                    "bot_reply": " | ".join(mask(m.get("text") or "") for m in turn.bot_messages if m.get("text")),
                    "fact_id": turn.fact_id,
                    "feedback": turn.feedback,
                    "fallback": turn.fallback,
                    "urgent": turn.urgent,
                    "handoff": turn.handoff,
                }
            )
    return records


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    if text and text[0] in "=+-@\t\r":
        text = "'" + text
    return text


def to_csv(records: Iterable[Dict[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([_cell(record.get(column)) for column in columns])
    return buffer.getvalue()


def to_json(records: List[Dict[str, Any]], filters_query: str, total: int) -> str:
    return json.dumps(
        {"filters": filters_query, "total": total, "count": len(records), "items": records},
        ensure_ascii=False,
        indent=1,
    )
