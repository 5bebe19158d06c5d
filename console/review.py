"""The console's own records about conversations: tags, notes, review status,
intent annotations and saved test stories (tables ``review_*``)."""

from __future__ import annotations

import re
import time
from collections import Counter
from typing import Any, Dict, List, Optional, Sequence, Tuple

import sqlalchemy as sa

from console.db import (
    Database,
    annotations,
    conversation_tags,
    notes,
    review_status,
    saved_stories,
    tags,
    users,
)

TAG_SHAPE = re.compile(r"^[\w][\w \-]{0,39}$", re.UNICODE)
MAX_NOTE = 5000
ACCEPTED_OUTCOMES = ("written", "moved", "duplicate")


class ReviewError(ValueError):
    """Refused input (message shown to the trainer)."""


def clean_tag(name: str) -> str:
    name = " ".join((name or "").split()).lower()
    if not TAG_SHAPE.match(name):
        raise ReviewError("A tag is 1 to 40 letters, digits, spaces, '-' or '_'.")
    return name


def list_info(db: Database, senders: Sequence[str]) -> Dict[str, Dict[str, Any]]:
    info: Dict[str, Dict[str, Any]] = {sender: {"reviewed": False, "tags": []} for sender in senders}
    if not senders:
        return info
    with db.review.connect() as connection:
        for row in connection.execute(
            sa.select(review_status.c.sender_id, review_status.c.reviewed).where(
                review_status.c.sender_id.in_(list(senders))
            )
        ):
            info[row.sender_id]["reviewed"] = bool(row.reviewed)
        for row in connection.execute(
            sa.select(conversation_tags.c.sender_id, tags.c.name)
            .select_from(conversation_tags.join(tags, tags.c.id == conversation_tags.c.tag_id))
            .where(conversation_tags.c.sender_id.in_(list(senders)))
            .order_by(tags.c.name)
        ):
            info[row.sender_id]["tags"].append(row.name)
    return info


def conversation_info(db: Database, sender_id: str) -> Dict[str, Any]:
    with db.review.connect() as connection:
        status = connection.execute(
            sa.select(review_status.c.reviewed, review_status.c.reviewed_at, users.c.email)
            .select_from(review_status.outerjoin(users, users.c.id == review_status.c.reviewed_by))
            .where(review_status.c.sender_id == sender_id)
        ).first()
        tag_names = [
            row.name
            for row in connection.execute(
                sa.select(tags.c.name)
                .select_from(conversation_tags.join(tags, tags.c.id == conversation_tags.c.tag_id))
                .where(conversation_tags.c.sender_id == sender_id)
                .order_by(tags.c.name)
            )
        ]
        note_rows = connection.execute(
            sa.select(notes.c.id, notes.c.event_id, notes.c.body, notes.c.created_at, users.c.email)
            .select_from(notes.outerjoin(users, users.c.id == notes.c.author_id))
            .where(notes.c.sender_id == sender_id)
            .order_by(notes.c.created_at, notes.c.id)
        ).all()
        annotation_rows = connection.execute(
            sa.select(annotations, users.c.email)
            .select_from(annotations.outerjoin(users, users.c.id == annotations.c.annotated_by))
            .where(annotations.c.sender_id == sender_id)
        ).all()
        story_rows = connection.execute(
            sa.select(saved_stories.c.path, saved_stories.c.saved_at)
            .where(saved_stories.c.sender_id == sender_id)
            .order_by(saved_stories.c.saved_at.desc())
        ).all()
    return {
        "reviewed": bool(status and status.reviewed),
        "reviewed_at": status.reviewed_at if status else None,
        "reviewed_by": status.email if status else None,
        "tags": tag_names,
        "notes": [dict(row._mapping) for row in note_rows],
        "annotations": {row.event_id: dict(row._mapping) for row in annotation_rows},
        "stories": [dict(row._mapping) for row in story_rows],
    }


def all_tags(db: Database) -> List[str]:
    with db.review.connect() as connection:
        return [row.name for row in connection.execute(sa.select(tags.c.name).order_by(tags.c.name))]


