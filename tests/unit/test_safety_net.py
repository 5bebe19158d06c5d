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


@pytest.mark.parametrize(
    "text, fact",
    [
        # clinical shorthand and word orders a nurse uses
        ("neonate day 3, apnoeic spells overnight, sats dropping to 88%", "urgent_breathing"),
        ("infant 2/12, hypotonic and difficult to rouse", "urgent_unresponsive"),
        ("minimal response to handling, 4/52 baby", "urgent_unresponsive"),
        ("his arms and legs keep jerking and he won't look at me", "urgent_seizure"),
        ("her cry has gone weak like a kitten", "urgent_unresponsive"),
        ("my 6 week old's nappy has been dry since breakfast", "urgent_feeding_dehydration"),
        ("day 2 baby, jaundiced since this morning", "urgent_jaundice"),
        # readings without a unit, or with the temperature word after the number
        ("my 7 week old is 38.3 and really clingy", "urgent_fever_under_3_months"),
        ("infant 5/52 T 38.2 axillary", "urgent_fever_under_3_months"),
        ("my 5 month old has a 39.3 temp, should I feed more", "urgent_fever_older_baby"),
        # a long fever needs a same-day check at any age
        ("my 11 month old has had a fever for 6 days now", "urgent_fever_older_baby"),
        ("fever day 5, 8/12 old, still spiking 38.9", "urgent_fever_older_baby"),
        # a sign told after a clinician's reassurance is news
        ("the GP saw her and said it was just a cold. She won't feed and has had no wet nappy for 10 hours",
         "urgent_feeding_dehydration"),
        ("he threw up milk that was bright green, like bile, 3 weeks old", "urgent_vomiting"),
        # a seizure stays urgent even when the baby seems to recover, if it was recent
        ("she had a fit this morning but seems fine now", "urgent_seizure"),
        # resolved earlier, but happening again now
        ("he had jaundice at birth which cleared, but now his eyes are yellow again", "urgent_jaundice"),
    ],
)
def test_more_urgent_signs_are_found(matcher, nlp, text, fact):
    assert fact in [f for f, _ in find(matcher, nlp, text).urgent_facts]


@pytest.mark.parametrize(
    "text",
    [
        # past and resolved
        "my son was jaundiced at day 4, it cleared by 3 weeks. will breastfeeding keep it away?",
        "she had a febrile convulsion last year, the paediatrician said she's fine, any benefit to still feeding?",
        "he had a fever at 5 weeks and was admitted, all fine now at 4 months",
        "the health visitor checked his noisy breathing and said it's just a floppy airway thing",
        # someone other than the baby
        "I've got norovirus and have been vomiting since midnight, can I still feed?",
        "I'm epileptic and worried about my seizures while breastfeeding",
        "my husband has a temperature of 38.9, should he stay away from the baby?",
        # not a sign at all
        "the teat on her bottle has gone floppy, should I replace it",
        "do I need the yellow fever vaccine before travelling if I'm breastfeeding?",
        "my 14 month old has a slight temperature of 37.8 after his jabs",
        "my 3 year old has a fever of 39, can he have some expressed milk?",
        # general questions
        "how do I do the glass test on a baby rash",
        "how do I know if my baby is dehydrated",
        "red flags for a febrile infant, parent teaching",
    ],
)
def test_more_benign_messages_are_not_urgent(matcher, nlp, text):
    assert find(matcher, nlp, text).urgent_facts == []


def _classified(text, intent, runner_up="ask_newborn_warning_signs"):
    message = Message(data={"text": text})
    ranking = [{"name": intent, "confidence": 0.8}, {"name": runner_up, "confidence": 0.1}]
    message.set("intent", dict(ranking[0]), add_to_output=True)
    message.set("intent_ranking", ranking, add_to_output=True)
    return message


@pytest.mark.parametrize(
    "text, overruled",
    [
        ("does skin to skin help babies regulate their breathing?", True),
        ("my 6 week old's temperature is 37.2 after her bath, is that normal?", True),
        ("she had a funny turn last month, the doctor said it was nothing to worry about", True),
        # no benign reading: the classifier's urgent guess stands
        ("my baby just doesn't seem himself and won't settle", False),
    ],
)
def test_an_urgent_guess_without_a_sign_is_overruled_only_by_a_benign_reading(matcher, nlp, text, overruled):
    from nlu_components.safety_net import _overrule_unsupported_urgent_guess

    message = _classified(text, "urgent_sign")
    _overrule_unsupported_urgent_guess(message, matcher, nlp(text.lower()))
    assert (message.get("intent")["name"] != "urgent_sign") is overruled
    if overruled:
        assert message.get("intent")["name"] == "ask_newborn_warning_signs"


@pytest.mark.parametrize(
    "text, fact",
    [
        # a fit or a pause in breathing stays urgent when it has just passed
        ("apnoea of about 20 seconds in a 2/52 baby, resolved with stimulation", "urgent_breathing"),
        ("he went blue for a few seconds during the feed but he's back to normal now", "urgent_breathing"),
        ("witnessed tonic-clonic movements in a 4/12 infant, now post-ictal", "urgent_seizure"),
        # a baby word right after the sign: the baby, not the speaker
        ("I have a floppy baby who won't feed", "urgent_unresponsive"),
        ("when she was feeding she went blue around the lips", "urgent_breathing"),
    ],
)
def test_signs_that_have_just_passed_or_belong_to_the_baby_stay_urgent(matcher, nlp, text, fact):
    assert fact in [f for f, _ in find(matcher, nlp, text).urgent_facts]


@pytest.mark.parametrize(
    "text",
    [
        # long ago, with the baby's age now
        "she was born grey and floppy and needed help to breathe, she's 7 months now and thriving",
        "my son had a febrile seizure when he was 2, does breastfeeding help prevent them?",
        # a clinician has already looked, in another sentence
        "Day 4 and he looks a bit yellow. The midwife checked him and said it's physiological.",
        # someone else: the speaker, a grandparent
        "I'm struggling to breathe with my asthma, is my inhaler safe while breastfeeding?",
        "I fainted and went really pale at the baby clinic, can I take iron tablets while feeding?",
        "grandad had a seizure yesterday and the baby is fine, but my milk supply has dropped",
        # watching for a sign is not having it
        "after the tongue tie snip we were told to watch for a high-pitched cry, it's been a week",
        # the mother's fever in labour
        "does maternal pyrexia in labour stop us giving colostrum to a well term neonate?",
        # a gap between two words of a rule never crosses a comma
        "day 3 and my milk still isn't in, she's feeding constantly, is colostrum enough?",
        # the mother stopped breastfeeding; the baby is feeding
        "i stopped nursing at 6 weeks, have i raised my son's chance of asthma?",
    ],
)
def test_long_ago_reassured_or_someone_elses_signs_are_not_urgent(matcher, nlp, text):
    finding = find(matcher, nlp, text)
    assert finding.urgent_facts == []


def test_signs_explained_away_overrule_the_classifiers_urgent_guess(matcher, nlp):
    from nlu_components.safety_net import _overrule_unsupported_urgent_guess

    text = "grandad had a seizure yesterday and the baby is fine, but my milk supply has dropped"
    finding = find(matcher, nlp, text)
    assert finding.explained_away and not finding.urgent_facts
    message = _classified(text, "urgent_sign", runner_up="ask_mother_ill")
    _overrule_unsupported_urgent_guess(message, matcher, nlp(text.lower()), finding)
    assert message.get("intent")["name"] == "ask_mother_ill"
