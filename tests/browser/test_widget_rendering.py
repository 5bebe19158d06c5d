"""The widget in real Chromium against tests/browser/stub_rasa.py: Rasa's own socket.io channel
with scripted replies, so rendering, safety, accessibility and connection handling are checked
independently of the assistant's content and model (tests against the trained assistant are in
test_widget.py)."""

from __future__ import annotations

import pytest

from browser_support import LOST_CONNECTION, Chat, HtmlHost, normalise

pytestmark = pytest.mark.browser

HTML_INJECTION = "<img src=x onerror=alert(1)>"


@pytest.fixture
def site(stub_assistant, web_server_for) -> str:
    stub_assistant.start_rasa()  # no-op unless a test left it stopped
    return web_server_for(stub_assistant.rasa_url)


def open_chat(open_page, site, **size):
    page, net = open_page(site, **size)
    chat = Chat(page)
    chat.open()
    chat.wait_for_bot_text("Stub privacy notice", timeout=20)
    return page, net, chat


def assert_clean(page, net):
    assert page.dialogs == [], f"dialogs opened: {page.dialogs}"
    assert page.evaluate("window.__cspViolations") == []
    assert net.non_local() == [], f"requests off this machine: {net.non_local()}"


def test_connects_only_when_opened_and_greets_once(stub_assistant, site, open_page):
    page, net = open_page(site)
    page.wait_for_timeout(500)
    assert net.websockets == [] and not any("/socket.io" in u for u in net.requests), "connected before opening"
    chat = Chat(page)
    assert chat.launcher.get_attribute("aria-expanded") == "false"
    chat.open()
    assert chat.launcher.is_hidden()
    # The greeting comes with its disclaimer and privacy notice (Rasa splits paragraphs).
    for text in ("Hello! I'm the stub helper.", "Stub disclaimer", "Stub privacy notice"):
        chat.wait_for_bot_text(text, timeout=20)
    assert chat.user_texts() == [], "the /greet payload must not show as a user message"
    sid = chat.session_id()
    sent = [m for m in stub_assistant.received() if m["sender_id"] == sid]
    assert [m["text"] for m in sent] == ["/greet"]
    assert sent[0]["metadata"]["widget"] == "parents-web"  # customData -> tracker metadata
    assert_clean(page, net)


def test_button_sends_payload_and_shows_title(stub_assistant, site, open_page):
    page, net, chat = open_chat(open_page, site)
    page.get_by_role("button", name="What is colostrum?").click()
    chat.wait_for_bot_text("Stub answer: colostrum is the first milk.")
    assert chat.user_texts() == ["What is colostrum?"]
    sid = chat.session_id()
    assert [m["text"] for m in stub_assistant.received() if m["sender_id"] == sid] == ["/greet", "/ask_colostrum"]
    assert page.get_by_role("group", name="Suggested replies").count() >= 2
    assert_clean(page, net)


def test_links_open_in_a_new_tab_and_only_for_http(site, open_page):
    page, net, chat = open_chat(open_page, site)
    chat.send("links please")
    chat.wait_for_bot_text("Also important words.")
    links = page.locator("[role=log] a")
    assert links.count() == 2
    hrefs = [links.nth(i).get_attribute("href") for i in range(2)]
    assert hrefs == ["https://www.who.int/health-topics/breastfeeding", "https://example.org/milk?a=1&b=2"]
    for i in range(2):
        assert links.nth(i).get_attribute("target") == "_blank"
        assert links.nth(i).get_attribute("rel") == "noopener noreferrer"
    assert page.get_by_role("link", name="the WHO page (opens in a new tab)").count() == 1
    text = chat.bot_texts()[-1]
    assert "[click me](javascript:alert(1))" in text  # not a link: shown as typed
    assert "ftp://example.org/file" in text
    assert page.locator("[role=log] strong").inner_text() == "important"
    assert page.locator("[role=log] a[href^='javascript'], [role=log] a[href^='ftp']").count() == 0
    assert_clean(page, net)  # showing links fetched nothing


