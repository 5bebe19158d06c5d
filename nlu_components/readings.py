"""Numbers in a message that the safety net measures, and what they mean for a baby.

Owns the readings that words alone cannot judge: temperatures (°C and °F, against NICE NG143's
age bands), the baby's age ("6 weeks", "5/52", "day 3"), how many days a fever has lasted,
a counted breathing rate, wet nappies counted or timed, and feeds measured in ml or oz.
`nlu_components.safety_net` decides whose reading it is and when; this module only reads.
"""
from __future__ import annotations

import re
from typing import Dict, Iterable, List, Optional, Tuple

from spacy.tokens import Doc, Span

# ---- numbers and ages ----------------------------------------------------------------------
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "several": 5, "a few": 3,
    "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
}
AGE = re.compile(
    r"\b(\d{1,2})\s*-?\s*"
    r"(day|days|d|week|weeks|wk|wks|w|wo|month|months|mo|mos|mth|mths|year|years|yr|yrs|yo)\b"
)
CLINICAL_AGE = re.compile(r"\b(\d{1,2})\s*/\s*(52|12|7)\b")  # 5/52 weeks, 3/12 months, 6/7 days
OLDER_CHILD = re.compile(
    r"\b(toddler|toddlers|preschooler|older child|older son|older daughter|big sister|big brother|"
    r"my eldest|my oldest|\d+ ?(?:and a (?:half|quarter) )?(?:year|yr)s? old|\d+ ?yo|big lad|"
    r"(?:is|aged) (?:two|three|four|five|six|seven|eight|nine|ten)"
    r"(?!(?: and a (?:half|quarter))?\s*(?:day|days|week|weeks|wks|month|months|mo)\b)"
    r"(?: and a (?:half|quarter))?|"
    r"(?:son|daughter|child|boy|girl|granddaughter|grandson) aged \d{1,2}"
    r"(?!\s*(?:d|day|days|w|wk|wks|week|weeks|m|mo|mos|month|months)\b))\b"
    # "dd (5)": a child's age in years in brackets
    r"|\b(?:dd|ds)\s*\((?:[2-9]|1[0-7])\)"
)
OLDER_CHILD_MONTHS = 18.0  # what "toddler" or "my eldest" counts as, when no age is given

# ---- temperatures ----------------------------------------------------------------------------
_TEMPERATURE = re.compile(r"\b(\d{2,3}(?:[.,]\d{1,2})?)\s*(?:°|º|degrees?|deg)?\s*([cf])?\b")
_TEMPERATURE_WORD = re.compile(
    r"\b(temp|temps|temperature|thermometer|reading|readings|fever|degrees|under|below|"
    r"axillary|armpit|rectal|rectally|oral|orally|tympanic|ear|forehead|underarm|took it|"
    # "has been at 39.4 since this afternoon", "hovering around 38.5"
    r"(?:been|is|was|sitting|hovering|stuck|stayed|staying) (?:at|around))\b"
)
_NOT_A_TEMPERATURE_AFTER = frozenset(
    "week weeks wk wks day days month months mo year years times hours hrs minutes mins "
    "ml oz kg lb lbs g %".split()
)
_BODY_READING = re.compile(r"(3[4-9]|4[0-2])[.,]\d")
_GESTATION = re.compile(r"\b(born|at|gestation|ga|weeks|wks|kg|lbs?|weight|weighs|weighed)\s*$")
_WEATHER = re.compile(
    r"\b(here (?:in|this|today|at|now|lately)|degrees here|c here|f here|degrees out|outside|"
    r"weather|"
    r"heat ?wave|summer|winter|room|nursery|bath|bathwater|fridge|freezer|"
    r"forecast|climate|sun|sunny|humid|air con|aircon|the car)\b"
)
_THING_TEMPERATURE = re.compile(
    # ("feels like a hot water bottle and the thermometer says 38.6" is the baby)
    r"\b(bath ?water|bath|water(?! bottle)|milk|fridge|freezer|room|nursery|bottle warmer|"
    # ("a safe bath water temperature, 37 or 38?")
    r"warmer|kettle|oven|formula|pool|swimming pool|heated to|jacuzzi|hot tub|"
    r"kitchen|sauna|sea)\b(?:\s+(?:temp|temperature))?"
    r"(?:(?!\b(?:she|he|baby|her|his|temp|temperature)\b)[^.?!])*$"
)
# "is 38 degrees a safe bath water temperature?": the thing named right after the reading
_THING_AFTER = re.compile(
    r"^\s*(?:°\s*[cf]?|degrees?\s*[cf]?|[cf]\b)?\s*"
    r"(?:(?:a|an|the|safe|good|ok|okay|right|nice|for|too|hot|warm|enough)\s+){0,3}"
    r"(bath ?water|bath|water(?! bottle)|milk|fridge|freezer|room|nursery|bottle warmer|kettle)\b"
)
_BODY_TEMPERATURE = re.compile(
    r"\b(temp|temperature|thermometer|fever|feverish|armpit|underarm|axillary|rectal|forehead|ear|"
    r"feels hot|hot to (the )?touch|reading|read)\b"
)

