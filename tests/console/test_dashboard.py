"""Dashboard numbers over the recorded conversations, and its server-side SVG charts."""

import re

from tests.console.conftest import Client


def test_dashboard_numbers(client):
    data = client.api("/api/dashboard")
    totals = data["totals"]
    assert totals["conversations"] == 37
    assert totals["messages"] == 3 + 1 + 3 + 4 + 2 + 1 + 1 + 30
    assert totals["fallback"] == 1 and totals["urgent"] == 1 and totals["handoff"] == 1
    assert (totals["helpful"], totals["not_helpful"]) == (1, 1)
    assert abs(totals["fallback_rate"] - 1 / totals["messages"]) < 1e-9
    assert {"topic": "colostrum", "helpful": 0, "not_helpful": 1} in data["helpful_by_topic"]
    assert {"topic": "lactoferrin", "helpful": 1, "not_helpful": 0} in data["helpful_by_topic"]
    assert {"fact_id": "colostrum_what_it_is", "helpful": 0, "not_helpful": 1} in data["helpful_by_fact"]
    pairs = {tuple(p["intents"]): p for p in data["confused_pairs"]}
    assert pairs[("ask_lactoferrin", "ask_oligosaccharides")]["low_margin"] == 1  # 0.52 vs 0.45
    assert pairs[("ask_colostrum", "ask_lactoferrin")]["low_margin"] == 1  # behind nlu_fallback
    unanswered = {u["text"] for u in data["unanswered"]}
    assert {"blorp zzz qq", "can I drink wine tonight"} <= unanswered
    assert data["days"][0] == "2026-10-01" and data["days"][-1] == "2026-11-20"
    assert sum(data["messages_per_day"]) == totals["messages"]


def test_dashboard_follows_filters(client):
    data = client.api("/api/dashboard?date_from=2026-11-20&date_to=2026-11-20")
    assert data["days"] == ["2026-11-20"] and data["totals"]["conversations"] == 6
    assert client.api("/api/dashboard?channel=telegram")["totals"]["messages"] == 2


def test_dashboard_page_renders_svg_charts(client):
    page = client.get("/dashboard").text
    charts = re.findall(r'<svg class="chart" id="([^"]+)"', page)
    assert charts == ["chart-volume", "chart-fallback", "chart-safety", "chart-topics", "chart-facts", "chart-confused"]
    assert page.count("<rect class=\"bar\"") > 5 and "<polyline" in page
    assert "blorp zzz qq" in page  # unanswered questions
    assert "cdn" not in page.lower() and "<script" not in page.lower()


def test_annotations_feed_the_confused_pairs(fresh_console):
    client = Client(fresh_console.url)
    turns = client.api("/api/conversations/conv-negative")["turns"]
    event_id = next(t["event_id"] for t in turns if t["intent"] == "ask_colostrum")
    client.post(f"/conversations/conv-negative/turns/{event_id}/annotate", {"intent": "ask_secretory_iga"})
    pairs = {tuple(p["intents"]): p for p in client.api("/api/dashboard")["confused_pairs"]}
    pair = pairs[("ask_colostrum", "ask_secretory_iga")]
    assert pair["annotations"] == 1 and pair["corrections"] == {"ask_colostrum → ask_secretory_iga": 1}