def test_html_from_user_and_bot_is_shown_as_text(site, open_page):
    page, net, chat = open_chat(open_page, site)
    chat.send(HTML_INJECTION)
    chat.wait_for_bot_text("You said: " + HTML_INJECTION)
    chat.send("html please")
    chat.wait_for_bot_text("<script>alert(2)</script>")
    page.wait_for_timeout(500)
    assert HTML_INJECTION in chat.user_texts()
    assert page.locator("[role=log] img, [role=log] script, [role=log] b").count() == 0
    assert not any(u.endswith("/x") for u in net.requests), "the injected <img> was loaded"
    assert_clean(page, net)


def test_image_attachment_becomes_a_link(site, open_page):
    page, net, chat = open_chat(open_page, site)
    chat.send("image please")
    link = page.get_by_role("link", name="Open image (opens in a new tab)")
    link.wait_for()
    assert link.get_attribute("href") == "https://example.org/picture.png"
    assert page.locator("[role=log] img").count() == 0
    assert_clean(page, net)


def test_reload_keeps_the_conversation_and_the_session(stub_assistant, site, open_page):
    page, net, chat = open_chat(open_page, site)
    chat.send("what is colostrum?")
    chat.wait_for_bot_text("Stub answer")
    before, sid = chat.wait_until_settled(), chat.session_id()
    page.reload()
    chat = Chat(page)
    chat.input.wait_for(state="visible")  # it was open, so it opens again
    chat.wait_until(lambda: chat.messages() == before, 10, "the transcript after reload")
    assert chat.session_id() == sid
    chat.send("hello again")
    chat.wait_for_bot_text("You said: hello again")
    texts = [m["text"] for m in stub_assistant.received() if m["sender_id"] == sid]
    assert texts == ["/greet", "what is colostrum?", "hello again"], "no second greeting, same session"
    assert_clean(page, net)


def test_new_chat_starts_a_new_session(site, open_page):
    page, net, chat = open_chat(open_page, site)
    chat.send("first conversation")
    chat.wait_for_bot_text("You said: first conversation")
    sid = chat.session_id()
    page.get_by_role("button", name="Start a new conversation").click()
    chat.wait_until(lambda: chat.session_id() not in (None, sid), 10, "a new session id")
    chat.wait_for_bot_text("Stub privacy notice")
    assert not any("first conversation" in t for t in chat.bot_texts() + chat.user_texts())


def test_offline_message_is_queued_and_sent_after_reconnect(stub_assistant, site, open_page):
    page, net, chat = open_chat(open_page, site)
    stub_assistant.stop_rasa()
    try:
        chat.status.get_by_text(LOST_CONNECTION).wait_for(timeout=15000)
        assert chat.bot_texts(), "the transcript must stay"
        chat.send("sent while offline")
        page.get_by_text("Will be sent when the connection is back.").wait_for()
    finally:
        stub_assistant.start_rasa()
    chat.wait_for_bot_text("You said: sent while offline", timeout=40)
    assert page.get_by_text("Will be sent when the connection is back.").count() == 0
    assert chat.status.get_by_text(LOST_CONNECTION).count() == 0


# --- accessibility ----------------------------------------------------------------------------

FOCUS_STYLE_JS = """
() => {
  const root = document.querySelector('#bmchat-widget').shadowRoot;
  const el = root.activeElement;
  if (!el) return null;
  const s = getComputedStyle(el);
  return {tag: el.tagName, text: (el.getAttribute('aria-label') || el.textContent || el.id).trim(),
          style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor};
}
"""

