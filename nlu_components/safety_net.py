"""Deterministic safety net for urgent warning signs and bereavement.

The intent classifier is good but not perfect, and an urgent sign in a baby must never be
answered with a milk fact. This component runs after the classifier (and after the
`FallbackClassifier`) and uses spaCy `Matcher` rules from `patterns/safety_net.yml`:

- an urgent sign overrides the intent with `urgent_sign` (confidence 1.0, whatever the
  classifier said, at any confidence, inside any longer message) and adds one
  `urgent_sign` entity per sign, whose value is the fact id in
  `facts/newborn_warning_signs.yml` that the urgent-care action answers with;
- a bereavement or pregnancy loss overrides the intent with `bereavement` (a baby who has
  died is not an emergency to send the parent to; it needs compassion).
"""
from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Text, Tuple

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_RANKING_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

DEFAULT_PATTERNS = Path(__file__).resolve().parent / "patterns" / "safety_net.yml"
URGENT_INTENT = "urgent_sign"
BEREAVEMENT_INTENT = "bereavement"
URGENT_ENTITY = "urgent_sign"
GAP = "~"
MAX_GAP_TOKENS = 5
GENERAL_QUESTION_WINDOW = 8
MOTHER_SELF_WINDOW = 10

_AGE = re.compile(
    r"\b(\d{1,2})\s*-?\s*(day|days|d|week|weeks|wk|wks|w|month|months|mo|mos|mth|mths)\b"
)
_BABY_WORDS = frozenset(
    "he she him her his hes shes baby babys lo son daughter newborn infant bub twins preemie".split()
)
_TEMPERATURE_WORD = re.compile(
    r"\b(temp|temps|temperature|thermometer|reading|readings|fever|degrees|under|below|"
    r"axillary|armpit|rectal|oral|tympanic|ear|forehead)\b"
)
_NOT_A_TEMPERATURE_AFTER = frozenset(
    "week weeks wk wks day days month months mo year years times hours hrs minutes mins ml oz kg lb lbs g %".split()
)
_TEMPERATURE = re.compile(r"\b(\d{2,3}(?:[.,]\d{1,2})?)\s*(?:°|º|degrees?|deg)?\s*([cf])?\b")


class SafetyNetPatternError(ValueError):
    """The pattern file is malformed; the message says where."""


def expand(pattern: str, tokenize) -> List[List[Dict[str, Any]]]:
    """Turns one pattern string into the spaCy token patterns it stands for."""
    segments = [segment.strip() for segment in pattern.split(GAP)]
    if any(not segment for segment in segments):
        raise SafetyNetPatternError(f"empty segment in pattern {pattern!r}")
    choices: List[List[List[Dict[str, Any]]]] = []
    for segment in segments:
        alternatives = []
        for phrase in segment.split("|"):
            tokens = []
            for word in phrase.split():
                if word == "#":
                    tokens.append({"LIKE_NUM": True})
                else:
                    tokens.extend({"LOWER": token.lower_} for token in tokenize(word))
            alternatives.append(tokens)
        choices.append(alternatives)
    gap = [{"OP": "?"}] * MAX_GAP_TOKENS
    expanded = []
    for combination in itertools.product(*choices):
        tokens: List[Dict[str, Any]] = []
        for index, part in enumerate(combination):
            if index:
                tokens.extend(dict(g) for g in gap)
            tokens.extend(part)
        expanded.append(tokens)
    return expanded


@dataclass
class SafetyFinding:
    """What the safety net found in one message."""

    urgent_facts: List[Tuple[str, Span]] = field(default_factory=list)
    bereavement: bool = False


