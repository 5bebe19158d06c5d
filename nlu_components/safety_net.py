"""Deterministic safety net for urgent warning signs and bereavement.

The intent classifier is good but not perfect, and an urgent sign in a baby must never be
answered with a milk fact. This component runs after the classifier (and after the
`FallbackClassifier`) and uses spaCy `Matcher` rules from `patterns/safety_net.yml`:

- an urgent sign overrides the intent with `urgent_sign` (confidence 1.0, whatever the
  classifier said, at any confidence, inside any longer message) and adds one
  `urgent_sign` entity per sign, whose value is the fact id in
  `facts/newborn_warning_signs.yml` that the urgent-care action answers with;
- a bereavement or pregnancy loss overrides the intent with `bereavement` (a baby who has
  died is not an emergency to send the parent to; it needs compassion).
"""
from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_RANKING_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from nlu_components.benign_reading import AN_AGE, benign_reading, ends_sentence
from nlu_components.readings import (
    AGE,
    CLINICAL_AGE,
    OLDER_CHILD,
    OLDER_CHILD_MONTHS,
    age_in_days,
    age_in_months,
    expected_wet_nappies,
    fast_breathing,
    fever_days,
    hours_since_last_wet_nappy,
    is_fever,
    is_low,
    number_in_words,
    reduced_intake,
    repeated_vomiting,
    signs_told_in_one_sentence,
    temperature_spans,
    too_few_feeds,
    too_few_wet_nappies,
)

DEFAULT_PATTERNS = Path(__file__).resolve().parent / "patterns" / "safety_net.yml"
URGENT_INTENT = "urgent_sign"
BEREAVEMENT_INTENT = "bereavement"
URGENT_ENTITY = "urgent_sign"
GAP = "~"
MAX_GAP_TOKENS = 5
GENERAL_QUESTION_WINDOW = 8
MOTHER_SELF_WINDOW = 10
OBJECT_WINDOW = 12  # "which teat fits these bottles? ours is floppy": the thing, not the baby

