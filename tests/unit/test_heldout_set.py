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

SEALED = ROOT / "bench" / "data" / "sealed_urgent.yml"


def normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def test_heldout_set_is_large_enough_and_labelled(store):
    heldout = load_heldout()
    assert len(heldout) >= 200
    labels = {m.label for m in heldout}
    assert labels <= set(store.topics) | {URGENT, OUT_OF_SCOPE}
    assert set(store.topics) <= labels


def test_sealed_set_balances_urgent_and_benign_messages():
    labels = [m.label for m in load_heldout(SEALED)]
    assert set(labels) == {URGENT, BENIGN}
    assert labels.count(URGENT) >= 50 and labels.count(BENIGN) >= 50


@pytest.mark.parametrize("path", [HELDOUT, SEALED], ids=lambda p: p.name)
def test_no_evaluation_message_is_in_the_training_data(path):
    training = {normalise(text) for text, _ in training_examples()}
    leaked = [m.text for m in load_heldout(path) if normalise(m.text) in training]
    assert leaked == []
