"""The curated fact store: the only place answer text lives.

- `schema`: what one fact is (pydantic), and the store-wide rules (unique ids, related ids
  exist, every topic covered, urgency only for warning signs).
- `loader`: reads `facts/*.yml`, validates it, and reports every problem naming the file,
  the fact id and the field.
- `selection`: picks the fact inside a topic that best fits the user's words.
- `rendering`: turns a fact into the text a parent or a professional reads.
"""
from actions.fact_store.loader import FactStore, FactStoreError, load_fact_store
from actions.fact_store.schema import Fact, Source, Topic

__all__ = ["Fact", "FactStore", "FactStoreError", "Source", "Topic", "load_fact_store"]