_PAST_VERBS = frozenset("was had went turned".split())
_CLAUSE_BREAKS = (",", ".", ";", ":", "!", "?", "(", ")")
_SHORT_TIME_UNITS = frozenset("seconds secs sec minutes mins min hours hrs hour".split())
_RECENT_SPAN = frozenset("few couple day days hour hours night two three 24 48 12 week".split())
_DAY_SHORTHAND = re.compile(r"\bd\d{1,2}\b")  # a midwife's "D4": the baby's fourth day
_HOURS_OLD = re.compile(r"\b\d{1,2}\s*(?:h|hr|hrs|hours)\s+(?:old|of age)\b")
_AGE_AND_WELL = re.compile(
    r"\d+(?:\.\d)?\s*(?:days?|weeks?|wks?|months?|mo|mths?)(?: old)? and "
    r"(?:fine|well|healthy|thriving|ok|okay)\b"
)
# "I've heard that babies under 3 months with a temperature of 38 need to be seen", "if my
# 6 week old ever had a temperature of 38": a reading in hearsay or a hypothetical
# illnesses only the mother (or another adult) has: a fever told with one is not the baby's
_ADULT_ILLNESS = re.compile(
    r"\b(mastitis|wound infection|section wound|c-section wound|tooth infection|dental abscess|"
    r"breast abscess|endometritis|kidney infection|pyelonephritis|tonsillitis|retained placenta|"
    r"postnatal mums?|postnatal mothers|postnatal women)\b"
)
# (hearsay only about babies in general: "I was told she had 38.3 at nursery" is news)
_HEARSAY_OR_HYPOTHETICAL = re.compile(
    r"\b(?:i've heard|ive heard|i have heard|i heard|heard that|i was told|we were told|"
    r"i've read|ive read|i read)\b.*\b(?:babies|infants|newborns|any baby|a baby)\b"
    r"|\bhypothetically\b|\bif\b.*\bever\b"
)
_WELL = frozenset("well fine healthy ok okay thriving".split())
_OLDER_SIBLING = frozenset("older eldest oldest toddler big".split())
_OTHER_FAMILIES = frozenset("sister brother cousin friend neighbour neighbor colleague".split())
_CATCH_IT_FROM_ME = re.compile(
    r"\b(catch|get) (it|this|that|the bug|my bug) (off|from) me\b"
    r"|\b(pass|give) (it|this|that|my bug)( on)? to (her|him|them|the baby|my baby)\b"
    r"|\b(can|should) i (still |keep )?(breast ?feed|feed|nurse|bf|pump|nursing|feeding)"
    r"|\bis it (safe|ok|okay) (for me )?to (still |keep )?(breast ?feed|feed|nurse|bf)"
    r"|\bcan (the )?baby (still )?(feed|nurse|breastfeed)\b|\bpump and dump\b"
    r"|\b(do|should) i (keep|carry on|continue|stop) (breast ?feeding|feeding|nursing)"
    r"|\b(still )?(ok|okay|safe) to (feed|breastfeed|nurse)\b|\b(into|through) (the|my) milk\b"
    r"|\b(ok|okay|safe) to keep feeding\b|\bfrom that side\b|\bwill my milk\b"
    r"|\bmilk (still )?(ok|okay|safe|fine) for (the |my )?baby\b"
    r"|\bis my milk (still )?(ok|okay|safe|fine|good)\b"
)
# words of a sign that adults have too, though the rest of their sign (not feeding, few wet
# nappies) is a baby's: "postnatal mum w gastroenteritis, mildly dehydrated"
_ADULTS_GET_IT_TOO = frozenset({"dehydrated", "dehydration"})
_DATES_ITS_CLAUSE = re.compile(
    r"\bago\b|\blast (week|month|year|spring|summer|autumn|fall|winter|christmas|easter|time)\b"
)
_DATES_A_CHECK = frozenset(
    "today|this morning|this afternoon|this evening|yesterday|earlier|last night".split("|")
)
_STAIN = re.compile(
    r"\b(blueberr\w*|blackberr\w*|blackcurrant\w*|bilberr\w*|beetroot|felt.?tips?|crayons?|ink|"
    r"dye|food colou?ring|ice lolly|popsicle|paint|wipes? (right )?off|washe[sd]? off)\b"
)
_THING_WORDS = frozenset(
    "floppy limp fit fits grey gray blue purple spots rash marks bluish blueish seizure "
    "seizures breathing breathe lethargic sluggish".split()
)
_THIS_BABY_FOLLOWERS = frozenset("i we wrong happening going up".split())
_NEGATORS = frozenset("no not n't without never isnt arent".split())
_NEGATION_BRIDGE = frozenset("any a an get got have has had show showing signs of been".split())
_NAMED_REFLEX = re.compile(r"\b(moro|startle reflex)\b")
# "that was no startle", "my daughter says it's the startle reflex", "rhythmic, a good minute":
# the reflex is named only to be disputed, by a relative, or for movements it cannot explain
_REFLEX_NOT_IT = re.compile(
    r"\b(no|not|n't|never|nothing like)( a| the| just| his| her)? (moro|startle)"
    r"|\b(rhythmic\w*|a (good |whole |full )?minute|\d+ (seconds|secs|minutes|mins))\b"
)
# "she's sleepier than usual but wakes for every feed": drowsiness that is not unusual drowsiness
_WAKES_NORMALLY = re.compile(
    r"\b(wakes|waking|wakes up|waking up|woke|woke up) (for|to|at) (every|each|all|his|her|the)? ?"
    r"(feed|feeds)\b|\bwak(?:es|ing) (normally|easily|fine|well|up fine|up easily|up normally)\b"
    r"|\bwakes? (?:up )?easy\b|\beasy to wake\b|\beasily woken\b"
    r"|\busual self when (?:awake|he's awake|she's awake|hes awake|shes awake)\b"
)
_WET_NAPPY_COUNT = re.compile(
    r"\b(\d{1,2}|one|two|three|four|five|six|seven|eight)\s+(?:heavy\s+|good\s+|proper\s+)?wet\b"
)
_ASLEEP = re.compile(r"\b(asleep|sleeping|dozing|dozed off|milk drunk|milk-drunk)\b")
_QUOTES = frozenset({"'", '"', "‘", "’", "“", "”"})
_DROWSY = re.compile(r"\b(sleepy|sleepier|drowsy|drowsier|tired|tireder)\b")
_TROUBLE_FEEDING = re.compile(
    r"\b(barely|hardly|won't|wont|not feeding|isn't feeding|only|less|can't|cant|floppy|limp)\b"
)
# "grunts and goes red straining every time she poos": a newborn pushing a poo out
_POO_WORDS = re.compile(
    r"\b(poo|poos|pooing|pooed|poop|poops|pooping|pooped|bowel|bowels|dyschezia|farts?|farting|"
    r"wind|windy|trumps?)\b"
)
# "my daughter says it's the startle reflex": a relative, not a clinician, names it
_SOMEONE_NAMES_THE_REFLEX = re.compile(
    r"\b([\w-]+) (?:says|said|thinks|reckons)[^.?!]{0,20}(?:moro|startle)"
)
_HICCUPS = re.compile(r"\b(hic|hics|hiccups?|hiccough\w*|hiccuping|hiccupping)\b")
# "won't take a single ml from a bottle" is bottle refusal; "won't take the bottle or the
# breast" is not feeding
_BREASTFEEDS = re.compile(
    r"\b(breastfeeds|breastfed|breastfeeding|nurses|nursing|feeds from me|on the breast|"
    r"takes the breast|on the boob|feeds well from)\b"
)
# "I read a news story about a baby with ...", "watched a drama where a baby turned blue" (but
# "I was watching a film and the baby went blue" is this baby)
_STORY = re.compile(
    r"\b(news|article|documentary|podcast|film|movie|drama|programme|novel|story|episode|"
    r"watched|watching)\b[^.?!]{0,30}\b(about|where|in which)\b"
)
_REFUSES = re.compile(r"\b(won'?t|wont|will not|refus\w*|rejects?|rejecting)\b")
_FEEDS_OF_ANY_KIND = re.compile(
    r"\b(breast|boob|boobs|nurse|nursing|latch\w*|anything|at all|feeds?)\b"
)
# "a bit of blood in her nappy from her vagina": a newborn girl's withdrawal bleed, not blood
# in the stool
_VAGINAL_BLOOD = re.compile(r"\b(vagina\w*|vulva|front bottom|pseudo.?menstruation|mini period)\b")
_WHEN_CRYING = re.compile(
    r"\b(?:when|while|whenever) (?:(?:she|he|they|baby|the baby|my baby) (?:is |are )?)?"
    r"(?:cries|cry|crying|strains|straining|screams|screaming|poos|pushes)\b"
)
# "how would I know she is dehydrated", "what would tell me she isn't feeding enough"
_HYPOTHETICAL = frozenset("if whether tell know notice spot signs".split())
_ME_NOT_THE_BABY = re.compile(r"\b(me|myself|i am|i'm|im),? not (the|my|our|her|his) (baby|lo|son|daughter|little one)\b")
# "grandma says ...", "the nanny measured ...": the person reports the sign, it is not theirs
_REPORTING_VERBS = frozenset(
    "says said say thinks thought reckons reckoned measured took checked noticed found reports "
    "reported told tells asked asks counted saw heard rang called insists insisted here changed "
    "changing keeping kept tracking logging charting recording noting writing".split()
)
_EXPECTING = re.compile(
    r"\b(pregnant|due in|expecting|before (my |the )?baby|before (she|he)'s born)\b"
)
_RISK_OF = re.compile(
    r"\b((?:risk|risks|chance|chances|likelihood|rate|rates|incidence) of|protects? against|"
    r"protection against|prevents?|preventing)(?: [\w-]+){0,2}$"
)
_TIME_UNITS = frozenset("day days week weeks wk wks month months mo".split())
_MOTHERS_TIME = frozenset("postpartum pp post-partum postnatal pregnant".split())
_PREPOSITIONS = frozenset("of with to for by near beside".split())
_BABY_NEWS_VERBS = frozenset("born is was has had in at went got".split())
_ADVERBS_BEFORE_A_VERB = frozenset("only just literally actually really barely also been".split())
# "my husband says it's normal": a relative's reassurance is not a clinician's
_RELATIVES = frozenset(
    "mum mom mother mil husband partner wife boyfriend grandma granny nan nana nanna grandmother "
    "grandad grandpa grandfather dad father sister brother aunt auntie friend neighbour neighbor "
    "mother-in-law family aunty aunties daycare childminder in-laws".split()
)
_BABY_WORDS = frozenset(
    "he she him her his hes shes baby babys lo son daughter newborn infant bub twins preemie".split()
)