class SafetyMatcher:
    """The matching logic, independent of Rasa so that it can be tested directly."""

    def __init__(self, nlp: Language, config: Dict[str, Any]) -> None:
        self._nlp = nlp
        tokenize = nlp.tokenizer
        self._urgent = Matcher(nlp.vocab)
        self._in_context = Matcher(nlp.vocab)
        self._baby = Matcher(nlp.vocab)
        self._general = Matcher(nlp.vocab)
        self._definitional = Matcher(nlp.vocab)
        self._present_baby = Matcher(nlp.vocab)
        self._mother = Matcher(nlp.vocab)
        self._bereavement = Matcher(nlp.vocab)
        self._fever_words = Matcher(nlp.vocab)
        try:
            for sign in config["urgent_signs"]:
                fact = sign["fact"]
                for pattern in sign.get("standalone", []):
                    self._urgent.add(fact, expand(pattern, tokenize))
                for pattern in sign.get("in_context", []):
                    self._in_context.add(fact, expand(pattern, tokenize))
            for key, matcher in (
                ("baby_context", self._baby),
                ("general_question", self._general),
                ("definitional", self._definitional),
                ("present_baby", self._present_baby),
                ("mother_self", self._mother),
                ("bereavement", self._bereavement),
            ):
                for pattern in config[key]:
                    matcher.add(key, expand(pattern, tokenize))
            fever = config["fever"]
            self._fever_words.add("fever", expand(fever["words"], tokenize))
            self._fever_words.add(
                "fever",
                expand("has|got|had|running|with|have ~ a|high ~ temperature|temp", tokenize),
            )
            self._fever_under_3_months = fever["under_3_months_fact"]
            self._fever_older = fever["older_baby_fact"]
            self._low_temperature = fever["low_temperature_fact"]
        except (KeyError, TypeError) as error:
            raise SafetyNetPatternError(f"missing or malformed key: {error}") from error

    @classmethod
    def from_file(cls, nlp: Language, path: Path = DEFAULT_PATTERNS) -> "SafetyMatcher":
        return cls(nlp, yaml.safe_load(path.read_text(encoding="utf-8")))

    def urgent_fact_ids(self) -> List[str]:
        return sorted(
            {self._nlp.vocab.strings[key] for key in self._urgent._patterns}
            | {self._nlp.vocab.strings[key] for key in self._in_context._patterns}
            | {self._fever_under_3_months, self._fever_older, self._low_temperature}
        )

    def find(self, doc: Doc) -> SafetyFinding:
        finding = SafetyFinding()
        if any(not _possessive_follows(doc, end) for _, _, end in self._bereavement(doc)):
            finding.bereavement = True
            return finding
        general_spans = [doc[s:e] for _, s, e in self._general(doc)]
        definitional_spans = [doc[s:e] for _, s, e in self._definitional(doc)]
        about_baby = bool(self._baby(doc))
        baby_has_it_now = bool(self._present_baby(doc))

        def near(spans: List[Span], start: int, end: int) -> bool:
            return any(
                span.start < end + GENERAL_QUESTION_WINDOW
                and span.end > start - GENERAL_QUESTION_WINDOW
                for span in spans
            )

        def near_general(start: int, end: int) -> bool:
            return near(general_spans, start, end)

        seen = set()
        for match_id, start, end in self._urgent(doc):
            if near(definitional_spans, start, end) and not baby_has_it_now:
                continue
            self._add(finding, seen, self._nlp.vocab.strings[match_id], doc[start:end])
        if about_baby:
            for match_id, start, end in self._in_context(doc):
                if not near_general(start, end):
                    self._add(finding, seen, self._nlp.vocab.strings[match_id], doc[start:end])

            def near_question(start: int, end: int) -> bool:
                if near_general(start, end):
                    return True
                return near(definitional_spans, start, end) and not baby_has_it_now

            for fact, span in self._temperatures(doc, near_question):
                self._add(finding, seen, fact, span)
        return finding

    @staticmethod
    def _add(finding: SafetyFinding, seen: set, fact: str, span: Span) -> None:
        if fact not in seen:
            seen.add(fact)
            finding.urgent_facts.append((fact, span))

    def _temperatures(self, doc: Doc, near_question) -> List[Tuple[str, Span]]:
        """Fever (by the baby's age) or a low temperature, unless about the mother."""
        mother_spans = [doc[s:e] for _, s, e in self._mother(doc)]

        def about_mother(span: Span) -> bool:
            """A mother word shortly before the fever with no baby in between:
            "I have mastitis and a temperature of 38.5" is the mother's, "I think she has a
            temperature" is the baby's."""
            return any(
                m.start <= span.start
                and span.start - m.end < MOTHER_SELF_WINDOW
                and not any(t.lower_ in _BABY_WORDS for t in doc[m.end:span.start])
                for m in mother_spans
            )

        found: List[Tuple[str, Span]] = []
        readings = list(_temperature_spans(doc))
        fevers = [doc[s:e] for _, s, e in self._fever_words(doc)]
        fevers += [span for span in readings if _is_fever(span.text)]
        for span in fevers:
            if about_mother(span) or near_question(span.start, span.end):
                continue
            age_months = _age_in_months(doc.text)
            older = age_months is not None and age_months >= 3
            found.append((self._fever_older if older else self._fever_under_3_months, span))
            break
        for span in readings:
            if _is_low(span) and not about_mother(span) and not near_question(span.start, span.end):
                found.append((self._low_temperature, span))
                break
        return found


