"""The benign reading: whether a message in which the rules found no sign reads as not urgent.

The intent classifier sometimes says `urgent_sign` where the safety net's rules (safety_net.py)
found no sign. Its guess escalates to urgent care unless the message positively reads as
benign, and this module decides that:

- a message with no word for any sign at all ("I vape ... my daughter is 6 weeks, is formula
  better?") is benign;
- so is one that is only about a child of 18 months or more;
- otherwise *every* sentence that has a sign word must have a benign reading of its own: a
  general question about no baby in particular, a past episode, a clinician's reassurance, the
  mother's own body, an older child, a pet or another adult, a question before the birth, or
  sign words all covered by reassurance, negation and normal readings. A general question in
  one sentence never hides a sign told in another.

The reading must never apply to an urgent message: tests/unit/test_safety_net.py checks it
against every `urgent_sign` training example.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, List, Tuple

from spacy.tokens import Doc, Span

from nlu_components.readings import (
    AGE,
    CLINICAL_AGE,
    OLDER_CHILD,
    OLDER_CHILD_MONTHS,
    age_in_months,
    fever_days,
    is_fever,
    is_low,
    temperature_spans,
    things_temperature,
)

if TYPE_CHECKING:  # pragma: no cover
    from nlu_components.safety_net import _Context

AN_AGE = re.compile(  # "5mo had a fit just now": an age names the baby
    r"\b\d{1,2}\s*-?\s*(?:week|weeks|wk|wks|w|month|months|mo|mos|mth|mths)\b"
    r"|\b\d{1,2}\s*-?\s*days?\s*old\b|\bd/o\b|\b\d{1,2}\s*/\s*(?:52|12|7)\b"
)

# Words that may tell of a warning sign, everyday ones included (nappies, crying, a
# temperature): they pick out the sentences a benign reading has to cover, and a message with
# none of them ("I vape ... my daughter is 6 weeks, is formula better?") tells of no sign.
_SIGN_WORDS = re.compile(
    r"\b(breath\w*|breathe\w*|breething|grunt\w*|gasp\w*|wheez\w*|blue\w*|bluish|grey\w*|gr[ae]y|"
    r"purpl\w*|dusky|pale|ashen|white|mottl\w*|blotch\w*|marble\w*|cold|chilly|clammy|icy|"
    r"fever\w*|temp\w*|hot|warm|burning|pyrex\w*|febrile|floppy|flopp\w*|limp|rag ?doll|"
    r"sleep\w*|drows\w*|doz\w*|letharg\w*|wak\w*|woke|rous\w*|respon\w*|fits?|seiz\w*|"
    r"siez\w*|convuls\w*|jerk\w*|twitch\w*|stiff\w*|shak\w*|star(?:e|es|ed|ing)|rash\w*|spots?|"
    r"dots?|bruis\w*|petech\w*|yellow\w*|jaund\w*|jandice|orange|vomit\w*|vom\w*|sick\w*|"
    r"threw|throw\w*|spew\w*|puk\w*|blood\w*|green|bile|poo\w*|stool\w*|nappy|nappies|"
    r"diapers?|wet|wee|wees|weed|weeing|pee|pees|peed|peeing|urine|dry|sunken|dip\w*|soft spot|"
    r"fontan\w*|fontenel\w*|bulg\w*|swoll\w*|cry\w*|cries|cried|scream\w*|screech\w*|"
    r"inconsol\w*|settl\w*|pus|gunk|goo|discharge|cord|stump|belly button|navel|refus\w*|ill|"
    r"unwell|poorly|dehydrat\w*|weak\w*|quiet\w*|moan\w*|groan\w*|chok\w*|cough\w*|lilac|violet|"
    r"snort\w*|snuffl\w*|"
    # clinical words and readings
    r"\d{2,3}[.,]\d|\d{2,3} ?°? ?[cf]|t \d\d|rr|sp ?o2|sats|desat\w*|apno?e\w*|recession|"
    r"indrawing|cyano\w*|hypoton\w*|unrous\w*|ictal|post-ictal|tonic|clonic|pustul\w*|omphal\w*|"
    r"thermometer|radiator|cool\w*|intake|tiring|flops?|hang\w*|bag of flour|lies there|"
    r"irritab\w*|whin\w*|cranky|grizzl\w*|unsettl\w*|clingy|nothing works|nostril\w*|flar\w*|"
    r"soft part|soft bit|pushed up|balloon|marks|pinpoint|pin ?pricks?|fade|fading|blanch\w*|"
    r"glass|tumbler|lemon|yelow|yello|colou?r takes|eyes drifting|cycling|wobbly|loose|muscles|"
    r"eyes don'?t follow|shook|rolled|"
    # worry about the baby as a whole (NHS: "trust your instincts")
    r"worr\w*|scared|frightened|terrified|panick\w*|not right|seem right|seems right|"
    r"something'?s? (?:is )?(?:off|wrong)|(?:so|just|seems|looks) different|"
    r"different (?:today|from)|"
    r"not (?:him|her)self|off colou?r|"
    # feeding less, or too sleepy to feed
    r"won'?t feed|not feeding|only fed|fed \d+|\d+ feeds|feeds? in|barely|hardly|"
    r"hasn'?t (?:fed|wanted)|wanted anything|off (?:his |her )?feeds|taking|taken|managed|managing|"
    r"half|third|quarter|less than|\d+ ?(?:ml|oz)|\d{2,3}[.,]\d ?[cf]|stay awake|"
    r"keep (?:him|her) awake|fall\w* asleep|drifts? off|nods? off|isn'?t interested|not interested|"
    r"no interest|doesn'?t want|dont want|won'?t take|push\w* (?:it|the teat|away)|head away|"
    r"eat\w* very little|sucks|gone off|turns away|minutes in total|mins in total)\b"
)


# "7 heavy wet nappies", "6+ wet nappies": enough of them
_ADEQUATE_COUNT = re.compile(
    # ("7 or 8 wet nappies")
    r"\b(?:\d{1,2} (?:or|to|-) )?([5-9]|1\d|five|six|seven|eight|nine|ten)\+? "
    r"(?:heavy |wet and dirty |dirty |wet )?"
    r"(?:wet |heavy )?(?:nappies|diapers|wees|poos)\b"
)
_ANOTHER_ADULT = re.compile(
    r"\b(my|her|his) (husband|hubby|partner|wife|mum|mom|mother|dad|father)\b"
    r"(?! (?:says|said|thinks|noticed|saw|found|reckons|measured|took|checked|counted|heard))"
)
_NEGATABLE = re.compile(
    r"(pus|rash\w*|fever\w*|temp\w*|blood\w*|jaund\w*|yellow\w*|vomit\w*|bile|spots?|seiz\w*|fits?)"
)
# the everyday words of baby care: beside a reassurance they need no cover of their own, and a
# sentence with only these and nothing troubling ("then sleeps a 3 hour stretch") is benign
_MUNDANE = re.compile(
    r"(poo|poos|pooed|pooing|poop\w*|pooey|poonami|stool\w*|nappy|nappies|diapers?|"  # not "poorly"
    r"wee|wees|weeing|pee|pees|peeing|sleep\w*|"
    r"snuffl\w*|snort\w*|cough\w*|settl\w*|unsettl\w*|taking|taken|green|warm|hot|thermometer|"
    r"spots?|fussy|grizzl\w*|whin\w*|clingy|cranky)"
)
_TROUBLE = re.compile(
    r"\b(no|not|n't|nt|only|hasn'?t|haven'?t|hasnt|since|few|fewer|less|pale|chalk\w*|clay|putty|"
    r"dark|high|shrill|squeal\w*|piercing|won'?t|wont|can'?t|cant|hard|very|so|too|really|"
    r"nonstop|non-stop|constant\w*|all day|all night|hours|hrs|blood\w*|stain\w*|light|dry|"
    r"strange|weird|different|worse|more|lots|loads|keeps?|again|fever\w*|\d\d[.,]\d|still|"
    r"already|watery|white|black|red|isnt|nothing|doesnt|didnt|wasnt|arent|like her|"
    r"like him)\b"
)
_PREGNANCY = re.compile(
    r"\b(pregnant|i'?m \d{2} weeks|with my (?:second|third|next)|due (?:in|date)|my bump)\b"
)
_ADULT_ILLNESS = re.compile(
    r"\b(fever\w*|temp\w*|vomit\w*|sick|bug|flu|cold|covid|rash|mastitis|\d\d[.,]\d)\b"
)
_A_BABY_WORD = re.compile(r"\b(she|he|she's|he's|shes|hes|baby|babys|baby's|lo|newborn)\b")


def _adequate_counts(doc: Doc) -> List[Span]:
    spans = []
    for match in _ADEQUATE_COUNT.finditer(doc.text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is not None:
            spans.append(span)
    return spans


# the words around a normal reading: "took her temp under the arm, 36.9"
_TEMPERATURE_TALK = re.compile(
    r"\b(temp\w*|thermometer|warm|hot|cool\w*|cold|under (?:the|her|his) arm|armpit|ear|"
    r"forehead|rectal\w*|fever\w*)\b"
)


# an older child, a pet or another family's baby, named in a sentence
_SOMEONE_ELSES = re.compile(
    OLDER_CHILD.pattern
    + r"|\b(my (?:sister|brother|cousin|friend|neighbou?r|nephew|niece)'?s?|the (?:cat|dog|puppy)|"
    r"our (?:cat|dog|puppy)|(?:cat|dog|puppy)'s)\b"
)


def _sign_word_spans(sentence: Span) -> List[Span]:
    """Every word of the sentence that may tell of a sign."""
    spans = []
    for match in _SIGN_WORDS.finditer(sentence.text):
        span = sentence.doc.char_span(
            sentence.start_char + match.start(), sentence.start_char + match.end(),
            alignment_mode="expand",
        )
        if span is not None:
            spans.append(span)
    return spans


def _overlaps(span: Span, others: List[Span]) -> bool:
    return any(span.start < other.end and other.start < span.end for other in others)


def _names_a_baby(text: str) -> bool:
    """"4 month old, temp 39.2, does breastmilk help?" is about this baby, not a general
    question."""
    return bool(AGE.search(text) or CLINICAL_AGE.search(text) or AN_AGE.search(text)
                or _MY_BABY.search(text) or _BABY_BODY.search(text))


def _sentence_ranges(doc: Doc) -> List[Tuple[int, int]]:
    """Token ranges of the sentences (split at . ! ? ; and new lines)."""
    ranges, start = [], 0
    for token in doc:
        if ends_sentence(token):
            ranges.append((start, token.i + 1))
            start = token.i + 1
    if start < len(doc):
        ranges.append((start, len(doc)))
    return ranges


# signs that pass within minutes, urgent even when over: only "long ago" makes them past
_PASSES_QUICKLY = re.compile(
    r"\b(apno?e\w*|breath\w*|seiz\w*|siez\w*|fits?|convuls\w*|jerk\w*|twitch\w*|blue(?! ?lights?)\w*|"
    r"stiff\w*|stopped breathing|ictal)\b"
)
# urgent at any age: a rash that does not fade, a fever of 5 days
_ANY_AGE_SIGN = re.compile(r"\b(glass|tumbler|fade|fading|blanch\w*|purple|purpl\w*|petech\w*)\b")
_BABY_BODY = re.compile(
    r"\b(his|her|baby'?s|he's|she's)\s+(lips|skin|face|eyes|mouth|body|colou?r|head|soft spot|"
    r"breathing|poo|poos|nappy|nappies|temp\w*|cry)\b"
)
# a sentence that asks rather than tells ("I'm just wondering whether the jaundice will have...")
_ASKS = re.compile(
    r"\?$|^(is|are|does|do|did|can|could|should|would|will|what|why|how|when)\b"
    r"|\b(wondering|wonder (?:if|whether))\b"
)
_FAMILY_SHORTHAND = re.compile(r"\b(ds|dd|dc|dt|dts|lo)\b")
_MY_BABY = re.compile(
    r"\b(my|our) (baby|son|daughter|lo|newborn|boy|girl|twins?|preemie|little one|bub|ds|dd)\b"
)


def benign_reading(doc: Doc, context: "_Context") -> bool:
    """True when the message positively reads as not urgent. Used to overrule the
    classifier's `urgent_sign` guess when the rules themselves found no sign (they always
    have the last word on a sign they find). A message reads as benign when it has no word
    for any sign, when it is only about a child of 18 months or more, or when *every*
    sentence with a sign word has a benign reading of its own (`_benign_sentence`): so a
    general question or a past episode in one sentence does not hide a sign in another."""
    if not _SIGN_WORDS.search(doc.text):
        return True  # "my MIL gave my 3 week old a bottle of formula"
    youngest = age_in_months(doc.text)
    if youngest is not None and youngest >= OLDER_CHILD_MONTHS \
            and fever_days(doc.text)[1] < 5 and not _ANY_AGE_SIGN.search(doc.text):
        return True  # only a toddler in the message: the warning signs here are a baby's
    sentences = [
        (start, end) for start, end in _sentence_ranges(doc)
        if _SIGN_WORDS.search(doc[start:end].text)
    ]
    if not sentences:
        return False
    # a sign word already told benignly earlier in the message may be named again in a
    # question about it: "had phototherapy for jaundice on day 3, all gone now ... will the
    # jaundice have affected her immune system?" (not "... now the jaundice is back")
    told_benignly: set = set()
    for start, end in sentences:
        words = {sign.text for sign in _sign_word_spans(doc[start:end])}
        if _benign_sentence(doc, context, start, end):
            told_benignly |= words
            continue
        inside = lambda spans: any(start <= s.start < end for s in spans)  # noqa: E731
        if not (words <= told_benignly and _ASKS.search(doc[start:end].text.strip())
                and not inside(context.current_spans) and not inside(context.present_spans)):
            return False
    return True


def _benign_sentence(doc: Doc, context: "_Context", start: int, end: int) -> bool:
    """A sentence that tells of a sign in a way that is not a baby's urgent sign now."""
    inside = lambda spans: [s for s in spans if start <= s.start < end]  # noqa: E731
    sentence = doc[start:end]
    signs = _sign_word_spans(sentence)
    # a general or definitional question about no baby in particular
    if inside(context.general_spans + context.definitional_spans) \
            and not inside(context.present_spans) and not _names_a_baby(sentence.text):
        return True
    # a question asked before the birth ("I'm 34 weeks with my second")
    # (not "I'm pregnant again and ds (7 weeks) is floppy")
    if _PREGNANCY.search(sentence.text) and not _MY_BABY.search(sentence.text) \
            and not _BABY_BODY.search(sentence.text) and not inside(context.present_spans) \
            and not _FAMILY_SHORTHAND.search(sentence.text):
        return True
    # a past episode: every sign word told in the past ("had phototherapy at 2 days old,
    # thriving now"); a fit or a pause in breathing only when long ago
    long_ago_only = _PASSES_QUICKLY.search(sentence.text) is not None
    if signs and inside(context.past_spans) and all(
        context.in_past(span, long_ago_only=long_ago_only) for span in signs
    ):
        return True
    # a clinician's reassurance, in this sentence or after it
    if context.reassured_by_clinician(sentence):
        return True
    # the mother's own body ("my nipples turn white then blue"), not "HIS lips are blue"
    if inside(context.mother_body_spans) and not context.baby_has_it_now \
            and not _BABY_BODY.search(sentence.text):
        return True
    # an older child, a pet or another family's baby ("my 4 year old has chickenpox"), or
    # another adult in a sentence with no baby in it ("my husband had a fever of 38.5")
    if _SOMEONE_ELSES.search(sentence.text) \
            and (age_in_months(sentence.text) or OLDER_CHILD_MONTHS) >= OLDER_CHILD_MONTHS:
        return True
    if _ANOTHER_ADULT.search(sentence.text) and _ADULT_ILLNESS.search(sentence.text) \
            and not _A_BABY_WORD.search(sentence.text) and not _names_a_baby(sentence.text):
        return True
    # every sign word is inside a reassurance ("feeding happily, loads of wet nappies"), a
    # negation ("no fever, no rash") or a normal reading ("37.4 after her jabs")
    readings = inside(list(temperature_spans(doc, context.about_baby)))
    if any(is_fever(r.text) or is_low(r) for r in readings):
        return False
    # ("temperature is 37.2": the words just before a reading belong to it)
    covering = [doc[max(r.start - 3, start):r.end] for r in readings] \
        + inside(context.not_a_sign_spans) \
        + [r for r in inside(context.reassuring_spans) if not context.negated(r)] \
        + [sign for sign in signs  # "no pus or whiteheads", "no fever" (not "no wet nappy")
           if _NEGATABLE.fullmatch(sign.text) and context.negated(sign)]
    if readings:  # a normal reading covers the talk of taking it
        signs = [s for s in signs if not _TEMPERATURE_TALK.fullmatch(s.text)]
    # (with something reassuring in the sentence, the everyday words of baby care need no
    # cover of their own: "mustard yellow seedy poo 4 times a day, 7 heavy wet nappies")
    counts = [
        doc[max(c.start - 1, start):c.end] for c in inside(_adequate_counts(doc))
    ]
    covering += counts
    if covering:
        signs = [s for s in signs if not _MUNDANE.fullmatch(s.text)]
    if covering and all(_overlaps(sign, covering) for sign in signs):
        return True
    # only the everyday words of baby care, with nothing that makes them a worry ("then
    # sleeps a 3 hour stretch"; not "no wet nappy since 6am", "a shrill cry for hours")
    if all(_MUNDANE.fullmatch(sign.text) for sign in signs) \
            and not _TROUBLE.search(sentence.text):
        return True
    return not readings and things_temperature(sentence.text)


def ends_sentence(token) -> bool:
    return token.text in (".", "!", "?", ";") or "\n" in token.text


