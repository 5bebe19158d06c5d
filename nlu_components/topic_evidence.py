"""Topic evidence guard: a weak topic guess with nothing in the message to back it is unclear.

DIET always picks some intent. For a message such as "hmm the thing with the stuff" it may
give a topic 0.35-0.45, just above the `FallbackClassifier` threshold, and the assistant
would answer a milk fact nobody asked for. This component runs after the fallback
classifier: when the intent is a topic (`ask_<topic>`), its confidence is below
`min_confidence`, the message has no entity, and none of its words (lemmas) appears in that
topic's own training examples (leaving out words common to many topics), the intent becomes
`nlu_fallback`, so the dialogue asks "Did you mean ...?" instead of guessing. A weak guess of
any other intent (`deny`, say) on a message of filler words only ("hmm", "thing", "stuff")
becomes `nlu_fallback` too; short replies ("ok") and the safety net's intents never do.

What it learns at training time is only the vocabulary of each topic intent; it is persisted
in the model, so the guard never disagrees with the data the model was trained on.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any, Dict, Iterable, List, Optional, Set, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

FALLBACK_INTENT = "nlu_fallback"
TOPIC_PREFIX = "ask_"
VOCABULARY_FILE = "topic_vocabulary.json"
_WORD = re.compile(r"[a-z0-9']+")
_STOPWORDS = frozenset(
    """a an and are as at be been but by can could do does did for from get got has have how i
    if in into is it its im i'm just like me my of on or our should so that the their them then
    there these they this to was we what when where which who why will with would you your""".split()
)
# Words that fill a sentence without asking anything: "hmm the thing with the stuff".
_FILLER = frozenset(
    "hmm hmmm umm erm thing things stuff something anything everything bit lot kind sort".split()
)
# Vague words name no topic, so they are no evidence for one ("the thing with the stuff").
_VAGUE = _FILLER | frozenset(
    "question questions ask asking know tell want need help please okay yeah".split()
)
# The safety net decides on these itself (it runs after this guard).
_NEVER_DEMOTED = frozenset({"urgent_sign", "bereavement"})


def raw_words(message: Message) -> Set[str]:
    """The message's lower-case words, stopwords and all."""
    return set(_WORD.findall((message.get(TEXT) or "").lower()))


def message_words(message: Message) -> Set[str]:
    """Lower-case words and their lemmas (from the spaCy tokenizer, when it ran)."""
    words = raw_words(message)
    for token in message.get(TOKENS_NAMES[TEXT]) or []:
        lemma = (token.lemma or token.text or "").lower()
        words.update(_WORD.findall(lemma))
    return {w for w in words if w not in _STOPWORDS and w not in _VAGUE and len(w) > 2}


def topic_vocabularies(
    examples: Iterable[Message], generic_share: float
) -> Dict[str, List[str]]:
    """Each topic intent's words, without the words found in more than `generic_share` of topics."""
    by_intent: Dict[str, Set[str]] = defaultdict(set)
    for example in examples:
        intent = example.get(INTENT)
        if isinstance(intent, str) and intent.startswith(TOPIC_PREFIX):
            by_intent[intent] |= message_words(example)
    topics = len(by_intent) or 1
    spread: Dict[str, int] = defaultdict(int)
    for words in by_intent.values():
        for word in words:
            spread[word] += 1
    generic = {w for w, count in spread.items() if count / topics > generic_share}
    return {intent: sorted(words - generic) for intent, words in by_intent.items()}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TopicEvidenceGuard(GraphComponent):
    """Turns an unsupported, low-confidence topic guess into `nlu_fallback` (see module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"min_confidence": 0.5, "generic_share": 0.25}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vocabularies: Optional[Dict[str, List[str]]] = None,
    ) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._vocabularies = {k: set(v) for k, v in (vocabularies or {}).items()}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TopicEvidenceGuard":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        vocabularies = topic_vocabularies(
            training_data.intent_examples, float(self._config["generic_share"])
        )
        self._vocabularies = {k: set(v) for k, v in vocabularies.items()}
        with self._storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(json.dumps(vocabularies), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "TopicEvidenceGuard":
        try:
            with model_storage.read_from(resource) as directory:
                vocabularies = json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError) as error:
            raise ValueError(f"TopicEvidenceGuard: the trained vocabulary is missing ({error})") from error
        return cls(config, model_storage, resource, vocabularies)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def is_unsupported(self, message: Message) -> bool:
        intent = message.get(INTENT) or {}
        name, confidence = intent.get("name") or "", float(intent.get("confidence") or 0.0)
        if name == FALLBACK_INTENT or confidence >= self._config["min_confidence"]:
            return False
        if message.get(ENTITIES):
            return False
        words = message_words(message)
        if not name.startswith(TOPIC_PREFIX):
            # a weak guess on filler alone ("hmm the thing with the stuff" read as `deny`) is
            # no guess at all; a short reply ("ok", "help") and the safety net's intents are
            # left to their own handling
            if name in _NEVER_DEMOTED:
                return False
            return not words and bool(raw_words(message) & _FILLER)
        return not (words & self._vocabularies.get(name, set()))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if self.is_unsupported(message):
                guess = message.get(INTENT)
                ranking = [item for item in message.get(INTENT_RANKING_KEY) or []
                           if item.get("name") != FALLBACK_INTENT]
                fallback = {"name": FALLBACK_INTENT, "confidence": guess["confidence"]}
                message.set(INTENT, fallback, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [fallback] + ranking, add_to_output=True)
                message.set("topic_evidence_guard", guess["name"], add_to_output=True)
        return messages
