"""Unit tests of channels/whatsapp.py: Sanic ASGI test client, a fake message handler in place
of Rasa's agent, and the fake Twilio Messages API on loopback."""

import asyncio
import logging
import time

import pytest
from tests.whatsapp.support import ACCOUNT_SID, AUTH_TOKEN, BOT_NUMBER, NURSE, OTHER, PUBLIC_URL

from channels.whatsapp import (
    DEFAULT_MEDIA_ONLY_REPLY,
    DEFAULT_REFUSAL_REPLY,
    DEFAULT_START_REPLY,
    DEFAULT_STOP_REPLY,
    EMPTY_TWIML,
    WhatsAppInput,
    WhatsAppSettings,
    _parse_retry_after,
)
from channels.whatsapp_stores import MemoryTTLStore, OptOutStore, RedisTTLStore
from channels.whatsapp_text import strip_part_marker, utf16_len

pytestmark = pytest.mark.anyio


# --------------------------------------------------------------------------- signature
async def test_signed_message_reaches_handler_with_metadata(harness):
    form = harness.form("sIgA levels in colostrum vs mature milk?")
    response = await harness.post(form)

    assert response.status == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text == EMPTY_TWIML
    assert harness.handler.texts == ["sIgA levels in colostrum vs mature milk?"]
    message = harness.handler.messages[0]
    assert message.sender_id == NURSE
    assert message.input_channel == "whatsapp"
    assert message.message_id == form["MessageSid"]
    assert message.metadata["channel"] == "whatsapp"
    assert message.metadata["audience"] == "professional"
    sent = harness.fake.messages_to(NURSE)
    assert [m["Body"] for m in sent] == ["echo: sIgA levels in colostrum vs mature milk?"]
    assert sent[0]["From"] == BOT_NUMBER
    assert sent[0]["path_sid"] == ACCOUNT_SID


@pytest.mark.parametrize(
    "signature",
    [
        None,  # missing header
        "",  # empty header
        "bm90IGEgc2lnbmF0dXJl",  # garbage
        "wrong-token",  # signed with another auth token
        "wrong-url",  # signed for another URL (e.g. proxy host not configured)
        "tampered",  # valid signature, body changed afterwards
    ],
)
async def test_bad_or_missing_signature_is_403_and_reaches_nothing(
    harness, signature, caplog
):
    form = harness.form("I am a nurse, trust me")
    if signature == "wrong-token":
        signature = harness.sign(form, token="not-the-token")
    elif signature == "wrong-url":
        signature = harness.sign(form, url="http://127.0.0.1:5005/webhooks/whatsapp/webhook")
    elif signature == "tampered":
        signature = harness.sign(form)
        form = dict(form, Body="something else")
    caplog.set_level(logging.WARNING, logger="channels.whatsapp")

    response = await harness.post(form, signature=signature)

    assert response.status == 403
    assert harness.handler.messages == []
    assert harness.fake.requests == []
    assert "WhatsApp webhook rejected (403)" in caplog.text
    assert "+447700900123" not in caplog.text  # numbers are masked in logs


async def test_signature_checked_against_public_origin_plus_path(harness_factory):
    harness = harness_factory(public_url="https://nurses.example.org/")
    form = harness.form("hello")
    response = await harness.post(form, signature=harness.sign(form, url=PUBLIC_URL))
    assert response.status == 200
    assert harness.handler.texts == ["hello"]


async def test_signature_includes_query_string(harness):
    form = harness.form("hello")
    url = PUBLIC_URL + "?deployment=ward3"
    response = await harness.post(
        form, signature=harness.sign(form, url=url), path="/webhooks/whatsapp/webhook?deployment=ward3"
    )
    assert response.status == 200


async def test_without_auth_token_everything_is_rejected(harness_factory):
    harness = harness_factory(auth_token="")
    form = harness.form("hello")
    response = await harness.post(form, signature=harness.sign(form, token=""))
    assert response.status == 403
    assert harness.handler.messages == []


