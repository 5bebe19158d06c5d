"""Conversations made through the real running assistant (tests/conftest.py `assistant`:
the trained model, the real action server, a SQLite tracker store) land in the console's
list with the right signals, and a conversation saved as a test story passes
`rasa test core` against the trained model.

These need models/assistant.tar.gz: without it they skip, or fail when REQUIRE_SERVICES=1.
"""

import os
import random
import string
import subprocess

import pytest
import yaml

from tests.console.conftest import QUIET, ROOT, Client, console_env, start_console
from tests.support.requirements import missing_service

MODEL = ROOT / "models" / "assistant.tar.gz"
pytestmark = [pytest.mark.conversation, pytest.mark.requires_model]

RUN = "".join(random.choices(string.ascii_lowercase, k=8))  # no digit runs: they would be masked
SCRIPTS = {
    "negative": ["hello", "what is colostrum?", "that was not helpful"],
    "urgent": ["my 2 week old is floppy and won't wake up"],
    "fallback": ["blorp zzz qq wibble", "what is the best pram for jogging"],
    "handoff": ["I'm a midwife", "what does lactoferrin do?", "that was helpful", "I want to talk to a real person"],
}


def truth(events):
    """The signals of a conversation computed from Rasa's own tracker JSON."""
    actions = [e.get("name") for e in events if e.get("event") == "action"]
    slots = [(e.get("name"), e.get("value")) for e in events if e.get("event") == "slot"]
    intents = [(e.get("parse_data") or {}).get("intent", {}).get("name") for e in events if e.get("event") == "user"]
    return {
        "urgent": "action_urgent_care" in actions,
        "fallback": "nlu_fallback" in intents or bool({"action_clarify", "action_default_fallback"} & set(actions)),
        "handoff": "action_handoff" in actions or ("handoff_requested", True) in slots,
        "negative": ("feedback", "not_helpful") in slots or "feedback_not_helpful" in intents,
        "facts": {value for name, value in slots if name == "fact_id" and value},
        "audience": next((v for n, v in reversed(slots) if n == "audience" and v), "parent"),
    }


@pytest.fixture(scope="module")
def recorded(request, tmp_path_factory):
    if not MODEL.is_file():
        missing_service("the trained model", f"no {MODEL.relative_to(ROOT)}: run `make model`")
    assistant = request.getfixturevalue("assistant")
    senders = {}
    for name, messages in SCRIPTS.items():
        sender = f"console-{name}-{RUN}"
        for message in messages:
            assistant.say(sender, message)
        senders[name] = sender
    expected = {name: truth(assistant.tracker(sender)["events"]) for name, sender in senders.items()}
    root = tmp_path_factory.mktemp("console-on-assistant")
    (root / "stories").mkdir()
    env = console_env(
        root,
        CONSOLE_ENDPOINTS=str(assistant.endpoints_path),
        CONSOLE_FACTS_DIR=str(ROOT / "facts"),
        CONSOLE_DOMAIN=str(ROOT / "domain.yml"),
        CONSOLE_DATA_DIR=str(root / "data"),
        CONSOLE_STORIES_DIR=str(root / "stories"),
        REVIEW_DATABASE_URL=f"sqlite:///{root}/review.db",
    )
    server = start_console(type("P", (), {"env": env}), "console-on-assistant")
    try:
        yield {"senders": senders, "expected": expected, "client": Client(server.url), "root": root}
    finally:
        server.stop()


def test_assistant_conversations_appear_with_the_right_signals(recorded):
    client, senders, expected = recorded["client"], recorded["senders"], recorded["expected"]
    mine = set(senders.values())
    listed = client.senders("channel=rest") & mine
    assert listed == mine
    # the contract's guarantees
    assert expected["urgent"]["urgent"], "the urgent sign did not run action_urgent_care"
    assert expected["negative"]["facts"], "the colostrum question set no fact_id"
    for flag in ("urgent", "fallback", "handoff", "negative"):
        matching = client.senders(f"{flag}=1") & mine
        assert matching == {senders[n] for n, t in expected.items() if t[flag]}, flag
    for name, signals in expected.items():
        for fact in signals["facts"]:
            assert senders[name] in client.senders(f"fact={fact}")
        assert senders[name] in client.senders(f"audience={signals['audience']}")
    page = client.get(f"/conversations/{senders['negative']}").text
    fact = sorted(expected["negative"]["facts"])[0]
    assert f'href="/facts/{fact}"' in page and "what is colostrum?" in page


def test_saved_story_passes_rasa_test_core(recorded, tmp_path):
    client, sender = recorded["client"], recorded["senders"]["negative"]
    page = client.post(f"/conversations/{sender}/story")
    assert "Test story written" in page.text, page.text[:500]
    story = next((recorded["root"] / "stories").glob(f"reviewed_console-negative-{RUN}_*.yml"))
    print(story.read_text())
    steps = yaml.safe_load(story.read_text())["stories"][0]["steps"]
    assert any(s.get("user") for s in steps) and any(s.get("action") for s in steps)
    result = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "rasa"), "test", "core",
            "--model", str(MODEL), "--stories", str(story),
            "--fail-on-prediction-errors", "--out", str(tmp_path / "results"),
        ],
        cwd=ROOT,
        env={**os.environ, **QUIET},
        capture_output=True,
        text=True,
        timeout=900,
    )
    failed = tmp_path / "results" / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:] + details
    assert "story:" not in details, details
