"""Unit tests of answering from the fact store and of the follow-ups."""
import pytest

from actions.answers import (
    ActionAnswerFact,
    ActionMoreDetail,
    ActionSetAudience,
    ActionShowSources,
    ActionSimplify,
)
from actions.runtime import STORE
from tests.unit.conftest import slots_set

ALL_TOPICS = sorted(STORE.topics)


def run(action, dispatcher, tracker):
    return action.run(dispatcher, tracker, {})


@pytest.mark.parametrize("topic", ALL_TOPICS)
def test_every_topic_intent_answers_from_that_topic_and_sets_fact_id(topic, tracker_for, dispatcher):
    events = run(ActionAnswerFact(), dispatcher, tracker_for(f"ask_{topic}", text="tell me"))
    slots = slots_set(events)
    fact = STORE.get(slots["fact_id"])
    assert fact is not None and fact.topic == topic
    assert fact.parent_answer in dispatcher.messages[-2]["text"] or fact.urgency
    assert slots["audience"] == "parent"


@pytest.mark.parametrize("fact_id", sorted(STORE.facts))
def test_every_fact_is_reachable_by_its_own_question_inside_its_topic(fact_id, tracker_for, dispatcher):
    fact = STORE.get(fact_id)
    events = run(ActionAnswerFact(), dispatcher, tracker_for(f"ask_{fact.topic}", text=fact.question))
    assert slots_set(events)["fact_id"] == fact_id


@pytest.mark.parametrize("fact_id", sorted(STORE.facts))
def test_every_fact_is_reachable_by_its_related_fact_button(fact_id, tracker_for, dispatcher):
    tracker = tracker_for(
        "choose_fact", entities=[{"entity": "fact_id_choice", "value": fact_id}]
    )
    assert slots_set(run(ActionAnswerFact(), dispatcher, tracker))["fact_id"] == fact_id


def test_professional_answer_has_figures_grade_and_references(tracker_for, dispatcher):
    fact = STORE.get("colostrum_what_it_is")
    tracker = tracker_for("ask_colostrum", text="what is colostrum", slots={"audience": "professional"})
    events = run(ActionAnswerFact(), dispatcher, tracker)
    text = dispatcher.messages[0]["text"]
    assert slots_set(events)["fact_id"] == fact.id
    assert fact.professional_answer in text
    assert "Evidence:" in text and "References:" in text
    assert fact.sources[0].link in text


def test_channel_metadata_sets_the_default_audience(tracker_for, dispatcher):
    tracker = tracker_for("ask_colostrum", text="colostrum?", metadata={"audience": "professional"})
    events = run(ActionAnswerFact(), dispatcher, tracker)
    assert slots_set(events)["audience"] == "professional"
    assert "References:" in dispatcher.messages[0]["text"]


def test_user_choice_beats_channel_default(tracker_for, dispatcher):
    tracker = tracker_for(
        "ask_colostrum", text="colostrum?", slots={"audience": "parent"},
        metadata={"audience": "professional"},
    )
    run(ActionAnswerFact(), dispatcher, tracker)
    assert "References:" not in dispatcher.messages[0]["text"]


def test_answer_offers_related_facts_and_feedback_buttons(tracker_for, dispatcher):
    run(ActionAnswerFact(), dispatcher, tracker_for("ask_colostrum", text="what is colostrum"))
    fact = STORE.get("colostrum_what_it_is")
    related_payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert related_payloads == [
        f'/choose_fact{{"fact_id_choice":"{r}"}}' for r in fact.related[:3]
    ]
    assert [b["payload"] for b in dispatcher.messages[1]["buttons"]] == [
        "/feedback_helpful", "/feedback_not_helpful",
    ]


def test_topic_button_answers_the_topic_overview(tracker_for, dispatcher):
    tracker = tracker_for("choose_topic", entities=[{"entity": "topic_choice", "value": "donor_milk"}])
    events = run(ActionAnswerFact(), dispatcher, tracker)
    assert slots_set(events)["fact_id"] == STORE.overview("donor_milk").id


def test_unknown_fact_button_shows_the_menu_and_sets_no_fact(tracker_for, dispatcher):
    tracker = tracker_for("choose_fact", entities=[{"entity": "fact_id_choice", "value": "no_such_fact"}])
    events = run(ActionAnswerFact(), dispatcher, tracker)
    assert "fact_id" not in slots_set(events)
    assert len(dispatcher.messages[0]["buttons"]) == len(STORE.topics)


@pytest.mark.parametrize("action", [ActionMoreDetail(), ActionShowSources(), ActionSimplify()])
def test_follow_ups_without_a_fact_offer_the_menu(action, tracker_for, dispatcher):
    events = run(action, dispatcher, tracker_for("request_more"))
    assert events == []
    assert "Ask me a question first" in dispatcher.messages[0]["text"]


def test_sources_follow_up_lists_every_citation_with_links(tracker_for, dispatcher):
    fact = STORE.get("colostrum_what_it_is")
    events = run(ActionShowSources(), dispatcher, tracker_for("request_sources", slots={"fact_id": fact.id}))
    text = dispatcher.messages[0]["text"]
    assert slots_set(events)["fact_id"] == fact.id
    for source in fact.sources:
        assert source.link in text and source.title in text


def test_more_detail_gives_new_text_about_the_same_fact(tracker_for, dispatcher):
    fact = STORE.get("colostrum_what_it_is")
    events = run(ActionMoreDetail(), dispatcher, tracker_for("request_more", slots={"fact_id": fact.id}))
    assert slots_set(events)["fact_id"] == fact.id
    assert dispatcher.messages[0]["text"] not in (fact.parent_answer,)


def test_simpler_gives_plain_text_even_to_professionals(tracker_for, dispatcher):
    fact = STORE.get("colostrum_what_it_is")
    tracker = tracker_for("request_simpler", slots={"fact_id": fact.id, "audience": "professional"})
    run(ActionSimplify(), dispatcher, tracker)
    text = dispatcher.messages[0]["text"]
    assert text and text in fact.parent_answer.replace("\n", " ") or fact.parent_answer.startswith(text[:30])
    assert "References:" not in text


def test_switching_audience_re_answers_the_last_fact(tracker_for, dispatcher):
    fact = STORE.get("colostrum_what_it_is")
    tracker = tracker_for("identify_professional", slots={"fact_id": fact.id, "audience": "parent"})
    events = run(ActionSetAudience(), dispatcher, tracker)
    slots = slots_set(events)
    assert slots["audience"] == "professional" and slots["fact_id"] == fact.id
    assert fact.professional_answer in dispatcher.messages[0]["text"]


def test_switching_audience_before_any_fact_only_sets_the_slot(tracker_for, dispatcher):
    events = run(ActionSetAudience(), dispatcher, tracker_for("identify_parent"))
    assert slots_set(events) == {"audience": "parent"}