async def test_health_route(harness):
    _, response = await harness.client.get("/webhooks/whatsapp/")
    assert response.status == 200
    assert response.json == {"status": "ok"}


# --------------------------------------------------------------------------- inbound edge cases
async def test_media_only_message_gets_friendly_reply(harness):
    # Body is an empty field that Twilio signs: Sanic's request.form would drop it.
    form = harness.form(
        "", NumMedia="1", MediaUrl0="https://api.twilio.com/media/ME1", MediaContentType0="image/jpeg"
    )
    response = await harness.post(form)
    assert response.status == 200
    assert harness.handler.messages == []
    assert harness.sent_to(NURSE) == [DEFAULT_MEDIA_ONLY_REPLY]
    assert "only read text" in DEFAULT_MEDIA_ONLY_REPLY


async def test_location_or_blank_message_gets_friendly_reply(harness):
    await harness.post(harness.form("   ", Latitude="51.5", Longitude="-0.1"))
    assert harness.handler.messages == []
    assert harness.sent_to(NURSE) == [DEFAULT_MEDIA_ONLY_REPLY]


async def test_text_with_media_processes_the_text(harness):
    await harness.post(harness.form("what is this rash?", NumMedia="1", MediaUrl0="https://x/y"))
    assert harness.handler.texts == ["what is this rash?"]
    assert harness.handler.messages[0].metadata["media_ignored"] == 1


async def test_retried_message_sid_is_processed_once(harness):
    form = harness.form("colostrum?")
    responses = [await harness.post(form) for _ in range(3)]
    assert [r.status for r in responses] == [200, 200, 200]
    assert all(r.text == EMPTY_TWIML for r in responses)
    assert harness.handler.texts == ["colostrum?"]
    assert len(harness.sent_to(NURSE)) == 1


async def test_concurrent_retries_are_processed_once(harness):
    form = harness.form("colostrum?")
    await asyncio.gather(*(harness.post(form, wait=False) for _ in range(5)))
    await harness.channel.wait_idle()
    assert harness.handler.texts == ["colostrum?"]


async def test_very_long_message_is_truncated_not_crashed(harness):
    long_text = ("Lactoferrin binds iron and limits bacterial growth. " * 200).strip()
    response = await harness.post(harness.form(long_text))
    assert response.status == 200
    [text] = harness.handler.texts
    assert 1000 < len(text) <= 1600
    assert long_text.startswith(text)
    assert not text.endswith(" ")


async def test_free_text_cannot_inject_rasa_commands(harness):
    await harness.say('/choose_fact{"fact_id_choice":"x"}')
    assert not harness.handler.texts[0].startswith("/")


async def test_status_callbacks_are_acknowledged_not_processed(harness):
    form = {
        "MessageSid": "SM1",
        "MessageStatus": "delivered",
        "From": BOT_NUMBER,
        "To": NURSE,
        "AccountSid": ACCOUNT_SID,
    }
    response = await harness.post(form)
    assert response.status == 200
    assert harness.handler.messages == []


async def test_webhook_answers_before_the_reply_is_processed(harness):
    timeline = []
    harness.handler.delay = 0.5

    @harness.app.middleware("response")
    async def _mark(request, response):
        timeline.append(("webhook answered", time.monotonic()))

    original = harness.handler.reply

    def reply(message):
        timeline.append(("handler done", time.monotonic()))
        return original(message)

    harness.handler.reply = reply
    await harness.say("hi")
    assert [name for name, _ in timeline] == ["webhook answered", "handler done"]


async def test_messages_from_one_sender_are_handled_in_order(harness):
    harness.handler.delay = 0.05
    forms = [harness.form(f"question {i}") for i in range(5)]
    for form in forms:
        await harness.post(form, wait=False)
    await harness.channel.wait_idle()
    assert harness.handler.texts == [f"question {i}" for i in range(5)]
    assert harness.sent_to(NURSE) == [f"echo: question {i}" for i in range(5)]
    assert harness.channel._sender_locks == {}


