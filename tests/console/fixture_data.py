"""A tracker store filled with real Rasa events, and a small fact store and domain.

The conversations are written by Rasa's own ``SQLTrackerStore`` from Rasa ``Event``
objects, in the order Rasa's ``MessageProcessor`` records them (session start, listen,
user, slots from extraction, action, bot, slots, listen), so the rows have Rasa's exact
format. ``EXPECTED`` says which conversations each filter must return.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

UTC = dt.timezone.utc
BASE = dt.datetime(2026, 11, 20, 10, 0, tzinfo=UTC).timestamp()
OLD = dt.datetime(2026, 10, 1, 9, 0, tzinfo=UTC).timestamp()
FILLERS = 30

TOPICS = [
    "colostrum", "secretory_iga", "immune_cells", "cytokines_growth_factors", "lactoferrin",
    "oligosaccharides", "gut_microbiome", "infections", "allergy_asthma", "long_term_benefits",
    "vaccine_response", "formula_vs_breastmilk", "milk_adapts", "exclusive_breastfeeding_duration",
    "mixed_feeding", "pumped_stored_milk", "donor_milk", "mother_ill", "medications",
    "vaccination_while_breastfeeding", "premature_baby", "when_not_to_breastfeed", "newborn_warning_signs",
]
INTENTS = [f"ask_{t}" for t in TOPICS] + [
    "urgent_sign", "greet", "goodbye", "thanks", "help", "bot_challenge", "affirm", "deny",
    "identify_professional", "identify_parent", "request_more", "request_sources", "request_simpler",
    "feedback_helpful", "feedback_not_helpful", "request_human", "out_of_scope", "bereavement",
    "choose_fact", "choose_topic",
]
SLOTS = {
    "fact_id": {"type": "text"},
    "audience": {"type": "categorical", "values": ["parent", "professional"], "initial_value": "parent"},
    "topic": {"type": "text"},
    "feedback": {"type": "categorical", "values": ["helpful", "not_helpful"]},
    "handoff_requested": {"type": "bool"},
    "fact_id_choice": {"type": "text"},
    "topic_choice": {"type": "text"},
}
ACTIONS = [
    "action_answer_fact", "action_urgent_care", "action_set_audience", "action_more_detail",
    "action_show_sources", "action_simplify", "action_topic_menu", "action_clarify",
    "action_out_of_scope", "action_bereavement", "action_handoff", "action_record_feedback", "action_greet",
]

PHONE = "+44 7700 900123"
EMAIL = "jane.doe@example.com"
URGENT_TEXT = f"my 2 week old is floppy and won't wake, call me on {PHONE} or mail {EMAIL}"
INJECTION_TEXT = "<script>alert('x')</script> ' OR 1=1; DROP TABLE events; --"
WHATSAPP_SENDER = "whatsapp:+447700900456"

# which conversations each filter must return (fillers only match "no filter" and channel=rest)
EXPECTED = {
    "negative": {"conv-negative"},
    "urgent": {"conv-urgent"},
    "handoff": {"conv-handoff"},
    "fallback": {"conv-fallback"},
    "audience=professional": {"conv-handoff"},
    "topic=lactoferrin": {"conv-handoff"},
    "fact=colostrum_what_it_is": {"conv-negative"},
    "intent=out_of_scope": {"conv-fallback", "conv-inject"},
    "channel=socketio": {"conv-negative", "conv-handoff"},
    "channel=telegram": {"conv-old"},
    "low_conf@0.6": {"conv-fallback", "conv-handoff", "conv-inject"},
    "date 2026-10-01": {"conv-old"},
    "q=floppy": {"conv-urgent"},
}
MAIN = ["conv-negative", "conv-urgent", "conv-fallback", "conv-handoff", "conv-old", WHATSAPP_SENDER, "conv-inject"]


# query string of the list/API -> the conversations it must return
ALL_SENDERS = set(MAIN) | {f"conv-filler-{i:02d}" for i in range(FILLERS)}

FILTER_CASES = {
    "negative=1": EXPECTED["negative"],
    "urgent=1": EXPECTED["urgent"],
    "handoff=1": EXPECTED["handoff"],
    "fallback=1": EXPECTED["fallback"],
    "audience=professional": EXPECTED["audience=professional"],
    "audience=parent": ALL_SENDERS - EXPECTED["audience=professional"],
    "topic=lactoferrin": EXPECTED["topic=lactoferrin"],
    "fact=colostrum_what_it_is": EXPECTED["fact=colostrum_what_it_is"],
    "intent=out_of_scope": EXPECTED["intent=out_of_scope"],
    "channel=socketio": EXPECTED["channel=socketio"],
    "channel=telegram": EXPECTED["channel=telegram"],
    "low_conf=1&threshold=0.6": EXPECTED["low_conf@0.6"],
    "low_conf=1&threshold=0.5": {"conv-fallback"},
    "date_from=2026-10-01&date_to=2026-10-01": EXPECTED["date 2026-10-01"],
    "date_from=2026-11-20": set(MAIN) - {"conv-old"},
    "date_to=2026-11-19": {"conv-old"} | {f"conv-filler-{i:02d}" for i in range(FILLERS)},
    "q=floppy": EXPECTED["q=floppy"],
    "q=LACTOFERRIN": {"conv-handoff"},  # case-insensitive, user and bot text
    "q=whatsapp": {WHATSAPP_SENDER},  # sender ids are searched too
    "negative=1&channel=rest": set(),
    "fallback=1&intent=choose_fact&topic=colostrum": {"conv-fallback"},
}


def domain_dict() -> Dict[str, Any]:
    slots = {}
    for name, spec in SLOTS.items():
        slot = dict(spec, influence_conversation=False, mappings=[{"type": "custom"}])
        slots[name] = slot
    return {
        "version": "3.1",
        "intents": INTENTS,
        "entities": ["milk_component", "condition", "baby_age", "fact_id_choice", "topic_choice"],
        "slots": slots,
        "actions": ACTIONS,
        "session_config": {"session_expiration_time": 60, "carry_over_slots_to_new_session": True},
    }


def write_domain(path: Path) -> Path:
    path.write_text(yaml.safe_dump(domain_dict(), sort_keys=False), encoding="utf-8")
    return path


FACTS = {
    "colostrum": [
        {
            "id": "colostrum_what_it_is",
            "topic": "colostrum",
            "question": "What is colostrum?",
            "keywords": ["colostrum", "first milk"],
            "parent_answer": "Colostrum is the first milk. It is thick and yellow and full of antibodies.",
            "professional_answer": "Colostrum is rich in sIgA and lactoferrin (AAP 2022).",
            "evidence_grade": "strong",
            "caveats": ["Amounts are small, which is normal."],
            "sources": [
                {
                    "title": "Breastfeeding and the use of human milk",
                    "organisation": "American Academy of Pediatrics",
                    "year": 2022,
                    "url": "https://publications.aap.org/pediatrics/article/150/1/e2022057988/188347",
                    "doi": "10.1542/peds.2022-057988",
                }
            ],
            "related": ["colostrum_how_much"],
            "last_reviewed": "2026-11-26",
        },
        {
            "id": "colostrum_how_much",
            "topic": "colostrum",
            "question": "How much colostrum does a newborn need?",
            "keywords": ["how much colostrum"],
            "parent_answer": "Only a few teaspoons a feed in the first days.",
            "professional_answer": "About 2-10 ml per feed on day 1.",
            "evidence_grade": "moderate",
            "caveats": [],
            "sources": [{"title": "Infant and young child feeding", "organisation": "WHO", "year": 2023,
                         "url": "https://www.who.int/news-room/fact-sheets/detail/infant-and-young-child-feeding"}],
            "related": [],
            "last_reviewed": "2026-11-26",
        },
    ],
    "lactoferrin": [
        {
            "id": "lactoferrin_what_it_does",
            "topic": "lactoferrin",
            "question": "What does lactoferrin do?",
            "keywords": ["lactoferrin"],
            "parent_answer": "Lactoferrin holds on to iron so germs cannot use it.",
            "professional_answer": "Lactoferrin sequesters iron and is bacteriostatic.",
            "evidence_grade": "moderate",
            "caveats": ["Formula lactoferrin is bovine."],
            "sources": [{"title": "Lactoferrin review", "authors": "Telang S", "year": 2018, "doi": "10.3390/nu10091228"}],
            "related": [],
            "last_reviewed": "2026-11-26",
        }
    ],
}


def write_facts(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for topic, facts in FACTS.items():
        (directory / f"{topic}.yml").write_text(yaml.safe_dump({"facts": facts}, sort_keys=False), encoding="utf-8")
    (directory / "topics.yml").write_text(yaml.safe_dump({"topics": TOPICS}), encoding="utf-8")
    return directory


# --- conversations -------------------------------------------------------------------


class Script:
    """Builds the event list of one conversation the way Rasa's processor records it."""

    def __init__(self, sender_id: str, start: float, channel: str) -> None:
        self.sender_id = sender_id
        self.t = start
        self.channel = channel
        self.events: List[Any] = []
        self.session()

    def tick(self, seconds: float = 2.0) -> float:
        self.t += seconds
        return self.t

    def session(self) -> None:
        from rasa.shared.core.events import ActionExecuted, SessionStarted

        self.events += [
            ActionExecuted("action_session_start", timestamp=self.tick(1)),
            SessionStarted(timestamp=self.t),
            ActionExecuted("action_listen", timestamp=self.t),
        ]

    def user(
        self,
        text: str,
        intent: str,
        confidence: float,
        ranking: Optional[List[Tuple[str, float]]] = None,
        entities: Optional[List[Dict[str, Any]]] = None,
    ) -> None:
        from rasa.shared.core.events import UserUttered

        ranking = ranking or [(intent, confidence)]
        parse_data = {
            "intent": {"name": intent, "confidence": confidence},
            "entities": entities or [],
            "text": text,
            "message_id": f"m{len(self.events)}",
            "metadata": {},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        }
        self.events.append(
            UserUttered(
                text,
                intent={"name": intent, "confidence": confidence},
                entities=entities or [],
                parse_data=parse_data,
                timestamp=self.tick(),
                input_channel=self.channel,
                message_id=f"m{len(self.events)}",
                metadata={},
            )
        )

    def act(self, action: str, bot: Optional[str] = None, buttons=None, **slots: Any) -> None:
        from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet

        self.events.append(ActionExecuted(action, policy="RulePolicy", confidence=1.0, timestamp=self.tick(1)))
        if bot is not None:
            data = {"elements": None, "quick_replies": None, "buttons": buttons, "attachment": None,
                    "image": None, "custom": None}
            self.events.append(BotUttered(bot, data, {"utter_action": action}, timestamp=self.t))
        for name, value in slots.items():
            self.events.append(SlotSet(name, value, timestamp=self.t))
        self.events.append(ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0, timestamp=self.t))


