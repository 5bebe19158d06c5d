"""The NLU safety net: urgent signs and bereavement found by spaCy Matcher rules."""
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from nlu_components.safety_net import SafetyMatcher, apply_finding

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def matcher(nlp):
    return SafetyMatcher.from_file(nlp)


def find(matcher, nlp, text):
    return matcher.find(nlp(text.lower()))


@pytest.mark.parametrize(
    "text, fact",
    [
        ("my 3 week old has a temperature of 38.2", "urgent_fever_under_3_months"),
        ("baby is 6 weeks and feels hot, 100.8F", "urgent_fever_under_3_months"),
        ("my 4 month old has a fever of 39.5", "urgent_fever_older_baby"),
        ("shes 6 weeks and really floppy, wont wake for feeds", "urgent_unresponsive"),
        ("quick q about storing milk but also his lips look a bit blue", "urgent_breathing"),
        ("my newborn keeps pausing in her breathing for like 10 seconds", "urgent_breathing"),
        ("my son had a fit earlier but seems ok now", "urgent_seizure"),
        ("there's a rash on her tummy that doesnt fade when I press a glass on it", "urgent_rash"),
        ("baby's skin looks mottled and she's cold to touch", "urgent_cold_or_pale"),
        ("my baby's temperature is only 35.4", "urgent_cold_or_pale"),
        ("my 5 day old is yellow and getting more yellow", "urgent_jaundice"),
        ("his poo is pale and chalky, 2 weeks old", "urgent_jaundice"),
        ("she hasn't had a wet nappy since this morning, about 9 hours", "urgent_feeding_dehydration"),
        ("my lo vomited green stuff", "urgent_vomiting"),
        ("theres blood in my baby's poo", "urgent_vomiting"),
        ("the soft spot on her head is bulging", "urgent_bulging_fontanelle"),
        ("the cord stump is red and smells", "urgent_infection_signs"),
        ("I'm really worried about my 3 week old, something is not right", "urgent_very_worried_young_baby"),
    ],
)
def test_urgent_signs_are_found(matcher, nlp, text, fact):
    assert fact in [f for f, _ in find(matcher, nlp, text).urgent_facts]


@pytest.mark.parametrize(
    "text",
    [
        "does breastfeeding help prevent jaundice?",
        "can I breastfeed if I have a fever myself?",
        "I have mastitis and a temperature of 38.5, can I keep feeding my 3 month old",
        "what signs of dehydration should I watch for in general?",
        "is yellow colostrum normal?",
        "what temperature should I store breast milk at",
        "how many wet nappies should a newborn have",
        "my baby was born at 30 weeks, why is breast milk so important",
        "my milk looks yellow and creamy one day and clear the next",
        "what is grunting breathing in babies",
    ],
)
def test_benign_messages_are_not_urgent(matcher, nlp, text):
    finding = find(matcher, nlp, text)
    assert finding.urgent_facts == [] and not finding.bereavement


@pytest.mark.parametrize(
    "text, expected",
    [
        ("we lost our baby at 22 weeks and my milk came in", True),
        ("my baby died last month", True),
        ("I had a stillbirth in March", True),
        ("I lost my baby's bottle at the park", False),
        ("he's gone ashen grey", False),
    ],
)
def test_bereavement(matcher, nlp, text, expected):
    assert find(matcher, nlp, text).bereavement is expected


def test_training_examples_of_urgent_sign_are_caught_by_the_rules_alone(matcher, nlp):
    """Recall of the deterministic back-up on the urgent_sign training examples (>= 97%)."""
    data = yaml.safe_load((ROOT / "data/nlu/safety.yml").read_text())
    examples = [
        line.strip()[2:]
        for item in data["nlu"] if item.get("intent") == "urgent_sign"
        for line in item["examples"].splitlines() if line.strip()
    ]
    caught = sum(bool(find(matcher, nlp, t).urgent_facts) for t in examples)
    assert caught / len(examples) >= 0.97, f"{caught}/{len(examples)}"


def test_finding_overrides_intent_and_adds_entities(matcher, nlp):
    text = "what is colostrum? also my 2 week old is floppy"
    message = Message(data={"text": text})
    message.set("intent", {"name": "ask_colostrum", "confidence": 0.93}, add_to_output=True)
    message.set("intent_ranking", [{"name": "ask_colostrum", "confidence": 0.93}], add_to_output=True)
    apply_finding(message, find(matcher, nlp, text))
    assert message.get("intent") == {"name": "urgent_sign", "confidence": 1.0}
    assert message.get("intent_ranking")[1]["name"] == "ask_colostrum"
    entity = message.get("entities")[0]
    assert entity["entity"] == "urgent_sign" and entity["value"] == "urgent_unresponsive"
    assert text[entity["start"]:entity["end"]] == "floppy"