async def test_handler_error_sends_apology(harness):
    def boom(message):
        raise RuntimeError("agent exploded")

    harness.handler.reply = boom
    response = await harness.say("hi")
    assert response.status == 200
    assert len(harness.sent_to(NURSE)) == 1
    assert "went wrong" in harness.sent_to(NURSE)[0]


# --------------------------------------------------------------------------- outbound
LONG_ANSWER = " ".join(
    f"Sentence number {i} explains how secretory IgA in colostrum (about 12 g/L, "
    f"e.g. in the first 3 days) coats the infant gut mucosa and blocks pathogen adhesion."
    for i in range(1, 41)
)


async def test_long_reply_is_split_at_sentence_boundaries_in_order(harness):
    harness.handler.reply = lambda m: [{"text": LONG_ANSWER}]
    await harness.say("tell me everything")
    parts = harness.sent_to(NURSE)

    assert len(LONG_ANSWER) > 1600 and len(parts) >= 3
    assert all(utf16_len(part) <= 1600 for part in parts)
    assert [p.split(" ", 1)[0] for p in parts] == [f"({i}/{len(parts)})" for i in range(1, len(parts) + 1)]
    bodies = [strip_part_marker(p) for p in parts]
    assert all(body.endswith("pathogen adhesion.") for body in bodies)
    assert " ".join(bodies) == LONG_ANSWER
    # received in order by the API
    received = [m["received_at"] for m in harness.fake.messages_to(NURSE)]
    assert received == sorted(received)


async def test_each_response_is_one_message_and_markdown_links_are_readable(harness):
    harness.handler.reply = lambda m: [
        {"text": "First."},
        {"text": "See [AAP 2022](https://doi.org/10.1542/peds.2022-057988) and **note**."},
    ]
    await harness.say("refs?")
    assert harness.sent_to(NURSE) == [
        "First.",
        "See AAP 2022 (https://doi.org/10.1542/peds.2022-057988) and *note*.",
    ]


BUTTONS = [
    {"title": "Colostrum", "payload": '/choose_topic{"topic_choice":"colostrum"}'},
    {"title": "Secretory IgA", "payload": '/choose_topic{"topic_choice":"secretory_iga"}'},
    {"title": "Lactoferrin", "payload": '/choose_topic{"topic_choice":"lactoferrin"}'},
]


async def test_buttons_become_numbered_options_and_replies_map_back(harness):
    def reply(message):
        if message.text == "menu":
            return [{"text": "Which topic?", "buttons": BUTTONS}]
        return [{"text": f"got {message.text}"}]

    harness.handler.reply = reply
    await harness.say("menu")
    [menu] = harness.sent_to(NURSE)
    assert menu == (
        "Which topic?\n\n1. Colostrum\n2. Secretory IgA\n3. Lactoferrin\n\nReply 1, 2 or 3."
    )

    await harness.say("2")
    assert harness.handler.texts[-1] == BUTTONS[1]["payload"]

    await harness.say("menu")
    await harness.say("  secretory iga! ")  # the option's words
    assert harness.handler.texts[-1] == BUTTONS[1]["payload"]

    await harness.say("menu")
    await harness.say("3️⃣")
    assert harness.handler.texts[-1] == BUTTONS[2]["payload"]

    # options are valid for the next message only: a later "2" is just text
    await harness.say("menu")
    await harness.say("what about HMOs?")
    await harness.say("2")
    assert harness.handler.texts[-1] == "2"

    # a number out of range is passed on as text
    await harness.say("menu")
    await harness.say("7")
    assert harness.handler.texts[-1] == "7"


