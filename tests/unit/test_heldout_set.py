"""The evaluation sets stay out of training, and are labelled with known labels."""
import re

import pytest

from bench.nlu_benchmark import (
    BENIGN,
    HELDOUT,
    OUT_OF_SCOPE,
    ROOT,
    URGENT,
    load_heldout,
    training_examples,
)

DATA = ROOT / "bench" / "data"
URGENT_DEV = DATA / "urgent_dev.yml"
URGENT_SETS = sorted(DATA.glob("sealed_urgent*.yml")) + [URGENT_DEV]
TOPIC_SETS = sorted(DATA.glob("sealed_topics*.yml"))
# later held-out sets, written blind like the first and in its format, to report first runs on
HELDOUT_SETS = [HELDOUT] + sorted(DATA.glob("heldout_*.yml"))
# a topic set asks about urgent signs only in general; later sets hold 3 such questions
FEWEST_PER_TOPIC = {"newborn_warning_signs": 3}
ALL_SETS = HELDOUT_SETS + TOPIC_SETS + URGENT_SETS


def normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


@pytest.mark.parametrize("path", HELDOUT_SETS, ids=lambda p: p.name)
def test_heldout_set_is_large_enough_and_labelled(store, path):
    heldout = load_heldout(path)
    assert len(heldout) >= 200
    labels = {m.label for m in heldout}
    assert labels <= set(store.topics) | {URGENT, OUT_OF_SCOPE}
    assert set(store.topics) <= labels


@pytest.mark.parametrize("path", URGENT_SETS, ids=lambda p: p.name)
def test_urgent_sets_balance_urgent_and_benign_messages(path):
    labels = [m.label for m in load_heldout(path)]
    assert set(labels) == {URGENT, BENIGN}
    assert labels.count(URGENT) >= 50 and labels.count(BENIGN) >= 50


@pytest.mark.parametrize("path", TOPIC_SETS, ids=lambda p: p.name)
def test_sealed_topic_sets_cover_every_topic_and_out_of_scope(store, path):
    labels = [m.label for m in load_heldout(path)]
    assert set(labels) == set(store.topics) | {OUT_OF_SCOPE}
    assert all(labels.count(topic) >= FEWEST_PER_TOPIC.get(topic, 5) for topic in store.topics)
    assert len(labels) >= 200


def test_every_set_on_disk_is_checked():
    assert len(URGENT_SETS) >= 9 and len(TOPIC_SETS) >= 4 and len(HELDOUT_SETS) >= 3


def test_no_message_is_in_two_evaluation_sets():
    seen = {}
    for path in ALL_SETS:
        for message in load_heldout(path):
            key = normalise(message.text)
            assert seen.setdefault(key, path.name) == path.name, f"{message.text!r} in {seen[key]} and {path.name}"


@pytest.mark.parametrize("path", ALL_SETS, ids=lambda p: p.name)
def test_no_evaluation_message_is_in_the_training_data(path):
    training = {normalise(text) for text, _ in training_examples()}
    leaked = [m.text for m in load_heldout(path) if normalise(m.text) in training]
    assert leaked == []
