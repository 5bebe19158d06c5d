"""The fact store (``facts/*.yml``) and the domain's intents, reloaded when files change."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml


def _yaml_files(path: Path) -> List[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())
    return []


def _signature(files: List[Path]) -> Tuple[Tuple[str, float], ...]:
    out = []
    for file in files:
        try:
            out.append((str(file), file.stat().st_mtime))
        except OSError:
            continue
    return tuple(out)


class Knowledge:
    """Facts by id, topics, and domain intents for the annotation form."""

    def __init__(self, facts_dir: Path, domain_path: Path) -> None:
        self.facts_dir = facts_dir
        self.domain_path = domain_path
        self._lock = threading.Lock()
        self._facts_sig: Optional[tuple] = None
        self._domain_sig: Optional[tuple] = None
        self._facts: Dict[str, Dict[str, Any]] = {}
        self._topics: List[str] = []
        self._intents: List[str] = []
        self.errors: List[str] = []

    # --- facts -----------------------------------------------------------------------
    def _load_facts(self) -> None:
        files = _yaml_files(self.facts_dir)
        signature = _signature(files)
        if signature == self._facts_sig:
            return
        facts: Dict[str, Dict[str, Any]] = {}
        topics: List[str] = []
        errors: List[str] = []
        for file in files:
            try:
                content = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
            except (OSError, yaml.YAMLError) as error:
                errors.append(f"{file.name}: {error}")
                continue
            if not isinstance(content, dict):
                continue
            for topic in _topic_ids(content.get("topics")):
                if topic not in topics:
                    topics.append(topic)
            for fact in content.get("facts") or []:
                if isinstance(fact, dict) and fact.get("id"):
                    fact = dict(fact)
                    fact["_file"] = file.name
                    facts[str(fact["id"])] = fact
                    topic = fact.get("topic")
                    if topic and topic not in topics:
                        topics.append(str(topic))
        self._facts, self._topics, self._facts_sig = facts, topics, signature
        self.errors = errors

    def facts(self) -> Dict[str, Dict[str, Any]]:
        with self._lock:
            self._load_facts()
            return self._facts

    def fact(self, fact_id: Optional[str]) -> Optional[Dict[str, Any]]:
        if not fact_id:
            return None
        return self.facts().get(str(fact_id))

    def topics(self) -> List[str]:
        with self._lock:
            self._load_facts()
            return list(self._topics)

    # --- domain ----------------------------------------------------------------------
    def intents(self) -> List[str]:
        with self._lock:
            files = _yaml_files(self.domain_path)
            signature = _signature(files)
            if signature != self._domain_sig:
                intents: List[str] = []
                for file in files:
                    try:
                        content = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
                    except (OSError, yaml.YAMLError):
                        continue
                    if not isinstance(content, dict):
                        continue
                    for item in content.get("intents") or []:
                        name = next(iter(item), None) if isinstance(item, dict) else item
                        if name and str(name) not in intents:
                            intents.append(str(name))
                self._intents, self._domain_sig = sorted(intents), signature
            return list(self._intents)


def _topic_ids(raw: Any) -> List[str]:
    """Topic ids from ``facts/topics.yml`` whatever its exact shape."""
    if isinstance(raw, dict):
        return [str(key) for key in raw]
    out = []
    for item in raw or []:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            value = item.get("id") or item.get("topic") or item.get("name")
            if value:
                out.append(str(value))
    return out