async def test_numbering_continues_across_button_messages_of_one_turn(harness):
    feedback = [
        {"title": "Yes, helpful", "payload": "/feedback_helpful"},
        {"title": "No, not helpful", "payload": "/feedback_not_helpful"},
    ]

    def reply(message):
        if message.text == "answer":
            return [
                {"text": "The answer.", "buttons": BUTTONS},
                {"text": "Was this helpful?", "buttons": feedback},
            ]
        return []

    harness.handler.reply = reply
    await harness.say("answer")
    assert harness.sent_to(NURSE) == [
        "The answer.\n\n1. Colostrum\n2. Secretory IgA\n3. Lactoferrin\n\nReply 1, 2 or 3.",
        "Was this helpful?\n\n4. Yes, helpful\n5. No, not helpful\n\nReply 4 or 5.",
    ]
    await harness.say("4")
    assert harness.handler.texts[-1] == "/feedback_helpful"
    await harness.say("answer")
    await harness.say("1")
    assert harness.handler.texts[-1] == BUTTONS[0]["payload"]
    await harness.say("answer")
    await harness.say("no, not helpful")
    assert harness.handler.texts[-1] == "/feedback_not_helpful"


async def test_options_are_remembered_per_sender(harness):
    harness.handler.reply = lambda m: [{"text": "Which topic?", "buttons": BUTTONS}] if m.text == "menu" else []
    await harness.say("menu", sender=NURSE)
    await harness.say("1", sender=OTHER)
    assert harness.handler.texts[-1] == "1"
    await harness.say("1", sender=NURSE)
    assert harness.handler.texts[-1] == BUTTONS[0]["payload"]


async def test_send_retries_on_503_with_backoff(harness):
    harness.fake.fail_next(2, status=503)
    started = time.monotonic()
    await harness.say("hello")
    assert harness.sent_to(NURSE) == ["echo: hello"]
    attempts = [r["answered"] for r in harness.fake.requests]
    assert attempts == [503, 503, 201]
    # backoff 0.01 s then 0.02 s
    assert time.monotonic() - started >= 0.03


async def test_send_honours_retry_after_on_429(harness):
    harness.fake.fail_next(1, status=429, retry_after=0.4)
    started = time.monotonic()
    await harness.say("hello")
    assert time.monotonic() - started >= 0.4
    assert [r["answered"] for r in harness.fake.requests] == [429, 201]
    assert harness.sent_to(NURSE) == ["echo: hello"]


async def test_send_gives_up_after_max_retries_and_keeps_order(harness, caplog):
    harness.handler.reply = lambda m: [{"text": LONG_ANSWER}]
    harness.fake.fail_next(4, status=500)  # 1 try + 3 retries for part 1
    caplog.set_level(logging.ERROR, logger="channels.whatsapp")
    await harness.say("hello")
    assert harness.sent_to(NURSE) == []  # parts 2.. are not sent without part 1
    assert len(harness.fake.requests) == 4
    assert "giving up" in caplog.text


async def test_client_errors_are_not_retried(harness_factory, caplog):
    harness = harness_factory(auth_token=AUTH_TOKEN, account_sid="ACwrong")
    caplog.set_level(logging.ERROR, logger="channels.whatsapp")
    await harness.say("hello")
    assert len(harness.fake.requests) == 1
    assert "rejected by Twilio: HTTP 401" in caplog.text


async def test_send_retries_when_the_api_is_unreachable(harness_factory):
    harness = harness_factory(api_base="http://127.0.0.1:9", send_max_retries=1)
    await harness.say("hello")  # must not raise, must not hang
    assert harness.fake.requests == []


def test_retry_after_parsing():
    assert _parse_retry_after("3") == 3.0
    assert _parse_retry_after(None) is None
    assert _parse_retry_after("soon") is None
    assert _parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


