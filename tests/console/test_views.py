"""Conversation view, stable URLs, fact links, review actions and masking in views/exports."""

import csv
import io
import json
import re

from tests.console import fixture_data as fx
from tests.console.conftest import Client


def turn_section(page: str, index: int) -> str:
    match = re.search(rf'<section class="turn[^"]*" id="turn-{index}">(.*?)</section>', page, re.S)
    assert match, f"turn {index} not on the page"
    return match.group(1)


def test_conversation_view_shows_every_part_of_a_turn(client):
    page = client.get("/conversations/conv-handoff").text
    turn = turn_section(page, 2)
    assert "what does lactoferrin do" in turn
    assert '<strong class="intent">ask_lactoferrin</strong> <span class="confidence">0.52</span>' in turn
    assert "ask_oligosaccharides 0.45" in turn and "ask_colostrum 0.02" in turn  # runner-ups
    assert "milk_component=lactoferrin" in turn  # entities
    assert "<code>action_answer_fact</code>" in turn  # actions run
    assert "Lactoferrin sequesters iron..." in turn  # bot reply
    assert 'href="/facts/lactoferrin_what_it_does"' in turn and "What does lactoferrin do?" in turn
    assert "Lactoferrin review" in turn  # the fact's sources
    feedback = turn_section(page, 3)
    assert "Feedback" in feedback and "helpful" in feedback and "lactoferrin_what_it_does" in feedback
    assert "handoff" in turn_section(page, 4)
    assert "audience professional" in page


def test_every_turn_has_a_stable_url(client):
    data = client.api("/api/conversations/conv-negative")
    user_turns = [t for t in data["turns"] if t["event_id"]]
    assert [t["turn"] for t in user_turns] == [1, 2, 3]
    page = client.get("/conversations/conv-negative").text
    for turn in user_turns:
        url = f"/conversations/conv-negative/turns/{turn['event_id']}"
        assert f'href="{url}"' in page and f'id="turn-{turn["turn"]}"' in page
        single = client.get(url)
        assert single.status_code == 200
        assert f'id="turn-{turn["turn"]}"' in single.text
        assert f'href="/conversations/conv-negative#turn-{turn["turn"]}"' in single.text
        assert client.api(f"/api/turns/{turn['event_id']}")["url"] == url
    assert client.get("/conversations/conv-negative/turns/999999").status_code == 404
    assert client.get("/conversations/no-such-conversation").status_code == 404


def test_sender_ids_with_special_characters_have_working_urls(client):
    assert fx.WHATSAPP_SENDER in client.senders("channel=twilio")
    page = client.get("/conversations/whatsapp%3A%2B447700900456")
    assert page.status_code == 200 and "hello there" in page.text
    assert "447700900456" not in re.sub(r'(href|action|data-sender)="[^"]*"', "", page.text)  # label masked


def test_fact_page_links_text_and_sources(client):
    page = client.get("/facts/colostrum_what_it_is").text
    assert "What is colostrum?" in page and "Colostrum is the first milk" in page
    assert 'href="https://publications.aap.org/pediatrics/article/150/1/e2022057988/188347"' in page
    assert "10.1542/peds.2022-057988" in page and "American Academy of Pediatrics" in page
    assert client.get("/facts/no_such_fact").status_code == 404


def test_tags_notes_and_review_status(fresh_console):
    client = Client(fresh_console.url)
    event_id = next(t["event_id"] for t in client.api("/api/conversations/conv-negative")["turns"] if t["event_id"])
    assert client.post("/conversations/conv-negative/tags", {"tag": "wrong answer"}).status_code == 200
    client.post("/conversations/conv-negative/notes", {"body": "answer too technical", "event_id": str(event_id)})
    client.post("/conversations/conv-negative/notes", {"body": "whole conversation note"})
    client.post("/conversations/conv-negative/review", {"reviewed": "1"})
    data = client.api("/api/conversations/conv-negative")
    assert data["tags"] == ["wrong answer"] and data["reviewed"] is True
    assert [n["body"] for n in data["notes"]] == ["answer too technical", "whole conversation note"]
    page = client.get("/conversations/conv-negative").text
    assert "answer too technical" in turn_section(page, 1)
    assert "reviewed" in page and "Mark not reviewed" in page
    client.post("/conversations/conv-negative/tags/remove", {"tag": "wrong answer"})
    client.post("/conversations/conv-negative/review", {"reviewed": "0"})
    data = client.api("/api/conversations/conv-negative")
    assert data["tags"] == [] and data["reviewed"] is False


def test_personal_data_is_masked_in_views_and_exports(client):
    leaks = (fx.PHONE, "7700 900123", fx.EMAIL, "jane.doe", "447700900456")
    views = [
        client.get("/conversations").text,
        client.get("/conversations/conv-urgent").text,
        client.get("/api/conversations/conv-urgent").text,
        client.get("/api/conversations").text,
        client.get("/dashboard").text,
    ]
    exports = [
        client.get("/api/export.csv").text,
        client.get("/api/export.json").text,
        client.get("/api/export.csv?level=turns").text,
        client.get("/api/export.json?level=turns").text,
    ]
    for text in views + exports:
        stripped = re.sub(r'(href|action|data-sender)="[^"]*"', "", text)
        stripped = re.sub(r'"(id|url)":\s*"[^"]*"', "", stripped)  # the API keeps the raw id for links
        for leak in leaks:
            assert leak not in stripped
    assert "[phone hidden]" in views[1] and "[email hidden]" in views[1]
    assert "[phone hidden]" in exports[2] and "[email hidden]" in exports[2]


def test_exports_follow_the_filters(client):
    text = client.get("/api/export.csv?negative=1").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["sender_id"] for r in rows] == ["conv-negative"]
    assert rows[0]["negative_feedback"] == "1" and rows[0]["facts"] == "colostrum_what_it_is"
    data = json.loads(client.get("/api/export.json?fallback=1&level=turns").text)
    assert data["total"] == 1 and data["filters"] == "fallback=1"
    assert [item["intent"] for item in data["items"]] == ["nlu_fallback", "choose_fact", "out_of_scope"]
    assert data["items"][0]["runner_up"] == "ask_lactoferrin"
    response = client.get("/api/export.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    # spreadsheet formula injection is defused
    turns = list(csv.DictReader(io.StringIO(client.get("/api/export.csv?level=turns&q=choose_fact").text)))
    assert turns and all(not r["text"].startswith(("=", "+", "-", "@")) for r in turns)


def test_console_starts_before_rasa_ever_wrote_a_conversation(tmp_path):
    from tests.console.conftest import start_console

    (tmp_path / "endpoints.yml").write_text("tracker_store:\n  type: SQL\n  db: var/trackers.db\n")
    env = {
        "CONSOLE_PROJECT_ROOT": str(tmp_path),
        "CONSOLE_FACTS_DIR": str(tmp_path / "facts"),
        "CONSOLE_DOMAIN": str(tmp_path / "domain.yml"),
    }
    (tmp_path / "var").mkdir()
    server = start_console(type("P", (), {"env": env}), "console-empty")
    try:
        client = Client(server.url)
        page = client.get("/conversations").text
        assert 'id="total">0<' in page and "no <code>events</code> table" in page
        assert client.api("/api/dashboard")["totals"]["conversations"] == 0
        assert client.get("/dashboard").status_code == 200
        assert client.get("/conversations/anything").status_code == 404
    finally:
        server.stop()
