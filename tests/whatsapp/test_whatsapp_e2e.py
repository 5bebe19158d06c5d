"""End-to-end WhatsApp conversations against the REAL Rasa server and action server.

* The servers are started with the lead's `tests.support.servers.Assistant` (free loopback
  ports, SQLite tracker store in a temp dir, logs in test-artifacts/logs/whatsapp-*.log),
  with the trained model `models/assistant.tar.gz` and `tests/whatsapp/credentials_e2e.yml`,
  so `channels.whatsapp.WhatsAppInput` is loaded exactly as in production.
* Each test posts Twilio-style signed webhooks and reads the replies from the fake Twilio
  Messages API (tests/whatsapp/fake_twilio.py); nothing leaves this machine.
* Answer text is being written by others: the assertions check structure (the `fact_id` slot,
  the metadata, a reference link, order) and read expected texts from facts/*.yml and
  deployment.yml instead of hard-coding them.
"""

import json
import random
import re
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import quote

import pytest
import requests
import yaml

from channels.whatsapp import DEFAULT_MEDIA_ONLY_REPLY, DEFAULT_START_REPLY, DEFAULT_STOP_REPLY
from channels.whatsapp_text import utf16_len
from tests.support.requirements import missing_service
from tests.support.servers import MODEL, ROOT, Assistant
from tests.whatsapp.fake_twilio import FakeTwilio
from tests.whatsapp.support import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    BOT_NUMBER,
    PUBLIC_URL,
    WEBHOOK_PATH,
    sign,
    twilio_form,
)

pytestmark = pytest.mark.conversation

HERE = Path(__file__).resolve().parent
E2E_CREDENTIALS = HERE / "credentials_e2e.yml"
MAX_CHARS = 600  # max_outbound_chars in credentials_e2e.yml
ARTIFACTS = ROOT / "test-artifacts" / "whatsapp"
MARKER = re.compile(r"^\((\d+)/(\d+)\) ")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def new_sender() -> str:
    return "whatsapp:+4477009" + "".join(random.choice("0123456789") for _ in range(5))


class WhatsAppConversation:
    """Talks to the running Rasa server as Twilio does, and reads the fake API."""

    def __init__(self, assistant: Assistant, fake: FakeTwilio) -> None:
        self.assistant = assistant
        self.fake = fake
        self.rasa_url = assistant.rasa_url

    # -- inbound
    def post(
        self, form: Dict[str, str], signature: Optional[str] = "auto"
    ) -> requests.Response:
        headers = {}
        if signature == "auto":
            signature = sign(form)
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        return requests.post(self.rasa_url + WEBHOOK_PATH, data=form, headers=headers, timeout=30)

    def tracker(self, sender: str) -> Dict[str, Any]:
        response = requests.get(
            f"{self.rasa_url}/conversations/{quote(sender, safe=':+')}/tracker", timeout=30
        )
        response.raise_for_status()
        return response.json()

    def wait_turn(self, sender: str, sid: str, timeout: float = 120) -> Dict[str, Any]:
        """The tracker once the user message `sid` was handled (bot back to action_listen)."""
        deadline = time.monotonic() + timeout
        while True:
            tracker = self.tracker(sender)
            events = tracker["events"]
            index = next(
                (i for i, e in enumerate(events)
                 if e["event"] == "user" and e.get("message_id") == sid),
                None,
            )
            if index is not None:
                after = events[index + 1:]
                if after and after[-1]["event"] == "action" and after[-1]["name"] == "action_listen":
                    return tracker
            if time.monotonic() > deadline:
                raise TimeoutError(f"turn {sid} not finished: {events[-5:]}")
            time.sleep(0.2)

    def say(self, text: str, sender: str) -> Tuple[Dict[str, Any], List[Dict[str, Any]], str]:
        """Sends `text`; returns (tracker, new API messages to `sender`, MessageSid)."""
        before = len(self.fake.messages_to(sender))
        form = twilio_form(text, sender)
        response = self.post(form)
        assert response.status_code == 200, response.text
        assert "<Response/>" in response.text
        tracker = self.wait_turn(sender, form["MessageSid"])
        return tracker, self.fake.messages_to(sender)[before:], form["MessageSid"]

    def expect_messages(self, sender: str, count: int, before: int = 0) -> List[Dict[str, Any]]:
        return self.fake.wait_for(before + count, to=sender, timeout=60)[before:]


