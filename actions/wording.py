"""Conversational wording that custom actions send (not facts: those live in facts/).

Responses that rules send directly stay in domain.yml; these are the ones only an action
sends, kept here so that `rasa data validate --fail-on-warnings` sees no unused response.
"""
GREET_EXAMPLES = "You can ask in your own words, or pick a topic:"
TOPIC_MENU = "Here is what I can help with. Pick a topic, or ask in your own words:"
NO_FACT_YET = "Ask me a question first, and then I can tell you more about it."
DID_YOU_MEAN = "I'm not sure I understood. Did you mean one of these?"
SCOPE = (
    "Sorry, I still didn't catch that. I can answer questions about breast milk and the "
    "baby's immune system, and practical questions around feeding, pumping, donor milk, "
    "medicines and illness. I can't diagnose or give medical advice."
)
