"""Custom actions of the breast-milk immunity assistant (served by `rasa run actions`).

Modules, by concern:
- `fact_store/`: the curated, cited and graded facts, and how they are chosen and rendered.
- `runtime`: the fact store and deployment settings, loaded and validated once at start-up
  (an invalid store stops the action server with a message naming file, fact and field).
- `tracker_view`: what the actions read from a conversation (audience, entities, last fact).
- `answers`: answering from the fact store and the follow-ups (more, sources, simpler,
  audience switch, topic menu).
- `safety`: urgent warning signs (`action_urgent_care`) and bereavement.
- `conversation`: greeting, clarification at low confidence, out of scope, handoff to a
  person, and "Was this helpful?" feedback.
"""