class SafetyNetPatternError(ValueError):
    """The pattern file is malformed; the message says where."""


def expand(pattern: str, tokenize) -> List[List[Dict[str, Any]]]:
    """Turns one pattern string into the spaCy token patterns it stands for."""
    segments = [segment.strip() for segment in pattern.split(GAP)]
    if any(not segment for segment in segments):
        raise SafetyNetPatternError(f"empty segment in pattern {pattern!r}")
    choices: List[List[List[Dict[str, Any]]]] = []
    for segment in segments:
        alternatives = []
        for phrase in segment.split("|"):
            tokens = []
            for word in phrase.split():
                if word == "#":
                    tokens.append({"LIKE_NUM": True})
                else:
                    tokens.extend({"LOWER": token.lower_} for token in tokenize(word))
            alternatives.append(tokens)
        choices.append(alternatives)
    # the words between two segments never cross punctuation: in "my milk still isn't in,
    # she's feeding constantly" nothing says "isn't feeding"
    gap = [{"TEXT": {"NOT_IN": list(_CLAUSE_BREAKS)}, "OP": "?"}] * MAX_GAP_TOKENS
    expanded = []
    for combination in itertools.product(*choices):
        tokens: List[Dict[str, Any]] = []
        for index, part in enumerate(combination):
            if index:
                tokens.extend(dict(g) for g in gap)
            tokens.extend(part)
        expanded.append(tokens)
    return expanded


# The context cues of patterns/safety_net.yml: who, when, and whether it is a question.
CUE_KEYS = (
    "baby_context", "general_question", "definitional", "present_baby", "mother_self",
    "self_symptom", "long_ago", "resolved", "clinician_reassured", "still_current",
    "not_current", "reassuring", "not_a_sign", "objects_before_floppy", "mother_body",
)


@dataclass
class SafetyFinding:
    """What the safety net found in one message."""

    urgent_facts: List[Tuple[str, Span]] = field(default_factory=list)
    bereavement: bool = False
    # signs the rules saw and explained away (someone else's, past, not a sign): the message
    # was read, so the classifier's urgent guess does not stand on its own either
    explained_away: List[str] = field(default_factory=list)