# ---- how long a fever has lasted -------------------------------------------------------------
_LONG_FEVER = re.compile(  # "a temp for 6 days"
    r"\b(fever|feverish|febrile|pyrexial|temperature|temp|temps)\b"
    # ("temp has been up and down for 5 days"; not "fridge temperature ... keeps 5 days")
    r"(?:(?!\b(?:milk|fridge|freezer|room|bath|water|formula)\b)[^.?!]){0,35}?"
    r"\b(\d{1,2}|five|six|seven|eight|nine|ten|several|a few)\s+(days|day)\b"
)
_THING_BEFORE = re.compile(r"\b(milk|fridge|freezer|room|bath|water|formula|pool)\s+$")
_FEVER_DAY = re.compile(  # "fever day 6", "temp on day 5 now"
    r"\b(fever|feverish|febrile|pyrexial|pyrexia|temperature|temp)\s+(?:on\s+|since\s+)?"
    r"day\s+(\d{1,2})\b"
)
_FEVER_NTH_DAY = re.compile(  # "temp on and off since thursday, that's the 6th day now"
    r"\b(fever|feverish|febrile|pyrexial|pyrexia|temperature|temp|temps)\b[^.?!]{0,60}?"
    r"\b(\d{1,2}|fifth|sixth|seventh|eighth|ninth|tenth)(?:st|nd|rd|th)?\s+day\b"
)
_DAY_OF_FEVER = re.compile(  # "day 6 of pyrexia", "day six of my 14 month old having a temperature"
    r"\bday\s+(\d{1,2}|five|six|seven|eight|nine|ten)\s+of\s+(?:[\w']+\s+){0,6}?"
    r"(fever|fevers|pyrexia|temperature|temp|temps|high temps)\b"
)
_DAY_OF_IT = re.compile(
    r"\bday\s+(\d{1,2}|five|six|seven|eight|nine|ten)\s+of\s+(?:it|this|that)\b"
)
_FEVER_MENTION = re.compile(r"\b(fever|fevers|feverish|febrile|pyrexi\w*|temperature|temp|temps)\b")
# "fevers every day since last wednesday, today is day 6": a day count told of the fever itself
_TODAY_IS_DAY = re.compile(
    r"\b(?:today is|today's|todays|it's|its|it is|now on|we're on|we are on|this is) day "
    r"(\d{1,2}|five|six|seven|eight|nine|ten)\b"
    r"|\bday (\d{1,2}|five|six|seven|eight|nine|ten) now\b"  # "still feverish, day 6 now"
)
# "had a temperature since last friday, that's 6 days now"
_THATS_N_DAYS = re.compile(
    r"\b(?:that's|thats|that is|so|making it|which makes it|it's been|its been|it has been)\s+"
    r"(\d{1,2}|five|six|seven|eight|nine|ten)\s+days\b"
)
_FEVER_WORD = re.compile(
    r"\b(fever|fevers|feverish|febrile|pyrexi\w*)\b"
    # "has had a temperature every day since Monday": a temperature someone *has* is a fever
    r"|\b(?:has|had|having|got|running|with) (?:a )?(?:high )?(?:temperature|temp)\b"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_NAMES = (
    r"(monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thur|thu|friday|fri|saturday|sat|"
    r"sunday|sun)"
)
_SINCE_WEEKDAY = re.compile(r"\bsince (?:last |on )?" + _WEEKDAY_NAMES + r"\b")
_TODAY_WEEKDAY = re.compile(
    r"\b(?:today is|today's|it's|it is|now it's|and it's|today)(?: now)? " + _WEEKDAY_NAMES + r"\b"
)

# ---- breathing rate --------------------------------------------------------------------------
_BREATH_WORD = re.compile(
    r"\b(breath|breaths|breathe|breathing|breathes|resps|respirations|rr|resp rate|"
    r"respiratory rate)\b"
)
_RATE = re.compile(
    r"\b(?:rr|resp rate|respiratory rate|resps)\s*(?:of|is|was|=|:)?\s*(\d{2,3})\b"
    r"|\b(\d{2,3})\s*(?:breaths\s*)?"
    r"(?:times\s+)?(?:in\s+(?:one|a|1)\s+min(?:ute)?|a\s+min(?:ute)?|per\s+min(?:ute)?|/\s*min|"
    r"bpm|breaths)\b"
)

# ---- wet nappies -----------------------------------------------------------------------------
_WET_COUNT = re.compile(  # "2 wet ones in the last 24 hrs"
    r"\b(\d|one|two|three|four)\s+(?:\w+\s+)?wet\s+(?:nappies|nappy|diapers|diaper|ones)\b"
    r"[^.?!]{0,25}?"
    r"\b(?:24\s*h|24\s*hrs?|24\s*hours|a day|per day|in a day|all day|since yesterday|"
    r"in the last day|today|since midnight)"
)
_WET_COUNT_DATED = re.compile(  # "yesterday we had 4 wet nappies"
    r"\b(?:yesterday|in the (?:last|past) 24\s*(?:h|hrs?|hours)|in 24\s*(?:h|hrs?|hours))\b[^.?!]{0,20}?"
    r"\b(\d|one|two|three|four|five)\s+(?:\w+\s+)?wet\s+(?:nappies|nappy|diapers|diaper|ones)\b"
)
_LAST_WET = re.compile(r"\blast\s+(?:wet\s+(?:nappy|nappies|diaper|diapers|one)|wee|pee|wet)\b")
_HOURS_AGO = re.compile(r"\b(\d{1,2})\s*(?:hours|hrs|hr|h)\s+ago\b")
_HOURS_DRY = re.compile(r"\b(\d{1,2})\s*(?:hours|hrs|hr|h)\s+(?:of\s+)?(?:dry|without)\b")
_CLOCK = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)\b")

