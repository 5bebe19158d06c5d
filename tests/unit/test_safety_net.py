"""The NLU safety net: urgent signs and bereavement found by spaCy Matcher rules."""
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu_components.safety_net import SafetyMatcher, apply_finding
from tests.unit.safety_net_round_6_cases import ROUND_6_NEAR_MISSES, ROUND_6_SIGNS
from tests.unit.safety_net_round_7_cases import (
    ROUND_7_BENIGN_READINGS,
    ROUND_7_NEAR_MISSES,
    ROUND_7_SIGNS,
)
from tests.unit.safety_net_round_8_cases import ROUND_8_NEAR_MISSES, ROUND_8_SIGNS

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


# Left to the classifier: irritability that is unsettled only by the rest of the message.
URGENT_EXAMPLES_LEFT_TO_THE_CLASSIFIER = {
    "6 month old much more grizzly than normal, cries whenever I put him down, nothing works, "
    "and he feels warm.",
}


def test_training_examples_of_urgent_sign_are_caught_by_the_rules_alone(matcher, nlp):
    """Every urgent_sign training example, in every file (the hand-written ones and the 450
    written blind), is found by the deterministic back-up alone, but for the listed one."""
    from bench.nlu_benchmark import training_examples

    examples = [t for t, intent in training_examples() if intent == "urgent_sign"]
    missed = {t for t in examples if not find(matcher, nlp, t).urgent_facts}
    assert len(examples) >= 500
    assert missed == URGENT_EXAMPLES_LEFT_TO_THE_CLASSIFIER


def test_no_training_example_of_another_intent_is_taken_for_an_urgent_sign(matcher, nlp):
    """The rules find no sign in the 4,000-odd examples of every other intent (bereavement
    aside): questions about signs, the mother's illness, older children, bottle refusal, and
    the 448 hard negatives written blind."""
    from bench.nlu_benchmark import training_examples

    others = [t for t, intent in training_examples() if intent not in ("urgent_sign", "bereavement")]
    flagged = [t for t in others if find(matcher, nlp, t).urgent_facts]
    assert len(others) > 3000 and flagged == []


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
        ("my nipples go white and then purple after feeds, it really stings", True),
        ("my 2 year old has a cold and wants the boob all the time", True),
        ("she's 3 weeks and just not right today, really quiet", False),
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