class SafetyMatcher:
    """The matching logic, independent of Rasa so that it can be tested directly."""

    def __init__(self, nlp: Language, config: Dict[str, Any]) -> None:
        self._nlp = nlp
        tokenize = nlp.tokenizer
        self._urgent = Matcher(nlp.vocab)
        self._in_context = Matcher(nlp.vocab)
        # one Matcher for every context cue, labelled by its key: one pass per message
        self._cues = Matcher(nlp.vocab)
        self._bereavement = Matcher(nlp.vocab)
        self._fever_words = Matcher(nlp.vocab)
        self._even_if_passed: set = set()
        self._may_be_someone_else: set = set()
        try:
            for sign in config["urgent_signs"]:
                fact = sign["fact"]
                if sign.get("may_be_someone_else"):
                    self._may_be_someone_else.add(fact)
                if sign.get("urgent_even_if_it_passed"):
                    self._even_if_passed.add(fact)
                for pattern in sign.get("standalone", []):
                    self._urgent.add(fact, expand(pattern, tokenize))
                for pattern in sign.get("in_context", []):
                    self._in_context.add(fact, expand(pattern, tokenize))
            for pattern in config["bereavement"]:
                self._bereavement.add("bereavement", expand(pattern, tokenize))
            for key in CUE_KEYS:
                for pattern in config[key]:
                    self._cues.add(key, expand(pattern, tokenize))
            fever = config["fever"]
            self._fever_words.add("fever", expand(fever["words"], tokenize))
            self._fever_words.add(
                "fever",
                expand("has|got|had|running|with|have ~ a|high ~ temperature|temp", tokenize),
            )
            self._breathing_fact = self._nlp.vocab.strings.add(config["fast_breathing_fact"])
            # a string-store key, as the Matcher's match ids are
            self._reduced_intake_fact = self._nlp.vocab.strings.add(config["reduced_intake_fact"])
            self._fever_under_3_months = fever["under_3_months_fact"]
            self._fever_older = fever["older_baby_fact"]
            self._low_temperature = fever["low_temperature_fact"]
        except (KeyError, TypeError) as error:
            raise SafetyNetPatternError(f"missing or malformed key: {error}") from error

    @classmethod
    def from_file(cls, nlp: Language, path: Path = DEFAULT_PATTERNS) -> "SafetyMatcher":
        return cls(nlp, yaml.safe_load(path.read_text(encoding="utf-8")))

    def urgent_fact_ids(self) -> List[str]:
        return sorted(
            {self._nlp.vocab.strings[key] for key in self._urgent._patterns}
            | {self._nlp.vocab.strings[key] for key in self._in_context._patterns}
            | {self._fever_under_3_months, self._fever_older, self._low_temperature,
               self._nlp.vocab.strings[self._reduced_intake_fact]}
        )

    def context(self, doc: Doc) -> "_Context":
        """The message's context cues, read once and shared by `find` and `benign_reading`."""
        return _Context(self, doc)

    def find(self, doc: Doc, context: Optional["_Context"] = None) -> SafetyFinding:
        finding = SafetyFinding()
        if any(not _possessive_follows(doc, end) for _, _, end in self._bereavement(doc)):
            finding.bereavement = True
            return finding
        context = context or self.context(doc)
        seen = set()
        for match_id, start, end in self._urgent(doc):
            if (context.near_definitional(start, end) or context.expecting) \
                    and not context.baby_has_it_now:
                continue
            # "does breastfeeding lower the chance of febrile seizures?", even after a story
            # of the baby's own
            if _RISK_OF.search(doc[max(start - 6, 0):start].text):
                continue
            self._add_unless_explained(finding, seen, context, match_id, doc[start:end])
        if context.about_baby:
            for match_id, start, end in self._in_context(doc):
                # "my 6 week old has ..., will breastfeeding help?" is about a baby now
                if context.conditional(start) \
                        or (context.expecting and not context.baby_has_it_now):
                    continue
                if context.baby_has_it_present_tense or not context.near_general(start, end):
                    self._add_unless_explained(finding, seen, context, match_id, doc[start:end])
            for fact, span in self._temperatures(doc, context, finding.explained_away):
                self._add(finding, seen, fact, span)
            fast = fast_breathing(doc)
            if fast is not None and not context.near_question(fast):
                self._add_unless_explained(finding, seen, context, self._breathing_fact, fast)
            few = too_few_wet_nappies(doc)
            if few is not None and not context.conditional(few.start) \
                    and not context.near_question(few):
                self._add_unless_explained(finding, seen, context, self._reduced_intake_fact, few)
            dry = hours_since_last_wet_nappy(doc)
            if dry is not None and not context.conditional(dry.start):
                self._add_unless_explained(finding, seen, context, self._reduced_intake_fact, dry)
            intake = reduced_intake(doc)
            if intake is not None and not context.conditional(intake.start):
                self._add_unless_explained(
                    finding, seen, context, self._reduced_intake_fact, intake
                )
            feeds = too_few_feeds(doc)
            if feeds is not None and not context.conditional(feeds.start) \
                    and not context.near_question(feeds):
                self._add_unless_explained(finding, seen, context, self._reduced_intake_fact, feeds)
            vomiting = repeated_vomiting(doc)
            if vomiting is not None and not context.conditional(vomiting.start) \
                    and not context.near_question(vomiting):
                self._add_unless_explained(
                    finding, seen, context, self._nlp.vocab.strings.add("urgent_vomiting"), vomiting
                )
            for fact, span in signs_told_in_one_sentence(doc):
                if not context.conditional(span.start) and not context.near_question(span):
                    self._add_unless_explained(
                        finding, seen, context, self._nlp.vocab.strings.add(fact), span
                    )
        return finding

    def benign_reading(self, doc: Doc, context: Optional["_Context"] = None) -> bool:
        """Whether the message positively reads as not urgent (see `benign_reading.py`)."""
        return benign_reading(doc, context or self.context(doc))

    def _add_unless_explained(self, finding, seen, context: "_Context", match_id, span: Span) -> None:
        fact = self._nlp.vocab.strings[match_id]
        reason = self._explanation(context, fact, span)
        if reason:
            finding.explained_away.append(f"{fact}: {reason}")
        else:
            self._add(finding, seen, fact, span)

    def _explanation(self, context: "_Context", fact: str, span: Span) -> Optional[str]:
        """Why a matched sign is not a baby's urgent sign now, or None."""
        if context.not_a_sign(span):
            return "not a sign"
        if context.in_past(span, long_ago_only=fact in self._even_if_passed):
            return "past"
        if context.reassured_by_clinician(span):
            return "a clinician has reassured"
        may_be_someone_else = (
            fact in self._may_be_someone_else or span[-1].lower_ in _ADULTS_GET_IT_TOO
        )
        if may_be_someone_else and context.about_someone_else(span, self_only=True):
            return "someone else"
        # ("her doll has a rash that won't fade": every rash word is a surface's)
        if (fact == "urgent_rash" or any(t.lower_ in _THING_WORDS for t in span)) \
                and context.object_before(span):
            return "a thing"
        if _STORY.search(context.doc[context.sentence(span)[0]:span.start].text):
            return "a story, not a baby here"
        if context.negated(span):
            return "negated"
        sentence = context.doc[slice(*context.sentence(span))].text
        # "our 2yo had a febrile convulsion yesterday": a sign told after an older child in a
        # sentence that names no younger one
        before = context.doc[context.sentence(span)[0]:span.start].text
        youngest = age_in_months(sentence)
        # (a rash that does not fade is an emergency at any age)
        if fact != "urgent_rash" and OLDER_CHILD.search(before) \
                and (youngest is None or youngest >= OLDER_CHILD_MONTHS):
            return "an older child's"
        if fact == "urgent_breathing" and _STAIN.search(sentence):
            return "a stain from food or ink"
        if span.text.startswith("wheez") and OLDER_CHILD.search(sentence):
            return "an older child's wheeze"
        if fact == "urgent_seizure" and _NAMED_REFLEX.search(context.doc.text) \
                and not _REFLEX_NOT_IT.search(context.doc.text) \
                and not _relative_names_it(context.doc.text):
            return "a startle (Moro) reflex"
        if fact in ("urgent_unresponsive", "urgent_feeding_dehydration") \
                and _DROWSY.search(span.text) and _WAKES_NORMALLY.search(sentence) \
                and not _TROUBLE_FEEDING.search(sentence):
            return "sleepy, but wakes normally"
        # "arms all loose like noodles when i lift her but she wake easy": limp in sleep
        if fact == "urgent_unresponsive" and _ASLEEP.search(sentence) \
                and _WAKES_NORMALLY.search(sentence) and not _TROUBLE_FEEDING.search(sentence):
            return "limp while asleep, wakes normally"
        # "is 'floppy' in parent leaflets the same as hypotonia?": a word asked about
        if _quoted(context.doc, span) and not context.baby_has_it_now:
            return "a word in quotation marks"
        # "day 8, twin 1 had 6 heavy wet nappies": a count that is enough for the day of life
        counted = _WET_NAPPY_COUNT.search(span.text)
        days = age_in_days(context.doc.text)
        if fact == "urgent_feeding_dehydration" and counted and days is not None \
                and number_in_words(counted.group(1)) >= expected_wet_nappies(days):
            return "enough wet nappies for the baby's age"
        if fact == "urgent_seizure" and _HICCUPS.search(sentence):
            return "hiccups"
        clause = context.doc[slice(*context.clause(span))].text
        if fact == "urgent_feeding_dehydration" and "bottle" in clause \
                and _REFUSES.search(span.text) and not _FEEDS_OF_ANY_KIND.search(clause) \
                and _BREASTFEEDS.search(context.doc.text):
            return "a breastfed baby refusing a bottle"
        if "grunt" in span.text and _POO_WORDS.search(sentence):
            return "grunting while pushing out a poo"
        if "blood" in span.text and _VAGINAL_BLOOD.search(sentence):
            return "a newborn girl's vaginal bleed"
        if fact == "urgent_bulging_fontanelle" and _WHEN_CRYING.search(sentence):
            return "a soft spot that rises while the baby cries or strains"
        if "black" in span.text and (
            "meconium" in context.doc.text or (age_in_days(context.doc.text) or 99) <= 3
        ):
            return "meconium, a newborn's first poo"
        return None

    @staticmethod
    def _add(finding: SafetyFinding, seen: set, fact: str, span: Span) -> None:
        if fact not in seen:
            seen.add(fact)
            finding.urgent_facts.append((fact, span))

    def _temperatures(
        self, doc: Doc, context: "_Context", explained_away: List[str]
    ) -> List[Tuple[str, Span]]:
        """Fever (by the baby's age) or a low temperature, unless about someone else, told as
        a past episode, or (for fever words without a reading) inside a general question.
        Fevers the rules saw and set aside are noted in `explained_away`."""
        found: List[Tuple[str, Span]] = []
        readings = [r for r in temperature_spans(doc, context.about_baby) if not context.in_past(r)]
        fever_readings = [r for r in readings if is_fever(r.text)]
        # A stated reading is more exact than words: "a slight temperature of 37.9" is no fever.
        words = [] if readings and not fever_readings else [
            doc[s:e] for _, s, e in self._fever_words(doc)
        ]
        words = [
            w for w in words
            if not context.not_a_sign(w) and not context.negated(w) and not context.in_past(w)
            and not context.near_question(w)
            and not context.reassured_by_clinician(w)
        ]
        # a reading told in a sentence about an older child is that child's: "my 3 year old
        # has a temp of 39.4. will the baby (4 months, totally well) get protection?"
        def hearsay_or_hypothetical(span: Span) -> bool:  # in the reading's own clause
            first, last = context.clause(span)
            return _HEARSAY_OR_HYPOTHETICAL.search(doc[first:span.start].text) is not None \
                and not any(first <= p.start < last for p in context.present_spans)

        fever_readings = [r for r in fever_readings if not hearsay_or_hypothetical(r)]

        def an_adults_illness(span: Span) -> bool:  # "on antibiotics for a tooth infection"
            first, last = context.clause(span)
            return _ADULT_ILLNESS.search(doc[first:last].text) is not None \
                and not any(t.lower_ in _BABY_WORDS for t in doc[first:last])

        if any(an_adults_illness(r) for r in fever_readings + words):
            explained_away.append("fever: an adult's illness")
        fever_readings = [r for r in fever_readings if not an_adults_illness(r)]
        words = [w for w in words if not an_adults_illness(w)]
        words = [w for w in words if not hearsay_or_hypothetical(w)]
        # ("my 4yo son has 39.5 fever, i bf my other baby 2mo": the clause's age comes first)
        older_child = [
            r for r in fever_readings + words
            if (_age_told_with(doc, context, r) or 0) >= 6
            or (OLDER_CHILD.search(doc[context.sentence(r)[0]:r.start].text)
                and age_in_months(doc[slice(*context.sentence(r))].text) is None)
        ]
        if older_child:
            explained_away.append("fever: a child of 6 months or more")
            fever_readings = [r for r in fever_readings if r not in older_child]
            words = [w for w in words if w not in older_child]
        age_months = age_in_months(doc.text)
        long_fever, days = fever_days(doc.text)
        if long_fever and days >= 5:
            span = doc.char_span(long_fever.start(), long_fever.end(), alignment_mode="expand")
            if span is not None and not context.in_past(span) \
                    and not context.about_someone_else(span, self_only=False):
                # A fever of 5 days or more needs a same-day assessment at any age (NICE NG143).
                return [(self._fever_older, span)]
        if age_months is not None and age_months >= 3:
            # NICE NG143: 38 °C is a red feature under 3 months; from 3 to 6 months 39 °C is
            # amber (same day); from 6 months fever alone is not one of the warning signs.
            if age_months >= 6:
                if fever_readings or words:
                    explained_away.append("fever: a child of 6 months or more")
                fever_readings, words = [], []
            else:
                fever_readings = [r for r in fever_readings if is_fever(r.text, celsius=39.0)]
                words = words if not readings else []
        for span in fever_readings + words:
            if context.about_someone_else(span, self_only=False):
                explained_away.append("fever: someone else")
                continue
            older = age_months is not None and age_months >= 3
            found.append((self._fever_older if older else self._fever_under_3_months, span))
            break
        for span in readings:
            if is_low(span) and not context.about_someone_else(span, self_only=False) \
                    and not context.near_question(span):
                found.append((self._low_temperature, span))
                break
        return found


