"""The project's own spaCy pipeline, built from versioned sources in this folder.

No spaCy 3.4 English model can be downloaded here, so `build.py` assembles one: spaCy's
English tokenizer, a lookup lemmatizer with the tables of `spacy-lookups-data`, and an entity
ruler whose patterns live in `patterns/entities.jsonl` (milk components, conditions, ages).
The result is written to `build/spacy/en_breastmilk` and loaded by Rasa through
`nlu_components.spacy_model.SpacyNLP`, which fingerprints the pipeline by its content.
"""
