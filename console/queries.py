"""Conversation list filters, pagination and look-ups on the tracker store.

All filtering happens in SQL, with bound parameters only, on SQLite and PostgreSQL. Each
filter is a sub-select of the ``sender_id`` values that have a matching event, so a
conversation's summary is always computed over all its events. JSON inside
``events.data`` is read with ``json_extract`` (SQLite) or ``CAST(data AS JSON) #>>``
(PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from console import turns as T
from console.db import Database, conversation_tags, events, notes, review_status, tags
from console.turns import Conversation, build_conversation, parse_row

MAX_TEXT = 200
SUMMARY_TYPES = ("user", "action", "slot", "session_started", "restart")


class JsonPath:
    """Dialect-specific extraction of a value from the ``events.data`` JSON text."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect

    def raw(self, *path: str) -> Any:
        if self.dialect == "sqlite":
            json_path = "$." + ".".join('"' + p.replace('"', "") + '"' for p in path)
            return sa.func.json_extract(events.c.data, json_path)
        return sa.cast(events.c.data, postgresql.JSON)[tuple(path)].astext

    def text(self, *path: str) -> Any:
        return self.raw(*path)

    def number(self, *path: str) -> Any:
        if self.dialect == "sqlite":
            return self.raw(*path)
        return sa.cast(self.raw(*path), sa.Float)

    def truthy(self, *path: str) -> Any:
        value = self.raw(*path)
        if self.dialect == "sqlite":
            return sa.or_(value == 1, sa.func.lower(sa.cast(value, sa.Text)).in_(["true", "yes"]))
        return sa.func.lower(value).in_(["true", "yes"])


def _parse_date(raw: Optional[str]) -> Optional[dt.date]:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw.strip()[:10])
    except ValueError:
        return None


def _epoch(day: dt.date) -> float:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()


def _flag(raw: Optional[str]) -> bool:
    return (raw or "").strip().lower() in {"1", "true", "yes", "on"}


def _clean(raw: Optional[str]) -> str:
    return (raw or "").strip()[:MAX_TEXT]


@dataclass
class Filters:
    """The filters of the conversation list; also used by the dashboard and exports."""

    date_from: str = ""
    date_to: str = ""
    channel: str = ""
    audience: str = ""
    topic: str = ""
    fact: str = ""
    intent: str = ""
    low_conf: bool = False
    threshold: float = 0.5
    fallback: bool = False
    urgent: bool = False
    handoff: bool = False
    negative: bool = False
    reviewed: str = ""  # "" | "yes" | "no"
    tag: str = ""
    q: str = ""
    page: int = 1
    per_page: int = 25

    @classmethod
    def from_args(
        cls, get: Callable[[str], Optional[str]], default_threshold: float = 0.5, per_page: int = 25
    ) -> "Filters":
        try:
            threshold = float(get("threshold") or default_threshold)
        except ValueError:
            threshold = default_threshold
        try:
            page = max(1, int(get("page") or 1))
        except ValueError:
            page = 1
        try:
            size = min(200, max(1, int(get("per_page") or per_page)))
        except ValueError:
            size = per_page
        date_from = _parse_date(get("date_from"))
        date_to = _parse_date(get("date_to"))
        reviewed = _clean(get("reviewed")).lower()
        return cls(
            date_from=date_from.isoformat() if date_from else "",
            date_to=date_to.isoformat() if date_to else "",
            channel=_clean(get("channel")),
            audience=_clean(get("audience")),
            topic=_clean(get("topic")),
            fact=_clean(get("fact")),
            intent=_clean(get("intent")),
            low_conf=_flag(get("low_conf")),
            threshold=min(1.0, max(0.0, threshold)),
            fallback=_flag(get("fallback")),
            urgent=_flag(get("urgent")),
            handoff=_flag(get("handoff")),
            negative=_flag(get("negative")),
            reviewed=reviewed if reviewed in ("yes", "no") else "",
            tag=_clean(get("tag")),
            q=_clean(get("q")),
            page=page,
            per_page=size,
        )

    def query_string(self, **overrides: Any) -> str:
        """URL query of the non-default filters (for links, pagination and exports)."""
        defaults = Filters()
        params: List[Tuple[str, str]] = []
        for item in fields(self):
            value = overrides.get(item.name, getattr(self, item.name))
            if item.name == "threshold":
                if self.low_conf or value != defaults.threshold:
                    params.append((item.name, f"{value:g}"))
                continue
            if value in ("", False, None) or (item.name == "page" and value == 1):
                continue
            if item.name == "per_page" and value == 25:
                continue
            params.append((item.name, "1" if value is True else str(value)))
        return urlencode(params)

    @property
    def active(self) -> bool:
        """True when any filter (not just paging or an unused threshold) is set."""
        return any(
            getattr(self, name)
            for name in (
                "date_from", "date_to", "channel", "audience", "topic", "fact", "intent", "low_conf",
                "fallback", "urgent", "handoff", "negative", "reviewed", "tag", "q",
            )
        )


