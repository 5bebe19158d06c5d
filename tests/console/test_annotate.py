"""Annotations become valid Rasa training data; conversations become Rasa test stories."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from console.annotate import add_nlu_example, story_yaml
from console.config import load_settings
from console.db import Database
from console.queries import ConversationQueries
from tests.console import fixture_data as fx
from tests.console.conftest import QUIET, ROOT, Client

RASA = ROOT / ".venv" / "bin" / "rasa"
INTENTS = fx.INTENTS


def read_nlu(path: Path):
    """The file as Rasa itself reads it: {intent: [texts]}."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    data = RasaYAMLReader().reads(path.read_text(encoding="utf-8"))
    out = {}
    for example in data.intent_examples:
        out.setdefault(example.get("intent"), []).append(example.get("text"))
    return out, data


def test_examples_are_written_deduplicated_moved_and_checked(tmp_path):
    data_dir = tmp_path / "data"
    (data_dir / "nlu").mkdir(parents=True)
    (data_dir / "nlu" / "topics.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: ask_colostrum\n  examples: |\n    - what is [colostrum](milk_component)\n',
        encoding="utf-8",
    )
    out = data_dir / "nlu" / "reviewed.yml"
    add = lambda text, intent: add_nlu_example(data_dir, out, text, intent, INTENTS)  # noqa: E731

    assert add("is the yellow milk good", "ask_colostrum").outcome == "written"
    assert add("  Is the   YELLOW milk good ", "ask_colostrum").outcome == "duplicate"
    assert add("is the yellow milk good", "ask_secretory_iga").outcome == "moved"
    conflict = add("What is colostrum", "ask_immune_cells")
    assert conflict.outcome == "conflict" and "ask_colostrum" in conflict.message and "topics.yml" in conflict.message
    assert add("what is colostrum", "ask_colostrum").outcome == "duplicate"  # already in the data
    assert add("hello", "not_an_intent").outcome == "invalid"
    assert add('/choose_fact{"fact_id_choice":"x"}', "choose_fact").outcome == "invalid"
    assert add("   ", "greet").outcome == "invalid"
    assert add("x", "greet").ok and add_nlu_example(data_dir, out, "y", "greet", []).outcome == "invalid"

    tricky = [
        "is it ok: 'yes' or \"no\"? # really",
        "- starts with a dash",
        "my email is a.b@example.com and phone +44 7700 900123",
        "what about [colostrum](milk_component) in week 1",
        "Ça va? 母乳 and émojis 🍼",
    ]
    for text in tricky:
        assert add(text, "ask_milk_adapts").outcome == "written", text
    parsed, _ = read_nlu(out)
    assert parsed["ask_secretory_iga"] == ["is the yellow milk good"]
    assert "ask_colostrum" not in parsed
    assert parsed["greet"] == ["x"]
    assert parsed["ask_milk_adapts"] == [
        "is it ok: 'yes' or \"no\"? # really",
        "- starts with a dash",
        "my email is <email> and phone <phone>",
        "what about (colostrum)(milk_component) in week 1",  # no accidental entity annotation
        "Ça va? 母乳 and émojis 🍼",
    ]
    content = out.read_text(encoding="utf-8")
    assert content.count("is the yellow milk good") == 1
    assert yaml.safe_load(content)["version"] == "3.1"