_VOMIT_COUNT = re.compile(
    r"\b(vomit\w*|thrown up|threw up|throwing up|been sick|was sick|sick|puked?|brought up|"
    r"brought it up|brought back)\s+(?:[a-z]+\s+){0,2}?(?:(\d{1,2}|three|four|five|six|seven|"
    r"eight|nine|ten)\s*(?:times|x)\b|x\s?(\d{1,2})\b)"
)
# "only 5 feeds since yesterday morning", "only 2 effective feeds since 0600"
_FEW_FEEDS = re.compile(
    r"\bonly\s+(\d{1,2}|one|two|three|four|five|six|seven)\s+(?:[a-z]+\s+)?"
    r"(?:feeds|breastfeeds|feedings|nursing sessions)\b"
)
# (fact, a word for the body part or the sign, the other half) told in one sentence
_SIGN_HALVES = (
    ("urgent_bulging_fontanelle",
     re.compile(r"\b(soft spot|soft bit|soft part|fontanelle|fontanel|fontanell\w*)\b"),
     re.compile(r"\b(sticking up|sticks up|puffed up|puffy|raised|domed|dome|tense|tight|"
                r"pushing up|poking up|bulg\w*|swollen|swelling)\b")),
    # "the soft spot on top of her head has sunk right in today"
    ("urgent_feeding_dehydration",
     re.compile(r"\b(soft spot|soft bit|soft part|fontanelle|fontanel|fontanell\w*)\b"),
     re.compile(r"\b(sunk|sunken|sinking|caved in|dipped in|dipping in)\b")),
    ("urgent_infection_signs",
     re.compile(r"\b(eye|eyes|eyelid|eyelids)\b"),
     re.compile(r"\b(pus|pussy|pus-filled|green (?:gunk|goo|discharge|stuff)|pouring out)\b")),
    ("urgent_jaundice",  # (the jaundice may be named in the sentence before)
     re.compile(r"\b(jaundice\w*|yellow\w*|icteric)\b"),
     re.compile(r"\b(spread\w*|moved|crept|creeping|gone)\s+(?:right\s+)?(?:down\s+)?"
                r"(?:to|into|onto)\s+(?:his|her|the|their)?\s*"
                r"(tummy|belly|chest|legs|feet|knees|toes|arms|body)\b")),
)