@dataclass
class ConversationRow:
    conversation: Conversation
    started: float
    last: float
    messages: int
    reviewed: bool = False
    tags: Sequence[str] = ()


class ConversationQueries:
    """Read-only queries on the tracker store."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.json = JsonPath(db.dialect)

    # --- filter sub-selects -------------------------------------------------------
    def _senders(self, *conditions: Any) -> Any:
        return sa.select(events.c.sender_id).where(*conditions)

    def _slot_value(self, slot: str, value: str) -> Any:
        return self._senders(
            events.c.type_name == "slot",
            events.c.action_name == slot,
            self.json.text("value") == value,
        )

    def _audience(self, audience: str) -> Any:
        last_ids = (
            sa.select(sa.func.max(events.c.id))
            .where(events.c.type_name == "slot", events.c.action_name == "audience")
            .group_by(events.c.sender_id)
        )
        value = self.json.text("value")
        if audience == T.DEFAULT_AUDIENCE:
            others = self._senders(events.c.id.in_(last_ids), value.isnot(None), value != audience)
            return events.c.sender_id.notin_(others)
        return events.c.sender_id.in_(self._senders(events.c.id.in_(last_ids), value == audience))

    def conditions(self, f: Filters) -> List[Any]:
        j = self.json
        c = events.c
        conds: List[Any] = []
        if f.date_from or f.date_to:
            window = []
            if f.date_from:
                window.append(c.timestamp >= _epoch(dt.date.fromisoformat(f.date_from)))
            if f.date_to:
                end = dt.date.fromisoformat(f.date_to) + dt.timedelta(days=1)
                window.append(c.timestamp < _epoch(end))
            conds.append(c.sender_id.in_(self._senders(*window)))
        if f.channel:
            conds.append(c.sender_id.in_(self._senders(c.type_name == "user", j.text("input_channel") == f.channel)))
        if f.audience:
            conds.append(self._audience(f.audience))
        if f.topic:
            conds.append(c.sender_id.in_(self._slot_value("topic", f.topic)))
        if f.fact:
            conds.append(c.sender_id.in_(self._slot_value("fact_id", f.fact)))
        if f.intent:
            conds.append(c.sender_id.in_(self._senders(c.type_name == "user", c.intent_name == f.intent)))
        if f.low_conf:
            conds.append(
                c.sender_id.in_(
                    self._senders(c.type_name == "user", j.number("parse_data", "intent", "confidence") < f.threshold)
                )
            )
        if f.fallback:
            conds.append(
                c.sender_id.in_(
                    self._senders(
                        sa.or_(
                            sa.and_(c.type_name == "user", c.intent_name.in_(sorted(T.FALLBACK_INTENTS))),
                            sa.and_(c.type_name == "action", c.action_name.in_(sorted(T.FALLBACK_ACTIONS))),
                        )
                    )
                )
            )
        if f.urgent:
            conds.append(c.sender_id.in_(self._senders(c.type_name == "action", c.action_name == T.URGENT_ACTION)))
        if f.handoff:
            conds.append(
                c.sender_id.in_(
                    self._senders(
                        sa.or_(
                            sa.and_(c.type_name == "action", c.action_name == T.HANDOFF_ACTION),
                            sa.and_(c.type_name == "slot", c.action_name == T.HANDOFF_SLOT, j.truthy("value")),
                        )
                    )
                )
            )
        if f.negative:
            conds.append(
                c.sender_id.in_(
                    self._senders(
                        sa.or_(
                            sa.and_(
                                c.type_name == "slot",
                                c.action_name == T.FEEDBACK_SLOT,
                                j.text("value") == T.NEGATIVE_FEEDBACK,
                            ),
                            sa.and_(c.type_name == "user", c.intent_name == "feedback_not_helpful"),
                        )
                    )
                )
            )
        if f.reviewed:
            reviewed = self._review_senders(
                sa.select(review_status.c.sender_id).where(review_status.c.reviewed.is_(True))
            )
            conds.append(c.sender_id.in_(reviewed) if f.reviewed == "yes" else c.sender_id.notin_(reviewed))
        if f.tag:
            tagged = self._review_senders(
                sa.select(conversation_tags.c.sender_id)
                .select_from(conversation_tags.join(tags, tags.c.id == conversation_tags.c.tag_id))
                .where(tags.c.name == f.tag)
            )
            conds.append(c.sender_id.in_(tagged))
        if f.q:
            needle = f.q.lower()
            text_match = self._senders(
                c.type_name.in_(["user", "bot"]),
                sa.func.lower(j.text("text")).contains(needle, autoescape=True),
            )
            noted = self._review_senders(
                sa.select(notes.c.sender_id).where(sa.func.lower(notes.c.body).contains(needle, autoescape=True))
            )
            conds.append(
                sa.or_(
                    c.sender_id.in_(text_match),
                    sa.func.lower(c.sender_id).contains(needle, autoescape=True),
                    c.sender_id.in_(noted),
                )
            )
        return conds

    def _review_senders(self, statement: Any) -> Any:
        """Sender ids from the review tables: a sub-select when they live in the same
        database as the tracker store, else a list fetched from the review database."""
        if not self.db.settings.separate_review_db:
            return statement
        with self.db.review.connect() as connection:
            return [row[0] for row in connection.execute(statement)]

    # --- list ------------------------------------------------------------------------
    def _grouped(self, f: Filters) -> Any:
        c = events.c
        return (
            sa.select(
                c.sender_id,
                sa.func.min(c.timestamp).label("started"),
                sa.func.max(c.timestamp).label("last"),
                sa.func.sum(sa.case((c.type_name == "user", 1), else_=0)).label("messages"),
            )
            .where(*self.conditions(f))
            .group_by(c.sender_id)
        )

    def list_page(self, f: Filters, limit: Optional[int] = None) -> Tuple[int, List[ConversationRow]]:
        """Total number of matching conversations and the requested page (newest first)."""
        if not self.db.tracker_ready():
            return 0, []
        grouped = self._grouped(f).subquery()
        size = limit if limit is not None else f.per_page
        offset = 0 if limit is not None else (f.page - 1) * f.per_page
        page_query = (
            sa.select(grouped)
            .order_by(grouped.c.last.desc(), grouped.c.sender_id)
            .limit(size)
            .offset(offset)
        )
        with self.db.tracker.connect() as connection:
            total = connection.execute(sa.select(sa.func.count()).select_from(grouped)).scalar_one()
            page = connection.execute(page_query).all()
        senders = [row.sender_id for row in page]
        conversations = self.conversations(senders, types=SUMMARY_TYPES)
        rows = [
            ConversationRow(
                conversation=conversations[row.sender_id],
                started=row.started,
                last=row.last,
                messages=int(row.messages or 0),
            )
            for row in page
        ]
        return int(total), rows

    def conversations(
        self, senders: Sequence[str], types: Optional[Sequence[str]] = None
    ) -> Dict[str, Conversation]:
        """Build the conversations of ``senders`` from their events (ordered by id)."""
        grouped: Dict[str, List[Dict[str, Any]]] = {sender: [] for sender in senders}
        if not senders:
            return {}
        statement = sa.select(events).where(events.c.sender_id.in_(list(senders)))
        if types:
            statement = statement.where(events.c.type_name.in_(list(types)))
        statement = statement.order_by(events.c.sender_id, events.c.id)
        with self.db.tracker.connect() as connection:
            for row in connection.execute(statement):
                grouped[row.sender_id].append(parse_row(row))
        return {sender: build_conversation(sender, rows) for sender, rows in grouped.items()}

    def conversation(self, sender_id: str) -> Optional[Conversation]:
        if not self.db.tracker_ready():
            return None
        built = self.conversations([sender_id])
        conversation = built.get(sender_id)
        if conversation is None or (len(conversation.turns) == 1 and conversation.started is None):
            return None
        return conversation

    def sender_of_event(self, event_id: int) -> Optional[str]:
        with self.db.tracker.connect() as connection:
            return connection.execute(
                sa.select(events.c.sender_id).where(events.c.id == event_id)
            ).scalar_one_or_none()

    def channels(self) -> List[str]:
        if not self.db.tracker_ready():
            return []
        channel = self.json.text("input_channel")
        statement = sa.select(channel).where(events.c.type_name == "user", channel.isnot(None)).distinct()
        with self.db.tracker.connect() as connection:
            return sorted(str(row[0]) for row in connection.execute(statement) if row[0])

    def iter_rows(self, f: Filters, types: Sequence[str], limit_senders: int = 100000):
        """Stream parsed rows of the filtered conversations, grouped by sender (for the
        dashboard): yields ``(sender_id, [rows])``."""
        if not self.db.tracker_ready():
            return
        conds = self.conditions(f)
        statement = sa.select(events).where(events.c.type_name.in_(list(types)), *conds)
        statement = statement.order_by(events.c.sender_id, events.c.id)
        current: Optional[str] = None
        bucket: List[Dict[str, Any]] = []
        seen = 0
        with self.db.tracker.connect() as connection:
            result = connection.execution_options(stream_results=True).execute(statement)
            for row in result:
                if row.sender_id != current:
                    if current is not None:
                        yield current, bucket
                        seen += 1
                        if seen >= limit_senders:
                            return
                    current, bucket = row.sender_id, []
                bucket.append(parse_row(row))
            if current is not None:
                yield current, bucket