def _age_told_with(doc: Doc, context: "_Context", span: Span) -> Optional[float]:
    """The age, in months, told in the span's clause, or else in its sentence."""
    clause_age = age_in_months(doc[slice(*context.clause(span))].text)
    return clause_age if clause_age is not None else age_in_months(
        doc[slice(*context.sentence(span))].text
    )


class _Context:
    """What surrounds the signs in one message: question framing, the baby, someone else,
    the past."""

    def __init__(self, matcher: SafetyMatcher, doc: Doc) -> None:
        self.doc = doc
        found: Dict[str, List[Span]] = {key: [] for key in CUE_KEYS}
        for match_id, start, end in matcher._cues(doc):
            found[doc.vocab.strings[match_id]].append(doc[start:end])
        # "what do I do", "what's wrong with him", "I can't explain it" ask about this baby
        self.general_spans = [
            g for g in found["general_question"]
            if not _asks_about_this_baby(g) and not _first_ever(g)
        ]
        self.definitional_spans = [
            d for d in found["definitional"] if not _asks_about_this_baby(d) and not _first_ever(d)
        ]
        self.baby_spans = found["baby_context"]
        # "pregnant again", "due in March": no baby of this family has anything yet
        # (unless a baby is named by age: "pregnant again and ds (7 weeks) is floppy")
        self.expecting = any(_EXPECTING.search(d.text) for d in self.definitional_spans) \
            and not (AGE.search(doc.text) or CLINICAL_AGE.search(doc.text)
                     or AN_AGE.search(doc.text))
        # terse notes name the baby by age alone: "10wk, no wet nappy for 9h", "5/52"
        self.about_baby = bool(self.baby_spans) or CLINICAL_AGE.search(doc.text) is not None \
            or AGE.search(doc.text) is not None or _HOURS_OLD.search(doc.text) is not None \
            or _DAY_SHORTHAND.search(doc.text) is not None
        # "how do I know if my baby is dehydrated" is a question, not a baby who is.
        present = [
            p for p in found["present_baby"]
            if not any(t.lower_ in _HYPOTHETICAL for t in doc[max(p.start - 2, 0):p.start])
            # ("my baby is fine", "my baby is 5 months and fine")
            and not any(t.lower_ in _WELL for t in doc[p.end:p.end + 2])
            and not _AGE_AND_WELL.match(doc[p.end:p.end + 5].text)
            and not any(t.lower_ in _OLDER_SIBLING for t in p)  # "my older son was ..."
            and not any(t.lower_ in _OTHER_FAMILIES for t in p)  # "my sister's baby had ..."
            and not any(t.lower_ in ("if", "whether") for t in p)  # "my milk ... if the baby is"
            # ("looking after my granddaughter two days a week")
            and not (p[-1].lower_ in _TIME_UNITS and p.end < len(doc)
                     and doc[p.end].lower_ in ("a", "per", "each", "every"))
            # ("on my own with our 3 week old tomorrow": the baby named as an object)
            and not (p.start > 0 and doc[p.start - 1].lower_ in _PREPOSITIONS | {"about", "from"})
        ]
        self.baby_has_it_now = bool(present)
        self.present_spans = present
        # ... and in the present tense: "my baby has", not "my baby had"
        self.baby_has_it_present_tense = any(p[-1].lower_ not in _PAST_VERBS for p in present)
        self.mother_spans = found["mother_self"]
        self.self_spans = found["self_symptom"]
        with_now = lambda found: [  # noqa: E731  ("thriving now" is one cue)
            doc[p.start:p.end + 1] if p.end < len(doc) and doc[p.end].lower_ == "now" else p
            for p in found
        ]
        # "when he was 2" is long ago; "when he was 2 minutes into the feed" is not
        # "in the past 24h", "in the past few hours" is recent
        self.long_ago_spans = with_now([
            p for p in found["long_ago"]
            if not (p.end < len(doc) and doc[p.end].lower_ in _SHORT_TIME_UNITS)
            and not (p.text.endswith("in the past") and p.end < len(doc)
                     and (doc[p.end].text[:1].isdigit() or doc[p.end].lower_ in _RECENT_SPAN))
        ])
        self.past_spans = self.long_ago_spans + with_now(found["resolved"])
        self.clinician_spans = found["clinician_reassured"]
        self.reassuring_spans = found["reassuring"]
        not_current = found["not_current"]
        self.current_spans = [
            c for c in found["still_current"]
            if not any(n.start <= c.start < n.end for n in not_current)
        ]
        self.not_a_sign_spans = found["not_a_sign"]
        self.object_spans = found["objects_before_floppy"]
        self.mother_body_spans = found["mother_body"]
        # "will she catch it off me?", "can I still breastfeed?": the speaker is the one ill
        self.speaker_is_ill = _CATCH_IT_FROM_ME.search(doc.text) is not None

    @staticmethod
    def _near(spans: List[Span], start: int, end: int) -> bool:
        return any(
            span.start < end + GENERAL_QUESTION_WINDOW and span.end > start - GENERAL_QUESTION_WINDOW
            for span in spans
        )

    def near_general(self, start: int, end: int) -> bool:
        """A general-question cue within eight words and in the same sentence: in "she's 16
        days and her eyes still look yellow. Is breastmilk jaundice a real thing?" the
        question does not make the first sentence general."""
        first, last = self.sentence(self.doc[start:end])
        return self._near([g for g in self.general_spans if first <= g.start < last], start, end)

    def near_definitional(self, start: int, end: int) -> bool:
        """A definitional cue nearby or anywhere in the same sentence."""
        if self._near(self.definitional_spans, start, end):
            return True
        first, last = self.sentence(self.doc[start:end])
        return any(first <= d.start < last for d in self.definitional_spans)

    def near_question(self, span: Span) -> bool:
        if self.near_general(span.start, span.end) and not self.baby_has_it_present_tense:
            return True
        return self.near_definitional(span.start, span.end) and not self.baby_has_it_now

    def sentence(self, span: Span) -> Tuple[int, int]:
        """The token range of the sentence around the span (split at . ! ? ; and new lines)."""
        start, end = span.start, span.end
        while start > 0 and not ends_sentence(self.doc[start - 1]):
            start -= 1
        while end < len(self.doc) and not ends_sentence(self.doc[end - 1]):
            end += 1
        return start, end

    def clause(self, span: Span) -> Tuple[int, int]:
        """The token range of the clause around the span: the sentence, split at commas too."""
        start, end = span.start, span.end
        doc = self.doc
        while start > 0 and not ends_sentence(doc[start - 1]) and doc[start - 1].text != ",":
            start -= 1
        while end < len(doc) and not ends_sentence(doc[end - 1]) and doc[end].text != ",":
            end += 1
        return start, end

    def in_past(self, span: Span, long_ago_only: bool = False) -> bool:
        """The sentence tells of a past episode (long ago, or resolved unless `long_ago_only`)
        and nothing in it says "now"."""
        start, end = self.sentence(span)
        cues = self.long_ago_spans if long_ago_only else self.past_spans
        clause = self.clause(span)
        # "two weeks ago", "last year" date their own clause only: in "fever 100.8 in my 8
        # week old, he had his shots last week" the fever is now
        # ("Last year, at 15 months, my son had ...": a time told first dates the sentence)
        past = [
            p for p in cues
            if start <= p.start < end
            and (not _DATES_ITS_CLAUSE.search(p.text) or clause[0] <= p.start < clause[1]
                 or p.start == start)
        ]
        if not past:
            return False
        # "years ago now", "fine now": a "now" inside a past cue is no "now"
        in_sentence = [p for p in self.past_spans if start <= p.start < end]
        return not any(
            start <= c.start < end and not any(p.start <= c.start < p.end for p in in_sentence)
            for c in self.current_spans
        )

    def reassured_by_clinician(self, span: Span) -> bool:
        """A midwife or doctor looked at the sign and reassured: the reassurance comes in the
        sign's sentence or after it ("she's a bit yellow. The midwife checked and said it's
        physiological"), and the sign's sentence says nothing is happening now. A sign told
        after the reassurance ("the GP said it was just a cold. She won't feed now") is news,
        and stays urgent."""
        start, end = self.sentence(span)
        reassurances = [
            c for c in self.clinician_spans
            if c.start >= start
            and not any(t.lower_ in _RELATIVES for t in self.doc[max(c.start - 3, start):c.start])
        ]
        if not reassurances:
            return False
        # "the midwife checked today and said it's fine", "the health visitor listened to it
        # at clinic today and said it's just snuffles": a time word before the reassurance
        # dates the check; "now", "still", "worse" and a time after it are news
        first_reassurance = min(r.start for r in reassurances)
        return not any(
            start <= c.start < end
            and not any(r.start <= c.start < r.end for r in reassurances)
            and not (c.text in _DATES_A_CHECK and c.start < first_reassurance)
            for c in self.current_spans
        )

    def conditional(self, start: int) -> bool:
        """"... why do they do that if he's not drinking it?": a condition, not an observation."""
        return any(t.lower_ in ("if", "whether") for t in self.doc[max(start - 3, 0):start])

    def reassured(self, span: Span) -> bool:
        """The sentence reassures ("feeding happily, loads of wet nappies") and says nothing
        is happening now."""
        start, end = self.sentence(span)
        return not any(start <= c.start < end for c in self.current_spans)

    def negated(self, span: Span) -> bool:
        """"no blood in her poo", "she isn't floppy": a negator right before the sign (signs
        whose pattern holds the negation itself, "not feeding", start with it instead)."""
        for token in reversed(self.doc[max(span.start - 3, 0):span.start]):
            if token.lower_ in _NEGATORS:
                return True
            if token.lower_ not in _NEGATION_BRIDGE:  # "won't get a fever", "no signs of"
                return False
        return False

    def not_a_sign(self, span: Span) -> bool:
        return any(n.start <= span.start < n.end or span.start <= n.start < span.end
                   for n in self.not_a_sign_spans)

    def _baby_between(self, start: int, end: int) -> bool:
        if any(t.lower_ in _BABY_WORDS for t in self.doc[start:end]):
            return True
        # ("I'm 3 months postpartum": the mother's time since the birth, not a baby's age)
        return any(
            start <= b.start < end
            and not (b.end < len(self.doc) and self.doc[b.end].lower_ in _MOTHERS_TIME)
            for b in self.baby_spans
        )

    def about_someone_else(self, span: Span, self_only: bool) -> bool:
        """A word for the speaker or another adult shortly before the sign, with no baby in
        between: "I have mastitis and a temperature of 38.5" is the mother's, "I think she has
        a temperature" is the baby's. `self_only` uses the stricter list (the speaker *having*
        something), for signs other than fever."""
        spans = self.self_spans if self_only else self.self_spans + self.mother_spans
        spans = [
            m for m in spans
            # ("3/52 infant in front of me, T 38.4": "me" after a preposition has nothing)
            if not (m.text == "me" and m.start > 0
                    and self.doc[m.start - 1].lower_ in _PREPOSITIONS)
        ]
        # "... had a fit, my baby I mean" (an age such as "at 18 months" right after the sign
        # does not say whose it is)
        # (but "I had pre-eclampsia and a seizure, baby born at 32 weeks" is the mother's)
        # ("can't wake her" is the baby; "the dog ... blood in her poo" is the dog's)
        if self_only and any(
            t.lower_ in (_BABY_WORDS if t.i == span.end else _BABY_WORDS - {"her", "his"})
            and not (t.i + 1 < len(self.doc) and self.doc[t.i + 1].lower_ in _BABY_NEWS_VERBS)
            for t in self.doc[span.end:span.end + 2]
        ):
            return False
        # "... only my own? She has been much more yellow" (not "my cousin's baby turned yellow")
        if span[0].lower_ in _BABY_WORDS and not any(m.start <= span.start < m.end for m in spans):
            return False
        # "been throwing up all night with a tummy bug. will she catch it off me?", "stomach
        # bug, been throwing up all night. can I still feed?": the speaker's own illness,
        # told without an "I", in a sentence with no baby in it
        first, last = self.sentence(span)
        if self.speaker_is_ill and not self._baby_between(first, last) \
                and not AN_AGE.search(self.doc[first:last].text):
            return True
        if _ME_NOT_THE_BABY.search(self.doc[first:last].text):  # "(me, not the baby)"
            return True
        # "mum reports baby ashen with ...": a baby word after the cue's start, before the
        # sign, makes the sign the baby's even when the cue's words run past it
        return any(
            m.start <= span.start
            and span.start - m.end < MOTHER_SELF_WINDOW
            # ("my cousin's baby ... turned yellow": the baby in the cue is not the speaker's)
            and not self._baby_between(
                m.end if m[-1].lower_ in _BABY_WORDS else m.start + 1, span.start
            )
            and not self._reports(m.end)
            # "she blacked out" (but "her doll")
            and not (m.start > 0 and self.doc[m.start - 1].lower_ in _BABY_WORDS - {"her", "his"})
            for m in spans
        )

    def _reports(self, index: int) -> bool:
        """A reporting verb at `index`, after any adverbs: "I've only changed one wet nappy"."""
        while index < len(self.doc) and self.doc[index].lower_ in _ADVERBS_BEFORE_A_VERB:
            index += 1
        if index < len(self.doc) and self.doc[index].lower_ in _REPORTING_VERBS:
            return True
        # "I just got 38.6 on the thermometer": the speaker reads a number off, not a fever
        return index + 1 < len(self.doc) and self.doc[index].lower_ in ("got", "get", "getting") \
            and self.doc[index + 1].like_num

    def object_before(self, span: Span) -> bool:
        """"The teat (on her bottle) has gone floppy": a thing, not the baby, is floppy."""
        def baby_subject_between(start: int, end: int) -> bool:
            return any(
                t.lower_ in _BABY_WORDS and t.lower_ not in ("her", "his")
                for t in self.doc[start:end]
            )

        return any(
            o.end <= span.start and span.start - o.end <= OBJECT_WINDOW
            and not baby_subject_between(o.end, span.start)
            for o in self.object_spans
        )