# ---- feed amounts ----------------------------------------------------------------------------
_VOLUME = re.compile(
    r"\b(\d{1,3}(?:\.\d)?)(?:\s*(?:-|or|to)\s*(\d{1,3}(?:\.\d)?))?\s*(ml|mls|oz|ozs|ounces?)\b"
)
# "normally 150ml a bottle and today she's taken 50, 40 and then 60": feeds told one by one,
# without a unit, in the message's unit
_FEEDS_LISTED = re.compile(
    r"\b(?:taken|had|drunk|drank|managed|took)\s+(\d{1,3})((?:\s*,\s*|\s+and\s+(?:then\s+)?|\s+then\s+)"
    r"\d{1,3})+\b(?!\s*(?:ml|mls|oz|times|hours|hrs|h\b|mins|minutes|feeds|weeks|wks|months|days|wet|am|pm))"
)
_AN_OUNCE = re.compile(r"\b(?:an|one|a single) (?:ounce|oz)\b")  # "only about an ounce each time"
_USUAL = re.compile(r"\b(usual|usually|normal|normally|typically|most days|used to)\b")
_USUAL_AMOUNT = re.compile(  # "her usual 150", "normally downs 6": the unit is the message's
    r"\b(?:usual|normal|normally|usually)\s+(?:\w+\s+)?(\d{1,3})\b(?!\s*(?:ml|mls|oz))"
)
_ONLY = re.compile(
    r"\b(only|just|barely|hardly|maybe|managed|manages|managing|max|at most|tops|no more than|"
    r"since|down to|instead of|compared to|compared with)\b"
)
# "today only 40-50 each time": an amount without a unit, in the message's unit
_BARE_AMOUNT = re.compile(
    r"\b(\d{1,3})(?:\s*(?:-|or|to)\s*(\d{1,3}))?\s+(?:each time|a feed|per feed|each feed|"
    r"a bottle|per bottle|each bottle)\b"
)


def number_in_words(text: str) -> int:
    """"6", "six" or "sixth" as 6; 0 for a word it does not know."""
    return int(text) if text.isdigit() else _NUMBER_WORDS.get(text, 0)


_DURATION_BEFORE = re.compile(r"\b(?:for|over|past|last|within|every|after|next|in)\s+(?:the\s+)?$")
_DURATION_AFTER = re.compile(r"^\s*(?:ago|later|in a row|straight|running|now\b(?! old))")


def _is_duration(text: str, match: "re.Match") -> bool:
    """"a temp for 2 days", "3 days ago", "over the past 2 weeks": how long, not how old
    (but "for my 6 week old" is an age)."""
    after = text[match.end():match.end() + 12]
    if re.match(r"\s*-?\s*old\b", after):
        return False
    return bool(_DURATION_BEFORE.search(text[max(match.start() - 12, 0):match.start()])
                or _DURATION_AFTER.match(after))


def age_in_months(text: str) -> Optional[float]:
    """The youngest age the message states, in months ("my toddler and my 4 week old" is about
    a 4-week-old), or None."""
    if re.search(r"\bnew ?born\b|\bpreemie\b|\bnb\b|\bneonate\b", text):
        return 0.0
    ages: List[float] = []
    for match in CLINICAL_AGE.finditer(text):
        number, unit = int(match.group(1)), match.group(2)
        ages.append({"52": number / 4.35, "12": float(number), "7": number / 30.0}[unit])
    for match in AGE.finditer(text):
        if _is_duration(text, match):
            continue
        number, unit = int(match.group(1)), match.group(2)
        if unit.startswith("d"):
            ages.append(number / 30.0)
        elif unit.startswith("w"):
            ages.append(number / 4.35)
        elif unit.startswith("y"):
            ages.append(number * 12.0)
        else:
            ages.append(float(number))
    if OLDER_CHILD.search(text):
        ages.append(OLDER_CHILD_MONTHS)
    return min(ages) if ages else None


