"""Answers from the fact store, and the follow-ups on the last fact answered.

Every answer sets the slot `fact_id` to the id of the fact it showed (trainers and
evaluations rely on it); the text comes only from `facts/`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracker_view, wording
from actions.fact_store import Fact, FactStore
from actions.fact_store import rendering
from actions.fact_store.selection import select_fact
from actions.runtime import DEPLOYMENT, STORE
from actions.deployment import Deployment

TOPIC_INTENT_PREFIX = "ask_"
FEEDBACK_BUTTONS = [
    {"title": "Yes, helpful", "payload": "/feedback_helpful"},
    {"title": "No, not helpful", "payload": "/feedback_not_helpful"},
]


def topic_of_intent(intent: str, store: FactStore) -> Optional[str]:
    topic = intent[len(TOPIC_INTENT_PREFIX):] if intent.startswith(TOPIC_INTENT_PREFIX) else ""
    return topic if topic in store.topics else None


def urgent_instruction(fact: Fact, deployment: Deployment) -> Optional[str]:
    if fact.urgency == "emergency":
        return deployment.emergency.instruction
    if fact.urgency == "same_day":
        return deployment.same_day.instruction
    return None


def show_fact(
    dispatcher: CollectingDispatcher,
    fact: Fact,
    audience: str,
    store: FactStore = STORE,
    deployment: Deployment = DEPLOYMENT,
    text: Optional[str] = None,
    ask_feedback: bool = True,
) -> List[EventType]:
    """Sends a fact (or a text derived from it) with related buttons; sets the slots."""
    instruction = urgent_instruction(fact, deployment)
    if instruction:
        dispatcher.utter_message(text=instruction)
    dispatcher.utter_message(
        text=text or rendering.answer(fact, audience),
        buttons=rendering.related_buttons(store.related(fact)),
    )
    if ask_feedback:
        dispatcher.utter_message(text="Was this helpful?", buttons=FEEDBACK_BUTTONS)
    return [
        SlotSet(tracker_view.FACT_ID_SLOT, fact.id),
        SlotSet("topic", fact.topic),
        SlotSet(tracker_view.AUDIENCE_SLOT, audience),
    ]


def topic_buttons(store: FactStore, topics: Optional[List[str]] = None) -> List[Dict[str, str]]:
    return [
        {
            "title": store.topics[t].title,
            "payload": f'/choose_topic{{"topic_choice":"{t}"}}',
        }
        for t in (topics if topics is not None else list(store.topics))
    ]


def send_topic_menu(dispatcher: CollectingDispatcher, store: FactStore = STORE) -> None:
    dispatcher.utter_message(text=wording.TOPIC_MENU, buttons=topic_buttons(store))


def _clear_choices() -> List[EventType]:
    return [SlotSet("fact_id_choice", None), SlotSet("topic_choice", None)]


class ActionAnswerFact(Action):
    """Answers a topic question, a related-fact button or a topic button from the store."""

    def name(self) -> Text:
        return "action_answer_fact"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        fact = self.choose(tracker)
        if fact is None:
            send_topic_menu(dispatcher)
            return _clear_choices()
        return show_fact(dispatcher, fact, tracker_view.audience(tracker)) + _clear_choices()

    @staticmethod
    def choose(tracker: Tracker, store: FactStore = STORE) -> Optional[Fact]:
        intent = tracker_view.intent(tracker)
        if intent == "choose_fact":
            chosen = tracker_view.entity_values(tracker, "fact_id_choice")
            return store.get(chosen[0] if chosen else tracker.get_slot("fact_id_choice"))
        if intent == "choose_topic":
            chosen = tracker_view.entity_values(tracker, "topic_choice")
            topic = chosen[0] if chosen else tracker.get_slot("topic_choice")
            return store.overview(topic) if topic in store.topics else None
        topic = topic_of_intent(intent, store)
        if topic is None:
            return None
        return select_fact(
            store.by_topic[topic], tracker_view.text(tracker), tracker_view.entity_values(tracker)
        )


class _FollowUp:
    """A follow-up on the last fact answered; without one, it offers the topic menu.

    A mixin, not an Action subclass: rasa-sdk registers every Action subclass it finds.
    """

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        fact = STORE.get(tracker.get_slot(tracker_view.FACT_ID_SLOT))
        if fact is None:
            dispatcher.utter_message(text=wording.NO_FACT_YET)
            send_topic_menu(dispatcher)
            return []
        return self.follow_up(dispatcher, fact, tracker_view.audience(tracker))

    def follow_up(
        self, dispatcher: CollectingDispatcher, fact: Fact, audience: str
    ) -> List[EventType]:
        raise NotImplementedError


class ActionMoreDetail(_FollowUp, Action):
    def name(self) -> Text:
        return "action_more_detail"

    def follow_up(self, dispatcher, fact, audience):
        return show_fact(dispatcher, fact, audience, text=rendering.more_detail(fact, audience))


class ActionShowSources(_FollowUp, Action):
    def name(self) -> Text:
        return "action_show_sources"

    def follow_up(self, dispatcher, fact, audience):
        return show_fact(dispatcher, fact, audience, text=rendering.sources(fact), ask_feedback=False)


class ActionSimplify(_FollowUp, Action):
    def name(self) -> Text:
        return "action_simplify"

    def follow_up(self, dispatcher, fact, audience):
        return show_fact(dispatcher, fact, rendering.PARENT, text=rendering.simpler(fact))


class ActionSetAudience(Action):
    """Switches between the parent and the professional version, and re-answers the last fact."""

    def name(self) -> Text:
        return "action_set_audience"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        wanted = (
            rendering.PROFESSIONAL
            if tracker_view.intent(tracker) == "identify_professional"
            else rendering.PARENT
        )
        fact = STORE.get(tracker.get_slot(tracker_view.FACT_ID_SLOT))
        if fact is None:
            return [SlotSet(tracker_view.AUDIENCE_SLOT, wanted)]
        return show_fact(dispatcher, fact, wanted)


class ActionTopicMenu(Action):
    def name(self) -> Text:
        return "action_topic_menu"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        send_topic_menu(dispatcher)
        return []
