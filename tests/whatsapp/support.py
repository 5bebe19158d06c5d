"""Helpers shared by the WhatsApp channel tests: constants, a fake message handler standing
in for Rasa's agent, and a Sanic test harness that signs requests like Twilio does."""

import asyncio
import uuid
from typing import Any, Callable, Dict, List, Optional

from sanic import Sanic
from twilio.request_validator import RequestValidator

from channels.whatsapp import WhatsAppInput
from tests.whatsapp.fake_twilio import FakeTwilio

ACCOUNT_SID = "ACtest00000000000000000000000000"
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
BOT_NUMBER = "whatsapp:+14155238886"
NURSE = "whatsapp:+447700900123"
OTHER = "whatsapp:+447700900999"
PUBLIC_URL = "https://nurses.example.org/webhooks/whatsapp/webhook"
WEBHOOK_PATH = "/webhooks/whatsapp/webhook"


def twilio_form(body: Optional[str] = "hello", sender: str = NURSE, **extra: Any) -> Dict[str, str]:
    """The fields of Twilio's inbound WhatsApp webhook, with a fresh MessageSid."""
    sid = f"SM{uuid.uuid4().hex}"
    form = {
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ProfileName": "Test Nurse",
        "SmsSid": sid,
        "WaId": sender.split("+")[-1],
        "SmsStatus": "received",
        "Body": body if body is not None else "",
        "To": BOT_NUMBER,
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": sender,
        "ApiVersion": "2010-04-01",
    }
    form.update({k: str(v) for k, v in extra.items()})
    return form


def sign(form: Dict[str, str], url: str = PUBLIC_URL, token: str = AUTH_TOKEN) -> str:
    """X-Twilio-Signature as Twilio computes it."""
    return RequestValidator(token).compute_signature(url, form)


class FakeHandler:
    """Stands in for Rasa's agent: records every UserMessage and answers through the
    message's output channel with ``reply(message) -> [response dicts]``."""

    def __init__(self) -> None:
        self.messages: List[Any] = []
        self.reply: Callable[[Any], List[Dict[str, Any]]] = lambda m: [
            {"text": f"echo: {m.text}"}
        ]
        self.delay: float = 0.0

    async def __call__(self, message: Any) -> None:
        self.messages.append(message)
        if self.delay:
            await asyncio.sleep(self.delay)
        for response in self.reply(message):
            await message.output_channel.send_response(message.sender_id, dict(response))

    @property
    def texts(self) -> List[str]:
        return [m.text for m in self.messages]


class Harness:
    """A Sanic app with the channel's blueprint, a fake handler and signing helpers."""

    def __init__(self, channel: WhatsAppInput, fake: FakeTwilio) -> None:
        self.channel = channel
        self.fake = fake
        self.handler = FakeHandler()
        self.app = Sanic(f"whatsapp_test_{uuid.uuid4().hex[:10]}")
        self.app.blueprint(channel.blueprint(self.handler), url_prefix="/webhooks/whatsapp")
        self.client = self.app.asgi_client

    def form(self, body: Optional[str] = "hello", sender: str = NURSE, **extra: Any) -> Dict[str, str]:
        return twilio_form(body, sender, **extra)

    @staticmethod
    def sign(form: Dict[str, str], url: str = PUBLIC_URL, token: str = AUTH_TOKEN) -> str:
        return sign(form, url, token)

    async def post(
        self,
        form: Dict[str, str],
        signature: Optional[str] = "auto",
        wait: bool = True,
        path: str = WEBHOOK_PATH,
    ):
        headers = {}
        if signature == "auto":
            signature = self.sign(form)
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        _, response = await self.client.post(path, data=form, headers=headers)
        if wait:
            await self.channel.wait_idle(timeout=20)
        return response

    async def say(self, body: Optional[str], sender: str = NURSE, **extra: Any):
        return await self.post(self.form(body, sender=sender, **extra))

    def sent_to(self, to: str = NURSE) -> List[str]:
        return [m.get("Body") or "" for m in self.fake.messages_to(to)]