def _possessive_follows(doc: Doc, end: int) -> bool:
    """True for "lost my baby's bottle": the match is the owner of something else."""
    return end < len(doc) and doc[end].lower_ in ("'s", "’s", "s") and doc[end - 1].lower_ not in ("'s", "’s")


def _temperature_spans(doc: Doc) -> Iterable[Span]:
    """Numbers that are temperatures: with a unit, or just after a temperature word."""
    for match in _TEMPERATURE.finditer(doc.text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is None:
            continue
        if span.end < len(doc) and doc[span.end].lower_ in _NOT_A_TEMPERATURE_AFTER:
            continue
        has_unit = bool(match.group(2)) or re.search(r"°|º|deg", match.group(0)) is not None
        before = doc[max(span.start - 4, 0):span.start].text
        if has_unit or _TEMPERATURE_WORD.search(before):
            yield span


def _is_fever(text: str) -> bool:
    match = _TEMPERATURE.search(text)
    if not match:
        return False
    value = float(match.group(1).replace(",", "."))
    unit = match.group(2)
    if unit == "f" or (unit is None and 99 <= value <= 110):
        return value >= 100.4
    return 38.0 <= value <= 43.0 and (unit == "c" or "." in match.group(1) or value >= 38)


def _is_low(span: Span) -> bool:
    """Below 36 °C / 96.8 °F ("under 36" counts too)."""
    match = _TEMPERATURE.search(span.text)
    if not match:
        return False
    value = float(match.group(1).replace(",", "."))
    unit = match.group(2)
    before = span.doc[max(span.start - 2, 0):span.start].text
    limit_word = re.search(r"\b(under|below|less than|lower than)\b", before) is not None
    if unit == "f" or (unit is None and 86 <= value <= 97):
        return value < 96.8 or (limit_word and value <= 96.8)
    return 30 <= value < 36 or (limit_word and value == 36)


def _age_in_months(text: str) -> Optional[float]:
    """The baby's age in months as the message states it, if it does."""
    if re.search(r"\bnew ?born\b|\bpreemie\b|\bnb\b", text):
        return 0.0
    match = _AGE.search(text)
    if not match:
        return None
    number, unit = int(match.group(1)), match.group(2)
    if unit.startswith("d"):
        return number / 30.0
    if unit.startswith("w"):
        return number / 4.35
    return float(number)


def patterns_fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
    is_trainable=False,
    model_from="SpacyNLP",
)
class SafetyNet(GraphComponent):
    """Overrides the intent for urgent signs and bereavement (see module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"patterns": str(DEFAULT_PATTERNS)}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = config
        self._matcher: Optional[SafetyMatcher] = None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyNet":
        return cls(config)

    @classmethod
    def load(cls, config: Dict[Text, Any], *args: Any, **kwargs: Any) -> "SafetyNet":
        return cls(config)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        path = Path(config.get("patterns") or DEFAULT_PATTERNS)
        return patterns_fingerprint(path) if path.is_file() else None

    def _matcher_for(self, model: SpacyModel) -> SafetyMatcher:
        if self._matcher is None:
            self._matcher = SafetyMatcher.from_file(model.model, Path(self._config["patterns"]))
        return self._matcher

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        matcher = self._matcher_for(model)
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                text = message.get(TEXT)
                if not text:
                    continue
                doc = model.model(text.lower())
            apply_finding(message, matcher.find(doc))
        return messages


def apply_finding(message: Message, finding: SafetyFinding) -> None:
    """Writes what the safety net found into the message's intent and entities."""
    if finding.bereavement:
        _override_intent(message, BEREAVEMENT_INTENT)
    elif finding.urgent_facts:
        _override_intent(message, URGENT_INTENT)
        entities = list(message.get(ENTITIES) or [])
        for fact, span in finding.urgent_facts:
            entities.append(
                {
                    "entity": URGENT_ENTITY,
                    "value": fact,
                    "start": span.start_char,
                    "end": span.end_char,
                    "confidence_entity": 1.0,
                    "extractor": SafetyNet.__name__,
                }
            )
        message.set(ENTITIES, entities, add_to_output=True)


def _override_intent(message: Message, name: str) -> None:
    previous = message.get(INTENT) or {}
    ranking: Sequence[Dict[str, Any]] = message.get(INTENT_RANKING_KEY) or []
    ranking = [{"name": name, "confidence": 1.0}] + [
        item for item in ranking if item.get("name") != name
    ]
    message.set(INTENT, {"name": name, "confidence": 1.0}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    if previous.get("name") and previous.get("name") != name:
        message.set("safety_net_overrode", previous.get("name"))
