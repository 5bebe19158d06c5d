"""Unit tests of urgent care, bereavement, clarification, handoff and feedback."""
from actions.conversation import (
    ActionClarify,
    ActionHandoff,
    ActionOutOfScope,
    ActionRecordFeedback,
)
from actions.runtime import DEPLOYMENT, STORE
from actions.safety import ActionBereavement, ActionUrgentCare
from tests.unit.conftest import slots_set


def urgent_entities(*fact_ids):
    return [{"entity": "urgent_sign", "value": f} for f in fact_ids]


def test_urgent_care_puts_the_emergency_instruction_first(tracker_for, dispatcher):
    tracker = tracker_for("urgent_sign", text="she is floppy", entities=urgent_entities("urgent_unresponsive"))
    events = ActionUrgentCare().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["text"] == DEPLOYMENT.emergency.instruction
    assert STORE.get("urgent_unresponsive").parent_answer in dispatcher.messages[1]["text"]
    slots = slots_set(events)
    assert slots["fact_id"] == "urgent_unresponsive" and slots["urgent_care_given"] is True


def test_urgent_care_answers_the_most_severe_sign_first(tracker_for, dispatcher):
    tracker = tracker_for(
        "urgent_sign", entities=urgent_entities("urgent_jaundice", "urgent_breathing")
    )
    events = ActionUrgentCare().run(dispatcher, tracker, {})
    assert slots_set(events)["fact_id"] == "urgent_breathing"
    assert dispatcher.messages[0]["text"] == DEPLOYMENT.emergency.instruction
    assert "You also mentioned" in dispatcher.messages[-1]["text"]


def test_same_day_signs_get_the_same_day_instruction(tracker_for, dispatcher):
    tracker = tracker_for("urgent_sign", entities=urgent_entities("urgent_jaundice"))
    ActionUrgentCare().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["text"] == DEPLOYMENT.same_day.instruction


def test_urgent_sign_from_the_classifier_alone_still_escalates(tracker_for, dispatcher):
    events = ActionUrgentCare().run(dispatcher, tracker_for("urgent_sign", text="something is wrong"), {})
    assert DEPLOYMENT.emergency.instruction in dispatcher.messages[0]["text"]
    assert DEPLOYMENT.same_day.instruction in dispatcher.messages[0]["text"]
    assert slots_set(events)["urgent_care_given"] is True


def test_urgent_care_never_asks_for_feedback_or_gives_milk_facts(tracker_for, dispatcher):
    tracker = tracker_for("urgent_sign", entities=urgent_entities("urgent_seizure"))
    events = ActionUrgentCare().run(dispatcher, tracker, {})
    assert all(m.get("text") != "Was this helpful?" for m in dispatcher.messages)
    assert STORE.get(slots_set(events)["fact_id"]).topic == "newborn_warning_signs"


def test_bereavement_is_compassionate_and_sets_no_fact(tracker_for, dispatcher):
    events = ActionBereavement().run(dispatcher, tracker_for("bereavement"), {})
    assert slots_set(events) == {"fact_id": None}
    text = dispatcher.messages[0]["text"]
    for contact in DEPLOYMENT.bereavement_support:
        assert contact.name in text


def ranking(*pairs):
    return [{"name": n, "confidence": c} for n, c in pairs]


def test_clarify_offers_the_likeliest_topics(tracker_for, dispatcher):
    tracker = tracker_for(
        "nlu_fallback",
        ranking=ranking(("nlu_fallback", 0.4), ("ask_lactoferrin", 0.3), ("greet", 0.2),
                        ("ask_colostrum", 0.1), ("ask_donor_milk", 0.06), ("ask_infections", 0.04)),
    )
    events = ActionClarify().run(dispatcher, tracker, {})
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads[:3] == [
        '/choose_topic{"topic_choice":"lactoferrin"}',
        '/choose_topic{"topic_choice":"colostrum"}',
        '/choose_topic{"topic_choice":"donor_milk"}',
    ]
    assert "fact_id" not in slots_set(events)


def test_clarify_offers_the_topic_of_a_named_milk_component_first(tracker_for, dispatcher):
    tracker = tracker_for(
        "nlu_fallback",
        entities=[{"entity": "milk_component", "value": "colostrum"}],
        ranking=ranking(("nlu_fallback", 0.3), ("ask_formula_vs_breastmilk", 0.17), ("ask_colostrum", 0.13)),
    )
    ActionClarify().run(dispatcher, tracker, {})
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads[:2] == [
        '/choose_topic{"topic_choice":"colostrum"}',
        '/choose_topic{"topic_choice":"formula_vs_breastmilk"}',
    ]


def test_clarify_twice_in_a_row_states_the_scope_with_the_menu(tracker_for, dispatcher):
    events = [
        {"event": "user", "text": "blah"},
        {"event": "action", "name": "action_clarify"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "blah again"},
    ]
    tracker = tracker_for("nlu_fallback", ranking=ranking(("ask_lactoferrin", 0.3)), events=events)
    ActionClarify().run(dispatcher, tracker, {})
    assert "I can answer questions about breast milk" in dispatcher.messages[0]["text"]
    assert len(dispatcher.messages[1]["buttons"]) == len(STORE.topics)


def test_out_of_scope_says_where_to_get_other_help(tracker_for, dispatcher):
    assert ActionOutOfScope().run(dispatcher, tracker_for("out_of_scope"), {}) == []
    for contact in DEPLOYMENT.other_help:
        assert contact.name in dispatcher.messages[0]["text"]


def test_handoff_lists_routes_and_marks_the_conversation(tracker_for, dispatcher):
    events = ActionHandoff().run(dispatcher, tracker_for("request_human"), {})
    assert slots_set(events) == {"handoff_requested": True}
    for route in DEPLOYMENT.handoff_routes:
        assert route.name in dispatcher.messages[0]["text"]


def test_feedback_is_recorded_with_the_fact_it_rates(tracker_for, dispatcher):
    tracker = tracker_for("feedback_not_helpful", slots={"fact_id": "colostrum_what_it_is"})
    events = ActionRecordFeedback().run(dispatcher, tracker, {})
    assert slots_set(events) == {"feedback": "not_helpful", "feedback_fact_id": "colostrum_what_it_is"}
