"""The held-out evaluation set stays out of training, and is labelled with known labels."""
import re

from bench.nlu_benchmark import OUT_OF_SCOPE, URGENT, load_heldout, training_examples


def normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def test_heldout_set_is_large_enough_and_labelled(store):
    heldout = load_heldout()
    assert len(heldout) >= 200
    labels = {m.label for m in heldout}
    assert labels <= set(store.topics) | {URGENT, OUT_OF_SCOPE}
    assert set(store.topics) <= labels


def test_no_heldout_message_is_in_the_training_data():
    training = {normalise(text) for text, _ in training_examples()}
    leaked = [m.text for m in load_heldout() if normalise(m.text) in training]
    assert leaked == []