@pytest.mark.parametrize(
    "text, fact",
    [
        # counted rates, amounts and days, measured in code
        ("counted her breaths while she napped, 68 in a minute. she's 5 weeks", "urgent_breathing"),
        ("4/52, RR 70, feeding ok", "urgent_breathing"),
        ("she usually has 150ml but today she's only taking 40 ml a bottle, 4 months", "urgent_feeding_dehydration"),
        ("he normally drinks 5 oz and is just managing 2 oz since this morning", "urgent_feeding_dehydration"),
        ("my 8 month old has had a temp on and off all week, it's the 5th day today", "urgent_fever_older_baby"),
        ("11 month old, temperature since monday, today is day 5 of it", "urgent_fever_older_baby"),
        ("Day 6 of pyrexia in a 9mo, still febrile", "urgent_fever_older_baby"),
        ("2/12, T 38.1, feeding well", "urgent_fever_under_3_months"),
        # terse notes without a baby word, everyday words and typos
        ("10wk, no wet nappy for 10h, dry mouth", "urgent_feeding_dehydration"),
        ("Day 4, 1 wet nappy in 24 h", "urgent_feeding_dehydration"),
        ("Bulging AF, irritable, 4mo", "urgent_bulging_fontanelle"),
        ("his soft spot on the top of his head looks all puffed up", "urgent_bulging_fontanelle"),
        ("my baby had a siezure this morning, 3 weeks old", "urgent_seizure"),
        ("6/52, generalised jerking for about a minute earlier, fine now", "urgent_seizure"),
        ("her breething is really fast and heavy, 6 weeks", "urgent_breathing"),
        ("this morning my 3 wk old didn't breathe for about 15 seconds then gasped", "urgent_breathing"),
        ("there's a little moan with every breath he takes, 3 weeks old", "urgent_breathing"),
        ("the spots stay there when I press a glass on them, she's 9 months", "urgent_rash"),
        ("little purple marks that don't fade when I press them", "urgent_rash"),
        ("my 6 week old's skin has gone mottled", "urgent_cold_or_pale"),
        ("born at 35 weeks, now 4 weeks old and still yellowish in her face", "urgent_jaundice"),
        ("he's 3 weeks and the whites of his eyes still look yellowish. is breastmilk jaundice a real thing?", "urgent_jaundice"),
        ("my 2 month old has thrown up bright green", "urgent_vomiting"),
        ("baby wont stop crying, 5 hours straight, nothing helps", "urgent_unresponsive"),
        ("his cry is a weird squeaky scream, not his normal cry", "urgent_unresponsive"),
        ("her cry has changed, it's a high pitched shriek now. 5 weeks", "urgent_unresponsive"),
        ("my 3 month old is much more drowsy than usual today", "urgent_unresponsive"),
        ("7 wk old, last wet nappy was at 6am and it's 4pm now", "urgent_feeding_dehydration"),
        ("6 weeks, her last wee was 10 hours ago", "urgent_feeding_dehydration"),
        ("his fontenelle looks puffed up, 2 months", "urgent_bulging_fontanelle"),
        ("4/52. Mother reports baby ashen and cold hands for an hour", "urgent_cold_or_pale"),
        ("she's been screaming non stop for 3 hours, 7 weeks old", "urgent_unresponsive"),
        ("our lo is 3 weeks and still has the jandice", "urgent_jaundice"),
        ("Day 7, only 3 wet nappies in the last 24 hrs", "urgent_feeding_dehydration"),
        ("Day 9. Yesterday we had 3 wet nappies", "urgent_feeding_dehydration"),
        ("there's bloood in his poo, 2 months", "urgent_vomiting"),
        ("red streaks in her nappy with mucus, 6 weeks", "urgent_vomiting"),
        ("is it normal for a 2 week old to stop breathing for 10 secs when asleep?", "urgent_breathing"),
        ("he's like a rag doll when I pick him up, 2 months", "urgent_unresponsive"),
        ("nanny here, the baby (6 months) isn't responding to his name or to me", "urgent_unresponsive"),
        ("since lunch she's just not interested in the breast, 4 weeks old", "urgent_feeding_dehydration"),
        ("little purply-red dots on his feet that don't go when I press them, 5 months", "urgent_rash"),
        ("she feels cold all over, her chest and tummy are cold too, 3 weeks", "urgent_cold_or_pale"),
        ("the soft spot looks dipped in, like a hollow, 6 weeks", "urgent_feeding_dehydration"),
        ("he was vommiting grean stuff earlier, 4 weeks", "urgent_vomiting"),
        ("she's thrown up every single feed today, 3 months", "urgent_vomiting"),
        ("nothing stays down, everything comes back up, 6 weeks old", "urgent_vomiting"),
        ("born last night at home, today her skin is lookin yelow already", "urgent_jaundice"),
        ("my 13 month old is so drowsy today, hard to get him interested in anything", "urgent_unresponsive"),
        ("temp on and off since last friday and today is wednesday, 1 year old", "urgent_fever_older_baby"),
        ("only 60ml a feed since yesterday instead of her usual 180, 5 months", "urgent_feeding_dehydration"),
        ("my 5 day old falls asleep within a minute at every feed, only having 5 feeds a day", "urgent_feeding_dehydration"),
        ("the midwife said all fine yesterday but tonight our 9 day old just seems different", "urgent_very_worried_young_baby"),
        ("his tummy sucks in under his ribs with each breath, 3 months", "urgent_breathing"),
        ("she keeps stopping to catch her breath at the breast, 5 weeks", "urgent_breathing"),
        ("my son is 6mo and very flopy since this mornin", "urgent_unresponsive"),
        ("only 2oz a bottle today when he normally takes 6, 4 months", "urgent_feeding_dehydration"),
        ("she's 7 months and has slept way more than usual today, really dozy", "urgent_unresponsive"),
        ("black tarry poo today, she's 3 months old", "urgent_vomiting"),
        ("normally 150ml a bottle, today 50ml max, 3 months", "urgent_feeding_dehydration"),
        ("he's been weirdly dozy and out of it since yesterday, 5 months", "urgent_unresponsive"),
        ("nothing we do settles her even for a minute, this isn't like her, 6 weeks", "urgent_unresponsive"),
        # "last week" dates its own clause, not the fever told before it
        ("temp of 38.3 in my 7 week old, she had her jabs last week", "urgent_fever_under_3_months"),
    ] + ROUND_6_SIGNS + ROUND_7_SIGNS + ROUND_8_SIGNS,
)
def test_signs_in_counts_everyday_words_and_terse_notes_are_found(matcher, nlp, text, fact):
    assert fact in [f for f, _ in find(matcher, nlp, text).urgent_facts]