def _first_ever(cue: Span) -> bool:
    """"first time ever", "never ever": an "ever" that asks nothing."""
    return cue.text == "ever" and cue.start > 0 and cue.doc[cue.start - 1].lower_ in (
        "time", "first", "one", "never", "worst", "scariest"
    )


def _relative_names_it(text: str) -> bool:
    """"my daughter says it's the startle reflex": a relative's word, not a clinician's."""
    return any(
        match.group(1) in _RELATIVES
        for match in _SOMEONE_NAMES_THE_REFLEX.finditer(text)
    )


def _asks_about_this_baby(cue: Span) -> bool:
    doc = cue.doc
    after = doc[cue.end].lower_ if cue.end < len(doc) else ""
    before = doc[cue.start - 1].lower_ if cue.start > 0 else ""
    if cue.text in ("what do", "what's", "whats", "what is") and after in _THIS_BABY_FOLLOWERS:
        return True
    return cue.text == "explain" and before in ("n't", "cannot", "cant", "not")


def _quoted(doc: Doc, span: Span) -> bool:
    """The span stands inside quotation marks: 'floppy', "grunting"."""
    before = doc[span.start - 1].text if span.start > 0 else ""
    after = doc[span.end].text if span.end < len(doc) else ""
    return before in _QUOTES and after in _QUOTES