def age_in_days(text: str) -> Optional[float]:
    """The baby's age in days for nappy counts: "day 6", "6 days old", or from weeks and months."""
    day = re.search(r"\b(?:day|d)\s?(\d{1,2})\b", text)
    if day:
        return float(day.group(1))
    months = age_in_months(text)
    return months * 30 if months is not None else None


def temperature_spans(doc: Doc, about_baby: bool) -> Iterable[Span]:
    """Numbers that are temperatures: with a unit, next to a temperature word ("temp 38.4",
    "39.4 temp", "38.2 axillary"), or, in a message about a baby, a reading such as "38.5"
    that has one decimal and lies where body temperatures lie."""
    for match in _TEMPERATURE.finditer(doc.text):
        around = doc.text[max(match.start() - 40, 0):match.end() + 40]
        if _WEATHER.search(around) and not _BODY_TEMPERATURE.search(around):
            continue  # "it's 35°C here in Perth this week": the weather, not a baby
        if _THING_TEMPERATURE.search(doc.text[max(match.start() - 45, 0):match.start()]) \
                or _THING_AFTER.search(doc.text[match.end():match.end() + 40]):
            continue  # "bath water read 38.5", "the milk was 37 degrees"
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is None:
            continue
        if span.end < len(doc) and doc[span.end].lower_ in _NOT_A_TEMPERATURE_AFTER:
            continue
        has_unit = bool(match.group(2)) or re.search(r"°|º|deg", match.group(0)) is not None
        before = doc[max(span.start - 4, 0):span.start].text
        # ("100.6 on the rectal thermometer"; but "is 100.4 considered a fever" asks)
        reach = 3 if span.end < len(doc) and doc[span.end].lower_ in ("on", "by", "with") else 2
        after = doc[span.end:span.end + reach].text
        # "T 39.2", "T: 38": a nurse's shorthand for temperature, right before the number
        nurse_t = span.start > 0 and doc[span.start - 1].lower_ in ("t", "t:", "t=")
        worded = _TEMPERATURE_WORD.search(before) or _TEMPERATURE_WORD.search(after)
        if has_unit or nurse_t or worded:
            yield span
        elif about_baby and _BODY_READING.fullmatch(match.group(1)) \
                and not _GESTATION.search(before):
            yield span


def things_temperature(text: str) -> bool:
    """A temperature in degrees that belongs to the weather, a room, water or milk ("the nursery
    thermometer says 16 degrees"), and no word that makes it the body's."""
    for match in _TEMPERATURE.finditer(text):
        if not (match.group(2) or re.search(r"°|º|deg", match.group(0))):
            continue
        around = re.sub(
            r"\b(room|nursery|bath|fridge|freezer) thermometer\b", r"\1",
            text[max(match.start() - 40, 0):match.end() + 40],
        )
        if (_WEATHER.search(around) or _THING_TEMPERATURE.search(text[:match.start()][-30:])) \
                and not _BODY_TEMPERATURE.search(around):
            return True
    return False


def is_fever(text: str, celsius: float = 38.0) -> bool:
    """At or above `celsius` (38 °C = 100.4 °F by default), in °C or °F."""
    match = _TEMPERATURE.search(text)
    if not match:
        return False
    value = float(match.group(1).replace(",", "."))
    unit = match.group(2)
    if unit == "f" or (unit is None and 99 <= value <= 110):
        return value >= round(celsius * 9 / 5 + 32, 1)
    return celsius <= value <= 43.0


def is_low(span: Span) -> bool:
    """Below 36 °C / 96.8 °F ("under 36" counts too)."""
    match = _TEMPERATURE.search(span.text)
    if not match:
        return False
    value = float(match.group(1).replace(",", "."))
    unit = match.group(2)
    before = span.doc[max(span.start - 2, 0):span.start].text
    limit_word = re.search(r"\b(under|below|less than|lower than)\b", before) is not None
    if unit == "f" or (unit is None and 86 <= value <= 97):
        return value < 96.8 or (limit_word and value <= 96.8)
    return 30 <= value < 36 or (limit_word and value == 36)


