"""NLU benchmark on the held-out set (bench/data/heldout.yml), against a BM25 baseline.

Usage: python -m bench.nlu_benchmark [--model models/assistant.tar.gz] [--json results/nlu_benchmark.json]
                                     [--set bench/data/sealed_urgent.yml ...] [--errors]

Both systems see the same messages in the same run. Figures:
- topic accuracy: messages labelled with a topic that get that topic;
- urgent-sign recall: messages labelled `urgent` that are routed to urgent care;
- false-urgent rate: messages NOT labelled `urgent` that are routed to urgent care;
- out-of-scope precision (and recall): of the messages called out of scope, how many are.
A third column gives the safety net's rules alone (no classifier) on urgent recall and the
false-urgent rate: how much of the recall does not depend on the model.
The baseline ranks the fact store's questions, keywords and answers with BM25 (rank-bm25):
the best fact's topic, `urgent` for an urgent warning-sign fact, and out of scope below a
score threshold tuned on the training data (never on the held-out set).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
HELDOUT = ROOT / "bench" / "data" / "heldout.yml"
URGENT, OUT_OF_SCOPE, OTHER, BENIGN = "urgent", "out_of_scope", "other", "benign"
_TOKEN = re.compile(r"[a-z0-9']+")


@dataclass
class Labelled:
    text: str
    label: str


def load_heldout(path: Path = HELDOUT) -> List[Labelled]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Labelled(m["text"], m["label"]) for m in data["messages"]]


def training_examples(data_dir: Path = ROOT / "data" / "nlu") -> List[Tuple[str, str]]:
    """(text, intent) pairs from the Rasa NLU training files."""
    pairs = []
    for path in sorted(data_dir.rglob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" not in item:
                continue
            for line in item["examples"].splitlines():
                line = line.strip()
                if line.startswith("- "):
                    pairs.append((line[2:].strip(), item["intent"]))
    return pairs


def label_of_intent(intent: str) -> str:
    if intent.startswith("ask_"):
        return intent[4:]
    if intent == "urgent_sign":
        return URGENT
    if intent in ("out_of_scope", "nlu_fallback"):
        return OUT_OF_SCOPE
    return OTHER


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else float("nan")


def metrics(gold: Sequence[str], predicted: Sequence[str], topics: Sequence[str]) -> Dict[str, float]:
    """The figures above; a figure with nothing to measure (no topic labels, say) is NaN."""
    pairs = list(zip(gold, predicted))
    topic_pairs = [(g, p) for g, p in pairs if g in topics]
    urgent = [p for g, p in pairs if g == URGENT]
    benign = [p for g, p in pairs if g != URGENT]
    called_oos = [g for g, p in pairs if p == OUT_OF_SCOPE]
    true_oos = [p for g, p in pairs if g == OUT_OF_SCOPE]
    return {
        "topic_accuracy": _ratio(sum(g == p for g, p in topic_pairs), len(topic_pairs)),
        "urgent_recall": _ratio(sum(p == URGENT for p in urgent), len(urgent)),
        "false_urgent_rate": _ratio(sum(p == URGENT for p in benign), len(benign)),
        "out_of_scope_precision": _ratio(sum(g == OUT_OF_SCOPE for g in called_oos), len(called_oos))
        if true_oos else float("nan"),  # a set without out-of-scope labels cannot measure it
        "out_of_scope_recall": _ratio(sum(p == OUT_OF_SCOPE for p in true_oos), len(true_oos)),
    }


class BM25Baseline:
    """BM25 over the fact store: one document per fact (question, keywords, parent answer)."""

    def __init__(self, threshold: float = 0.0) -> None:
        from rank_bm25 import BM25Okapi

        from actions.fact_store import load_fact_store

        store = load_fact_store()
        self.facts = list(store.facts.values())
        corpus = [
            self.tokens(" ".join([f.question, " ".join(f.keywords), f.parent_answer]))
            for f in self.facts
        ]
        self.bm25 = BM25Okapi(corpus)
        self.threshold = threshold

    @staticmethod
    def tokens(text: str) -> List[str]:
        return _TOKEN.findall(text.lower())

    def best(self, text: str) -> Tuple[float, str]:
        scores = self.bm25.get_scores(self.tokens(text))
        index = max(range(len(scores)), key=scores.__getitem__)
        fact = self.facts[index]
        return float(scores[index]), URGENT if fact.is_urgent else fact.topic

    def predict(self, text: str) -> str:
        score, label = self.best(text)
        return label if score >= self.threshold else OUT_OF_SCOPE

    def tune_threshold(self, examples: List[Tuple[str, str]]) -> float:
        """The out-of-scope threshold with the best accuracy on the training data."""
        scored = [(self.best(t), label_of_intent(i)) for t, i in examples]
        scored = [(s, l) for s, l in scored if l != OTHER]
        candidates = sorted({round(s, 2) for (s, _), _ in scored})
        best_threshold, best_correct = 0.0, -1
        for threshold in candidates[:: max(1, len(candidates) // 200)]:
            correct = sum(
                (label if score >= threshold else OUT_OF_SCOPE) == gold
                for (score, label), gold in scored
            )
            if correct > best_correct:
                best_threshold, best_correct = threshold, correct
        self.threshold = best_threshold
        return best_threshold


def rasa_predictor(model: Path) -> Tuple[Callable[[str], str], List[float]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    latencies: List[float] = []
    loop = asyncio.new_event_loop()

    def predict(text: str) -> str:
        started = time.perf_counter()
        parsed = loop.run_until_complete(agent.parse_message(text))
        latencies.append((time.perf_counter() - started) * 1000)
        return label_of_intent(parsed["intent"]["name"])

    predict.agent = agent  # type: ignore[attr-defined]

    return predict, latencies


def safety_net_predictor() -> Callable[[str], str]:
    """`urgent` when the safety net's rules alone find a sign, whatever the classifier says."""
    import spacy

    from nlu_components.safety_net import SafetyMatcher

    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    spacy_path = next(c["model"] for c in config["pipeline"] if c["name"].endswith("SpacyNLP"))
    nlp = spacy.load(ROOT / spacy_path)
    matcher = SafetyMatcher.from_file(nlp)

    def predict(text: str) -> str:
        return URGENT if matcher.find(nlp(text.lower())).urgent_facts else OTHER

    return predict


