"""Database access: a read-only engine on Rasa's tracker store, a read-write engine for
the console's own ``review_*`` tables, and the table definitions.

Read-only is enforced by the database, not only by the code: SQLite is opened with
``mode=ro`` and PostgreSQL sessions run with ``default_transaction_read_only=on``.
"""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path
from typing import Any, Callable, Dict, Optional, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import URL

from console.config import Settings

T = TypeVar("T")

# Rasa's table (rasa/core/tracker_store.py, SQLTrackerStore.SQLEvent). Never created here.
tracker_metadata = sa.MetaData()
events = sa.Table(
    "events",
    tracker_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)

review_metadata = sa.MetaData()

users = sa.Table(
    "review_users",
    review_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("is_active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_login_at", sa.Float),
)

sessions = sa.Table(
    "review_sessions",
    review_metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("review_users.id"), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
)

login_attempts = sa.Table(
    "review_login_attempts",
    review_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ip", sa.String(64), nullable=False, index=True),
    sa.Column("email", sa.String(254), nullable=False, index=True),
    sa.Column("ts", sa.Float, nullable=False, index=True),
    sa.Column("success", sa.Boolean, nullable=False),
)

tags = sa.Table(
    "review_tags",
    review_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(40), nullable=False, unique=True),
)

conversation_tags = sa.Table(
    "review_conversation_tags",
    review_metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("tag_id", sa.Integer, sa.ForeignKey("review_tags.id"), primary_key=True),
    sa.Column("added_by", sa.Integer, sa.ForeignKey("review_users.id")),
    sa.Column("added_at", sa.Float, nullable=False),
)

notes = sa.Table(
    "review_notes",
    review_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("event_id", sa.Integer),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("author_id", sa.Integer, sa.ForeignKey("review_users.id")),
    sa.Column("created_at", sa.Float, nullable=False),
)

review_status = sa.Table(
    "review_status",
    review_metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("reviewed", sa.Boolean, nullable=False, default=False),
    sa.Column("reviewed_by", sa.Integer, sa.ForeignKey("review_users.id")),
    sa.Column("reviewed_at", sa.Float),
)

annotations = sa.Table(
    "review_annotations",
    review_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("event_id", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("original_intent", sa.String(255)),
    sa.Column("original_confidence", sa.Float),
    sa.Column("corrected_intent", sa.String(255), nullable=False),
    sa.Column("outcome", sa.String(32), nullable=False),
    sa.Column("annotated_by", sa.Integer, sa.ForeignKey("review_users.id")),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.UniqueConstraint("sender_id", "event_id", name="uq_review_annotation_turn"),
)

saved_stories = sa.Table(
    "review_stories",
    review_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("saved_by", sa.Integer, sa.ForeignKey("review_users.id")),
    sa.Column("saved_at", sa.Float, nullable=False),
)


def _sqlite_read_only_url(url: URL) -> URL:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return url
    return url.set(database=f"file:{database}", query={"mode": "ro", "uri": "true"})


def _engine_kwargs(url: URL, settings: Settings, read_only: bool) -> Dict[str, Any]:
    if url.get_backend_name() == "sqlite":
        return {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if url.get_backend_name() == "postgresql":
        options = []
        if settings.postgresql_schema:
            options.append(f"-csearch_path={settings.postgresql_schema}")
        if read_only:
            options.append("-cdefault_transaction_read_only=on")
        kwargs: Dict[str, Any] = {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 5}
        if options:
            kwargs["connect_args"] = {"options": " ".join(options)}
        return kwargs
    return {}


def _make_sqlite_folder(url: URL) -> None:
    """A fresh clone has no var/ yet (Rasa creates it on its first start): create it for SQLite."""
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


class Database:
    """Both engines plus helpers; one instance per application."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        _make_sqlite_folder(settings.review_url)
        self.review: Engine = sa.create_engine(
            settings.review_url, future=True, **_engine_kwargs(settings.review_url, settings, False)
        )
        review_metadata.create_all(self.review)
        tracker_url = settings.tracker_url
        if tracker_url.get_backend_name() == "sqlite":
            tracker_url = _sqlite_read_only_url(tracker_url)
        self.tracker: Engine = sa.create_engine(
            tracker_url, future=True, **_engine_kwargs(settings.tracker_url, settings, True)
        )
        self.dialect = settings.tracker_url.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise RuntimeError(
                f"tracker store dialect '{self.dialect}' is not supported (SQLite, PostgreSQL)"
            )

    def tracker_ready(self) -> bool:
        """True when Rasa has created its ``events`` table."""
        try:
            return sa.inspect(self.tracker).has_table("events")
        except sa.exc.OperationalError:
            return False

    def dispose(self) -> None:
        self.review.dispose()
        self.tracker.dispose()


async def run_sync(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking database work in a worker thread so the event loop stays free."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(func, *args, **kwargs))


def one_or_none(engine: Engine, statement: Any) -> Optional[Any]:
    with engine.connect() as connection:
        return connection.execute(statement).first()