def _weekday(name: str) -> int:
    """Monday is 0: "mon", "tues", "thursday"."""
    return next(i for i, day in enumerate(_WEEKDAYS) if day.startswith(name[:3]))


def fever_days(text: str) -> Tuple[Optional["re.Match"], int]:
    """How many days a fever has lasted, where the message says: "a temp for 6 days", "fever
    day 5", "the 6th day now", "day 6 of pyrexia", "day 5 of it". (None, 0) when it does not."""
    match = _LONG_FEVER.search(text) or _FEVER_DAY.search(text) or _FEVER_NTH_DAY.search(text)
    if match and _THING_BEFORE.search(text[max(match.start() - 20, 0):match.start()]):
        match = None  # "milk keeps 5 days at fridge temperature": a thing's temperature
    if match:
        return match, number_in_words(match.group(2))
    day_of = _DAY_OF_FEVER.search(text) \
        or (_FEVER_MENTION.search(text) and _DAY_OF_IT.search(text)) \
        or (_FEVER_WORD.search(text) and _TODAY_IS_DAY.search(text)) \
        or (_FEVER_WORD.search(text) and _THATS_N_DAYS.search(text))
    if day_of:
        return day_of, number_in_words(next(g for g in day_of.groups() if g))
    since, today = _SINCE_WEEKDAY.search(text), _TODAY_WEEKDAY.search(text)
    # "since last thursday and today is tuesday"
    if since and today and _FEVER_MENTION.search(text):
        days = (_weekday(today.group(1)) - _weekday(since.group(1))) % 7 or 7
        return since, days
    return None, 0


def fast_breathing(doc: Doc) -> Optional[Span]:
    """A counted breathing rate of 60 a minute or more (NICE NG143 red/amber: fast breathing),
    in a message about breaths: "counted his breaths while he slept, 72 in one minute",
    "RR 65"."""
    if not _BREATH_WORD.search(doc.text):
        return None
    for match in _RATE.finditer(doc.text):
        if re.search(r"(\bto|\band|-|–)\s*$", doc.text[:match.start()]):
            continue  # "40 to 60 breaths a minute": a range someone quotes, not a count
        rate = int(match.group(1) or match.group(2))
        if 60 <= rate <= 150:
            return doc.char_span(match.start(), match.end(), alignment_mode="expand")
    return None


def expected_wet_nappies(days: Optional[float]) -> int:
    """Wet nappies a day a baby of `days` should have (UNICEF UK BFI): about one per day of
    life up to day 5, 5 or more from day 5 to 6, 6 or more from day 7."""
    if days is None or days >= 5:
        return 6 if days is not None and days >= 7 else 5
    return int(max(days, 1))


def too_few_wet_nappies(doc: Doc) -> Optional[Span]:
    """Fewer wet nappies in a day than a baby of that age should have (UNICEF UK BFI: about
    one per day of life up to day 5, then 5 or more heavy ones; NHS: fewer wet nappies is a
    warning sign): "Day 6 ... 2 wet ones in the last 24 hrs". Counts "so far" are left alone."""
    match = _WET_COUNT.search(doc.text) or _WET_COUNT_DATED.search(doc.text)
    if match is None or re.search(r"\bso far\b", doc.text[match.start():match.end() + 20]):
        return None
    count = number_in_words(match.group(1))
    days = age_in_days(doc.text)
    expected = expected_wet_nappies(days)
    if days is None and count > 2:
        return None  # without an age only one or two a day is clearly too few
    if count >= expected:
        return None
    return doc.char_span(match.start(), match.end(), alignment_mode="expand")


def hours_since_last_wet_nappy(doc: Doc) -> Optional[Span]:
    """No wet nappy for 8 hours or more (NHS: "none in 8 h" in a young baby), told as a time:
    "last wet nappy was at 7am and it's 5pm now", "last wee was 9 hours ago"."""
    last = _LAST_WET.search(doc.text)
    if last is None:
        return None
    after = doc.text[last.end():]
    hours = None
    ago = _HOURS_AGO.search(after) or _HOURS_DRY.search(after)  # "so around 9 hours of dry ones"
    if ago:
        hours = float(ago.group(1))
    else:
        clocks = [_clock(m) for m in _CLOCK.finditer(after)][:2]
        if len(clocks) == 2:
            hours = (clocks[1] - clocks[0]) % 24
    if hours is None or hours < 8:
        return None
    return doc.char_span(last.start(), last.end(), alignment_mode="expand")


