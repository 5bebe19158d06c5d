"""Pure text helpers of the WhatsApp channel: splitting, numbered options, keywords."""

import pytest

from channels.whatsapp_text import (
    match_option,
    normalise_number,
    parse_keyword,
    render_options,
    reply_prompt,
    split_message,
    split_sentences,
    strip_part_marker,
    to_whatsapp_markup,
    truncate_inbound,
    utf16_len,
    whatsapp_address,
)


def test_short_text_is_one_part_without_marker():
    assert split_message("Colostrum is rich in sIgA.") == ["Colostrum is rich in sIgA."]
    assert split_message("   ") == []


def test_split_prefers_sentence_boundaries_and_keeps_order():
    sentences = [f"Fact {i} is about lactoferrin and iron binding in milk." for i in range(100)]
    text = " ".join(sentences)
    parts = split_message(text, limit=300)
    assert len(parts) > 1
    assert all(utf16_len(p) <= 300 for p in parts)
    bodies = [strip_part_marker(p) for p in parts]
    assert all(b.endswith("in milk.") for b in bodies)
    assert " ".join(bodies) == text
    assert parts[0].startswith(f"(1/{len(parts)}) ")


def test_split_keeps_paragraphs_and_lines():
    text = "Para one. Still one.\n\nPara two line a.\nLine b.\n\n" + "Long. " * 60
    parts = split_message(text, limit=90, part_markers=False)
    assert parts[0] == "Para one. Still one.\n\nPara two line a.\nLine b."
    assert all(len(p) <= 90 for p in parts)
    assert parts[1].startswith("Long. Long.")


def test_abbreviations_and_numbers_are_not_sentence_ends():
    text = "Levels are higher, e.g. in colostrum (Hanson et al. 2003). Mature milk has approx. 1 g/L. Done."
    assert split_sentences(text) == [
        "Levels are higher, e.g. in colostrum (Hanson et al. 2003).",
        "Mature milk has approx. 1 g/L.",
        "Done.",
    ]
    assert split_sentences("See fig. 2 and ref. 3. Next sentence.") == [
        "See fig. 2 and ref. 3.",
        "Next sentence.",
    ]


def test_sentence_longer_than_limit_is_split_at_words_and_urls_hard_cut():
    long_sentence = " ".join(["immunoglobulin"] * 50) + "."
    parts = split_message(long_sentence, limit=100, part_markers=False)
    assert all(len(p) <= 100 for p in parts)
    assert " ".join(parts) == long_sentence
    url = "https://example.org/" + "a" * 250
    parts = split_message(url, limit=100, part_markers=False)
    assert "".join(parts) == url and all(len(p) <= 100 for p in parts)


def test_emoji_count_as_two_utf16_units():
    text = "👶" * 900  # 900 code points, 1800 UTF-16 units
    assert utf16_len(text) == 1800
    parts = split_message(text, limit=1600, part_markers=False)
    assert len(parts) == 2 and all(utf16_len(p) <= 1600 for p in parts)
    assert "".join(parts) == text


def test_truncate_inbound():
    text = "word " * 1000
    cut, truncated = truncate_inbound(text, 1600)
    assert truncated and len(cut) <= 1600 and cut.endswith("word")
    assert truncate_inbound("short", 1600) == ("short", False)


def test_markdown_to_whatsapp():
    assert to_whatsapp_markup("[WHO](https://who.int/x)") == "WHO (https://who.int/x)"
    assert to_whatsapp_markup("[https://a.b](https://a.b)") == "https://a.b"
    assert to_whatsapp_markup("**Evidence:** strong") == "*Evidence:* strong"
    assert to_whatsapp_markup("## Sources\nx") == "*Sources*\nx"
    assert to_whatsapp_markup("2 * 3 * 4") == "2 * 3 * 4"


def test_reply_prompt():
    assert reply_prompt(1) == "Reply 1"
    assert reply_prompt(2) == "Reply 1 or 2"
    assert reply_prompt(3) == "Reply 1, 2 or 3"
    assert reply_prompt(5) == "Reply 1, 2, 3, 4 or 5"
    assert reply_prompt(2, start=4) == "Reply 4 or 5"


def test_render_options():
    body, options = render_options(
        "Pick one", [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    )
    assert body == "Pick one\n\n1. Yes\n2. No\n\nReply 1 or 2."
    assert options == [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


OPTIONS = [
    {"title": "Colostrum", "payload": "/a"},
    {"title": "Secretory IgA (sIgA)", "payload": "/b"},
    {"title": "HMOs", "payload": "/c"},
]


@pytest.mark.parametrize(
    "reply,payload",
    [
        ("1", "/a"), (" 2 ", "/b"), ("3.", "/c"), ("#2", "/b"), ("option 3", "/c"),
        ("2️⃣", "/b"), ("colostrum", "/a"), ("COLOSTRUM!", "/a"),
        ("secretory iga siga", "/b"), ("2. Secretory IgA (sIgA)", "/b"), ("hmos", "/c"),
        ("4", None), ("0", None), ("12", None), ("1234", None), ("colostrum please", None), ("", None),
        ("1 2", None),
    ],
)
def test_match_option(reply, payload):
    assert match_option(reply, OPTIONS) == payload


def test_match_option_without_options():
    assert match_option("1", []) is None


@pytest.mark.parametrize(
    "text,keyword",
    [
        ("STOP", "stop"), ("stop", "stop"), (" Stop. ", "stop"), ("STOPALL", "stop"),
        ("unsubscribe", "stop"), ("CANCEL", "stop"), ("end", "stop"), ("Quit!", "stop"),
        ("START", "start"), ("unstop", "start"), ("stop please", None), ("started", None),
        ("", None), (None, None), ("yes", None),
    ],
)
def test_parse_keyword(text, keyword):
    assert parse_keyword(text) == keyword


def test_numbers():
    assert normalise_number("whatsapp:+44 7700-900123") == "+447700900123"
    assert normalise_number("447700900123") == "+447700900123"
    assert normalise_number(None) == ""
    assert whatsapp_address("+14155238886") == "whatsapp:+14155238886"
    assert whatsapp_address("whatsapp:+14155238886") == "whatsapp:+14155238886"


def test_references_and_list_items_are_never_cut_between_sentences():
    refs = "\n".join(
        f"[{n}] Ogra SS, Ogra PL (1978). Immunologic aspects of human colostrum and milk. "
        f"I. Distribution of immunoglobulins. https://doi.org/10.1016/s0022-3476(78)8028{n}"
        for n in range(1, 8)
    )
    text = "References:\n" + refs + "\n\n1. First option\n2. Second option\n\nReply 1 or 2."
    parts = split_message(text, limit=400)
    bodies = [strip_part_marker(p) for p in parts]
    lines = [line for body in bodies for line in body.split("\n") if line.strip()]
    assert [line for line in lines if line.startswith("[")] == refs.split("\n")
    assert "1. First option\n2. Second option\n\nReply 1 or 2." in bodies[-1]