@pytest.mark.parametrize(
    "text",
    [
        "my 4 year old has a temp of 39.6. will my breastfed 2 month old catch it? she's well",
        "her soft spot pulses a little, it's flat, not sunken or bulging. 3 months",
        "no fever, no rash, feeding fine, just very windy in the evenings, 6 weeks",
        "the teat on her bottle has gone really floppy, should I replace it?",
        "my thawed milk looks mottled and separated, is it off?",
        "Three weeks ago my 1 year old had a febrile convulsion; he's completely back to normal now",
        "she had phototherapy for jaundice at 3 days old, she's 6 weeks now and thriving",
        "my son had a streak of blood in his poo at 5 weeks, it was cows milk allergy, he's been fine since",
        "the midwife checked her jaundice on day 3 and said it was fine, it had cleared by day 10",
        "my toddler's childminder has jaundice, can my breastfed baby catch it?",
        "she usually has 120ml but I'm mixing now so she only has 100ml formula",
        "how fast should a newborn breathe? I read 40 to 60 breaths a minute is normal",
        "6 weeks old, last wet nappy was at 9am and it's 1pm now, is that ok?",
        "been vomiting since last night with norovirus. will my 4 month old catch it off me?",
        "my daughter had a febrile seizure when she was 10 months old, she's 6 now. does breastfeeding help the next baby?",
        "Day 3, she had 3 wet nappies in the last 24 hrs",
        "I'm jaundiced with a liver problem, is my milk safe for my 5 month old?",
        "the GP listened to her chest at the surgery this morning and said it's just a cold, she's feeding well",
        "his lips went purple from the blackcurrant puree, it washed off, 8 months",
        "tummy bug, been vomiting all night. can I still feed my baby?",
        "my eldest had a febrile seizure years ago, does breastfeeding make them less likely?",
        "the aunties say to throw away the yellow first milk, is that right?",
        "Postnatal mum w norovirus, dehydrated, advice on BF?",
        "been sick all night with a bug (me, not the baby). can I still breastfeed my 5 month old?",
        "he's not floppy, not blue, breathing normally, just a stuffy nose. 4 months",
        "my breast pump had a fit and stopped working halfway through",
        "freezer full of milk my son won't take from a bottle, can I donate it?",
        "my 31 weeker is tube fed, why swab colostrum in her mouth when she can't feed yet?",
        "how many wet nappies should a newborn have, and what would tell me she isn't feeding enough? asking before my due date",
        "can I take paracetamol while breastfeeding? I'm walking with a limp since the birth",
        "the GP checked her this morning for a slight yellow tinge, the blood test was fine and she said it'll fade",
        "my eldest had a febrile fit at 2, he's 8 now. is the new baby more likely to have one?",
        "she's not floppy and she isn't off her feeds, just dribbling loads, 4 months",
        "which teat fits these bottles? ours is floppy and collapses when he sucks",
        "it's 35°C here this week, does my 2 month old need water as well as breastfeeds?",
        "it's 38 degrees outside, should my 6 week old have extra feeds?",
        "I (mum) nearly fainted yesterday and went grey, the GP gave me iron. ok while feeding my 5 week old?",
        "2 days old and a black sticky poo, is that the meconium?",
        "it's 40 degrees here, does my breastfed 6 week old need water?",
        "our toddler gets wheezy every winter, does breastfeeding help?",
        "the HV had a look at his soft spot today and said it's completely normal, why does it pulse?",
        "my daughter had a febrile seizure at 13 months, she's 6 now. does breastfeeding lower the risk for the baby?",
        "they gave her formula on the first night because I was out of it after the section, is her gut ruined?",
    ] + ROUND_6_NEAR_MISSES + ROUND_7_NEAR_MISSES + ROUND_8_NEAR_MISSES,
)
def test_negations_older_children_things_and_past_episodes_are_not_urgent(matcher, nlp, text):
    assert find(matcher, nlp, text).urgent_facts == []


def test_no_urgent_sign_training_example_reads_as_benign(matcher, nlp):
    """The benign reading overrules the classifier's urgent guess when the rules found no sign,
    so it must never apply to a message that is urgent: not to one of the 665-odd urgent_sign
    examples (a general question in one sentence does not hide a sign in another)."""
    from bench.nlu_benchmark import training_examples

    examples = [t for t, intent in training_examples() if intent == "urgent_sign"]
    read_as_benign = [t for t in examples if matcher.benign_reading(nlp(t.lower()))]
    assert len(examples) >= 500 and read_as_benign == []


@pytest.mark.parametrize(
    "text, benign",
    [
        ("my MIL gave my 3 week old a bottle of formula while I napped, does it ruin his gut?", True),
        ("I vape and my daughter is 6 weeks, is formula the better option?", True),
        ("my 4 year old has chickenpox and is covered in spots. does my milk protect the baby?", True),
        ("the room thermometer in the nursery says 16 degrees, too cold for a 2 month old?", True),
        ("she's 4 months, had her jabs this morning. bit grizzly, 37.4. ok to give calpol?", True),
        ("does breastfeeding reduce the risk of SIDS? our 6 week old stops breathing in her sleep", False),
        ("4 month old, temp 39.2 this evening, does breastmilk help bring a fever down?", False),
        ("one twin is feeding fine but her sister has a temp of 38 and won't latch, 3 weeks", False),
        ("CHW: 2/12 baby, mother reports convulsion this AM, now drowsy, T 37.9", False),
        ("our son is six weeks old. something is off with him and we're really frightened", False),
        ("3 weeks, gets hiccups after every feed, then sleeps a 3 hour stretch", True),
        ("took her temp under the arm, 36.9. she's 6 weeks. is that normal?", True),
        ("my husband had a fever of 38.5 with a bug. baby 3 months, fine", True),
        ("little red bumps on his cheeks, no pus, 4 weeks. baby acne?", True),
        ("no wet nappy since 6am and it's 4pm, 7 weeks", False),
        ("baby still yellow at 2 weeks old", False),
        ("still looks yellow at three and a half weeks, but feeding fine", False),
        ("she's had a shrill cry for hours, nothing settles her, 6 weeks", False),
    ] + ROUND_7_BENIGN_READINGS,
)
def test_the_benign_reading_needs_every_sentence_with_a_sign_to_be_benign(matcher, nlp, text, benign):
    assert matcher.benign_reading(nlp(text.lower())) is benign