def run_validate(project_dir: Path, domain: Path, data_dir: Path, fail_on_warnings: bool):
    command = [str(RASA), "data", "validate", "--data", str(data_dir), "--domain", str(domain)]
    if fail_on_warnings:
        command.append("--fail-on-warnings")
    return subprocess.run(
        command,
        cwd=project_dir,
        env={**os.environ, **QUIET, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def annotate_through_the_console(client: Client, samples):
    for sender, text_part, intent in samples:
        turns = client.api(f"/api/conversations/{sender}")["turns"]
        event_id = next(t["event_id"] for t in turns if t["text"] and text_part in t["text"])
        page = client.post(f"/conversations/{sender}/turns/{event_id}/annotate", {"intent": intent})
        assert page.status_code == 200
        assert "Added to reviewed.yml" in page.text or "Moved from" in page.text, page.text[:500]


def test_annotation_through_the_console_passes_rasa_data_validate(fresh_console, fresh_project):
    client = Client(fresh_console.url)
    annotate_through_the_console(
        client,
        [
            ("conv-fallback", "blorp", "out_of_scope"),
            ("conv-urgent", "floppy", "urgent_sign"),
            ("conv-handoff", "lactoferrin", "ask_oligosaccharides"),
            ("conv-handoff", "lactoferrin", "ask_lactoferrin"),  # corrected again: moves
            ("conv-inject", "script", "out_of_scope"),
        ],
    )
    parsed, _ = read_nlu(fresh_project.nlu_file)
    assert parsed["out_of_scope"] == ["blorp zzz qq", "<script>alert('x')</script> ' OR 1=1; DROP TABLE events; --"]
    assert parsed["ask_lactoferrin"] == ["what does lactoferrin do"] and "ask_oligosaccharides" not in parsed
    assert parsed["urgent_sign"] == ["my 2 week old is floppy and won't wake, call me on <phone> or mail <email>"]
    (fresh_project.root / "config.yml").write_text(
        "recipe: default.v1\nassistant_id: console-test\nlanguage: en\npipeline: []\npolicies: []\n", encoding="utf-8"
    )
    result = run_validate(fresh_project.root, fresh_project.root / "domain.yml", fresh_project.root / "data", False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_annotation_keeps_the_repository_data_valid(tmp_path):
    """On a temp copy of the repo's data/, with the real domain.yml and config.yml."""
    domain, config, data = ROOT / "domain.yml", ROOT / "config.yml", ROOT / "data"
    assert domain.is_file() and config.is_file() and data.is_dir(), "the repository's Rasa project is missing"
    project = tmp_path / "repo"
    project.mkdir()
    shutil.copytree(data, project / "data")
    shutil.copy(config, project / "config.yml")
    out = project / "data" / "nlu" / "reviewed.yml"
    from console.knowledge import Knowledge

    intents = Knowledge(tmp_path / "no-facts", domain).intents()
    assert "ask_colostrum" in intents and "urgent_sign" in intents
    samples = [
        ("does the yellow first milk really protect my newborn from germs", "ask_colostrum"),
        ("how long do the antibodies in my milk keep coming, even at 18 months", "ask_secretory_iga"),
        ("my 10 day old is grey and floppy and will not feed at all", "urgent_sign"),
        ("what is the best pram for jogging with twins", "out_of_scope"),
    ]
    for text, intent in samples:
        result = add_nlu_example(project / "data", out, text, intent, intents)
        assert result.outcome in ("written", "duplicate"), result.message
    after = run_validate(project, domain, project / "data", True)
    if after.returncode != 0:
        out.unlink()
        baseline = run_validate(project, domain, project / "data", True)
        if baseline.returncode != 0:
            pytest.fail(
                "the repository's own data does not pass `rasa data validate --fail-on-warnings` "
                "before any annotation: " + (baseline.stdout + baseline.stderr)[-600:]
            )
        pytest.fail("the annotation broke `rasa data validate`:\n" + (after.stdout + after.stderr)[-3000:])


def fixture_rows(project, sender):
    db = Database(load_settings(project.env))
    try:
        import sqlalchemy as sa

        from console.db import events
        from console.turns import parse_row

        with db.tracker.connect() as connection:
            return [
                parse_row(r)
                for r in connection.execute(sa.select(events).where(events.c.sender_id == sender).order_by(events.c.id))
            ]
    finally:
        db.dispose()


def read_test_stories(text: str):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

    reader = YAMLStoryReader(Domain.from_dict(fx.domain_dict()))
    return reader.read_from_string(text)


def test_story_is_a_rasa_test_story_with_corrections_and_masking(console_project):
    rows = fixture_rows(console_project, "conv-urgent")
    text = story_yaml("conv-urgent", rows, {})
    loaded = yaml.safe_load(text)
    steps = loaded["stories"][0]["steps"]
    assert loaded["version"] == "3.1"
    assert steps[0]["intent"] == "urgent_sign"
    assert steps[0]["user"] == "my [2 week old](baby_age) is floppy and won't wake, call me on <phone> or mail <email>"
    assert steps[1] == {"action": "action_urgent_care"}
    assert steps[2] == {"slot_was_set": [{"topic": "newborn_warning_signs"}]}
    story_steps = read_test_stories(text)
    assert story_steps and story_steps[0].events

    rows = fixture_rows(console_project, "conv-handoff")
    lactoferrin = next(r["id"] for r in rows if r["type_name"] == "user" and "lactoferrin" in r["data"]["text"])
    text = story_yaml("conv-handoff", rows, {lactoferrin: "ask_oligosaccharides"})
    steps = yaml.safe_load(text)["stories"][0]["steps"]
    intents = [s["intent"] for s in steps if "intent" in s]
    assert intents == ["identify_professional", "ask_oligosaccharides", "feedback_helpful", "request_human"]
    assert {"slot_was_set": [{"handoff_requested": True}]} in steps
    assert [s["action"] for s in steps if "action" in s] == [
        "action_set_audience", "action_answer_fact", "action_record_feedback", "action_handoff"
    ]
    read_test_stories(text)


def test_save_as_test_story_through_the_console(fresh_console, fresh_project):
    client = Client(fresh_console.url)
    page = client.post("/conversations/conv-fallback/story")
    assert "Test story written to stories/reviewed_conv-fallback_" in page.text
    files = list(fresh_project.stories_dir.glob("reviewed_conv-fallback_*.yml"))
    assert len(files) == 1
    steps = yaml.safe_load(files[0].read_text())["stories"][0]["steps"]
    assert steps[0]["intent"] == "nlu_fallback" and steps[1] == {"action": "action_clarify"}
    assert any(s.get("intent") == "choose_fact" for s in steps)
    read_test_stories(files[0].read_text())
    # a whatsapp number never ends up in a file name
    client.post("/conversations/whatsapp%3A%2B447700900456/story")
    names = [p.name for p in fresh_project.stories_dir.glob("*.yml")]
    assert not any("447700900456" in name for name in names)
