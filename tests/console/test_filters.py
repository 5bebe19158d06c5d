"""Each filter of the conversation list narrows to exactly the right conversations."""

import re

import pytest

from tests.console import fixture_data as fx

ALL = fx.ALL_SENDERS
CASES = fx.FILTER_CASES


def test_no_filter_lists_everything(client):
    assert client.senders() == ALL


@pytest.mark.parametrize("query", list(CASES))
def test_filter_narrows_to_the_right_conversations(client, query):
    assert client.senders(query) == CASES[query]


def test_threshold_is_adjustable(client):
    low = client.senders("low_conf=1&threshold=0.45")
    high = client.senders("low_conf=1&threshold=0.99")
    assert low == {"conv-fallback"}
    assert low < high and "conv-negative" in high  # 0.88 and 0.93 are below 0.99


def test_list_is_newest_first_and_paginated(client):
    page1 = client.api("/api/conversations?per_page=5")
    page2 = client.api("/api/conversations?per_page=5&page=2")
    assert page1["total"] == len(ALL)
    ids1, ids2 = [i["id"] for i in page1["items"]], [i["id"] for i in page2["items"]]
    assert ids1[0] == "conv-inject"  # the latest activity
    assert len(ids1) == len(ids2) == 5 and not set(ids1) & set(ids2)
    times = [i["last"] for i in page1["items"] + page2["items"]]
    assert times == sorted(times, reverse=True)


def test_html_list_shows_the_filtered_rows_with_signals(client):
    page = client.get("/conversations?negative=1").text
    rows = re.findall(r'<tr class="conversation-row" data-sender="([^"]+)"', page)
    assert rows == ["conv-negative"]
    assert 'id="total">1<' in page and "not helpful 1" in page
    # the list keeps the filters in the pagination and export links
    assert "/api/export.csv?negative=1" in page


def test_review_side_filters_tag_reviewed_and_note_search(fresh_console):
    from tests.console.conftest import Client

    client = Client(fresh_console.url)
    assert client.senders("reviewed=yes") == set()
    client.post("/conversations/conv-urgent/review", {"reviewed": "1"})
    client.post("/conversations/conv-urgent/tags", {"tag": "Safety check"})
    client.post("/conversations/conv-fallback/tags", {"tag": "content gap"})
    client.post("/conversations/conv-old/notes", {"body": "ask the midwife team about HMOs"})
    assert client.senders("reviewed=yes") == {"conv-urgent"}
    assert "conv-urgent" not in client.senders("reviewed=no") and len(client.senders("reviewed=no")) == len(ALL) - 1
    assert client.senders("tag=safety+check") == {"conv-urgent"}
    assert client.senders("tag=content+gap") == {"conv-fallback"}
    assert client.senders("q=midwife+team") == {"conv-old"}  # notes are searched
    assert client.senders("tag=content+gap&reviewed=yes") == set()
