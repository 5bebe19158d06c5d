"""Conversations with the real running assistant: trained model + real action server.

Messages go through the REST channel; the tracker (GET /conversations/<id>/tracker) shows
which actions ran and which fact each answer came from.
"""
import pytest

pytestmark = pytest.mark.conversation


def slot_values(tracker, name):
    return [e["value"] for e in tracker["events"] if e["event"] == "slot" and e["name"] == name]


def actions_run(tracker):
    return [e["name"] for e in tracker["events"] if e["event"] == "action"]


def texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


def test_thin_slice_greet_colostrum_thanks_goodbye(assistant, sender, store):
    greeting = texts(assistant.say(sender, "hi there"))
    assert "not medical advice" in greeting and "Privacy" in greeting

    replies = assistant.say(sender, "what is colostrum?")
    fact = store.get("colostrum_what_it_is")
    assert fact.parent_answer in texts(replies)
    tracker = assistant.tracker(sender)
    assert slot_values(tracker, "fact_id")[-1] == fact.id

    assert "welcome" in texts(assistant.say(sender, "thanks!")).lower()
    assert "goodbye" in texts(assistant.say(sender, "bye")).lower()


@pytest.mark.parametrize(
    "paraphrase",
    ["what's colostrum", "colostrum??", "what is the yellow milk that comes first", "whats colostrum for"],
)
def test_colostrum_paraphrases_reach_the_colostrum_topic(assistant, sender, store, paraphrase):
    assistant.say(sender, paraphrase)
    fact = store.get(slot_values(assistant.tracker(sender), "fact_id")[-1])
    assert fact.topic == "colostrum"


def test_an_unsure_guess_offers_the_named_component_first(assistant, sender):
    """"the first milk" is colostrum to the entity ruler, even when the classifier is unsure."""
    replies = assistant.say(sender, "tell me about the first milk")
    tracker = assistant.tracker(sender)
    if "action_clarify" in actions_run(tracker):
        first = replies[0]["buttons"][0]["payload"]
        assert first == '/choose_topic{"topic_choice":"colostrum"}'
    else:
        assert slot_values(tracker, "fact_id")[-1].startswith("colostrum")


@pytest.mark.parametrize("audience", ["parent", "professional"])
def test_every_topic_is_reached_in_both_audiences(assistant, store, audience):
    for topic in store.topics:
        if topic == "newborn_warning_signs":
            continue  # a general question about signs, tested below, not an urgent one
        sender = f"topics-{audience}-{topic}"
        if audience == "professional":
            assistant.say(sender, "I'm a midwife")
        overview = store.overview(topic)
        replies = assistant.say(sender, overview.question)
        fact_ids = slot_values(assistant.tracker(sender), "fact_id")
        assert fact_ids, f"{topic}: no fact answered {overview.question!r}"
        answered = store.get(fact_ids[-1])
        assert answered.topic == topic, f"{overview.question!r} answered from {answered.topic}"
        expected = answered.professional_answer if audience == "professional" else answered.parent_answer
        assert expected in texts(replies)


def test_general_warning_sign_question_answers_from_the_store(assistant, sender, store):
    assistant.say(sender, "how many wet nappies should a newborn have each day?")
    fact = store.get(slot_values(assistant.tracker(sender), "fact_id")[-1])
    assert fact.topic == "newborn_warning_signs"


def test_follow_ups_more_sources_simpler(assistant, sender, store):
    assistant.say(sender, "what is colostrum?")
    fact = store.get("colostrum_what_it_is")
    more = texts(assistant.say(sender, "tell me more"))
    assert more and fact.parent_answer not in more
    sources = texts(assistant.say(sender, "where is this from?"))
    for source in fact.sources:
        assert source.link in sources
    simpler = texts(assistant.say(sender, "can you say that more simply"))
    assert simpler and "References" not in simpler
    tracker = assistant.tracker(sender)
    ran = actions_run(tracker)
    assert {"action_more_detail", "action_show_sources", "action_simplify"} <= set(ran)
    assert set(slot_values(tracker, "fact_id")) == {fact.id}


def test_switching_audience_mid_conversation(assistant, sender, store):
    assistant.say(sender, "what is colostrum?")
    replies = texts(assistant.say(sender, "I'm a NICU nurse, give me the evidence"))
    assert "References:" in replies
    replies = texts(assistant.say(sender, "plain language please, I'm just a mum"))
    assert "References:" not in replies
    assert slot_values(assistant.tracker(sender), "audience")[-1] == "parent"


def test_related_fact_button(assistant, sender, store):
    fact = store.get("colostrum_what_it_is")
    target = fact.related[0]
    assistant.say(sender, f'/choose_fact{{"fact_id_choice":"{target}"}}')
    assert slot_values(assistant.tracker(sender), "fact_id")[-1] == target


def test_urgent_sign_mid_topic_takes_precedence(assistant, sender, store):
    assistant.say(sender, "what is colostrum?")
    replies = assistant.say(
        sender, "also quick question about freezing milk but my 5 week old is floppy and won't wake up"
    )
    tracker = assistant.tracker(sender)
    assert actions_run(tracker)[-2:] == ["action_urgent_care", "action_listen"]
    assert "999" in replies[0]["text"]
    assert store.get(slot_values(tracker, "fact_id")[-1]).urgency == "emergency"


def test_bereavement_gets_compassion_not_a_fact(assistant, sender):
    replies = texts(assistant.say(sender, "we lost our baby last week and my milk has come in"))
    assert "sorry" in replies.lower()
    tracker = assistant.tracker(sender)
    assert "action_bereavement" in actions_run(tracker)
    assert all(v is None for v in slot_values(tracker, "fact_id"))


@pytest.mark.parametrize("reply", ["ok", "okay", "yes"])
def test_a_bare_ok_is_understood_not_sent_to_the_fallback(assistant, sender, reply):
    assistant.say(sender, "what is colostrum?")
    assistant.say(sender, reply)
    events = assistant.tracker(sender)["events"]
    last_user = max(i for i, e in enumerate(events) if e["event"] == "user")
    assert events[last_user]["parse_data"]["intent"]["name"] == "affirm"
    answered = [e["name"] for e in events[last_user:] if e["event"] == "action"]
    assert "utter_ask_what_next" in answered and "action_clarify" not in answered


def test_fallback_then_recovery(assistant, sender, store):
    assistant.say(sender, "hmm the thing with the stuff")
    tracker = assistant.tracker(sender)
    assert "action_clarify" in actions_run(tracker)
    assert not slot_values(tracker, "fact_id")
    assistant.say(sender, '/choose_topic{"topic_choice":"lactoferrin"}')
    assert slot_values(assistant.tracker(sender), "fact_id")[-1] == store.overview("lactoferrin").id


def test_out_of_scope_and_handoff_and_feedback(assistant, sender):
    assistant.say(sender, "what's the weather like in Leeds tomorrow?")
    assert "action_out_of_scope" in actions_run(assistant.tracker(sender))
    assistant.say(sender, "can I talk to a real person please")
    tracker = assistant.tracker(sender)
    assert slot_values(tracker, "handoff_requested") == [True]
    assistant.say(sender, "what is colostrum?")
    assistant.say(sender, "/feedback_not_helpful")
    tracker = assistant.tracker(sender)
    assert slot_values(tracker, "feedback") == ["not_helpful"]
    assert slot_values(tracker, "feedback_fact_id") == ["colostrum_what_it_is"]
