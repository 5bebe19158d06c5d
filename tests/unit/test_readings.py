"""The numbers the safety net reads: temperatures, ages, days of fever, rates, nappies, feeds."""
import pytest

from nlu_components.readings import (
    age_in_days,
    age_in_months,
    fast_breathing,
    fever_days,
    hours_since_last_wet_nappy,
    is_fever,
    is_low,
    reduced_intake,
    temperature_spans,
    too_few_wet_nappies,
)


@pytest.mark.parametrize(
    "text, fever",
    [("38.0", True), ("37.9", False), ("100.4f", True), ("100.2 f", False), ("39", True), ("36.8c", False)],
)
def test_fever_is_38_celsius_or_100_4_fahrenheit(text, fever):
    assert is_fever(text) is fever


def test_the_older_threshold_is_39_celsius():
    assert not is_fever("38.6", celsius=39.0) and is_fever("39.1", celsius=39.0)


@pytest.mark.parametrize(
    "text, low",
    [("her temp is 35.4", True), ("temp under 36", True), ("temp 36.0", False), ("96.5f", True), ("97.2f", False)],
)
def test_low_temperature_is_below_36_celsius(nlp, text, low):
    spans = list(temperature_spans(nlp(text), about_baby=True))
    assert spans and is_low(spans[0]) is low


def test_gestation_and_weights_are_not_temperatures(nlp):
    assert list(temperature_spans(nlp("born at 38 weeks, weighed 3.4 kg"), about_baby=True)) == []


@pytest.mark.parametrize(
    "text, months",
    [("my 6 week old", 6 / 4.35), ("5/52", 5 / 4.35), ("3/12 old", 3.0), ("a toddler and a 4 week old", 4 / 4.35),
     ("newborn", 0.0), ("no age here", None)],
)
def test_the_youngest_stated_age_in_months(text, months):
    assert age_in_months(text) == (pytest.approx(months) if months is not None else None)


def test_age_in_days_reads_day_numbers_first():
    assert age_in_days("day 6, 2 wet nappies") == 6 and age_in_days("2 weeks old") == pytest.approx(2 / 4.35 * 30)


@pytest.mark.parametrize(
    "text, days",
    [("temp for 6 days now", 6), ("fever day 5", 5), ("temp since monday, the 6th day now", 6),
     ("day 7 of pyrexia", 7), ("temperature on and off, today is day 5 of it", 5), ("a temp since this morning", 0),
     ("fever since last thursday and today is tuesday", 5), ("a temp since monday, it's monday", 7)],
)
def test_how_long_a_fever_has_lasted(text, days):
    assert fever_days(text)[1] == days


@pytest.mark.parametrize(
    "text, fast",
    [("counted her breaths, 66 in a minute", True), ("rr 72", True), ("breathing 45 a minute", False),
     ("40 to 60 breaths a minute is normal", False), ("she had 70 ml", False)],
)
def test_a_counted_breathing_rate_of_60_or_more(nlp, text, fast):
    assert (fast_breathing(nlp(text)) is not None) is fast


@pytest.mark.parametrize(
    "text, dry",
    [("last wet nappy was at 7am and it's 5pm now", True), ("last wee was 9 hours ago", True),
     ("last wet nappy was at 9am and it's 1pm", False), ("last wet nappy 3 hours ago", False)],
)
def test_no_wet_nappy_for_8_hours(nlp, text, dry):
    assert (hours_since_last_wet_nappy(nlp(text)) is not None) is dry


@pytest.mark.parametrize(
    "text, too_few",
    [("day 6, 2 wet ones in the last 24 hrs", True), ("day 8. yesterday we had 4 wet nappies", True),
     ("day 3, 3 wet nappies in 24 hours", False), ("day 9, 7 wet nappies a day", False),
     ("1 wet nappy a day", True), ("2 wet nappies so far today", False)],
)
def test_too_few_wet_nappies_for_the_age(nlp, text, too_few):
    assert (too_few_wet_nappies(nlp(text)) is not None) is too_few


@pytest.mark.parametrize(
    "text, reduced",
    [("usually 150 ml but only 60 ml today", True), ("normally 5 oz, just 2 oz now", True),
     ("usually 120 ml, only 90 ml today", False), ("only 60 ml", False), ("usually 4 oz but only 100 ml", False),
     ("only 50ml a feed instead of her usual 150", True)],
)
def test_feeds_down_to_half_the_usual_amount(nlp, text, reduced):
    assert (reduced_intake(nlp(text)) is not None) is reduced


def test_the_weather_is_not_a_temperature(nlp):
    assert list(temperature_spans(nlp("it's 35°c here in perth this week"), about_baby=True)) == []
    assert list(temperature_spans(nlp("hot weather, her temp is 38.4"), about_baby=True)) != []