def conversations() -> List[Script]:
    out = []
    s = Script("conv-negative", BASE + 600, "socketio")
    s.user("hello", "greet", 0.99)
    s.act("action_greet", "Hello! Ask me how breast milk protects your baby.")
    s.user("what is colostrum?", "ask_colostrum", 0.93, [("ask_colostrum", 0.93), ("ask_secretory_iga", 0.04)],
           [{"entity": "milk_component", "value": "colostrum", "start": 8, "end": 17, "extractor": "SpacyEntityExtractor"}])
    s.act("action_answer_fact", "Colostrum is the first milk...", fact_id="colostrum_what_it_is", topic="colostrum")
    s.user("that didn't help at all", "feedback_not_helpful", 0.88,
           [("feedback_not_helpful", 0.88), ("deny", 0.07)])
    s.act("action_record_feedback", "Thank you for telling me.", feedback="not_helpful")
    out.append(s)

    s = Script("conv-urgent", BASE + 1200, "rest")
    s.user(URGENT_TEXT, "urgent_sign", 0.97, [("urgent_sign", 0.97), ("ask_newborn_warning_signs", 0.02)],
           [{"entity": "baby_age", "value": "2 week old", "start": 3, "end": 13, "extractor": "SpacyEntityExtractor"}])
    s.act("action_urgent_care", "This needs a doctor now. Call your emergency number.", topic="newborn_warning_signs")
    out.append(s)

    s = Script("conv-fallback", BASE + 1800, "rest")
    s.user("blorp zzz qq", "nlu_fallback", 0.4,
           [("nlu_fallback", 0.4), ("ask_lactoferrin", 0.35), ("ask_colostrum", 0.33)])
    s.act("action_clarify", "Did you mean one of these?",
          buttons=[{"title": "Colostrum", "payload": '/choose_topic{"topic_choice":"colostrum"}'}])
    s.user('/choose_fact{"fact_id_choice":"colostrum_how_much"}', "choose_fact", 1.0,
           entities=[{"entity": "fact_id_choice", "value": "colostrum_how_much"}])
    s.act("action_answer_fact", "Only a few teaspoons...", fact_id="colostrum_how_much", topic="colostrum")
    s.user("can I drink wine tonight", "out_of_scope", 0.81, [("out_of_scope", 0.81), ("ask_medications", 0.15)])
    s.act("action_out_of_scope", "I can only talk about breast milk and immunity.")
    out.append(s)

    s = Script("conv-handoff", BASE + 2400, "socketio")
    s.user("I'm a midwife", "identify_professional", 0.95)
    s.act("action_set_audience", "I'll give you the evidence and figures.", audience="professional")
    s.user("what does lactoferrin do", "ask_lactoferrin", 0.52,
           [("ask_lactoferrin", 0.52), ("ask_oligosaccharides", 0.45), ("ask_colostrum", 0.02)],
           [{"entity": "milk_component", "value": "lactoferrin", "start": 10, "end": 21, "extractor": "SpacyEntityExtractor"}])
    s.act("action_answer_fact", "Lactoferrin sequesters iron...", fact_id="lactoferrin_what_it_does", topic="lactoferrin")
    s.user("that was helpful", "feedback_helpful", 0.9)
    s.act("action_record_feedback", "Glad it helped.", feedback="helpful")
    s.user("I want to talk to a person", "request_human", 0.91)
    s.act("action_handoff", "I'll pass you to a lactation consultant.", handoff_requested=True)
    out.append(s)

    s = Script("conv-old", OLD, "telegram")
    s.user("hi", "greet", 0.98)
    s.act("action_greet", "Hello!")
    s.user("do hmos help my baby", "ask_oligosaccharides", 0.9)
    s.act("action_answer_fact", "HMOs feed good bacteria...", fact_id="hmos_what_they_are", topic="oligosaccharides")
    out.append(s)

    s = Script(WHATSAPP_SENDER, BASE + 3000, "twilio")
    s.user("hello there", "greet", 0.97)
    s.act("action_greet", "Hello!")
    out.append(s)

    s = Script("conv-inject", BASE + 3600, "rest")
    s.user(INJECTION_TEXT, "out_of_scope", 0.55, [("out_of_scope", 0.55), ("greet", 0.2)])
    s.act("action_out_of_scope", "<b>bold?</b> I can only talk about breast milk.")
    out.append(s)

    for i in range(FILLERS):
        s = Script(f"conv-filler-{i:02d}", BASE - 86400 * 3 + i * 60, "rest")
        s.user("hello", "greet", 0.99)
        s.act("action_greet", "Hello!")
        out.append(s)
    return out


def record(tracker_store: Any, scripts: List[Script]) -> None:
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = tracker_store.domain

    async def save_all() -> None:
        for script in scripts:
            tracker = DialogueStateTracker.from_events(script.sender_id, script.events, domain.slots)
            await tracker_store.save(tracker)

    asyncio.run(save_all())


def build_sqlite_tracker_db(path: Path) -> Path:
    """Record every conversation into a fresh SQLite tracker store at ``path``."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    store = SQLTrackerStore(Domain.from_dict(domain_dict()), dialect="sqlite", db=str(path))
    record(store, conversations())
    store.engine.dispose()
    return path


def build_postgres_tracker_db(host: str, port: int, db: str, username: Optional[str] = None) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    store = SQLTrackerStore(
        Domain.from_dict(domain_dict()), dialect="postgresql", host=host, port=port, db=db, username=username
    )
    record(store, conversations())
    store.engine.dispose()
