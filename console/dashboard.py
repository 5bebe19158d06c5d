"""Dashboard statistics over the (filtered) conversations.

Computed in one streaming pass over the tracker rows, turn by turn (see ``turns``):
conversations and messages per day, fallback rate, urgent-care turns, handoffs,
helpfulness per topic and per fact, most-confused intent pairs (trainers' corrections
and low-margin top-2 rankings), and the unanswered questions (fallback or out of scope).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from console import review
from console.db import Database
from console.knowledge import Knowledge
from console.masking import mask
from console.queries import ConversationQueries, Filters
from console.turns import NEGATIVE_FEEDBACK, POSITIVE_FEEDBACK, build_conversation

MAX_DAYS = 92
DASHBOARD_TYPES = ("user", "action", "slot", "session_started", "restart")


def day_of(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc).date().isoformat()


@dataclass
class Unanswered:
    text: str
    count: int = 0
    last: float = 0.0
    sender_id: str = ""
    event_id: int = 0
    intents: Counter = field(default_factory=Counter)


@dataclass
class DashboardData:
    days: List[str]
    conversations_per_day: List[int]
    messages_per_day: List[int]
    fallback_rate_per_day: List[float]
    urgent_per_day: List[int]
    handoff_per_day: List[int]
    totals: Dict[str, Any]
    helpful_by_topic: List[Tuple[str, int, int]]
    helpful_by_fact: List[Tuple[str, int, int]]
    confused_pairs: List[Dict[str, Any]]
    unanswered: List[Unanswered]


def _day_range(days_seen: List[str], f: Filters) -> List[str]:
    if f.date_from and f.date_to:
        start, end = dt.date.fromisoformat(f.date_from), dt.date.fromisoformat(f.date_to)
    elif days_seen:
        start = dt.date.fromisoformat(f.date_from) if f.date_from else dt.date.fromisoformat(min(days_seen))
        end = dt.date.fromisoformat(f.date_to) if f.date_to else dt.date.fromisoformat(max(days_seen))
    else:
        return []
    if end < start:
        return []
    if (end - start).days >= MAX_DAYS:
        start = end - dt.timedelta(days=MAX_DAYS - 1)
    return [(start + dt.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


def compute(db: Database, queries: ConversationQueries, knowledge: Knowledge, f: Filters) -> DashboardData:
    margin_threshold = db.settings.low_margin
    messages: Counter = Counter()
    fallbacks: Counter = Counter()
    urgent: Counter = Counter()
    handoffs: Counter = Counter()
    senders_per_day: Dict[str, set] = defaultdict(set)
    by_topic: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    by_fact: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    low_margin: Counter = Counter()
    unanswered: Dict[str, Unanswered] = {}
    totals = Counter()
    senders: set = set()
    lo = dt.date.fromisoformat(f.date_from).isoformat() if f.date_from else None
    hi = dt.date.fromisoformat(f.date_to).isoformat() if f.date_to else None

    for sender_id, rows in queries.iter_rows(f, DASHBOARD_TYPES):
        conversation = build_conversation(sender_id, rows)
        counted = False
        for turn in conversation.turns:
            if turn.timestamp is None:
                continue
            day = day_of(turn.timestamp)
            if (lo and day < lo) or (hi and day > hi):
                continue
            if turn.feedback in (POSITIVE_FEEDBACK, NEGATIVE_FEEDBACK):
                column = 0 if turn.feedback == POSITIVE_FEEDBACK else 1
                fact = turn.feedback_fact
                topic = turn.feedback_topic or (knowledge.fact(fact) or {}).get("topic")
                by_topic[topic or "(no topic)"][column] += 1
                by_fact[fact or "(no fact)"][column] += 1
                totals["helpful" if column == 0 else "not_helpful"] += 1
            if turn.event_id is None:
                continue
            counted = True
            messages[day] += 1
            senders_per_day[day].add(sender_id)
            totals["messages"] += 1
            if turn.fallback:
                fallbacks[day] += 1
                totals["fallback"] += 1
            if turn.urgent:
                urgent[day] += 1
                totals["urgent"] += 1
            if turn.handoff:
                handoffs[day] += 1
                totals["handoff"] += 1
            margin = turn.margin
            if margin is not None and margin < margin_threshold and not turn.is_payload:
                low_margin[tuple(sorted(turn.top_two))] += 1
            if turn.unanswered and turn.text and not turn.is_payload:
                text = " ".join(mask(turn.text).split())
                key = text.casefold()
                item = unanswered.setdefault(key, Unanswered(text=text))
                item.count += 1
                item.intents[turn.intent or "?"] += 1
                if turn.timestamp >= item.last:
                    item.last, item.sender_id, item.event_id = turn.timestamp, sender_id, turn.event_id
        if counted:
            senders.add(sender_id)

    days = _day_range(sorted(messages), f)
    corrected = review.annotation_confusions(db, senders if f.active else None)
    pair_rows: Dict[Tuple[str, str], Dict[str, Any]] = {}
    for (original, fixed), count in corrected.items():
        key = tuple(sorted((original, fixed)))
        row = pair_rows.setdefault(key, {"pair": key, "annotations": 0, "low_margin": 0, "examples": Counter()})
        row["annotations"] += count
        row["examples"][f"{original} → {fixed}"] += count
    for key, count in low_margin.items():
        row = pair_rows.setdefault(key, {"pair": key, "annotations": 0, "low_margin": 0, "examples": Counter()})
        row["low_margin"] += count
    confused = sorted(pair_rows.values(), key=lambda r: (-(r["annotations"] + r["low_margin"]), r["pair"]))[:15]

    def helpful_rows(table: Dict[str, List[int]], limit: int) -> List[Tuple[str, int, int]]:
        rows = [(name, counts[0], counts[1]) for name, counts in table.items()]
        rows.sort(key=lambda r: (-(r[1] + r[2]), r[0]))
        return rows[:limit]

    total_messages = totals["messages"]
    return DashboardData(
        days=days,
        conversations_per_day=[len(senders_per_day.get(day, ())) for day in days],
        messages_per_day=[messages.get(day, 0) for day in days],
        fallback_rate_per_day=[
            (fallbacks.get(day, 0) / messages[day]) if messages.get(day) else 0.0 for day in days
        ],
        urgent_per_day=[urgent.get(day, 0) for day in days],
        handoff_per_day=[handoffs.get(day, 0) for day in days],
        totals={
            "conversations": len(senders),
            "messages": total_messages,
            "fallback": totals["fallback"],
            "fallback_rate": (totals["fallback"] / total_messages) if total_messages else 0.0,
            "urgent": totals["urgent"],
            "handoff": totals["handoff"],
            "helpful": totals["helpful"],
            "not_helpful": totals["not_helpful"],
        },
        helpful_by_topic=helpful_rows(by_topic, 23),
        helpful_by_fact=helpful_rows(by_fact, 20),
        confused_pairs=confused,
        unanswered=sorted(unanswered.values(), key=lambda u: (-u.count, -u.last))[:50],
    )


def as_json(data: DashboardData) -> Dict[str, Any]:
    return {
        "days": data.days,
        "conversations_per_day": data.conversations_per_day,
        "messages_per_day": data.messages_per_day,
        "fallback_rate_per_day": data.fallback_rate_per_day,
        "urgent_per_day": data.urgent_per_day,
        "handoff_per_day": data.handoff_per_day,
        "totals": data.totals,
        "helpful_by_topic": [{"topic": t, "helpful": h, "not_helpful": n} for t, h, n in data.helpful_by_topic],
        "helpful_by_fact": [{"fact_id": t, "helpful": h, "not_helpful": n} for t, h, n in data.helpful_by_fact],
        "confused_pairs": [
            {
                "intents": list(row["pair"]),
                "annotations": row["annotations"],
                "low_margin": row["low_margin"],
                "corrections": dict(row["examples"]),
            }
            for row in data.confused_pairs
        ],
        "unanswered": [
            {"text": u.text, "count": u.count, "last": u.last, "sender_id": u.sender_id, "event_id": u.event_id}
            for u in data.unanswered
        ],
    }