def logical_messages(api_messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Re-assemble split parts "(i/n) ..." into the messages the bot sent, in order."""
    result: List[Dict[str, Any]] = []
    current: Optional[Dict[str, Any]] = None
    for message in api_messages:
        body = message.get("Body") or ""
        marker = MARKER.match(body)
        if not marker:
            result.append({"text": body, "parts": [body]})
            current = None
            continue
        index, total = int(marker.group(1)), int(marker.group(2))
        if index == 1:
            current = {"text": body[marker.end():], "parts": [body], "total": total}
            result.append(current)
        else:
            assert current is not None and len(current["parts"]) == index - 1, (
                f"part {index}/{total} out of order: {[m.get('Body', '')[:20] for m in api_messages]}"
            )
            current["text"] += " " + body[marker.end():]
            current["parts"].append(body)
    for message in result:
        if "total" in message:
            assert len(message["parts"]) == message["total"], "a split message is incomplete"
    return result


def user_events(tracker: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [e for e in tracker["events"] if e["event"] == "user"]


def events_after(tracker: Dict[str, Any], sid: str) -> List[Dict[str, Any]]:
    events = tracker["events"]
    index = next(i for i, e in enumerate(events) if e.get("message_id") == sid)
    return events[index + 1:]


def options_of(text: str) -> Dict[int, str]:
    return {int(n): title.strip() for n, title in re.findall(r"^(\d+)\. (.+)$", text, re.M)}


@pytest.fixture(scope="module")
def facts() -> Dict[str, Dict[str, Any]]:
    result = {}
    for path in sorted((ROOT / "facts").glob("*.yml")):
        data = yaml.safe_load(path.read_text()) or {}
        for fact in data.get("facts") or []:
            result[fact["id"]] = fact
    return result


@pytest.fixture(scope="module")
def wa(tmp_path_factory):
    if not MODEL.is_file():
        missing_service("trained model", f"{MODEL} is missing (make model)")
    fake = FakeTwilio(ACCOUNT_SID, AUTH_TOKEN).start()
    workdir = tmp_path_factory.mktemp("whatsapp_e2e")
    env = {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_WHATSAPP_NUMBER": BOT_NUMBER,
        "TWILIO_API_BASE": fake.base_url,
        "WHATSAPP_PUBLIC_URL": PUBLIC_URL,
        "WHATSAPP_OPTOUT_DB": str(workdir / "whatsapp_optout.db"),
    }
    assistant = Assistant(workdir, extra_env=env)
    assistant.credentials_path.write_text(E2E_CREDENTIALS.read_text())
    assistant.actions.name = "whatsapp-action-server"
    assistant.rasa.name = "whatsapp-rasa-server"
    try:
        assistant.start()
        yield WhatsAppConversation(assistant, fake)
    finally:
        assistant.stop()
        fake.stop()


def _record(name: str, inbound: List[str], api_messages: List[Dict[str, Any]]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    keep = ("To", "From", "Body", "MediaUrl", "sid", "path_sid")
    (ARTIFACTS / f"{name}.json").write_text(
        json.dumps(
            {"inbound": inbound, "outbound": [{k: m[k] for k in keep if k in m} for m in api_messages]},
            indent=2,
            ensure_ascii=False,
        )
    )


def _answer_for(fact: Dict[str, Any], messages: List[Dict[str, Any]]) -> Dict[str, Any]:
    wanted = _norm(fact["professional_answer"])
    found = [m for m in messages if wanted in _norm(m["text"])]
    assert found, f"professional answer of {fact['id']} not in {[m['text'][:80] for m in messages]}"
    return found[0]


# ---------------------------------------------------------------------------------- tests
def test_nurse_gets_the_professional_answer_with_a_reference_link(wa, facts):
    sender = new_sender()
    question = "sIgA levels in colostrum vs mature milk?"
    tracker, api_messages, sid = wa.say(question, sender)
    _record("nurse_siga_exchange", [question], api_messages)

    fact_id = tracker["slots"]["fact_id"]
    assert fact_id in facts, f"fact_id slot not set to a fact id: {fact_id!r}"
    assert facts[fact_id]["topic"] in {"secretory_iga", "colostrum"}
    assert tracker["slots"]["audience"] == "professional"
    [user] = [e for e in user_events(tracker) if e.get("message_id") == sid]
    assert user["input_channel"] == "whatsapp"
    assert user["metadata"]["channel"] == "whatsapp"
    assert user["metadata"]["audience"] == "professional"

    messages = logical_messages(api_messages)
    answer = _answer_for(facts[fact_id], messages)
    links = [s.get("url") or s.get("doi") for s in facts[fact_id]["sources"]]
    assert re.search(r"https://\S+", answer["text"]), "no reference link in the answer"
    assert any(link and link in answer["text"] for link in links), "no source of the fact linked"
    assert all(m["From"] == BOT_NUMBER and m["To"] == sender for m in api_messages)


def test_a_long_answer_arrives_split_in_order(wa, facts):
    sender = new_sender()
    tracker, api_messages, _ = wa.say("What antibodies are in breast milk? Give me the evidence.", sender)
    messages = logical_messages(api_messages)  # asserts parts are complete and in order
    fact = facts[tracker["slots"]["fact_id"]]
    answer = _answer_for(fact, messages)

    assert utf16_len(_norm(answer["text"])) > MAX_CHARS
    assert len(answer["parts"]) >= 2
    assert all(utf16_len(part) <= MAX_CHARS for part in api_messages_bodies(api_messages))
    assert [MARKER.match(p).group(1) for p in answer["parts"]] == [
        str(i) for i in range(1, len(answer["parts"]) + 1)
    ]
    # every part but the last ends at a sentence end or a whole line (a reference ending in
    # its link), never mid-sentence
    for part in answer["parts"][:-1]:
        assert re.search(r"([.!?:]|https?://\S+)$", part), part[-60:]
    received = [m["received_at"] for m in api_messages]
    assert received == sorted(received)


def api_messages_bodies(api_messages: List[Dict[str, Any]]) -> List[str]:
    return [m.get("Body") or "" for m in api_messages]


def test_a_numbered_reply_picks_the_button(wa, facts):
    sender = new_sender()
    _, api_messages, _ = wa.say("sIgA levels in colostrum vs mature milk?", sender)
    menu_text = next(m["text"] for m in logical_messages(api_messages) if "Reply 1" in m["text"])
    options = options_of(menu_text)
    assert 1 in options, menu_text
    title = options[1]
    expected = [
        fid for fid, f in facts.items()
        if f["question"] == title or (title.endswith("...") and f["question"].startswith(title[:-3]))
    ]
    assert expected, f"option 1 {title!r} is not a fact question"

    tracker, replies, sid = wa.say("1", sender)
    [user] = [e for e in user_events(tracker) if e.get("message_id") == sid]
    assert user["parse_data"]["intent"]["name"] == "choose_fact"
    assert tracker["slots"]["fact_id"] in expected
    assert replies, "no answer to the numbered reply"

    # the option's words work too: "Was this helpful?" -> "Yes, helpful"
    feedback = next((m["text"] for m in logical_messages(replies) if "helpful" in m["text"].lower()
                     and re.search(r"^\d+\. ", m["text"], re.M)), None)
    if feedback:
        words = next(t for t in options_of(feedback).values() if t.lower().startswith("yes"))
        tracker, _, sid = wa.say(words, sender)
        [user] = [e for e in user_events(tracker) if e.get("message_id") == sid]
        assert user["parse_data"]["intent"]["name"] == "feedback_helpful"
        assert any(e["event"] == "action" and e["name"] == "action_record_feedback"
                   for e in events_after(tracker, sid))


def test_an_urgent_sign_gets_urgent_care(wa):
    sender = new_sender()
    tracker, api_messages, sid = wa.say("my 5 week old is floppy and has blue lips", sender)
    actions = [e["name"] for e in events_after(tracker, sid) if e["event"] == "action"]
    assert "action_urgent_care" in actions
    deployment = yaml.safe_load((ROOT / "deployment.yml").read_text())
    instruction = _norm(deployment["emergency"]["instruction"])
    first = logical_messages(api_messages)[0]["text"]
    assert instruction in _norm(first), first[:200]


@pytest.mark.parametrize("how", ["unsigned", "wrong_url", "wrong_token", "tampered"])
def test_unsigned_or_wrongly_signed_requests_get_403_and_no_event(wa, how):
    sender = new_sender()
    form = twilio_form("I'm a nurse: what is colostrum?", sender)
    signature: Optional[str]
    if how == "unsigned":
        signature = None
    elif how == "wrong_url":  # what Rasa itself sees behind the proxy
        signature = sign(form, url=wa.rasa_url + WEBHOOK_PATH)
    elif how == "wrong_token":
        signature = sign(form, token="not-our-token")
    else:
        signature = sign(form)
        form["From"] = new_sender()
        sender = form["From"]
    response = wa.post(form, signature=signature)
    assert response.status_code == 403
    time.sleep(1.0)
    assert user_events(wa.tracker(sender)) == []
    assert wa.fake.messages_to(sender) == []


def test_media_only_gets_the_friendly_reply(wa):
    sender = new_sender()
    form = twilio_form(
        "", sender, NumMedia="1", MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/x/Media/ME1",
        MediaContentType0="image/jpeg",
    )
    assert wa.post(form).status_code == 200
    [reply] = wa.expect_messages(sender, 1)
    assert reply["Body"] == DEFAULT_MEDIA_ONLY_REPLY
    assert user_events(wa.tracker(sender)) == []


def test_a_retried_message_sid_gets_one_answer(wa):
    sender = new_sender()
    form = twilio_form("What is colostrum?", sender)
    statuses = [wa.post(form).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    tracker = wa.wait_turn(sender, form["MessageSid"])
    time.sleep(1.5)
    assert wa.post(form).status_code == 200  # a late retry too
    time.sleep(1.5)
    tracker = wa.tracker(sender)
    assert len([e for e in user_events(tracker) if e.get("message_id") == form["MessageSid"]]) == 1
    bot_events = [e for e in events_after(tracker, form["MessageSid"]) if e["event"] == "bot"]
    assert len(logical_messages(wa.fake.messages_to(sender))) == len(bot_events) >= 1


def test_a_503_from_twilio_is_retried(wa):
    sender = new_sender()
    wa.fake.fail_next(2, status=503)
    tracker, api_messages, _ = wa.say("What is colostrum?", sender)
    attempts = [r.get("answered") for r in wa.fake.requests if r.get("To") == sender]
    assert attempts[:3] == [503, 503, 201]
    assert api_messages, "nothing delivered after the retries"
    logical_messages(api_messages)  # complete and in order


def test_stop_silences_the_number_until_start(wa):
    sender = new_sender()
    _, api_messages, _ = wa.say("What is colostrum?", sender)
    assert api_messages

    before = len(wa.fake.messages_to(sender))
    assert wa.post(twilio_form("STOP", sender)).status_code == 200
    [confirmation] = wa.expect_messages(sender, 1, before)
    assert confirmation["Body"] == DEFAULT_STOP_REPLY

    form = twilio_form("What is lactoferrin?", sender)
    assert wa.post(form).status_code == 200
    trigger = requests.post(
        f"{wa.rasa_url}/conversations/{quote(sender, safe=':+')}/trigger_intent",
        params={"output_channel": "latest"},
        json={"name": "greet"},
        timeout=60,
    )
    assert trigger.status_code == 200, trigger.text
    time.sleep(3)
    assert len(wa.fake.messages_to(sender)) == before + 1, "something was sent after STOP"
    assert not [e for e in user_events(wa.tracker(sender)) if e.get("message_id") == form["MessageSid"]]

    before = len(wa.fake.messages_to(sender))
    assert wa.post(twilio_form("START", sender)).status_code == 200
    [welcome] = wa.expect_messages(sender, 1, before)
    assert welcome["Body"] == DEFAULT_START_REPLY
    _, api_messages, _ = wa.say("What is lactoferrin?", sender)
    assert api_messages
