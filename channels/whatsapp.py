"""Twilio WhatsApp channel for nurses and other health professionals (issue 6).

Rasa 3.6.21's built-in ``twilio`` channel is unfit for this audience (see
``/work/shared/reference/rasa-3.6-notes.md`` §0.4): it does not check ``X-Twilio-Signature``
(anyone can impersonate any number), crashes with HTTP 500 on media-only messages, and sends
replies with a blocking HTTP call inside the event loop. This channel:

Inbound (``POST /webhooks/whatsapp/webhook``, Twilio's form-encoded webhook)
  * verifies ``X-Twilio-Signature`` with :class:`twilio.request_validator.RequestValidator`
    against ``public_url`` (the URL typed into the Twilio console, since proxies and tunnels
    change the host); a bad or missing signature gets 403, is logged, and reaches nothing;
  * processes each ``MessageSid`` once (Twilio retries), answers the webhook at once with
    ``200 <Response/>`` and handles the message in the background, one at a time per sender;
  * honours STOP/START keywords (opt-out list in SQLite, survives restarts);
  * replies "I can only read text messages" to media-only or empty messages, truncates very
    long messages, maps "2" (or the option's words) back to the payload of the last buttons;
  * passes ``metadata={"channel": "whatsapp", "audience": "professional"|"parent", ...}``.

Outbound (Twilio Messages API, ``POST {api_base}/2010-04-01/Accounts/{sid}/Messages.json``)
  * aiohttp (never blocks the event loop), basic auth, retries with exponential backoff on
    429 / 5xx / connection errors, honouring ``Retry-After``;
  * replies over 1,600 characters are split at sentence boundaries and sent in order;
  * buttons are rendered as numbered options ("Reply 1, 2 or 3");
  * nothing is sent to a number that has opted out.

Configuration: the ``channels.whatsapp.WhatsAppInput:`` block of ``credentials.yml``; every key
is listed in :class:`WhatsAppSettings` and in ``channels/README.md``.
"""

import asyncio
import email.utils
import logging
import os
import random
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text
from urllib.parse import parse_qs, urlparse

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from channels.whatsapp_stores import (
    MemoryTTLStore,
    OptOutStore,
    RedisTTLStore,
    mask_number,
)
from channels.whatsapp_text import (
    WHATSAPP_MAX_CHARS,
    match_option,
    normalise_number,
    parse_keyword,
    render_options,
    split_message,
    to_whatsapp_markup,
    truncate_inbound,
    whatsapp_address,
)

logger = logging.getLogger(__name__)

CHANNEL_NAME = "whatsapp"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
DEFAULT_API_BASE = "https://api.twilio.com"
DEFAULT_OPTOUT_DB = "var/whatsapp_optout.db"

AUDIENCE_PROFESSIONAL = "professional"
AUDIENCE_PARENT = "parent"

DEFAULT_MEDIA_ONLY_REPLY = (
    "Sorry, I can only read text messages. Please type your question, for example: "
    "\"sIgA levels in colostrum vs mature milk?\""
)
DEFAULT_REFUSAL_REPLY = (
    "Sorry, this WhatsApp service is for registered health professionals only. "
    "Parents can use our website. If your baby seems unwell, contact your midwife, "
    "health visitor or doctor; in an emergency call your local emergency number."
)
DEFAULT_STOP_REPLY = (
    "You have unsubscribed and will get no more messages from this number. "
    "Reply START to resume."
)
DEFAULT_START_REPLY = (
    "Welcome back! You are subscribed again. Ask me anything about breast milk and "
    "the baby's immune system."
)
DEFAULT_ERROR_REPLY = (
    "Sorry, something went wrong on our side and I could not answer. "
    "Please try again in a minute."
)

