"""Masking of personal data (e-mail addresses, phone numbers) in messages.

Everything the console shows or exports passes through :func:`mask`. Training data and
test stories written by the console use :func:`mask` with the ``plain`` placeholders, so
no parent's address or number ends up in the repository.

Phone numbers are runs of 7 to 15 digits, optionally starting with ``+`` or ``00`` and
separated by spaces, dots, dashes, slashes or parentheses. Ages, temperatures, volumes and
ISO dates ("3 weeks", "38.5", "120 ml", "2024-05-01") are left alone.
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

EMAIL_MASK = "[email hidden]"
PHONE_MASK = "[phone hidden]"
PLAIN_EMAIL = "<email>"
PLAIN_PHONE = "<phone>"

EMAIL_RE = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
PHONE_RE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s().\-/]{4,}\d(?![\w])")
ISO_DATE_RE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$")

Span = Tuple[int, int, str]


def _phone_like(candidate: str) -> bool:
    digits = sum(ch.isdigit() for ch in candidate)
    if digits < 7 or digits > 15:
        return False
    if ISO_DATE_RE.match(candidate.strip()):
        return False
    if re.fullmatch(r"\d+\.\d+", candidate):  # a decimal number
        return False
    return True


def find_spans(text: str, plain: bool = False) -> List[Span]:
    """Return ``(start, end, replacement)`` for every e-mail address and phone number."""
    if not text:
        return []
    spans: List[Span] = []
    email_mask, phone_mask = (PLAIN_EMAIL, PLAIN_PHONE) if plain else (EMAIL_MASK, PHONE_MASK)
    for match in EMAIL_RE.finditer(text):
        spans.append((match.start(), match.end(), email_mask))
    for match in PHONE_RE.finditer(text):
        start, end = match.start(), match.end()
        candidate = match.group(0)
        # trim separators the greedy class may have taken at the edges
        while candidate and not (candidate[-1].isdigit()):
            candidate, end = candidate[:-1], end - 1
        if any(s < end and start < e for s, e, _ in spans):
            continue
        if _phone_like(candidate):
            spans.append((start, end, phone_mask))
    spans.sort()
    return spans


def mask(text: Optional[str], plain: bool = False) -> str:
    """Mask e-mail addresses and phone numbers in ``text``."""
    if not text:
        return text or ""
    out: List[str] = []
    last = 0
    for start, end, replacement in find_spans(text, plain=plain):
        out.append(text[last:start])
        out.append(replacement)
        last = end
    out.append(text[last:])
    return "".join(out)


def shift_entities(text: str, entities: list, plain: bool = True) -> Tuple[str, list]:
    """Mask ``text`` and move entity offsets accordingly; entities inside a masked span
    are dropped (their text was personal data)."""
    spans = find_spans(text, plain=plain)
    if not spans:
        return text, list(entities)
    masked = mask(text, plain=plain)
    shifted = []
    for entity in entities:
        start, end = entity.get("start"), entity.get("end")
        if start is None or end is None:
            shifted.append(entity)
            continue
        if any(s < end and start < e for s, e, _ in spans):
            continue
        delta = sum(len(rep) - (e - s) for s, e, rep in spans if e <= start)
        moved = dict(entity)
        moved["start"], moved["end"] = start + delta, end + delta
        shifted.append(moved)
    return masked, shifted