def _possessive_follows(doc: Doc, end: int) -> bool:
    """True for "lost my baby's bottle": the match is the owner of something else."""
    return end < len(doc) and doc[end].lower_ in ("'s", "’s", "s") and doc[end - 1].lower_ not in ("'s", "’s")


def patterns_fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
    is_trainable=False,
    model_from="SpacyNLP",
)
class SafetyNet(GraphComponent):
    """Overrides the intent for urgent signs and bereavement (see module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"patterns": str(DEFAULT_PATTERNS)}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = config
        self._matcher: Optional[SafetyMatcher] = None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyNet":
        return cls(config)

    @classmethod
    def load(cls, config: Dict[Text, Any], *args: Any, **kwargs: Any) -> "SafetyNet":
        return cls(config)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        path = Path(config.get("patterns") or DEFAULT_PATTERNS)
        return patterns_fingerprint(path) if path.is_file() else None

    def _matcher_for(self, model: SpacyModel) -> SafetyMatcher:
        if self._matcher is None:
            self._matcher = SafetyMatcher.from_file(model.model, Path(self._config["patterns"]))
        return self._matcher

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        matcher = self._matcher_for(model)
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                text = message.get(TEXT)
                if not text:
                    continue
                doc = model.model(text.lower())
            context = matcher.context(doc)
            finding = matcher.find(doc, context)
            if not finding.urgent_facts and not finding.bereavement:
                _overrule_unsupported_urgent_guess(message, matcher, doc, finding, context)
            apply_finding(message, finding)
        return messages


def apply_finding(message: Message, finding: SafetyFinding) -> None:
    """Writes what the safety net found into the message's intent and entities."""
    if finding.bereavement:
        _override_intent(message, BEREAVEMENT_INTENT)
    elif finding.urgent_facts:
        _override_intent(message, URGENT_INTENT)
        entities = list(message.get(ENTITIES) or [])
        for fact, span in finding.urgent_facts:
            entities.append(
                {
                    "entity": URGENT_ENTITY,
                    "value": fact,
                    "start": span.start_char,
                    "end": span.end_char,
                    "confidence_entity": 1.0,
                    "extractor": SafetyNet.__name__,
                }
            )
        message.set(ENTITIES, entities, add_to_output=True)


