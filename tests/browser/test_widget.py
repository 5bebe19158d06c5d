"""The parents' website widget in real headless Chromium against the real assistant
(trained model + action server from tests/conftest.py's `assistant` fixture) and web/server.py.

Expected texts are read from the project's own files (domain.yml for the greeting, facts/ for
answers), never hard-coded here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from browser_support import LOST_CONNECTION, Chat, normalise

pytestmark = [pytest.mark.browser, pytest.mark.conversation]

REPO_ROOT = Path(__file__).resolve().parents[2]
HTML_INJECTION = "<img src=x onerror=alert(1)>"
QUESTION = "what is colostrum?"
ANSWER_FACT = "colostrum_what_it_is"
TIMEOUT = 60  # seconds for a reply from the real servers (first replies warm the model up)


def load_fact(fact_id: str) -> dict:
    for path in sorted((REPO_ROOT / "facts").glob("*.yml")):
        for fact in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("facts") or []:
            if isinstance(fact, dict) and fact.get("id") == fact_id:
                return fact
    raise AssertionError(f"fact {fact_id} not found in facts/")


def greeting_paragraphs() -> list:
    """utter_greet from domain.yml, split the way Rasa's socket.io channel splits messages."""
    domain = yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))
    text = domain["responses"]["utter_greet"][0]["text"]
    return [normalise(p) for p in text.strip().split("\n\n") if p.strip()]


def button_title(question: str) -> str:
    """As actions/fact_store/rendering.py's button_title (related-fact buttons)."""
    return question if len(question) <= 60 else question[:57].rstrip() + "..."


@pytest.fixture(scope="module")
def site(real_assistant, web_server_for) -> str:
    return web_server_for(real_assistant.rasa_url)


def open_and_greet(open_page, site, **size):
    page, net = open_page(site, **size)
    chat = Chat(page)
    chat.open()
    for paragraph in greeting_paragraphs():
        chat.wait_for_bot_text(paragraph, timeout=TIMEOUT)
    chat.wait_until_settled()  # the greeting is more than one message
    return page, net, chat


def assert_nothing_left_this_machine(page, net):
    assert page.dialogs == [], f"dialogs opened: {page.dialogs}"
    assert page.evaluate("window.__cspViolations") == [], "Content-Security-Policy violations"
    assert net.non_local() == [], f"requests off this machine: {net.non_local()}"


def test_greeting_answer_button_and_reload(open_page, site, artifacts_dir):
    page, net, chat = open_and_greet(open_page, site)
    page.screenshot(path=str(artifacts_dir / "widget-greeting.png"))

    # A question, answered from the fact store.
    fact = load_fact(ANSWER_FACT)
    chat.send(QUESTION)
    chat.wait_for_bot_text(fact["parent_answer"], timeout=TIMEOUT)
    assert normalise(QUESTION) in chat.user_texts()
    # Links in the answer (its source) open safely in a new tab.
    links = page.locator("[role=log] a")
    assert links.count() >= 1, "the answer's source link"
    for i in range(links.count()):
        link = links.nth(i)
        assert link.get_attribute("href").startswith(("https://", "http://"))
        assert link.get_attribute("target") == "_blank"
        assert link.get_attribute("rel") == "noopener noreferrer"
    page.screenshot(path=str(artifacts_dir / "widget-answer.png"))

    # A related-fact button: the title shows as the user's message, its answer follows.
    related = load_fact(fact["related"][0])
    title = button_title(related["question"])
    page.get_by_role("button", name=title, exact=True).last.click()
    chat.wait_until(lambda: title in chat.user_texts(), 10, "the button title as the user's message")
    chat.wait_for_bot_text(related["parent_answer"], timeout=TIMEOUT)

    # Reload: the conversation and the session are still there, and the bot still answers.
    before, session = chat.wait_until_settled(), chat.session_id()
    page.reload()
    chat = Chat(page)
    chat.input.wait_for(state="visible")
    chat.wait_until(lambda: chat.messages() == before, 15, "the same transcript after reload")
    assert chat.session_id() == session
    bots = len(chat.bot_texts())
    chat.send(QUESTION)
    chat.wait_for_new_bot_message(bots, timeout=TIMEOUT)
    page.screenshot(path=str(artifacts_dir / "widget-after-reload.png"))
    assert_nothing_left_this_machine(page, net)


def test_html_injection_runs_nothing(open_page, site, artifacts_dir):
    page, net, chat = open_and_greet(open_page, site)
    bots = len(chat.bot_texts())
    chat.send(HTML_INJECTION)
    chat.wait_for_new_bot_message(bots, timeout=TIMEOUT)
    page.wait_for_timeout(1000)
    assert HTML_INJECTION in chat.user_texts(), "the message is shown as the text typed"
    assert page.locator("[role=log] img").count() == 0, "an <img> element was created"
    assert not any(url.endswith("/x") for url in net.requests), "the injected image was requested"
    page.screenshot(path=str(artifacts_dir / "widget-html-injection.png"))
    assert_nothing_left_this_machine(page, net)


def test_every_request_stays_on_this_machine_at_360px(open_page, site, artifacts_dir):
    """Records every request and websocket of a whole conversation, on a 360 px wide phone."""
    page, net, chat = open_and_greet(open_page, site, width=360, height=740)
    chat.send(QUESTION)
    chat.wait_for_bot_text(load_fact(ANSWER_FACT)["parent_answer"], timeout=TIMEOUT)
    page.screenshot(path=str(artifacts_dir / "widget-360px.png"))
    assert net.requests, "the recorder saw nothing"
    assert any("/socket.io" in url for url in net.websockets + net.requests), "no socket.io traffic seen"
    assert_nothing_left_this_machine(page, net)
    # usable at 360 px: the panel fills the screen, nothing scrolls sideways
    box = page.locator(".bmchat-panel").bounding_box()
    assert box["x"] >= 0 and 340 <= box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    send = chat.send_button.bounding_box()
    assert send["x"] + send["width"] <= 360


def test_lost_connection_message_then_recovery(open_page, site, real_assistant, artifacts_dir):
    page, net, chat = open_and_greet(open_page, site)
    greeting = chat.bot_texts()
    real_assistant.stop_rasa()
    try:
        chat.status.get_by_text(LOST_CONNECTION).wait_for(timeout=20000)
        assert chat.status.is_visible()
        page.screenshot(path=str(artifacts_dir / "widget-connection-lost.png"))
        shown = chat.bot_texts()
        assert all(text in shown for text in greeting), "the transcript stays while offline"
    finally:
        real_assistant.start_rasa()
    # The widget reconnects by itself (backoff at most 4 s) and answers again.
    chat.wait_until(lambda: chat.status.get_by_text(LOST_CONNECTION).count() == 0, TIMEOUT,
                    "the lost-connection message to go away")
    chat.send(QUESTION)
    chat.wait_for_bot_text(load_fact(ANSWER_FACT)["parent_answer"], timeout=TIMEOUT)
    page.screenshot(path=str(artifacts_dir / "widget-reconnected.png"))
    assert_nothing_left_this_machine(page, net)