# --------------------------------------------------------------------------- STOP / START
async def test_stop_silences_the_number_until_start(harness, tmp_path):
    await harness.say("hello")
    assert harness.sent_to(NURSE) == ["echo: hello"]

    await harness.say("STOP")
    assert harness.sent_to(NURSE)[-1] == DEFAULT_STOP_REPLY
    assert harness.handler.texts == ["hello"]  # STOP is not passed to the assistant

    await harness.say("are you there?")
    await harness.channel.get_output_channel().send_text_message(NURSE, "proactive")
    assert harness.handler.texts == ["hello"]
    assert harness.sent_to(NURSE) == ["echo: hello", DEFAULT_STOP_REPLY]

    # survives a restart: a new channel on the same SQLite file
    restarted = WhatsAppInput(harness.channel.settings)
    assert restarted.optout.is_opted_out("+447700900123")

    await harness.say("Start")
    await harness.say("back again")
    assert harness.sent_to(NURSE)[2:] == [DEFAULT_START_REPLY, "echo: back again"]
    assert not restarted.optout.is_opted_out("+447700900123")


async def test_stop_arriving_mid_reply_stops_remaining_parts(harness):
    # An opt-out recorded while a long answer is being sent stops the rest of it.
    calls = {"n": 0}
    original_send = harness.channel.client.send

    async def send(to, body=None, media_url=None):
        calls["n"] += 1
        if calls["n"] == 1:
            harness.channel.optout.opt_out("+447700900123")
        return await original_send(to, body=body, media_url=media_url)

    harness.channel.client.send = send
    harness.handler.reply = lambda m: [{"text": LONG_ANSWER}]
    await harness.say("long please")
    assert len(harness.sent_to(NURSE)) == 1


@pytest.mark.parametrize("word", ["STOP", "stop", "Stop.", " stopall ", "UNSUBSCRIBE", "cancel", "End", "QUIT!"])
async def test_stop_keywords(harness, word):
    await harness.say(word)
    assert harness.channel.optout.is_opted_out("+447700900123")
    assert harness.handler.messages == []


async def test_stop_inside_a_sentence_is_not_an_opt_out(harness):
    await harness.say("how do I stop mastitis?")
    assert not harness.channel.optout.is_opted_out("+447700900123")
    assert harness.handler.texts == ["how do I stop mastitis?"]


async def test_unstop_opts_back_in(harness):
    await harness.say("quit")
    await harness.say("UNSTOP")
    assert not harness.channel.optout.is_opted_out("+447700900123")


# --------------------------------------------------------------------------- audience
async def test_allowlisted_number_is_professional_unknown_is_parent(harness_factory):
    harness = harness_factory(allowed_numbers=["+44 7700 900123"], unknown_numbers="parent")
    await harness.say("hi", sender=NURSE)
    await harness.say("hi", sender=OTHER)
    assert [m.metadata["audience"] for m in harness.handler.messages] == ["professional", "parent"]
    assert all(m.metadata["channel"] == "whatsapp" for m in harness.handler.messages)


async def test_unknown_number_refused_when_configured(harness_factory):
    harness = harness_factory(allowed_numbers="+447700900123", unknown_numbers="refuse")
    await harness.say("hi", sender=OTHER)
    assert harness.handler.messages == []
    assert harness.sent_to(OTHER) == [DEFAULT_REFUSAL_REPLY]
    # STOP still works for refused numbers
    await harness.say("STOP", sender=OTHER)
    await harness.say("hi", sender=OTHER)
    assert harness.sent_to(OTHER) == [DEFAULT_REFUSAL_REPLY, DEFAULT_STOP_REPLY]


def test_allowlist_from_environment(settings_factory, monkeypatch):
    settings = WhatsAppSettings.from_credentials(
        {"auth_token": "x"}, environ={"WHATSAPP_ALLOWED_NUMBERS": "whatsapp:+447700900123, +1 555 0100"}
    )
    assert settings.allowed_numbers == ["+447700900123", "+15550100"]