def add_tag(db: Database, sender_id: str, name: str, user_id: int) -> str:
    name = clean_tag(name)
    with db.review.begin() as connection:
        tag_id = connection.execute(sa.select(tags.c.id).where(tags.c.name == name)).scalar()
        if tag_id is None:
            tag_id = connection.execute(tags.insert().values(name=name)).inserted_primary_key[0]
        exists = connection.execute(
            sa.select(conversation_tags.c.tag_id).where(
                conversation_tags.c.sender_id == sender_id, conversation_tags.c.tag_id == tag_id
            )
        ).first()
        if not exists:
            connection.execute(
                conversation_tags.insert().values(
                    sender_id=sender_id, tag_id=tag_id, added_by=user_id, added_at=time.time()
                )
            )
    return name


def remove_tag(db: Database, sender_id: str, name: str) -> None:
    with db.review.begin() as connection:
        tag_id = connection.execute(sa.select(tags.c.id).where(tags.c.name == (name or "").strip().lower())).scalar()
        if tag_id is not None:
            connection.execute(
                conversation_tags.delete().where(
                    conversation_tags.c.sender_id == sender_id, conversation_tags.c.tag_id == tag_id
                )
            )


def add_note(db: Database, sender_id: str, body: str, user_id: int, event_id: Optional[int] = None) -> None:
    body = (body or "").strip()
    if not body:
        raise ReviewError("The note is empty.")
    if len(body) > MAX_NOTE:
        raise ReviewError(f"A note has at most {MAX_NOTE} characters.")
    with db.review.begin() as connection:
        connection.execute(
            notes.insert().values(
                sender_id=sender_id, event_id=event_id, body=body, author_id=user_id, created_at=time.time()
            )
        )


def set_reviewed(db: Database, sender_id: str, reviewed: bool, user_id: int) -> None:
    with db.review.begin() as connection:
        connection.execute(review_status.delete().where(review_status.c.sender_id == sender_id))
        connection.execute(
            review_status.insert().values(
                sender_id=sender_id,
                reviewed=reviewed,
                reviewed_by=user_id,
                reviewed_at=time.time(),
            )
        )


def record_annotation(
    db: Database,
    sender_id: str,
    event_id: int,
    text: str,
    original_intent: Optional[str],
    original_confidence: Optional[float],
    corrected_intent: str,
    outcome: str,
    user_id: int,
) -> None:
    with db.review.begin() as connection:
        connection.execute(
            annotations.delete().where(annotations.c.sender_id == sender_id, annotations.c.event_id == event_id)
        )
        connection.execute(
            annotations.insert().values(
                sender_id=sender_id,
                event_id=event_id,
                text=text,
                original_intent=original_intent,
                original_confidence=original_confidence,
                corrected_intent=corrected_intent,
                outcome=outcome,
                annotated_by=user_id,
                created_at=time.time(),
            )
        )


def corrections(db: Database, sender_id: str) -> Dict[int, str]:
    with db.review.connect() as connection:
        return {
            row.event_id: row.corrected_intent
            for row in connection.execute(
                sa.select(annotations.c.event_id, annotations.c.corrected_intent).where(
                    annotations.c.sender_id == sender_id, annotations.c.outcome.in_(ACCEPTED_OUTCOMES)
                )
            )
        }


def annotation_confusions(db: Database, senders: Optional[set] = None) -> Counter:
    """``(original, corrected) -> count`` over accepted annotations that changed the intent."""
    counts: Counter = Counter()
    with db.review.connect() as connection:
        for row in connection.execute(
            sa.select(annotations.c.sender_id, annotations.c.original_intent, annotations.c.corrected_intent).where(
                annotations.c.outcome.in_(ACCEPTED_OUTCOMES)
            )
        ):
            if senders is not None and row.sender_id not in senders:
                continue
            if row.original_intent and row.original_intent != row.corrected_intent:
                counts[(row.original_intent, row.corrected_intent)] += 1
    return counts


def record_story(db: Database, sender_id: str, path: str, user_id: int) -> None:
    with db.review.begin() as connection:
        connection.execute(
            saved_stories.insert().values(sender_id=sender_id, path=path, saved_by=user_id, saved_at=time.time())
        )


def pairs(counter: Counter, limit: int = 15) -> List[Tuple[Tuple[str, str], int]]:
    return counter.most_common(limit)
