"""Text handling for the WhatsApp channel (pure functions, no I/O).

* Twilio's Messages API accepts at most 1,600 characters per ``Body``: longer replies are split
  at sentence boundaries (then line/word boundaries, never inside a word unless one word is
  longer than the limit) and sent in order, each part prefixed "(1/3) ".
* Lengths are counted in UTF-16 code units, which is what the 1,600 limit means for emoji and
  other characters outside the Basic Multilingual Plane; ``len()`` would undercount them.
* Buttons become numbered options ("Reply 1, 2 or 3"); :func:`match_option` maps a reply of
  just the number (or the option's words) back to the button's payload.
"""

import re
import unicodedata
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

WHATSAPP_MAX_CHARS = 1600

STOP_KEYWORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit"})
START_KEYWORDS = frozenset({"start", "unstop"})

# Words after which a full stop does not end a sentence (lower case, without the dot).
_ABBREVIATIONS = frozenset(
    {
        "e.g", "eg", "i.e", "ie", "al", "vs", "v", "cf", "ca", "approx", "dr", "prof",
        "fig", "figs", "no", "nos", "vol", "ref", "refs", "ed", "eds", "et", "etc", "mr",
        "mrs", "ms", "st", "resp", "incl", "min", "max", "wk", "wks", "mo", "mos", "yr",
        "yrs", "p", "pp", "ch", "sec", "approx", "est",
    }
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(\s+)")
_LIST_LINE = re.compile(r"^\s*(?:\[\d+\]|[-•*]|\d{1,3}[.)])\s")
_KEYCAP = re.compile("([0-9])\ufe0f?\u20e3")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_MD_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_MD_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_OPTION_NUMBER = re.compile(r"^(?:option|number|no\.?|#)?\s*(\d{1,3})\s*[.):]?$")


def utf16_len(text: str) -> int:
    """Length as Twilio counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def cut_utf16(text: str, limit: int) -> str:
    """Longest prefix of ``text`` whose UTF-16 length is <= ``limit``."""
    if utf16_len(text) <= limit:
        return text
    total = 0
    for index, char in enumerate(text):
        total += 2 if ord(char) > 0xFFFF else 1
        if total > limit:
            return text[:index]
    return text


def truncate_inbound(text: str, limit: int = WHATSAPP_MAX_CHARS) -> Tuple[str, bool]:
    """Cut an over-long inbound message to ``limit``, at a word boundary when one is close.

    Returns ``(text, truncated)``.
    """
    if utf16_len(text) <= limit:
        return text, False
    cut = cut_utf16(text, limit)
    boundary = max(cut.rfind(" "), cut.rfind("\n"))
    if boundary >= int(len(cut) * 0.8):
        cut = cut[:boundary]
    return cut.rstrip(), True


def to_whatsapp_markup(text: str) -> str:
    """Markdown that WhatsApp would show literally, rewritten to WhatsApp's own markup.

    ``[title](https://x)`` -> ``title (https://x)`` (the link stays visible and tappable),
    ``**bold**`` -> ``*bold*``, ``## Heading`` -> ``*Heading*``.
    """

    def _link(match: "re.Match[str]") -> str:
        title, url = match.group(1).strip(), match.group(2)
        return url if title == url else f"{title} ({url})"

    text = _MD_LINK.sub(_link, text)
    text = _MD_BOLD.sub(r"*\1*", text)
    text = _MD_HEADING.sub(r"*\1*", text)
    return text


def _is_false_sentence_end(before: str, after: str) -> bool:
    """True when the punctuation ending ``before`` does not end a sentence."""
    if not after:
        return False
    nxt = after[0]
    if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘([*_"):
        return True  # "e.g. breast milk", "approx. 10 %"... next word starts lower case
    stripped = before.rstrip("\"'”’)]").rstrip(".!?…")
    last_word = re.split(r"\s", stripped)[-1].lower() if stripped else ""
    if last_word in _ABBREVIATIONS or last_word.rstrip(".") in _ABBREVIATIONS:
        return True
    if re.fullmatch(r"\d{1,2}", stripped.strip()):
        return True  # "1. Title" (a numbered line), not a sentence
    if re.fullmatch(r"[A-Za-z]", last_word):
        return True  # initials: "Meek J. Y. Noble"
    return False


def split_sentences(text: str) -> List[str]:
    """Sentences of a single line of text (keeps their punctuation)."""
    sentences: List[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start(1)
        if _is_false_sentence_end(text[start:end], text[match.end():]):
            continue
        sentence = text[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def _units(text: str) -> List[Tuple[str, str]]:
    """(unit, separator before it) for every sentence, keeping paragraph and line breaks."""
    units: List[Tuple[str, str]] = []
    paragraphs = [p for p in re.split(r"\n[ \t]*\n+", text.strip()) if p.strip()]
    for p_index, paragraph in enumerate(paragraphs):
        lines = [line for line in paragraph.split("\n") if line.strip()]
        for l_index, line in enumerate(lines):
            # A reference ("[2] Ogra SS (1978). Title. https://…"), a list item or a numbered
            # option stays whole: only prose lines are cut between sentences.
            pieces = [line.strip()] if _LIST_LINE.match(line) else split_sentences(line)
            for s_index, sentence in enumerate(pieces):
                if s_index > 0:
                    sep = " "
                elif l_index > 0:
                    sep = "\n"
                elif p_index > 0:
                    sep = "\n\n"
                else:
                    sep = ""
                units.append((sentence, sep))
    return units


def _split_long_unit(unit: str, limit: int) -> List[str]:
    """A single sentence longer than ``limit``: split at spaces, words only if needed."""
    pieces: List[str] = []
    current = ""
    for word in unit.split(" "):
        if not word:
            continue
        while utf16_len(word) > limit:  # e.g. a monstrous URL: hard cut
            head = cut_utf16(word, limit)
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
            word = word[len(head):]
        candidate = f"{current} {word}" if current else word
        if utf16_len(candidate) > limit:
            pieces.append(current)
            current = word
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def _paragraph_lengths(units: Sequence[Tuple[str, str]]) -> List[int]:
    """For each unit that starts a paragraph, the length of that whole paragraph."""
    lengths = [0] * len(units)
    start = 0
    for index in range(1, len(units) + 1):
        if index == len(units) or units[index][1] == "\n\n":
            lengths[start] = utf16_len(
                "".join(sep + unit for unit, sep in units[start:index])
            )
            start = index
    return lengths


def _pack(units: Sequence[Tuple[str, str]], limit: int) -> List[str]:
    """Greedy packing; a new paragraph that does not fit starts a new part when the current
    part is already at least half full (a cleaner break than mid-paragraph)."""
    chunks: List[str] = []
    current = ""
    paragraph_lengths = _paragraph_lengths(units)
    for index, (unit, sep) in enumerate(units):
        if (
            sep == "\n\n"
            and current
            and utf16_len(current) >= limit // 2
            and utf16_len(current) + paragraph_lengths[index] > limit
        ):
            chunks.append(current)
            current = ""
        if utf16_len(unit) > limit:
            if current:
                chunks.append(current)
            pieces = _split_long_unit(unit, limit)
            chunks.extend(pieces[:-1])
            current = pieces[-1] if pieces else ""
            continue
        candidate = current + sep + unit if current else unit
        if utf16_len(candidate) > limit:
            chunks.append(current)
            current = unit
        else:
            current = candidate
    if current:
        chunks.append(current)
    return [chunk.strip() for chunk in chunks if chunk.strip()]


def split_message(
    text: str, limit: int = WHATSAPP_MAX_CHARS, part_markers: bool = True
) -> List[str]:
    """Split ``text`` into parts of at most ``limit`` characters (UTF-16), in order.

    Splits prefer paragraph, then sentence, then word boundaries. With ``part_markers``
    each part of a multi-part message starts with "(i/n) " so the reader can tell the order
    even if WhatsApp delivers them out of order; the marker counts against the limit.
    """
    text = text.strip()
    if not text:
        return []
    if utf16_len(text) <= limit:
        return [text]
    units = _units(text)
    if not part_markers:
        return _pack(units, limit)
    reserve = len("(99/99) ")
    chunks = _pack(units, limit - reserve)
    if len(chunks) > 99:  # absurdly long: give up numbering rather than overflow
        return _pack(units, limit)
    total = len(chunks)
    return [f"({index}/{total}) {chunk}" for index, chunk in enumerate(chunks, 1)]


def strip_part_marker(part: str) -> str:
    return re.sub(r"^\(\d+/\d+\) ", "", part)


def reply_prompt(count: int, start: int = 1) -> str:
    """'Reply 1', 'Reply 1 or 2', 'Reply 1, 2 or 3', 'Reply 4 or 5', ..."""
    numbers = [str(n) for n in range(start, start + count)]
    if count <= 1:
        return f"Reply {start}"
    return "Reply " + ", ".join(numbers[:-1]) + " or " + numbers[-1]


def render_options(
    text: Optional[str], buttons: Iterable[Dict[str, Any]], start: int = 1
) -> Tuple[str, List[Dict[str, str]]]:
    """Message body with the buttons as numbered options, and the options to remember.

    ``start`` continues the numbering when one bot turn sends several button messages (an
    answer with related-fact buttons, then "Was this helpful?" with Yes/No): every number
    the user sees in that turn stays unambiguous.
    """
    options: List[Dict[str, str]] = []
    for button in buttons:
        title = str(button.get("title") or button.get("payload") or "").strip()
        payload = str(button.get("payload") or title).strip()
        if title:
            options.append({"title": title, "payload": payload})
    lines = [
        f"{index}. {option['title']}" for index, option in enumerate(options, start)
    ]
    parts = [p for p in [(text or "").strip(), "\n".join(lines)] if p]
    if options:
        parts.append(reply_prompt(len(options), start) + ".")
    return "\n\n".join(parts), options


def _normalise_words(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def match_option(reply: str, options: Sequence[Dict[str, str]]) -> Optional[str]:
    """The payload of the option the user picked, or None.

    Accepts "2", "2.", " 2 ", "#2", "option 2", "2️⃣", or the option's title in any case
    and punctuation ("Colostrum", "colostrum!"), or "2. Colostrum".
    """
    if not options or not reply:
        return None
    text = _KEYCAP.sub(r"\1", reply).strip().casefold()
    number = _OPTION_NUMBER.match(text)
    if number:
        index = int(number.group(1))
        if 1 <= index <= len(options):
            return options[index - 1]["payload"]
        return None
    wanted = _normalise_words(reply)
    if not wanted:
        return None
    for index, option in enumerate(options, 1):
        title = _normalise_words(option["title"])
        if wanted == title or wanted == f"{index} {title}":
            return option["payload"]
    return None


def parse_keyword(text: Optional[str]) -> Optional[str]:
    """'stop' or 'start' when the whole message is an opt-out / opt-in keyword."""
    if not text:
        return None
    word = re.sub(r"[^\w]", "", text.strip()).casefold()
    if word in STOP_KEYWORDS:
        return "stop"
    if word in START_KEYWORDS:
        return "start"
    return None


def normalise_number(number: Optional[str]) -> str:
    """'whatsapp:+44 7700-900123' -> '+447700900123' (E.164 without channel prefix)."""
    if not number:
        return ""
    number = str(number).strip()
    if ":" in number:
        number = number.split(":", 1)[1]
    digits = re.sub(r"\D", "", number)
    return "+" + digits if digits else ""


def whatsapp_address(number: str) -> str:
    """'+14155238886' -> 'whatsapp:+14155238886' (idempotent)."""
    number = number.strip()
    if number.startswith("whatsapp:"):
        return number
    return "whatsapp:" + normalise_number(number)
