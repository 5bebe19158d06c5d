"""The project-built spaCy pipeline: lemmas, entities, and content fingerprinting."""
import shutil
from pathlib import Path

import pytest

from nlu_components.spacy_model import SpacyNLP, pipeline_fingerprint

from tests.unit.conftest import PIPELINE


def test_lookup_lemmas(nlp):
    doc = nlp("the babies were feeding and my breasts leaked")
    assert [t.lemma_ for t in doc][1:4] == ["baby", "be", "feed"]


@pytest.mark.parametrize(
    "text, label",
    [
        ("does colostrum have antibodies", "milk_component"),
        ("what does lactoferrin do", "milk_component"),
        ("can breastfeeding prevent eczema", "condition"),
        ("my 3 week old baby", "baby_age"),
    ],
)
def test_entity_ruler_finds_components_conditions_and_ages(nlp, text, label):
    assert label in {e.label_ for e in nlp(text).ents}


def test_fingerprint_follows_the_pipeline_content(tmp_path):
    copy = tmp_path / "pipeline"
    shutil.copytree(PIPELINE, copy)
    before = SpacyNLP.fingerprint_addon({"model": str(copy)})
    assert before == pipeline_fingerprint(str(copy))
    meta = copy / "meta.json"
    meta.write_text(meta.read_text().replace("breastmilk", "breastmilk2"))
    assert SpacyNLP.fingerprint_addon({"model": str(copy)}) != before