def too_few_feeds(doc: Doc) -> Optional[Span]:
    """Fewer than 8 feeds a day in the early days (NHS: a warning sign in the first weeks):
    "10 day old ... only 5 feeds since yesterday morning", "D4, only 2 effective feeds since
    0600". Only for a baby of 28 days or less, whose age the message gives."""
    match = _FEW_FEEDS.search(doc.text)
    if match is None or number_in_words(match.group(1)) >= 8:
        return None
    days = age_in_days(doc.text)
    if days is None or days > 28:
        return None
    return doc.char_span(match.start(), match.end(), alignment_mode="expand")


def repeated_vomiting(doc: Doc) -> Optional[Span]:
    """Vomiting counted three times or more (NHS: repeated vomiting needs a same-day check):
    "she has vomited 6 times since morning", "vomiting x8 since midnight", "thrown up 5 times
    in the past 3 hours"."""
    for match in _VOMIT_COUNT.finditer(doc.text):
        if number_in_words(match.group(2) or match.group(3)) >= 3:
            return doc.char_span(match.start(), match.end(), alignment_mode="expand")
    return None


def signs_told_in_one_sentence(doc: Doc) -> List[Tuple[str, Span]]:
    """Signs whose two halves come in different clauses of one sentence, where the word
    patterns (which never cross a comma) cannot see them: "her soft spot, normally flat, is
    sticking up like a dome", "goo in his eye ... tonight it's proper pus", "his jaundice ...
    today it has spread right down to his tummy"."""
    found = []
    for sentence in re.finditer(r"[^.!?\n]+", doc.text):
        text = sentence.group(0)
        for fact, first, second in _SIGN_HALVES:
            named = doc.text if fact == "urgent_jaundice" else text
            if first.search(named) is None:
                continue
            half = second.search(text)
            if half is None:
                continue
            start = sentence.start() + half.start()
            span = doc.char_span(start, start + len(half.group(0)), alignment_mode="expand")
            if span is not None:
                found.append((fact, span))
    return found


def _clock(match: "re.Match") -> float:
    hour = int(match.group(1)) % 12 + (12 if match.group(3) == "pm" else 0)
    return hour + int(match.group(2) or 0) / 60


def reduced_intake(doc: Doc) -> Optional[Span]:
    """Feeds down to half the usual amount or less (NICE NG143: "reduced to less than 50% of
    normal"): "only managed 50-60 ml ... normally takes about 180 ml", "only taking about 40ml
    of his usual 120ml". Both amounts in one unit, an "only" and a "usual"."""
    text = doc.text
    listed = _FEEDS_LISTED.search(text)
    if not (_USUAL.search(text) and (_ONLY.search(text) or listed)):
        return None
    by_unit: Dict[str, List[Tuple[float, re.Match]]] = {}
    for match in _VOLUME.finditer(text):
        unit = "oz" if match.group(3).startswith(("oz", "ounce")) else "ml"
        amount = float(match.group(2) or match.group(1))  # a range counts at its top
        by_unit.setdefault(unit, []).append((amount, match))
    if listed and len(by_unit) == 1:
        for number in re.finditer(r"\d{1,3}", listed.group(0)):
            next(iter(by_unit.values())).append((float(number.group(0)), listed))
    for match in _AN_OUNCE.finditer(text):
        by_unit.setdefault("oz", []).append((1.0, match))
    usual = _USUAL_AMOUNT.search(text)
    # "50ml a feed instead of her usual 150", "2oz ... when he normally downs 6"
    if usual and len(by_unit) == 1:
        next(iter(by_unit.values())).append((float(usual.group(1)), usual))
    bare = _BARE_AMOUNT.search(text)
    if bare and len(by_unit) == 1:
        next(iter(by_unit.values())).append((float(bare.group(2) or bare.group(1)), bare))
    for amounts in by_unit.values():
        if len(amounts) < 2:
            continue
        low, low_match = min(amounts, key=lambda pair: pair[0])
        high, _ = max(amounts, key=lambda pair: pair[0])
        if 0 < low <= high / 2:
            return doc.char_span(low_match.start(), low_match.end(), alignment_mode="expand")
    return None