def _overrule_unsupported_urgent_guess(
    message: Message,
    matcher: SafetyMatcher,
    doc: Doc,
    finding: Optional[SafetyFinding] = None,
    context: Optional["_Context"] = None,
) -> None:
    """The classifier said `urgent_sign`, the rules found no sign, and the message positively
    reads as benign (a general question, a resolved past episode, a normal temperature, a
    clinician's reassurance, or sign words the rules explained away as someone else's or
    past): the classifier's next guess stands instead. Without such a reading the guess is
    kept, so that recall never depends on the rules alone."""
    intent = message.get(INTENT) or {}
    if intent.get("name") != URGENT_INTENT:
        return
    explained = finding is not None and bool(finding.explained_away)
    if not explained and not matcher.benign_reading(doc, context):
        return
    ranking = [item for item in (message.get(INTENT_RANKING_KEY) or []) if item.get("name") != URGENT_INTENT]
    if not ranking:
        return
    message.set(INTENT, dict(ranking[0]), add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    message.set("safety_net_overrode", URGENT_INTENT)


def _override_intent(message: Message, name: str) -> None:
    previous = message.get(INTENT) or {}
    ranking: Sequence[Dict[str, Any]] = message.get(INTENT_RANKING_KEY) or []
    ranking = [{"name": name, "confidence": 1.0}] + [
        item for item in ranking if item.get("name") != name
    ]
    message.set(INTENT, {"name": name, "confidence": 1.0}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    if previous.get("name") and previous.get("name") != name:
        message.set("safety_net_overrode", previous.get("name"))
