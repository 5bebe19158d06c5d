"""Tracker rows to turns and conversation summaries (pure Python, no database).

A *turn* is one user message and everything the assistant did until the next user
message. Turn 0 holds what happened before the first message (session start, greeting).
The signals trainers rely on are those of ``docs/contracts.md``: slot ``fact_id`` on
every answer, ``action_urgent_care``, ``action_clarify``/``nlu_fallback``,
``action_handoff`` + slot ``handoff_requested``, ``action_record_feedback`` + slot
``feedback``, slots ``audience`` and ``topic``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Tuple

FALLBACK_INTENTS = {"nlu_fallback"}
FALLBACK_ACTIONS = {"action_clarify", "action_default_fallback", "action_two_stage_fallback"}
OUT_OF_SCOPE_INTENTS = {"out_of_scope"}
OUT_OF_SCOPE_ACTIONS = {"action_out_of_scope"}
URGENT_ACTION = "action_urgent_care"
HANDOFF_ACTION = "action_handoff"
HANDOFF_SLOT = "handoff_requested"
FEEDBACK_SLOT = "feedback"
FEEDBACK_ACTION = "action_record_feedback"
FEEDBACK_FACT_SLOT = "feedback_fact_id"  # set by action_record_feedback next to `feedback`
NEGATIVE_FEEDBACK = "not_helpful"
POSITIVE_FEEDBACK = "helpful"
FEEDBACK_INTENTS = {"feedback_helpful": POSITIVE_FEEDBACK, "feedback_not_helpful": NEGATIVE_FEEDBACK}
HIDDEN_ACTIONS = {"action_listen", "action_session_start"}
DEFAULT_AUDIENCE = "parent"


def parse_row(row: Any) -> Dict[str, Any]:
    """A database row (mapping or tuple-like with attributes) to a plain dict."""
    mapping = dict(row._mapping) if hasattr(row, "_mapping") else dict(row)
    data = mapping.get("data")
    try:
        parsed = json.loads(data) if isinstance(data, str) else (data or {})
    except ValueError:
        parsed = {}
    return {
        "id": mapping["id"],
        "sender_id": mapping["sender_id"],
        "type_name": mapping["type_name"],
        "timestamp": mapping["timestamp"],
        "intent_name": mapping.get("intent_name"),
        "action_name": mapping.get("action_name"),
        "data": parsed,
    }


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "1"}
    return bool(value)


@dataclass
class Turn:
    index: int
    event_id: Optional[int] = None
    timestamp: Optional[float] = None
    text: Optional[str] = None
    intent: Optional[str] = None
    confidence: Optional[float] = None
    ranking: List[Tuple[str, float]] = field(default_factory=list)
    entities: List[Dict[str, Any]] = field(default_factory=list)
    channel: Optional[str] = None
    actions: List[str] = field(default_factory=list)
    bot_messages: List[Dict[str, Any]] = field(default_factory=list)
    slots: List[Tuple[str, Any]] = field(default_factory=list)
    fact_id: Optional[str] = None
    feedback: Optional[str] = None
    feedback_fact: Optional[str] = None
    feedback_topic: Optional[str] = None
    session_started: bool = False
    fallback: bool = False
    out_of_scope: bool = False
    urgent: bool = False
    handoff: bool = False

    @property
    def margin(self) -> Optional[float]:
        """Top-1 minus top-2 confidence of the real intents (nlu_fallback left out)."""
        real = [conf for name, conf in self.ranking if name not in FALLBACK_INTENTS]
        if len(real) < 2:
            return None
        return real[0] - real[1]

    @property
    def top_two(self) -> Optional[Tuple[str, str]]:
        real = [name for name, _ in self.ranking if name not in FALLBACK_INTENTS]
        return (real[0], real[1]) if len(real) >= 2 else None

    @property
    def is_payload(self) -> bool:
        return bool(self.text and self.text.startswith("/"))

    def low_confidence(self, threshold: float) -> bool:
        return self.event_id is not None and self.confidence is not None and self.confidence < threshold

    @property
    def unanswered(self) -> bool:
        return self.event_id is not None and (self.fallback or self.out_of_scope)


@dataclass
class Conversation:
    sender_id: str
    turns: List[Turn]
    started: Optional[float] = None
    last: Optional[float] = None
    sessions: int = 0
    channels: List[str] = field(default_factory=list)
    audience: str = DEFAULT_AUDIENCE
    topics: List[str] = field(default_factory=list)
    facts: List[str] = field(default_factory=list)

    @property
    def user_turns(self) -> List[Turn]:
        return [turn for turn in self.turns if turn.event_id is not None]

    def count(self, attribute: str) -> int:
        return sum(1 for turn in self.user_turns if getattr(turn, attribute))

    @property
    def negative_feedback(self) -> int:
        return sum(1 for turn in self.turns if turn.feedback == NEGATIVE_FEEDBACK)

    @property
    def positive_feedback(self) -> int:
        return sum(1 for turn in self.turns if turn.feedback == POSITIVE_FEEDBACK)

    def low_confidence_count(self, threshold: float) -> int:
        return sum(1 for turn in self.user_turns if turn.low_confidence(threshold))

    @property
    def first_text(self) -> str:
        for turn in self.user_turns:
            if turn.text and not turn.is_payload:
                return turn.text
        return ""


def _ranking(parse_data: Dict[str, Any]) -> List[Tuple[str, float]]:
    ranking = []
    for item in parse_data.get("intent_ranking") or []:
        if isinstance(item, dict) and item.get("name") is not None:
            ranking.append((str(item["name"]), float(item.get("confidence") or 0.0)))
    return ranking


def build_conversation(sender_id: str, rows: Iterable[Dict[str, Any]]) -> Conversation:
    """Group parsed rows (ordered by id) into turns and summarise the conversation."""
    turns: List[Turn] = [Turn(index=0)]
    conversation = Conversation(sender_id=sender_id, turns=turns)
    slots: Dict[str, Any] = {}
    for row in rows:
        data = row["data"]
        kind = row["type_name"]
        ts = row["timestamp"]
        if ts is not None:
            conversation.started = ts if conversation.started is None else min(conversation.started, ts)
            conversation.last = ts if conversation.last is None else max(conversation.last, ts)
        turn = turns[-1]
        if kind == "user":
            parse_data = data.get("parse_data") or {}
            intent = parse_data.get("intent") or {}
            turn = Turn(
                index=len(turns),
                event_id=row["id"],
                timestamp=ts,
                text=data.get("text"),
                intent=intent.get("name") or row.get("intent_name"),
                confidence=intent.get("confidence"),
                ranking=_ranking(parse_data),
                entities=[e for e in parse_data.get("entities") or [] if isinstance(e, dict)],
                channel=data.get("input_channel"),
            )
            turns.append(turn)
            if turn.intent in FALLBACK_INTENTS:
                turn.fallback = True
            if turn.intent in OUT_OF_SCOPE_INTENTS:
                turn.out_of_scope = True
            if turn.channel and turn.channel not in conversation.channels:
                conversation.channels.append(turn.channel)
        elif kind == "session_started":
            conversation.sessions += 1
            turn.session_started = True
        elif kind == "action":
            name = data.get("name") or row.get("action_name")
            if name and name not in HIDDEN_ACTIONS:
                turn.actions.append(name)
            if name in FALLBACK_ACTIONS:
                turn.fallback = True
            if name in OUT_OF_SCOPE_ACTIONS:
                turn.out_of_scope = True
            if name == URGENT_ACTION:
                turn.urgent = True
            if name == HANDOFF_ACTION:
                turn.handoff = True
        elif kind == "bot":
            bot_data = data.get("data") or {}
            buttons = [
                {"title": b.get("title"), "payload": b.get("payload")}
                for b in (bot_data.get("buttons") or [])
                if isinstance(b, dict)
            ]
            turn.bot_messages.append({"text": data.get("text"), "buttons": buttons})
        elif kind == "slot":
            name = data.get("name") or row.get("action_name")
            value = data.get("value")
            turn.slots.append((name, value))
            slots[name] = value
            if name == "fact_id" and value:
                turn.fact_id = value
                if value not in conversation.facts:
                    conversation.facts.append(value)
            elif name == "topic" and value:
                if value not in conversation.topics:
                    conversation.topics.append(value)
            elif name == "audience":
                conversation.audience = str(value) if value else DEFAULT_AUDIENCE
            elif name == HANDOFF_SLOT and truthy(value):
                turn.handoff = True
            elif name == FEEDBACK_SLOT and value in (POSITIVE_FEEDBACK, NEGATIVE_FEEDBACK):
                turn.feedback = value
                turn.feedback_fact = slots.get(FEEDBACK_FACT_SLOT) or slots.get("fact_id")
                turn.feedback_topic = slots.get("topic")
            elif name == FEEDBACK_FACT_SLOT and value and turn.feedback:
                turn.feedback_fact = value
        elif kind == "restart":
            slots.clear()
    # a feedback intent whose action did not set the slot still counts as feedback
    for turn in turns:
        if turn.feedback is None and turn.intent in FEEDBACK_INTENTS:
            turn.feedback = FEEDBACK_INTENTS[turn.intent]
    _attach_feedback_context(turns)
    return conversation


def _attach_feedback_context(turns: List[Turn]) -> None:
    fact: Optional[str] = None
    topic: Optional[str] = None
    for turn in turns:
        for name, value in turn.slots:
            if turn.feedback and name == FEEDBACK_SLOT:
                break
            if name == "fact_id":
                fact = value
            elif name == "topic":
                topic = value
        if turn.feedback:
            turn.feedback_fact = turn.feedback_fact or fact
            turn.feedback_topic = turn.feedback_topic or topic
        for name, value in turn.slots:
            if name == "fact_id":
                fact = value
            elif name == "topic":
                topic = value