NAMES_JS = """
() => {
  const root = document.querySelector('#bmchat-widget').shadowRoot;
  const problems = [];
  root.querySelectorAll('button, input, textarea, select, a').forEach(el => {
    if (el.closest('[hidden]')) return;
    let name = (el.getAttribute('aria-label') || '').trim();
    if (!name && el.labels && el.labels.length) name = el.labels[0].textContent.trim();
    if (!name) name = el.textContent.trim();
    if (!name) problems.push(el.outerHTML.slice(0, 80));
  });
  const log = root.querySelector('[role=log]');
  return {problems, logLive: log && log.getAttribute('aria-live'), logLabel: log && log.getAttribute('aria-label'),
          status: root.querySelector('[role=status]') ? root.querySelector('[role=status]').getAttribute('aria-live') : null};
}
"""

CONTRAST_JS = """
() => {
  const parse = c => { const m = c.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const lum = ({r, g, b}) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = el => {
    for (let n = el; n; n = n.parentNode && n.parentNode.host ? n.parentNode.host : n.parentElement) {
      if (n.nodeType !== 1) continue;
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c.a > 0.5) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const root = document.querySelector('#bmchat-widget').shadowRoot;
  const out = [];
  root.querySelectorAll('.bmchat-bubble, .bmchat-reply, .bmchat-send, .bmchat-label, .bmchat-title, ' +
                        '.bmchat-header-button, .bmchat-link, .bmchat-status, .bmchat-input, .bmchat-launcher').forEach(el => {
    if (!el.textContent.trim() && el.tagName !== 'INPUT') return;
    if (el.closest('[hidden]')) return;
    const fg = parse(getComputedStyle(el).color), bg = background(el);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    out.push({what: el.className, ratio: Math.round((a + 0.05) / (b + 0.05) * 100) / 100});
  });
  return out;
}
"""


def test_keyboard_only_use_with_visible_focus(site, open_page, artifacts_dir):
    page, net = open_page(site)
    chat = Chat(page)
    # Tab from the top of the page reaches the launcher (skip link, then the widget).
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == "bmchat-widget":
            break
    focused = page.evaluate(FOCUS_STYLE_JS)
    assert focused and "Chat with us" in focused["text"], focused
    assert focused["style"] != "none" and focused["width"] >= 2, f"launcher focus not visible: {focused}"
    page.keyboard.press("Enter")
    chat.wait_for_bot_text("Stub privacy notice", timeout=20)
    assert page.evaluate(FOCUS_STYLE_JS)["tag"] == "INPUT", "opening the chat puts focus in the input"
    page.keyboard.type("what is colostrum?")
    page.keyboard.press("Enter")
    chat.wait_for_bot_text("Stub answer")
    # Every control can be reached with Tab and shows a focus ring.
    seen = []
    for _ in range(20):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_STYLE_JS)
        if not info:
            continue
        seen.append(info["text"])
        assert info["style"] != "none" and info["width"] >= 2, f"no visible focus on {info}"
        if info["text"] == "Tell me more":
            page.screenshot(path=str(artifacts_dir / "widget-keyboard-focus.png"))
            page.keyboard.press("Enter")  # buttons work from the keyboard
            break
    assert "Tell me more" in seen, f"reply buttons not reachable by Tab: {seen}"
    for name in ("Send", "Close chat", "Start a new conversation (clears this one from this device)"):
        assert name in seen, f"{name!r} not reachable by Tab: {seen}"
    chat.wait_until(lambda: "Tell me more" in chat.user_texts(), 10, "the keyboard-activated reply")
    page.keyboard.press("Escape")
    assert chat.launcher.is_visible()
    assert "Chat with us" in page.evaluate(FOCUS_STYLE_JS)["text"], "focus returns to the launcher"


def test_controls_are_labelled_and_the_transcript_is_a_live_log(site, open_page):
    page, net, chat = open_chat(open_page, site)
    result = page.evaluate(NAMES_JS)
    assert result["problems"] == [], f"controls without an accessible name: {result['problems']}"
    assert result["logLive"] == "polite" and result["logLabel"]
    assert result["status"] == "polite"
    assert page.get_by_role("log", name="Conversation").count() == 1
    assert page.get_by_role("button", name="Close chat").count() == 1
    assert page.get_by_role("textbox", name="Your question").count() == 1
    assert page.get_by_role("region", name="Breast milk & immunity helper").count() == 1


