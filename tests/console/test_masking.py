"""E-mail addresses and phone numbers are masked; ordinary numbers are not."""

import pytest

from console.masking import EMAIL_MASK, PHONE_MASK, mask, shift_entities


@pytest.mark.parametrize(
    "text",
    [
        "mail me at jane.doe@example.com please",
        "JANE_DOE+milk@sub.example.co.uk",
        "call +44 7700 900123 now",
        "call 07700 900123",
        "ring (020) 7946-0958",
        "my number is 0049 30 1234567",
        "text 555-123-4567 or 555.123.4567",
        "whatsapp:+447700900456",
    ],
)
def test_personal_data_is_masked(text):
    masked = mask(text)
    assert EMAIL_MASK in masked or PHONE_MASK in masked
    for token in ("jane", "JANE_DOE", "7700", "7946", "1234567", "4567", "447700"):
        assert token not in masked


@pytest.mark.parametrize(
    "text",
    [
        "my 2 week old has a fever of 38.5",
        "she drinks 120 ml every 3 hours",
        "born at 34 weeks, now 6 months",
        "the study from 2022 had 1200 babies",
        "on 2024-05-01 and 01/05/2024",
        "is 10:30 a good time",
    ],
)
def test_ordinary_numbers_stay(text):
    assert mask(text) == text


def test_masking_keeps_the_rest_and_handles_empty_values():
    assert mask("email a@b.org or call +1 415 555 0100, thanks") == f"email {EMAIL_MASK} or call {PHONE_MASK}, thanks"
    assert mask(None) == "" and mask("") == ""


def test_entities_move_with_the_masked_text():
    text = "call 07700 900123 about colostrum"
    entities = [{"entity": "milk_component", "value": "colostrum", "start": 24, "end": 33}]
    masked, moved = shift_entities(text, entities)
    assert masked == "call <phone> about colostrum"
    assert masked[moved[0]["start"] : moved[0]["end"]] == "colostrum"
