"""Loads `facts/*.yml`, validates every fact and the store as a whole.

Every problem is reported, not just the first, each naming the file, the fact id and the
field, so that a content editor can fix a whole batch in one go.
"""
from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import yaml
from pydantic import ValidationError

from actions.fact_store.schema import Fact, Topic

DEFAULT_FACTS_DIR = Path(__file__).resolve().parents[2] / "facts"
TOPICS_FILE = "topics.yml"
MIN_FACTS_PER_TOPIC = 3


class FactStoreError(ImportError):
    """The fact store is invalid.

    It subclasses ImportError on purpose: rasa-sdk stops the action server (exit 1) on an
    ImportError while loading the actions package, and an invalid store must stop it rather
    than fail one message at a time.
    """

    def __init__(self, problems: List[str]) -> None:
        self.problems = problems
        super().__init__(
            f"The fact store is invalid ({len(problems)} problem(s)):\n  - "
            + "\n  - ".join(problems)
        )


@dataclass
class FactStore:
    topics: Dict[str, Topic]
    facts: Dict[str, Fact]
    by_topic: Dict[str, List[Fact]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        grouped: Dict[str, List[Fact]] = defaultdict(list)
        for fact in self.facts.values():
            grouped[fact.topic].append(fact)
        self.by_topic = {topic: grouped.get(topic, []) for topic in self.topics}

    def get(self, fact_id: Optional[str]) -> Optional[Fact]:
        return self.facts.get(fact_id or "")

    def overview(self, topic: str) -> Optional[Fact]:
        """The first fact of a topic's file answers the topic's broadest question."""
        facts = self.by_topic.get(topic) or []
        return facts[0] if facts else None

    def related(self, fact: Fact) -> List[Fact]:
        return [self.facts[i] for i in fact.related if i in self.facts]


def _field_path(location: Iterable) -> str:
    return ".".join(str(part) for part in location if part != "__root__") or "(fact)"


def _read_yaml(path: Path, problems: List[str]):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        problems.append(f"{path.name}: not valid YAML: {error}")
    except OSError as error:
        problems.append(f"{path.name}: cannot be read: {error}")
    return None


def _load_topics(directory: Path, problems: List[str]) -> Dict[str, Topic]:
    data = _read_yaml(directory / TOPICS_FILE, problems) or {}
    topics: Dict[str, Topic] = {}
    for index, raw in enumerate(data.get("topics") or []):
        try:
            topic = Topic.parse_obj(raw)
        except ValidationError as error:
            for item in error.errors():
                problems.append(f"{TOPICS_FILE}: topic #{index}: field '{_field_path(item['loc'])}': {item['msg']}")
            continue
        topics[topic.id] = topic
    if not topics:
        problems.append(f"{TOPICS_FILE}: no topics")
    return topics


def _load_facts(directory: Path, topics: Dict[str, Topic], problems: List[str]) -> List[Fact]:
    facts: List[Fact] = []
    for path in sorted(directory.glob("*.yml")):
        if path.name == TOPICS_FILE:
            continue
        data = _read_yaml(path, problems)
        if data is None:
            continue
        if not isinstance(data, dict) or not isinstance(data.get("facts"), list):
            problems.append(f"{path.name}: needs a top-level list 'facts'")
            continue
        expected_topic = path.stem
        if expected_topic not in topics:
            problems.append(f"{path.name}: file name is not a topic id from {TOPICS_FILE}")
        for index, raw in enumerate(data["facts"]):
            fact_id = raw.get("id", f"#{index}") if isinstance(raw, dict) else f"#{index}"
            try:
                fact = Fact.parse_obj(raw)
            except ValidationError as error:
                for item in error.errors():
                    problems.append(
                        f"{path.name}: fact '{fact_id}': field '{_field_path(item['loc'])}': {item['msg']}"
                    )
                continue
            if fact.topic != expected_topic:
                problems.append(
                    f"{path.name}: fact '{fact.id}': field 'topic': '{fact.topic}' does not match the file name"
                )
            facts.append(fact)
    return facts


def _check_store(facts: List[Fact], topics: Dict[str, Topic], problems: List[str]) -> None:
    counts = Counter(f.id for f in facts)
    for fact_id, count in counts.items():
        if count > 1:
            problems.append(f"fact '{fact_id}': field 'id': used {count} times")
    ids = set(counts)
    for fact in facts:
        for related in fact.related:
            if related not in ids:
                problems.append(f"{fact.topic}.yml: fact '{fact.id}': field 'related': unknown fact id '{related}'")
            elif related == fact.id:
                problems.append(f"{fact.topic}.yml: fact '{fact.id}': field 'related': refers to itself")
    per_topic = Counter(f.topic for f in facts)
    for topic in topics:
        if per_topic[topic] < MIN_FACTS_PER_TOPIC:
            problems.append(
                f"{topic}.yml: topic '{topic}' has {per_topic[topic]} fact(s), needs at least {MIN_FACTS_PER_TOPIC}"
            )


def load_fact_store(directory: Optional[Path] = None) -> FactStore:
    """Loads and validates the store; raises FactStoreError listing every problem."""
    directory = Path(directory or os.environ.get("FACTS_DIR") or DEFAULT_FACTS_DIR)
    problems: List[str] = []
    if not directory.is_dir():
        raise FactStoreError([f"{directory}: the fact store folder does not exist"])
    topics = _load_topics(directory, problems)
    facts = _load_facts(directory, topics, problems)
    _check_store(facts, topics, problems)
    if problems:
        raise FactStoreError(problems)
    return FactStore(topics=topics, facts={f.id: f for f in facts})