# Environment variables read when a key is absent from the credentials block (optional
# settings only: Rasa aborts start-up when a ``${VAR}`` in credentials.yml is unset).
ENV_FALLBACKS = {
    "account_sid": "TWILIO_ACCOUNT_SID",
    "auth_token": "TWILIO_AUTH_TOKEN",
    "whatsapp_number": "TWILIO_WHATSAPP_NUMBER",
    "messaging_service_sid": "TWILIO_MESSAGING_SERVICE_SID",
    "api_base": "TWILIO_API_BASE",
    "public_url": "WHATSAPP_PUBLIC_URL",
    "allowed_numbers": "WHATSAPP_ALLOWED_NUMBERS",
    "unknown_numbers": "WHATSAPP_UNKNOWN_NUMBERS",
    "optout_db": "WHATSAPP_OPTOUT_DB",
    "redis_url": "WHATSAPP_REDIS_URL",
}


def _as_bool(value: Any, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _as_list(value: Any) -> List[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.replace(";", ",").replace("\n", ",").split(",")
    return [str(item).strip() for item in value if str(item).strip()]


@dataclass
class WhatsAppSettings:
    """Every setting of the channel (keys of the credentials block)."""

    account_sid: str = ""
    auth_token: str = ""
    whatsapp_number: str = ""  # sender, e.g. whatsapp:+14155238886 (sandbox)
    messaging_service_sid: str = ""  # alternative to whatsapp_number
    api_base: str = DEFAULT_API_BASE
    public_url: str = ""  # the webhook URL as Twilio calls it (or just its origin)
    allowed_numbers: List[str] = field(default_factory=list)  # empty = no allowlist
    unknown_numbers: str = AUDIENCE_PARENT  # parent | refuse (only with an allowlist)
    optout_db: str = DEFAULT_OPTOUT_DB
    redis_url: str = ""  # shared dedupe/options store for several replicas
    dedupe_ttl_seconds: float = 24 * 3600
    dedupe_max_entries: int = 20000
    options_ttl_seconds: float = 24 * 3600
    max_inbound_chars: int = WHATSAPP_MAX_CHARS
    max_outbound_chars: int = WHATSAPP_MAX_CHARS
    part_markers: bool = True
    send_max_retries: int = 4
    send_backoff_seconds: float = 0.5
    send_backoff_max_seconds: float = 30.0
    send_backoff_jitter: float = 0.1
    retry_after_max_seconds: float = 120.0
    send_timeout_seconds: float = 15.0
    media_only_reply: str = DEFAULT_MEDIA_ONLY_REPLY
    refusal_reply: str = DEFAULT_REFUSAL_REPLY
    stop_reply: str = DEFAULT_STOP_REPLY
    start_reply: str = DEFAULT_START_REPLY
    error_reply: str = DEFAULT_ERROR_REPLY

    @classmethod
    def from_credentials(
        cls, credentials: Optional[Dict[str, Any]], environ: Optional[Dict[str, str]] = None
    ) -> "WhatsAppSettings":
        creds = dict(credentials or {})
        env = os.environ if environ is None else environ
        if "twilio_number" in creds and not creds.get("whatsapp_number"):
            creds["whatsapp_number"] = creds.pop("twilio_number")
        for key, variable in ENV_FALLBACKS.items():
            if creds.get(key) in (None, "") and env.get(variable):
                creds[key] = env[variable]

        defaults = cls()
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(creds) - known)
        if unknown:
            logger.warning("WhatsApp channel: ignoring unknown settings %s", unknown)

        def _get(key: str) -> Any:
            value = creds.get(key)
            return getattr(defaults, key) if value in (None, "") else value

        settings = cls(
            account_sid=str(_get("account_sid")).strip(),
            auth_token=str(_get("auth_token")).strip(),
            whatsapp_number=str(_get("whatsapp_number")).strip(),
            messaging_service_sid=str(_get("messaging_service_sid")).strip(),
            api_base=str(_get("api_base")).strip().rstrip("/"),
            public_url=str(_get("public_url")).strip(),
            allowed_numbers=[
                normalise_number(n) for n in _as_list(creds.get("allowed_numbers"))
            ],
            unknown_numbers=str(_get("unknown_numbers")).strip().lower(),
            optout_db=str(_get("optout_db")).strip(),
            redis_url=str(_get("redis_url")).strip(),
            dedupe_ttl_seconds=float(_get("dedupe_ttl_seconds")),
            dedupe_max_entries=int(_get("dedupe_max_entries")),
            options_ttl_seconds=float(_get("options_ttl_seconds")),
            max_inbound_chars=int(_get("max_inbound_chars")),
            max_outbound_chars=min(int(_get("max_outbound_chars")), WHATSAPP_MAX_CHARS),
            part_markers=_as_bool(creds.get("part_markers"), defaults.part_markers),
            send_max_retries=int(_get("send_max_retries")),
            send_backoff_seconds=float(_get("send_backoff_seconds")),
            send_backoff_max_seconds=float(_get("send_backoff_max_seconds")),
            send_backoff_jitter=float(_get("send_backoff_jitter")),
            retry_after_max_seconds=float(_get("retry_after_max_seconds")),
            send_timeout_seconds=float(_get("send_timeout_seconds")),
            media_only_reply=str(_get("media_only_reply")),
            refusal_reply=str(_get("refusal_reply")),
            stop_reply=str(_get("stop_reply")),
            start_reply=str(_get("start_reply")),
            error_reply=str(_get("error_reply")),
        )
        if settings.unknown_numbers not in (AUDIENCE_PARENT, "refuse"):
            raise ValueError(
                "WhatsApp channel: unknown_numbers must be 'parent' or 'refuse', "
                f"not {settings.unknown_numbers!r}"
            )
        if settings.whatsapp_number:
            settings.whatsapp_number = whatsapp_address(settings.whatsapp_number)
        return settings


def _parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


class TwilioMessagesClient:
    """Minimal async client for Twilio's Messages API with retries."""

    def __init__(self, settings: WhatsAppSettings) -> None:
        self.settings = settings
        self._session: Optional[aiohttp.ClientSession] = None
        self._session_loop: Optional[asyncio.AbstractEventLoop] = None

    @property
    def messages_url(self) -> str:
        return (
            f"{self.settings.api_base}/2010-04-01/Accounts/"
            f"{self.settings.account_sid}/Messages.json"
        )

    def _get_session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._session_loop is not loop:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.settings.send_timeout_seconds)
            )
            self._session_loop = loop
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            try:
                await self._session.close()
            except RuntimeError:  # session created in a loop that is gone (tests)
                pass
        self._session = None

    def _backoff(self, attempt: int) -> float:
        delay = min(
            self.settings.send_backoff_max_seconds,
            self.settings.send_backoff_seconds * (2 ** attempt),
        )
        jitter = self.settings.send_backoff_jitter
        return delay * (1 + random.uniform(0, jitter)) if jitter > 0 else delay

    async def send(
        self, to: str, body: Optional[str] = None, media_url: Optional[str] = None
    ) -> Optional[str]:
        """Send one message; returns Twilio's message SID, or None if it was not sent."""
        settings = self.settings
        if not (settings.account_sid and settings.auth_token):
            logger.error("WhatsApp channel: account_sid/auth_token missing, cannot send")
            return None
        data: Dict[str, str] = {"To": to}
        if settings.messaging_service_sid:
            data["MessagingServiceSid"] = settings.messaging_service_sid
        else:
            data["From"] = settings.whatsapp_number
        if body:
            data["Body"] = body
        if media_url:
            data["MediaUrl"] = media_url
        auth = aiohttp.BasicAuth(settings.account_sid, settings.auth_token)

        attempts = settings.send_max_retries + 1
        for attempt in range(attempts):
            retry_after: Optional[float] = None
            try:
                session = self._get_session()
                async with session.post(self.messages_url, data=data, auth=auth) as resp:
                    if resp.status in (200, 201):
                        try:
                            payload = await resp.json(content_type=None)
                        except ValueError:
                            payload = {}
                        return str((payload or {}).get("sid") or "sent")
                    detail = (await resp.text())[:300]
                    if resp.status != 429 and resp.status < 500:
                        logger.error(
                            "WhatsApp send to %s rejected by Twilio: HTTP %s %s",
                            mask_number(to),
                            resp.status,
                            detail,
                        )
                        return None
                    reason = f"HTTP {resp.status}"
                    retry_after = _parse_retry_after(resp.headers.get("Retry-After"))
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                reason = f"{type(error).__name__}: {error}"

            if attempt + 1 >= attempts:
                logger.error(
                    "WhatsApp send to %s failed after %d attempts (%s); giving up",
                    mask_number(to),
                    attempts,
                    reason,
                )
                return None
            if retry_after is not None:
                if retry_after > settings.retry_after_max_seconds:
                    logger.error(
                        "WhatsApp send to %s: Twilio asks to wait %.0fs (> %.0fs); "
                        "giving up",
                        mask_number(to),
                        retry_after,
                        settings.retry_after_max_seconds,
                    )
                    return None
                delay = retry_after
            else:
                delay = self._backoff(attempt)
            logger.warning(
                "WhatsApp send to %s: %s, retry %d/%d in %.2fs",
                mask_number(to),
                reason,
                attempt + 1,
                settings.send_max_retries,
                delay,
            )
            await asyncio.sleep(delay)
        return None


