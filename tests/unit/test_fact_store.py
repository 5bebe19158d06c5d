"""The fact store's guarantees: schema, store rules, content checks, and start-up refusal."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from actions.fact_store import FactStoreError, load_fact_store
from actions.fact_store import check
from actions.fact_store.loader import DEFAULT_FACTS_DIR

ROOT = Path(__file__).resolve().parents[2]
VENDORED_TOPICS = ROOT / "docs" / "topics.md"
SHARED_TOPICS = [
    Path(os.environ["SHARED_DIR"]) / "topics.md" if os.environ.get("SHARED_DIR") else None,
    ROOT.parent / "shared" / "topics.md",
    Path("/work/shared/topics.md"),
]


@pytest.fixture
def facts_copy(tmp_path):
    target = tmp_path / "facts"
    shutil.copytree(DEFAULT_FACTS_DIR, target)
    return target


def edit_first_fact(directory: Path, filename: str, change):
    path = directory / filename
    data = yaml.safe_load(path.read_text())
    change(data["facts"][0])
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return data["facts"][0]["id"]


def test_the_real_store_is_valid_and_covers_every_topic(store):
    assert len(store.facts) >= 80
    for topic, facts in store.by_topic.items():
        assert len(facts) >= 3, topic


def taxonomy_ids(path: Path) -> list:
    return re.findall(r"^\| `([a-z_]+)` \|", path.read_text(encoding="utf-8"), flags=re.M)


def test_topics_match_the_shared_taxonomy(store):
    """facts/topics.yml follows the taxonomy; the in-repo copy follows the shared file where present."""
    vendored = taxonomy_ids(VENDORED_TOPICS)
    assert len(vendored) >= 20
    assert list(store.topics) == vendored
    for shared in [p for p in SHARED_TOPICS if p is not None and p.is_file()][:1]:
        assert taxonomy_ids(shared) == vendored, f"docs/topics.md is out of date with {shared}"


def test_every_parent_answer_is_grade_8_or_below(store):
    assert check.readability_problems(store) == []


def test_every_safety_net_route_leads_to_an_urgent_fact(store):
    assert check.safety_net_problems(store) == []


def test_every_source_has_a_well_formed_link(store):
    for fact in store.facts.values():
        for source in fact.sources:
            assert re.match(r"^https?://\S+$", source.link), (fact.id, source.link)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("evidence_grade", "very strong", "evidence_grade"),
        ("sources", [{"title": "A source without a link", "organisation": "WHO", "year": 2020}], "url or a doi"),
        ("sources", [{"title": "Bad DOI here", "authors": "X", "year": 2020, "doi": "doi:10.1/x"}], "sources.0.doi"),
        ("related", ["no_such_fact"], "unknown fact id 'no_such_fact'"),
        ("parent_answer", None, "parent_answer"),
    ],
)
def test_an_invalid_fact_is_reported_with_file_id_and_field(facts_copy, field, value, message):
    fact_id = edit_first_fact(facts_copy, "lactoferrin.yml", lambda f: f.__setitem__(field, value))
    with pytest.raises(FactStoreError) as raised:
        load_fact_store(facts_copy)
    text = str(raised.value)
    assert "lactoferrin.yml" in text and f"'{fact_id}'" in text and message in text


def test_duplicate_ids_are_refused(facts_copy):
    first = yaml.safe_load((facts_copy / "colostrum.yml").read_text())["facts"][0]["id"]
    edit_first_fact(facts_copy, "lactoferrin.yml", lambda f: f.__setitem__("id", first))
    with pytest.raises(FactStoreError, match=f"fact '{first}': field 'id': used 2 times"):
        load_fact_store(facts_copy)


def test_a_topic_with_too_few_facts_is_refused(facts_copy):
    path = facts_copy / "donor_milk.yml"
    data = yaml.safe_load(path.read_text())
    data["facts"] = data["facts"][:2]
    for fact in data["facts"]:
        fact["related"] = []
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(FactStoreError, match="topic 'donor_milk' has 2 fact"):
        load_fact_store(facts_copy)


def test_the_action_server_refuses_to_start_on_an_invalid_store(facts_copy):
    fact_id = edit_first_fact(facts_copy, "colostrum.yml", lambda f: f.__setitem__("evidence_grade", "???"))
    env = {**os.environ, "FACTS_DIR": str(facts_copy), "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [str(ROOT / ".venv/bin/rasa"), "run", "actions", "--port", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "The fact store is invalid" in output
    assert f"colostrum.yml: fact '{fact_id}': field 'evidence_grade'" in output


def test_facts_check_prints_the_summary(tmp_path):
    result = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-m", "actions.fact_store.check"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for heading in ("Facts per topic:", "Evidence grades:", "reading grade"):
        assert heading in result.stdout
