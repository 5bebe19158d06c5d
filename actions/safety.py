"""Urgent warning signs in a baby, and bereavement.

`action_urgent_care` runs for every urgent sign (the classifier's `urgent_sign` intent, or the
NLU safety net's override). It sends the deployment's emergency or same-day instruction
first, then the matching warning-sign fact, and nothing about milk.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracker_view
from actions.answers import show_fact
from actions.deployment import Deployment
from actions.fact_store import Fact, FactStore
from actions.runtime import DEPLOYMENT, STORE

URGENT_ENTITY = "urgent_sign"
OVERVIEW_FACT = "warning_signs_overview"
_SEVERITY = {"emergency": 0, "same_day": 1, "info": 2}


def urgent_facts(tracker: Tracker, store: FactStore = STORE) -> List[Fact]:
    """The warning-sign facts the safety net matched, the most severe first."""
    facts = [store.get(v) for v in tracker_view.entity_values(tracker, URGENT_ENTITY)]
    facts = [f for f in facts if f is not None and f.urgency is not None]
    return sorted(facts, key=lambda f: _SEVERITY[f.urgency])


def unmatched_sign_message(deployment: Deployment) -> str:
    return (
        "What you describe may need medical care. If your baby seems very unwell, is hard to "
        f"wake, floppy, or struggling to breathe: {deployment.emergency.instruction}\n\n"
        f"Otherwise: {deployment.same_day.instruction}\n\n"
        "Trust your instincts: if you are worried about your baby, it is always right to ask."
    )


class ActionUrgentCare(Action):
    def name(self) -> Text:
        return "action_urgent_care"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        audience = tracker_view.audience(tracker)
        facts = urgent_facts(tracker)
        if not facts:
            dispatcher.utter_message(text=unmatched_sign_message(DEPLOYMENT))
            overview = STORE.get(OVERVIEW_FACT)
            events = show_fact(dispatcher, overview, audience, ask_feedback=False) if overview else []
            return events + [SlotSet("urgent_care_given", True)]
        most_severe = facts[0]
        events = show_fact(dispatcher, most_severe, audience, ask_feedback=False)
        others = [f for f in facts[1:] if f.urgency != "info"]
        if others:
            dispatcher.utter_message(
                text="You also mentioned: "
                + "; ".join(f.question.rstrip("?") for f in others)
                + ". Tell the doctor or nurse about these too."
            )
        return events + [SlotSet("urgent_care_given", True)]


class ActionBereavement(Action):
    """Compassion and where to find support; never a milk fact."""

    def name(self) -> Text:
        return "action_bereavement"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(
            text="People who can support you:\n"
            + "\n".join(f"- {c.line()}" for c in DEPLOYMENT.bereavement_support)
        )
        return [SlotSet(tracker_view.FACT_ID_SLOT, None)]
