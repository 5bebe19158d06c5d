"""Training data written by the console.

* :func:`add_nlu_example` puts a corrected user message into ``data/nlu/reviewed.yml``
  (Rasa YAML, ``version: "3.1"``, ``nlu: - intent: X examples: |``), one example per line,
  deduplicated. A text that the rest of the training data already labels with another
  intent is refused (``rasa data validate --fail-on-warnings`` would reject it); a text
  already labelled the same way is not written twice; a text corrected again moves to
  its new intent.
* :func:`write_test_story` writes a conversation as a Rasa 3 test story
  (``tests/stories/reviewed_<id>.yml``) with Rasa's own ``YAMLStoryWriter``, the way
  ``GET /conversations/<id>/story`` does, using the trainers' corrected intents.

Personal data is replaced by ``<email>`` / ``<phone>`` before anything is written.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import yaml

from console.masking import mask, shift_entities

MAX_EXAMPLE_LENGTH = 500
HEADER = (
    "# Intent corrections saved by trainers in the review console (console/annotate.py).\n"
    "# One example per line, no duplicates; personal data is replaced by <email>/<phone>.\n"
)
# Rasa's entity markup: [text](entity), [text]{"entity": ...}, [text][{...}]
ENTITY_MARKUP = re.compile(r"\[([^\]]+?)\](\(([^:)]+?)(?:\:([^)]+))?\)|\{([^}]+?)\}|\[(.*?)\])")


@dataclass
class AnnotationResult:
    outcome: str  # written | moved | duplicate | conflict | invalid
    message: str
    text: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome in {"written", "moved", "duplicate"}


def normalise_text(text: str) -> str:
    return " ".join((text or "").split())


def example_key(text: str) -> str:
    return normalise_text(ENTITY_MARKUP.sub(lambda m: m.group(1), text)).casefold()


def training_text(text: str) -> str:
    """The message as it will be written: one line, masked, no accidental entity markup."""
    cleaned = normalise_text(mask(text, plain=True))
    if ENTITY_MARKUP.search(cleaned):
        cleaned = cleaned.replace("[", "(").replace("]", ")")
    return cleaned


@contextlib.contextmanager
def _file_lock(target: Path) -> Iterator[None]:
    digest = hashlib.sha1(str(target.resolve()).encode("utf-8")).hexdigest()[:16]
    lock_path = Path(tempfile.gettempdir()) / f"review-console-{digest}.lock"
    with open(lock_path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _atomic_write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _examples_of(item: Mapping[str, Any]) -> List[str]:
    raw = item.get("examples")
    out: List[str] = []
    if isinstance(raw, str):
        for line in raw.splitlines():
            line = line.strip()
            if line.startswith("- "):
                out.append(line[2:].strip())
            elif line == "-":
                continue
    elif isinstance(raw, list):
        for entry in raw:
            if isinstance(entry, dict) and entry.get("text"):
                out.append(str(entry["text"]).strip())
            elif isinstance(entry, str):
                out.append(entry.strip())
    return out


def _nlu_items(path: Path) -> List[Mapping[str, Any]]:
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return []
    if not isinstance(content, dict):
        return []
    return [item for item in content.get("nlu") or [] if isinstance(item, dict)]


def existing_labels(data_dir: Path, exclude: Path) -> Dict[str, Tuple[str, str]]:
    """``example key -> (intent, file)`` for every intent example outside ``exclude``."""
    labels: Dict[str, Tuple[str, str]] = {}
    if not data_dir.exists():
        return labels
    exclude = exclude.resolve()
    for path in sorted(data_dir.rglob("*")):
        if path.suffix not in (".yml", ".yaml") or not path.is_file() or path.resolve() == exclude:
            continue
        for item in _nlu_items(path):
            intent = item.get("intent")
            if not intent:
                continue
            for example in _examples_of(item):
                labels.setdefault(example_key(example), (str(intent), str(path.relative_to(data_dir))))
    return labels


def _render_nlu(intents: Dict[str, List[str]], others: List[Mapping[str, Any]]) -> str:
    lines = [HEADER.rstrip("\n"), 'version: "3.1"', "nlu:"]
    for intent in sorted(intents):
        examples = intents[intent]
        if not examples:
            continue
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines.extend(f"    - {example}" for example in examples)
    if others:
        dumped = yaml.safe_dump(list(others), sort_keys=False, allow_unicode=True, width=1000)
        lines.extend(dumped.rstrip("\n").splitlines())
    if len(lines) == 3:
        lines[-1] = "nlu: []"
    return "\n".join(lines) + "\n"


def add_nlu_example(
    data_dir: Path, output: Path, text: str, intent: str, known_intents: Sequence[str]
) -> AnnotationResult:
    """Add ``text`` as an example of ``intent`` to ``output`` (see module docstring)."""
    if not known_intents:
        return AnnotationResult("invalid", "The domain lists no intents (is domain.yml there?).")
    if intent not in known_intents:
        return AnnotationResult("invalid", f"'{intent}' is not an intent of the domain.")
    cleaned = training_text(text)
    if not cleaned:
        return AnnotationResult("invalid", "The message is empty.")
    if cleaned.startswith("/"):
        return AnnotationResult("invalid", "Button payloads are not NLU examples.", cleaned)
    if len(cleaned) > MAX_EXAMPLE_LENGTH:
        return AnnotationResult("invalid", "The message is too long to be a training example.", cleaned)
    key = example_key(cleaned)
    with _file_lock(output):
        elsewhere = existing_labels(data_dir, output).get(key)
        if elsewhere and elsewhere[0] != intent:
            return AnnotationResult(
                "conflict",
                f"'{cleaned}' is already labelled '{elsewhere[0]}' in data/{elsewhere[1]}; "
                "change it there (two labels would fail `rasa data validate`).",
                cleaned,
            )
        if elsewhere:
            return AnnotationResult("duplicate", f"Already in the training data as '{intent}' (data/{elsewhere[1]}).", cleaned)
        intents: Dict[str, List[str]] = {}
        others: List[Mapping[str, Any]] = []
        if output.exists():
            for item in _nlu_items(output):
                if item.get("intent"):
                    bucket = intents.setdefault(str(item["intent"]), [])
                    for example in _examples_of(item):
                        if example_key(example) not in {example_key(e) for e in bucket}:
                            bucket.append(example)
                else:
                    others.append(item)
        previous = next((name for name, items in intents.items() if key in {example_key(e) for e in items}), None)
        if previous == intent:
            return AnnotationResult("duplicate", f"Already in {output.name} as '{intent}'.", cleaned)
        if previous:
            intents[previous] = [e for e in intents[previous] if example_key(e) != key]
        intents.setdefault(intent, []).append(cleaned)
        _atomic_write(output, _render_nlu(intents, others))
    if previous:
        return AnnotationResult("moved", f"Moved from '{previous}' to '{intent}' in {output.name}.", cleaned)
    return AnnotationResult("written", f"Added to {output.name} as '{intent}'.", cleaned)


# --- test stories -------------------------------------------------------------------


def story_file_id(sender_id: str) -> str:
    """File-system safe, personal-data free id of a conversation."""
    readable = re.sub(r"[^A-Za-z0-9_-]+", "_", mask(sender_id, plain=True)).strip("_")[:40]
    digest = hashlib.sha1(sender_id.encode("utf-8")).hexdigest()[:8]
    return f"{readable}_{digest}" if readable else digest


def _sessions(events: List[Dict[str, Any]]) -> List[List[Dict[str, Any]]]:
    out: List[List[Dict[str, Any]]] = [[]]
    for event in events:
        starts_session = event.get("event") == "action" and event.get("name") == "action_session_start"
        if starts_session and any(e.get("event") == "user" for e in out[-1]):
            out.append([])
        out[-1].append(event)
    return [session for session in out if any(e.get("event") == "user" for e in session)]


def _prepare_user_event(event: Dict[str, Any], corrected: Optional[str]) -> Dict[str, Any]:
    event = copy.deepcopy(event)
    parse_data = event.setdefault("parse_data", {}) or {}
    text = event.get("text") or ""
    if text.startswith("/"):
        masked, entities = text, parse_data.get("entities") or []
    else:
        masked, entities = shift_entities(text, parse_data.get("entities") or [])
    event["text"] = masked
    parse_data["text"] = masked
    parse_data["entities"] = entities
    if corrected:
        parse_data["intent"] = {"name": corrected, "confidence": 1.0}
        parse_data["intent_ranking"] = [{"name": corrected, "confidence": 1.0}]
    event["parse_data"] = parse_data
    return event


def story_yaml(
    sender_id: str, rows: Sequence[Dict[str, Any]], corrections: Mapping[int, str]
) -> str:
    """The conversation as Rasa 3 test stories (one story per conversation session)."""
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.shared.core.training_data.story_writer.yaml_story_writer import YAMLStoryWriter

    events: List[Dict[str, Any]] = []
    for row in rows:
        event = row["data"]
        if not isinstance(event, dict) or not event.get("event"):
            continue
        if event["event"] == "user":
            event = _prepare_user_event(event, corrections.get(row["id"]))
        elif event["event"] == "bot":
            event = dict(event, text=mask(event.get("text"), plain=True))
        events.append(event)
    sessions = _sessions(events)
    if not sessions:
        raise ValueError("the conversation has no user message to test")
    name = f"reviewed_{story_file_id(sender_id)}"
    steps = []
    for index, session in enumerate(sessions, 1):
        story_name = name if len(sessions) == 1 else f"{name}_session_{index}"
        tracker = DialogueStateTracker.from_dict(story_name, session, [])
        steps.extend(tracker.as_story().story_steps)
    header = (
        f"# Test story saved from the review console (conversation {story_file_id(sender_id)}).\n"
        "# Run: rasa test core --stories <this file> --fail-on-prediction-errors\n"
    )
    return header + YAMLStoryWriter().dumps(steps, is_test_story=True)


def write_test_story(
    stories_dir: Path, sender_id: str, rows: Sequence[Dict[str, Any]], corrections: Mapping[int, str]
) -> Path:
    content = story_yaml(sender_id, rows, corrections)
    path = stories_dir / f"reviewed_{story_file_id(sender_id)}.yml"
    with _file_lock(path):
        _atomic_write(path, content)
    return path