# --------------------------------------------------------------------------- settings & stores
def test_settings_from_credentials_and_environment():
    settings = WhatsAppSettings.from_credentials(
        {
            "account_sid": "AC1",
            "auth_token": "tok",
            "twilio_number": "+14155238886",
            "part_markers": "false",
            "send_max_retries": "2",
        },
        environ={"TWILIO_API_BASE": "http://127.0.0.1:1234/", "WHATSAPP_PUBLIC_URL": "https://x.org"},
    )
    assert settings.whatsapp_number == "whatsapp:+14155238886"
    assert settings.api_base == "http://127.0.0.1:1234"
    assert settings.public_url == "https://x.org"
    assert settings.part_markers is False
    assert settings.send_max_retries == 2
    assert settings.optout_db == "var/whatsapp_optout.db"
    assert settings.unknown_numbers == "parent"

    default = WhatsAppSettings.from_credentials({}, environ={})
    assert default.api_base == "https://api.twilio.com"

    with pytest.raises(ValueError):
        WhatsAppSettings.from_credentials({"unknown_numbers": "ignore"}, environ={})


async def test_memory_ttl_store_expires_and_is_bounded():
    now = [1000.0]
    store = MemoryTTLStore(max_entries=3, clock=lambda: now[0])
    assert await store.add_if_absent("a", ttl=10)
    assert not await store.add_if_absent("a", ttl=10)
    now[0] += 11
    assert await store.add_if_absent("a", ttl=10)  # expired -> new
    for key in "bcde":
        await store.add_if_absent(key, ttl=10)
    assert len(store) == 3  # bounded
    await store.set("opts", [{"title": "x"}], ttl=5)
    assert await store.get("opts") == [{"title": "x"}]
    now[0] += 6
    assert await store.get("opts") is None


async def test_redis_store_uses_set_nx_ex():
    class FakeRedis:
        def __init__(self):
            self.data = {}
            self.calls = []

        async def set(self, name, value, ex=None, nx=False):
            self.calls.append((name, ex, nx))
            if nx and name in self.data:
                return None
            self.data[name] = value.encode() if isinstance(value, str) else value
            return True

        async def get(self, name):
            return self.data.get(name)

        async def delete(self, name):
            self.data.pop(name, None)

    redis = FakeRedis()
    store = RedisTTLStore(redis)
    assert await store.add_if_absent("sid:SM1", ttl=86400)
    assert not await store.add_if_absent("sid:SM1", ttl=86400)
    assert redis.calls[0] == ("whatsapp:sid:SM1", 86400, True)
    await store.set("options:x", [{"title": "A", "payload": "/a"}], ttl=60)
    assert await store.get("options:x") == [{"title": "A", "payload": "/a"}]
    await store.delete("options:x")
    assert await store.get("options:x") is None


def test_optout_store_persists(tmp_path):
    path = str(tmp_path / "sub" / "optout.db")
    OptOutStore(path).opt_out("+447700900123")
    assert OptOutStore(path).is_opted_out("+447700900123")
    assert not OptOutStore(path).is_opted_out("+447700900999")
    OptOutStore(path).opt_in("+447700900123")
    assert not OptOutStore(path).is_opted_out("+447700900123")


# --------------------------------------------------------------------------- Rasa wiring
def test_channel_loads_from_a_credentials_file_with_env_secrets(tmp_path, monkeypatch):
    from rasa.core import run

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setenv("TWILIO_WHATSAPP_NUMBER", "whatsapp:+14155238886")
    credentials = tmp_path / "credentials.yml"
    credentials.write_text(
        "channels.whatsapp.WhatsAppInput:\n"
        "  account_sid: ${TWILIO_ACCOUNT_SID}\n"
        "  auth_token: ${TWILIO_AUTH_TOKEN}\n"
        "  whatsapp_number: ${TWILIO_WHATSAPP_NUMBER}\n"
        "  unknown_numbers: parent\n"
    )
    [channel] = run.create_http_input_channels(None, str(credentials))
    assert isinstance(channel, WhatsAppInput)
    assert channel.settings.auth_token == AUTH_TOKEN
    assert channel.settings.optout_db == "var/whatsapp_optout.db"

    app = run.configure_app([channel], port=5099)
    routes = {route.path for route in app.router.routes}
    assert "webhooks/whatsapp/webhook" in routes
    assert "webhooks/whatsapp/" in routes or "webhooks/whatsapp" in routes