class WhatsAppOutput(OutputChannel):
    """Sends Rasa's responses through the Messages API (created by :class:`WhatsAppInput`)."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    def __init__(self, channel: "WhatsAppInput") -> None:
        self.channel = channel
        # One instance per user message (one bot turn): the numbered options of every
        # button message in the turn, numbered on from each other.
        self.turn_options: List[Dict[str, str]] = []

    async def _deliver(
        self,
        recipient_id: Text,
        body: Optional[Text],
        media_url: Optional[Text] = None,
        force: bool = False,
    ) -> bool:
        """Send ``body`` (split if needed) in order; stop at the first failed part."""
        channel = self.channel
        number = normalise_number(recipient_id)
        to = whatsapp_address(recipient_id)
        text = to_whatsapp_markup(body or "")
        parts = split_message(
            text, channel.settings.max_outbound_chars, channel.settings.part_markers
        )
        if not parts:
            if not media_url:
                return True
            parts = [""]
        for index, part in enumerate(parts):
            if not force and channel.optout.is_opted_out(number):
                logger.info(
                    "WhatsApp: %s has opted out, not sending", mask_number(number)
                )
                return False
            sid = await channel.client.send(
                to, body=part or None, media_url=media_url if index == 0 else None
            )
            if sid is None:
                if index + 1 < len(parts):
                    logger.error(
                        "WhatsApp: part %d/%d to %s failed, not sending the rest "
                        "(they would arrive out of order)",
                        index + 1,
                        len(parts),
                        mask_number(number),
                    )
                return False
        return True

    async def send_text_message(
        self, recipient_id: Text, text: Text, **kwargs: Any
    ) -> None:
        await self._deliver(recipient_id, text)

    async def send_text_with_buttons(
        self,
        recipient_id: Text,
        text: Text,
        buttons: List[Dict[Text, Any]],
        **kwargs: Any,
    ) -> None:
        body, options = render_options(text, buttons, start=len(self.turn_options) + 1)
        if options:
            self.turn_options.extend(options)
            await self.channel.remember_options(recipient_id, list(self.turn_options))
        await self._deliver(recipient_id, body)

    async def send_image_url(
        self, recipient_id: Text, image: Text, **kwargs: Any
    ) -> None:
        await self._deliver(recipient_id, None, media_url=image)

    async def send_attachment(
        self, recipient_id: Text, attachment: Text, **kwargs: Any
    ) -> None:
        await self._deliver(recipient_id, str(attachment))

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        text = json_message.get("text") or json_message.get("body")
        media = json_message.get("media_url") or json_message.get("image")
        if isinstance(media, list):
            media = media[0] if media else None
        if text or media:
            await self._deliver(recipient_id, text, media_url=media)
        else:
            logger.debug("WhatsApp: custom payload without text/media not sent")


class WhatsAppInput(InputChannel):
    """Twilio WhatsApp webhook (see the module docstring)."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if credentials is None:
            cls.raise_missing_credentials_exception()
        return cls(WhatsAppSettings.from_credentials(credentials))

    def __init__(
        self,
        settings: Optional[WhatsAppSettings] = None,
        dedupe_store: Optional[Any] = None,
        optout_store: Optional[OptOutStore] = None,
    ) -> None:
        self.settings = settings or WhatsAppSettings.from_credentials({})
        if dedupe_store is not None:
            self.store = dedupe_store
        elif self.settings.redis_url:
            self.store = RedisTTLStore.from_url(self.settings.redis_url)
        else:
            self.store = MemoryTTLStore(max_entries=self.settings.dedupe_max_entries)
        self.optout = optout_store or OptOutStore(self.settings.optout_db)
        self.client = TwilioMessagesClient(self.settings)
        self.validator = (
            RequestValidator(self.settings.auth_token) if self.settings.auth_token else None
        )
        self._allowed: Set[str] = set(self.settings.allowed_numbers)
        self._tasks: Set["asyncio.Task[None]"] = set()
        self._sender_locks: Dict[str, List[Any]] = {}  # sender -> [lock, users]
        if not self.settings.auth_token:
            logger.error(
                "WhatsApp channel: no auth_token configured; every webhook call will be "
                "rejected with 403"
            )
        if not self.settings.public_url:
            logger.warning(
                "WhatsApp channel: public_url not set; signatures are checked against the "
                "URL the server sees, which fails behind a proxy or tunnel"
            )

    # ----------------------------------------------------------------- helpers
    def get_output_channel(self) -> OutputChannel:
        return WhatsAppOutput(self)

    def audience_for(self, number: str) -> Optional[str]:
        """'professional', 'parent', or None (refuse) for a normalised number."""
        if not self._allowed or number in self._allowed:
            return AUDIENCE_PROFESSIONAL
        if self.settings.unknown_numbers == "refuse":
            return None
        return AUDIENCE_PARENT

    async def remember_options(self, sender: str, options: List[Dict[str, str]]) -> None:
        await self.store.set(
            "options:" + sender, options, self.settings.options_ttl_seconds
        )

    def validation_url(self, request: Request) -> str:
        """The URL Twilio signed: ``public_url`` (origin or full URL) or the request URL."""
        public = self.settings.public_url
        if not public:
            return request.url
        if urlparse(public).path in ("", "/"):
            public = public.rstrip("/") + request.path
        if request.query_string and "?" not in public:
            public += "?" + request.query_string
        return public

    @staticmethod
    def parse_form(request: Request) -> RequestParameters:
        """The form with blank values kept.

        Sanic's ``request.form`` drops empty fields (``Body=`` of a media-only message), but
        Twilio signs them, so the signature would never match.
        """
        try:
            body = request.body.decode("utf-8")
        except UnicodeDecodeError:
            return RequestParameters()
        return RequestParameters(parse_qs(body, keep_blank_values=True))

    def signature_ok(self, request: Request, form: RequestParameters) -> bool:
        signature = request.headers.get("X-Twilio-Signature")
        reason = None
        if self.validator is None:
            reason = "no auth_token configured"
        elif not signature:
            reason = "missing X-Twilio-Signature"
        elif not self.validator.validate(self.validation_url(request), form, signature):
            reason = "invalid X-Twilio-Signature"
        if reason is None:
            return True
        logger.warning(
            "WhatsApp webhook rejected (403): %s; url=%s from=%s ip=%s sid=%s",
            reason,
            self.validation_url(request),
            mask_number(form.get("From")),
            request.ip,
            (form.get("MessageSid") or "")[:40],
        )
        return False

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait_idle(self, timeout: float = 30.0) -> None:
        """Wait until all inbound messages received so far are fully handled."""
        deadline = time.monotonic() + timeout
        while self._tasks:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise asyncio.TimeoutError("WhatsApp channel still busy")
            await asyncio.wait(set(self._tasks), timeout=remaining)

    async def close(self) -> None:
        await self.client.close()
        await self.store.close()

    # ------------------------------------------------------------- processing
    async def _send(self, sender: str, text: str, force: bool = False) -> None:
        if text:
            await WhatsAppOutput(self)._deliver(sender, text, force=force)

    async def handle_inbound(
        self,
        form: Dict[str, str],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        sender = form["From"]
        # One message at a time per sender, in arrival order (asyncio.Lock is FIFO). The
        # entry is dropped when no task uses or waits for it, so the dict stays small.
        entry = self._sender_locks.setdefault(sender, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:
                await self._handle_inbound_locked(form, on_new_message)
        except Exception:  # never let a background task die silently
            logger.exception("WhatsApp: failed to handle a message")
        finally:
            entry[1] -= 1
            if entry[1] == 0 and self._sender_locks.get(sender) is entry:
                del self._sender_locks[sender]

    async def _handle_inbound_locked(
        self,
        form: Dict[str, str],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        sender = form["From"]
        number = normalise_number(sender)
        sid = form.get("MessageSid") or form.get("SmsMessageSid") or None
        body = form.get("Body") or ""

        keyword = parse_keyword(body)
        if keyword == "stop":
            self.optout.opt_out(number)
            await self._send(sender, self.settings.stop_reply, force=True)
            return
        if keyword == "start":
            self.optout.opt_in(number)
            await self._send(sender, self.settings.start_reply)
            return
        if self.optout.is_opted_out(number):
            logger.info(
                "WhatsApp: message from opted-out %s ignored (send START to resume)",
                mask_number(number),
            )
            return

        audience = self.audience_for(number)
        if audience is None:
            logger.info("WhatsApp: refused unregistered number %s", mask_number(number))
            await self._send(sender, self.settings.refusal_reply)
            return

        options = await self.store.get("options:" + sender)
        if options:
            await self.store.delete("options:" + sender)
        text = body.strip()
        payload = match_option(text, options or [])
        if payload:
            text = payload
        else:
            # Free text never becomes a Rasa "/intent{...}" command: only buttons do.
            text = text.lstrip("/").strip()
            text, truncated = truncate_inbound(text, self.settings.max_inbound_chars)
            if truncated:
                logger.info(
                    "WhatsApp: message from %s truncated to %d characters",
                    mask_number(number),
                    self.settings.max_inbound_chars,
                )
        if not text:
            await self._send(sender, self.settings.media_only_reply)
            return

        metadata: Dict[str, Any] = {"channel": CHANNEL_NAME, "audience": audience}
        if sid:
            metadata["message_sid"] = sid
        try:
            num_media = int(form.get("NumMedia") or 0)
        except ValueError:
            num_media = 0
        if num_media:
            metadata["media_ignored"] = num_media
        try:
            await on_new_message(
                UserMessage(
                    text,
                    WhatsAppOutput(self),
                    sender,
                    input_channel=CHANNEL_NAME,
                    message_id=sid,
                    metadata=metadata,
                )
            )
        except Exception:
            logger.exception("WhatsApp: error while handling a message from %s",
                             mask_number(number))
            await self._send(sender, self.settings.error_reply)

    # --------------------------------------------------------------- blueprint
    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        whatsapp_webhook = Blueprint("whatsapp_webhook", __name__)

        @whatsapp_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @whatsapp_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            form = self.parse_form(request)
            if not self.signature_ok(request, form):
                return response.text("Forbidden: invalid Twilio signature", status=403)

            fields = {key: form.get(key) for key in form}
            twiml = response.text(EMPTY_TWIML, content_type="text/xml")
            if fields.get("MessageStatus") or not fields.get("From"):
                # A delivery status callback (or nothing to answer): acknowledge only.
                logger.debug("WhatsApp: webhook call without an inbound message")
                return twiml

            sid = fields.get("MessageSid") or fields.get("SmsMessageSid")
            if sid:
                first = await self.store.add_if_absent(
                    "sid:" + sid, self.settings.dedupe_ttl_seconds
                )
                if not first:
                    logger.info("WhatsApp: duplicate MessageSid %s ignored", sid)
                    return twiml
            else:
                logger.warning("WhatsApp: message without MessageSid, cannot dedupe")

            self._spawn(self.handle_inbound(fields, on_new_message))
            return twiml

        @whatsapp_webhook.listener("before_server_stop")
        async def drain(*_: Any) -> None:
            try:
                await self.wait_idle(timeout=10.0)
            except asyncio.TimeoutError:
                logger.warning("WhatsApp: stopping with messages still in flight")
            await self.close()

        return whatsapp_webhook
