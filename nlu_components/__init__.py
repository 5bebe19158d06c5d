"""Custom Rasa NLU components of the assistant.

- `spacy_model.SpacyNLP`: Rasa's spaCy loader, fingerprinted by the pipeline's content so that
  a change to the project-built spaCy pipeline leads to retraining.
- `safety_net.SafetyNet`: the deterministic back-up for the classifier. spaCy `Matcher` rules
  find urgent warning signs in a baby and bereavement in any message, and override the intent
  (to `urgent_sign` / `bereavement`) whatever the classifier's confidence.
- `readings`: the numbers the safety net measures (temperatures by age, days of fever, a
  counted breathing rate, wet nappies counted or timed, feeds in ml or oz).
- `topic_evidence.TopicEvidenceGuard`: a weak topic guess that no word of the message supports,
  or a weak guess of another intent on a message of filler words only ("hmm the thing with the
  stuff"), becomes `nlu_fallback`.
"""