def report(
    message_set: Path,
    baseline: "BM25Baseline",
    threshold: float,
    predict: Callable[[str], str],
    latencies: List[float],
    rules_only: Callable[[str], str],
    args: argparse.Namespace,
) -> None:
    """Scores one labelled set: prints the table (and errors), writes the JSON figures."""
    heldout = load_heldout(message_set)
    gold = [m.label for m in heldout]
    topics = sorted({label for label in gold if label not in (URGENT, OUT_OF_SCOPE, BENIGN)})
    baseline_predicted = [baseline.predict(m.text) for m in heldout]
    predicted = [predict(m.text) for m in heldout]
    rules = metrics(gold, [rules_only(m.text) for m in heldout], topics)
    results = {
        "set": str(message_set.relative_to(ROOT) if message_set.is_relative_to(ROOT) else message_set),
        "messages": len(heldout),
        "assistant": metrics(gold, predicted, topics),
        "bm25_baseline": metrics(gold, baseline_predicted, topics),
        "safety_net_rules_alone": {k: rules[k] for k in ("urgent_recall", "false_urgent_rate")},
        "bm25_threshold": threshold,
        "parse_latency_ms_median": statistics.median(latencies),
    }
    print(f"{results['set']}: {len(heldout)} messages ({sum(g == URGENT for g in gold)} urgent, "
          f"{sum(g == OUT_OF_SCOPE for g in gold)} out of scope, {len(topics)} topics)")
    print(f"{'metric':<26}{'assistant':>11}{'BM25 baseline':>15}{'rules alone':>13}")
    for key in results["assistant"]:
        alone = results["safety_net_rules_alone"].get(key)
        alone_text = f"{alone:>13.3f}" if alone is not None else ""
        ours, bm25 = results["assistant"][key], results["bm25_baseline"][key]
        print(f"{key:<26}{ours:>11.3f}{bm25:>15.3f}{alone_text}")
    print(f"median parse latency: {results['parse_latency_ms_median']:.1f} ms per message (assistant)")
    if args.errors:
        for message, g, p in zip(heldout, gold, predicted):
            if g != p and not (g == BENIGN and p != URGENT):
                print(f"  {g:>32} -> {p:<32} {message.text}")
    output = args.json or ROOT / "results" / f"nlu_benchmark-{message_set.stem}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "assistant.tar.gz")
    parser.add_argument("--json", type=Path, default=None,
                        help="where to write the figures (default results/nlu_benchmark-<set>.json)")
    parser.add_argument("--set", type=Path, nargs="+", default=[HELDOUT], dest="message_sets",
                        help="labelled messages (topic id, urgent, out_of_scope or benign); "
                             "several sets share one model load")
    parser.add_argument("--errors", action="store_true", help="list the assistant's errors")
    args = parser.parse_args()
    if args.json and len(args.message_sets) > 1:
        parser.error("--json names one file: give one --set with it")
    logging.disable(logging.WARNING)
    import structlog  # Rasa logs every parse at debug level through structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

    baseline = BM25Baseline()
    threshold = baseline.tune_threshold(training_examples())
    predict, latencies = rasa_predictor(args.model)
    rules_only = safety_net_predictor()
    for message_set in args.message_sets:
        latencies.clear()
        report(message_set, baseline, threshold, predict, latencies, rules_only, args)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    raise SystemExit(main())