def test_text_contrast_meets_wcag_aa(site, open_page):
    page, net, chat = open_chat(open_page, site)
    chat.send("links please")
    chat.wait_for_bot_text("Also important words.")
    results = page.evaluate(CONTRAST_JS)
    assert len(results) >= 8
    low = [r for r in results if r["ratio"] < 4.5]
    assert not low, f"contrast below 4.5:1: {low}"


def test_usable_at_360_px(site, open_page, artifacts_dir):
    page, net, chat = open_chat(open_page, site, width=360, height=740)
    chat.send("links please")
    chat.wait_for_bot_text("Also important words.")
    box = page.locator(".bmchat-panel").bounding_box()
    assert box["x"] >= 0 and box["width"] <= 360 and box["width"] >= 340
    for locator in (chat.input, chat.send_button, page.get_by_role("button", name="Close chat")):
        b = locator.bounding_box()
        assert b and b["x"] >= 0 and b["x"] + b["width"] <= 360, f"control outside the screen: {b}"
        assert b["height"] >= 24, "touch targets at least 24 px"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling"
    assert page.evaluate(
        "(() => { const l = document.querySelector('#bmchat-widget').shadowRoot.querySelector('.bmchat-log');"
        " return l.scrollWidth <= l.clientWidth; })()"
    )
    page.screenshot(path=str(artifacts_dir / "widget-stub-360px.png"))


# --- embedding on other websites ----------------------------------------------------------------


def embed_page(site: str, rasa_url: str) -> str:
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Clinic</title></head>"
        "<body><h1>Another website</h1>"
        f'<script src="{site}/widget.js" data-rasa-url="{rasa_url}" crossorigin="anonymous" defer></script>'
        "</body></html>"
    )


def test_embed_snippet_works_only_on_allowed_websites(stub_assistant, web_server_for, open_page, artifacts_dir):
    # Two other websites on loopback; only the first is in WEB_ALLOWED_ORIGINS.
    with HtmlHost("") as allowed_site, HtmlHost("") as refused_site:
        allowed = allowed_site.url.rstrip("/")
        site = web_server_for(stub_assistant.rasa_url, allowed_origins=allowed)
        html = embed_page(site, stub_assistant.rasa_url)
        allowed_site.set_html(html)
        refused_site.set_html(html)

        page, net = open_page(allowed_site.url)
        chat = Chat(page)
        chat.open()
        chat.wait_for_bot_text("Stub privacy notice", timeout=20)
        page.screenshot(path=str(artifacts_dir / "widget-embedded.png"))

        other, _ = open_page(refused_site.url)
        other.wait_for_timeout(1000)
        assert other.evaluate("typeof window.__bmchatWidget") == "undefined", "a website not listed loaded the widget"
        assert other.locator("#bmchat-widget").count() == 0


def test_embed_snippet_is_what_the_page_uses(site):
    import urllib.request

    with urllib.request.urlopen(site + "/") as response:  # noqa: S310 (loopback)
        page = response.read().decode()
    assert normalise('<script src="/widget.js" data-rasa-url=') in normalise(page)


def test_two_tabs_share_one_conversation(stub_assistant, site, open_page):
    first, net, chat = open_chat(open_page, site)
    second, _ = open_page(site, context=first.context)
    other = Chat(second)
    other.input.wait_for(state="visible")  # the chat was open in this browser, so it opens here too
    chat.send("from the first tab")
    chat.wait_for_bot_text("You said: from the first tab")
    other.wait_for_bot_text("You said: from the first tab", timeout=10)
    other.wait_until(lambda: "from the first tab" in other.user_texts(), 10, "the first tab's message")
    assert other.session_id() == chat.session_id()
    page_texts = chat.bot_texts()
    assert page_texts.count("You said: from the first tab") == 1
    assert other.bot_texts().count("You said: from the first tab") == 1, "stored once, not per tab"
