"""Picks the fact inside a topic that best fits what the user wrote.

The intent classifier decides the topic; inside it, each fact is scored by the keyword
phrases and question words it shares with the message, each word weighted by how rare it is
among the topic's facts (so "colostrum" counts little inside the colostrum topic, and
"antenatal" a lot). With no signal the topic's overview (its first fact) answers.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import Dict, Iterable, List, Optional, Set

from actions.fact_store.schema import Fact

_WORD = re.compile(r"[a-z0-9']+")
_STOPWORDS = frozenset(
    """a an and are as at be by can could do does did for from has have how i if in into is it
    its me my of on or our should so that the their them then there these they this to was we
    what when where which who why will with would you your""".split()
)
KEYWORD_BONUS = 1.0


def words(text: str) -> List[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def _normalised(text: str) -> str:
    return " " + " ".join(words(text)) + " "


def _content_words(text: str) -> Set[str]:
    return {w for w in words(text) if w not in _STOPWORDS and len(w) > 2}


def _vocabulary(fact: Fact) -> Set[str]:
    vocabulary = _content_words(fact.question)
    for keyword in fact.keywords:
        vocabulary |= _content_words(keyword)
    return vocabulary


def rarity(facts: List[Fact]) -> Dict[str, float]:
    """Inverse document frequency of each word over the facts' questions and keywords."""
    document_frequency = Counter(w for fact in facts for w in _vocabulary(fact))
    total = len(facts)
    return {w: math.log((total + 1) / (df + 0.5)) for w, df in document_frequency.items()}


def score(
    fact: Fact, message: str, weights: Dict[str, float], entity_values: Iterable[str] = ()
) -> float:
    text = _normalised(message)
    values = {_normalised(v).strip() for v in entity_values}
    total = 0.0
    for keyword in fact.keywords:
        phrase = _normalised(keyword)
        if phrase.strip() and (phrase in text or phrase.strip() in values):
            total += KEYWORD_BONUS + sum(weights.get(w, 0.0) for w in _content_words(keyword))
    total += sum(weights.get(w, 0.0) for w in _content_words(fact.question) & _content_words(message))
    return total


def select_fact(facts: List[Fact], message: str, entity_values: Iterable[str] = ()) -> Optional[Fact]:
    """The best fact for the message; the first (overview) fact on a tie or no signal."""
    if not facts:
        return None
    values = list(entity_values)
    weights = rarity(facts)
    best, best_score = facts[0], 0.0
    for fact in facts:
        fact_score = score(fact, message, weights, values)
        if fact_score > best_score:
            best, best_score = fact, fact_score
    return best
