"""Greeting, clarification at low confidence, out of scope, handoff and feedback.

None of these answers from the fact store, so none sets `fact_id`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracker_view, wording
from actions.answers import TOPIC_INTENT_PREFIX, send_topic_menu, topic_buttons
from actions.runtime import DEPLOYMENT, STORE

CLARIFY_ACTION = "action_clarify"
MAX_SUGGESTIONS = 3
MIN_SUGGESTION_CONFIDENCE = 0.05
GREETING_TOPICS = ["colostrum", "secretory_iga", "formula_vs_breastmilk", "pumped_stored_milk"]


class ActionGreet(Action):
    def name(self) -> Text:
        return "action_greet"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(
            text=wording.GREET_EXAMPLES,
            buttons=topic_buttons(STORE, GREETING_TOPICS)
            + [{"title": "All topics", "payload": "/help"}],
        )
        return [SlotSet(tracker_view.AUDIENCE_SLOT, tracker_view.audience(tracker))]


def suggested_topics(tracker: Tracker) -> List[str]:
    """The likeliest topics: those of the milk components named, then the classifier's ranking."""
    named = set(tracker_view.entity_values(tracker, "milk_component"))
    topics = [t.id for t in STORE.topics.values() if named & set(t.entities)][:MAX_SUGGESTIONS]
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    for item in ranking:
        if len(topics) == MAX_SUGGESTIONS:
            break
        name = item.get("name") or ""
        topic = name[len(TOPIC_INTENT_PREFIX):] if name.startswith(TOPIC_INTENT_PREFIX) else None
        if (
            topic in STORE.topics
            and topic not in topics
            and (item.get("confidence") or 0) >= MIN_SUGGESTION_CONFIDENCE
        ):
            topics.append(topic)
    return topics


class ActionClarify(Action):
    """Low confidence: "Did you mean ...?"; if still unclear, the scope and the topic menu."""

    def name(self) -> Text:
        return CLARIFY_ACTION

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        topics = suggested_topics(tracker)
        if tracker_view.previous_action(tracker) == CLARIFY_ACTION or not topics:
            dispatcher.utter_message(text=wording.SCOPE)
            send_topic_menu(dispatcher)
            return []
        dispatcher.utter_message(
            text=wording.DID_YOU_MEAN,
            buttons=topic_buttons(STORE, topics)
            + [{"title": "Something else", "payload": "/help"}],
        )
        return []


class ActionOutOfScope(Action):
    def name(self) -> Text:
        return "action_out_of_scope"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(
            text="For other questions:\n" + "\n".join(f"- {c.line()}" for c in DEPLOYMENT.other_help),
            buttons=[{"title": "Show my topics", "payload": "/help"}],
        )
        return []


class ActionHandoff(Action):
    """Gives the deployment's routes to a person and marks the conversation for trainers."""

    def name(self) -> Text:
        return "action_handoff"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(
            text="\n".join(f"- {c.line()}" for c in DEPLOYMENT.handoff_routes)
        )
        return [SlotSet("handoff_requested", True)]


class ActionRecordFeedback(Action):
    """Records "Was this helpful?" as slots trainers can filter on: feedback + the fact rated."""

    def name(self) -> Text:
        return "action_record_feedback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        helpful = tracker_view.intent(tracker) == "feedback_helpful"
        return [
            SlotSet("feedback", "helpful" if helpful else "not_helpful"),
            SlotSet("feedback_fact_id", tracker.get_slot(tracker_view.FACT_ID_SLOT)),
        ]
