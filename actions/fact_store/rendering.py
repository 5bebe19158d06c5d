"""Turns a fact into what a parent or a professional reads.

Parents get the plain answer and one link to learn more; professionals get the figures,
the strength of the evidence, the caveats and numbered references with links. Links are
plain URLs so that every channel (web widget, WhatsApp) can show them.
"""
from __future__ import annotations

import re
from typing import List

from actions.fact_store.schema import Fact, Source

PARENT = "parent"
PROFESSIONAL = "professional"
AUDIENCES = (PARENT, PROFESSIONAL)

_GRADE_FOR_PARENTS = {
    "strong": "",
    "consensus": "",
    "moderate": "The research on this is fairly good, but not final.",
    "limited": "The research on this is still limited, so take it as a likely picture, not a promise.",
    "mixed": "Studies on this disagree, so nobody can say for sure yet.",
}
_GRADE_FOR_PROFESSIONALS = {
    "strong": "strong",
    "consensus": "guideline consensus",
    "moderate": "moderate",
    "limited": "limited",
    "mixed": "mixed / inconsistent",
}


def citation(source: Source) -> str:
    return f"{source.by} ({source.year}). {source.title}. {source.link}"


def references(fact: Fact) -> str:
    return "\n".join(f"[{n}] {citation(s)}" for n, s in enumerate(fact.sources, 1))


def answer(fact: Fact, audience: str) -> str:
    if audience == PROFESSIONAL:
        parts = [
            fact.professional_answer,
            f"Evidence: {_GRADE_FOR_PROFESSIONALS[fact.evidence_grade]}.",
        ]
        if fact.caveats:
            parts.append("Caveats: " + " ".join(_sentence(c) for c in fact.caveats))
        parts.append("References:\n" + references(fact))
        return "\n\n".join(parts)
    parts = [fact.parent_answer]
    grade_note = _GRADE_FOR_PARENTS[fact.evidence_grade]
    if grade_note:
        parts.append(grade_note)
    first = fact.sources[0]
    parts.append(f"Learn more: {first.by}, {first.link}")
    return "\n\n".join(parts)


def more_detail(fact: Fact, audience: str) -> str:
    """"Tell me more": the extra detail, or for parents the fuller professional text."""
    if fact.more_detail:
        return fact.more_detail
    if audience == PARENT:
        return "Here is the fuller version, with the figures:\n\n" + fact.professional_answer
    return "Caveats: " + " ".join(_sentence(c) for c in fact.caveats) if fact.caveats else references(fact)


def sources(fact: Fact) -> str:
    lines = [f"This answer is based on {len(fact.sources)} source(s):", references(fact)]
    lines.append(f"Last reviewed: {fact.last_reviewed.isoformat()}.")
    return "\n".join(lines)


def simpler(fact: Fact) -> str:
    """"Say that more simply": the first sentences of the plain answer."""
    sentences = re.split(r"(?<=[.!?])\s+", fact.parent_answer.strip())
    return " ".join(sentences[:3])


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def button_title(fact: Fact) -> str:
    return fact.question if len(fact.question) <= 60 else fact.question[:57].rstrip() + "..."


def related_buttons(related: List[Fact]) -> List[dict]:
    return [
        {"title": button_title(f), "payload": f'/choose_fact{{"fact_id_choice":"{f.id}"}}'}
        for f in related[:3]
    ]
