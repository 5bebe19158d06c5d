"""`make facts-check`: validates the fact store and prints a summary.

Checks, beyond the schema and store rules of `loader`:
- every parent answer reads at Flesch-Kincaid grade 8 or below (textstat) and stays short;
- every warning-sign fact the NLU safety net can route to exists and is urgent.
Exit status 1 on any problem, with one line per problem naming the file, fact and field.
"""
from __future__ import annotations

import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List

import yaml

from actions.fact_store.loader import FactStore, FactStoreError, load_fact_store

MAX_PARENT_GRADE = 8.0
MAX_PARENT_WORDS = 90
SAFETY_NET_PATTERNS = Path(__file__).resolve().parents[2] / "nlu_components" / "patterns" / "safety_net.yml"


def parent_grade(text: str) -> float:
    import textstat  # pinned to 0.7.4: counts syllables with pyphen, no download at run time

    return float(textstat.flesch_kincaid_grade(text))


def readability_problems(store: FactStore) -> List[str]:
    problems = []
    for fact in store.facts.values():
        grade = parent_grade(fact.parent_answer)
        if grade > MAX_PARENT_GRADE:
            problems.append(
                f"{fact.topic}.yml: fact '{fact.id}': field 'parent_answer': reading grade "
                f"{grade:.1f} is above {MAX_PARENT_GRADE:.0f}"
            )
        words = len(fact.parent_answer.split())
        if words > MAX_PARENT_WORDS:
            problems.append(
                f"{fact.topic}.yml: fact '{fact.id}': field 'parent_answer': {words} words, "
                f"more than {MAX_PARENT_WORDS}"
            )
    return problems


def safety_net_fact_ids(path: Path = SAFETY_NET_PATTERNS) -> List[str]:
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    ids = [sign["fact"] for sign in config["urgent_signs"]]
    ids += [config["fever"]["under_3_months_fact"], config["fever"]["older_baby_fact"]]
    return ids


def safety_net_problems(store: FactStore) -> List[str]:
    problems = []
    for fact_id in safety_net_fact_ids():
        fact = store.get(fact_id)
        if fact is None:
            problems.append(f"safety_net.yml: routes to unknown fact '{fact_id}'")
        elif not fact.is_urgent:
            problems.append(f"safety_net.yml: routes to fact '{fact_id}', whose urgency is not urgent")
    return problems


def summary(store: FactStore) -> str:
    lines = [f"Fact store: {len(store.facts)} facts in {len(store.topics)} topics", "", "Facts per topic:"]
    for topic, facts in store.by_topic.items():
        lines.append(f"  {topic:<34} {len(facts):>3}")
    grades = Counter(f.evidence_grade for f in store.facts.values())
    lines += ["", "Evidence grades:"]
    lines += [f"  {grade:<12} {count:>3}" for grade, count in grades.most_common()]
    readability = sorted(parent_grade(f.parent_answer) for f in store.facts.values())
    bands: Dict[str, int] = Counter()
    for grade in readability:
        band = "<= 4" if grade <= 4 else "4-6" if grade <= 6 else "6-8" if grade <= 8 else "> 8"
        bands[band] += 1
    lines += [
        "",
        "Parent-answer reading grade (Flesch-Kincaid, textstat):",
        f"  min {readability[0]:.1f}  median {statistics.median(readability):.1f}  max {readability[-1]:.1f}",
    ]
    lines += [f"  {band:<5} {bands.get(band, 0):>3}" for band in ("<= 4", "4-6", "6-8", "> 8")]
    sources = Counter(s.by for f in store.facts.values() for s in f.sources)
    lines += ["", f"Sources cited: {sum(sources.values())} ({len(sources)} distinct publishers/authors)"]
    return "\n".join(lines)


def main() -> int:
    try:
        store = load_fact_store()
    except FactStoreError as error:
        print(error, file=sys.stderr)
        return 1
    problems = readability_problems(store) + safety_net_problems(store)
    print(summary(store))
    if problems:
        print(f"\n{len(problems)} problem(s):", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print("\nAll fact-store checks passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
