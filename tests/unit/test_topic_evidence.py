"""The topic evidence guard turns unsupported, weak topic guesses into nlu_fallback."""
import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components.topic_evidence import TopicEvidenceGuard, topic_vocabularies


def example(text, intent):
    return Message(data={TEXT: text, INTENT: intent})


EXAMPLES = [
    example("what is colostrum", "ask_colostrum"),
    example("the yellow first milk after birth", "ask_colostrum"),
    example("what does lactoferrin do", "ask_lactoferrin"),
    example("iron binding protein in milk", "ask_lactoferrin"),
    example("how long can I store milk in the fridge", "ask_pumped_stored_milk"),
    example("freezing expressed milk", "ask_pumped_stored_milk"),
    example("hello there", "greet"),
]


def guard(min_confidence=0.5):
    vocabularies = topic_vocabularies(EXAMPLES, generic_share=0.5)
    return TopicEvidenceGuard(
        {"min_confidence": min_confidence, "generic_share": 0.5}, None, None, vocabularies
    )


def parsed(text, intent, confidence, entities=()):
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": confidence},
                                     {"name": "ask_lactoferrin", "confidence": 0.2}])
    message.set(ENTITIES, list(entities))
    return message


def test_vocabulary_keeps_topic_words_and_drops_words_shared_by_many_topics():
    vocabularies = topic_vocabularies(EXAMPLES, generic_share=0.5)
    assert "colostrum" in vocabularies["ask_colostrum"]
    assert "milk" not in vocabularies["ask_colostrum"]  # in all three topics
    assert "greet" not in vocabularies and "ask_lactoferrin" in vocabularies


def test_weak_unsupported_guess_becomes_fallback_and_keeps_the_ranking():
    message = guard().process([parsed("hmm the thing with the stuff", "ask_colostrum", 0.37)])[0]
    assert message.get(INTENT) == {"name": "nlu_fallback", "confidence": 0.37}
    ranking = [item["name"] for item in message.get(INTENT_RANKING_KEY)]
    assert ranking == ["nlu_fallback", "ask_colostrum", "ask_lactoferrin"]
    assert message.get("topic_evidence_guard") == "ask_colostrum"


@pytest.mark.parametrize(
    "text, intent, confidence, entities",
    [
        ("is the yellow stuff ok", "ask_colostrum", 0.37, []),  # a word of the topic
        ("hmm the thing with the stuff", "ask_colostrum", 0.8, []),  # confident
        ("tell me about that protein thing", "ask_lactoferrin", 0.4, []),
        ("the thing", "ask_colostrum", 0.4, [{"entity": "milk_component", "value": "IgA"}]),
        ("hello there", "greet", 0.35, []),  # not a topic intent, and a word of its own
        ("nope", "deny", 0.45, []),
        ("ok", "affirm", 0.34, []),  # a short reply, no filler
        ("okay", "affirm", 0.34, []),
        ("hmm something", "urgent_sign", 0.35, []),  # the safety net's to judge
    ],
)
def test_supported_or_confident_or_other_intents_are_left_alone(text, intent, confidence, entities):
    message = guard().process([parsed(text, intent, confidence, entities)])[0]
    assert message.get(INTENT)["name"] == intent


def test_vague_words_are_no_evidence_even_when_a_topic_example_uses_them():
    examples = EXAMPLES + [example("is the thick yellow stuff a thing to worry about", "ask_colostrum")]
    vocabularies = topic_vocabularies(examples, generic_share=0.5)
    assert not {"stuff", "thing"} & set(vocabularies["ask_colostrum"])
    guard_ = TopicEvidenceGuard({"min_confidence": 0.5, "generic_share": 0.5}, None, None, vocabularies)
    message = guard_.process([parsed("hmm the thing with the stuff", "ask_colostrum", 0.41)])[0]
    assert message.get(INTENT)["name"] == "nlu_fallback"


def test_a_weak_guess_of_any_intent_on_only_vague_words_becomes_fallback():
    message = guard().process([parsed("hmm the thing with the stuff", "deny", 0.36)])[0]
    assert message.get(INTENT)["name"] == "nlu_fallback"
    assert message.get("topic_evidence_guard") == "deny"
