"""A fake Twilio Messages API on loopback, for tests (nothing leaves the machine).

``POST /2010-04-01/Accounts/{sid}/Messages.json`` (form-encoded, basic auth) is recorded and
answered 201 with a Twilio-like JSON body; it can be told to answer 503 (or 429, with an
optional Retry-After) the next N times.

In-process (a thread with its own event loop)::

    with FakeTwilio(account_sid="AC123", auth_token="secret") as fake:
        fake.base_url               # -> "http://127.0.0.1:<free port>"
        fake.fail_next(2, status=503)
        ...
        fake.wait_for(3, to="whatsapp:+447700900123")   # -> the 3 recorded messages

As a process (so another test session, e.g. tests/conftest.py, can use it)::

    .venv/bin/python tests/whatsapp/fake_twilio.py --port 0 --account-sid AC.. --auth-token ..

prints ``FAKE_TWILIO_URL=http://127.0.0.1:<port>`` on its first line; it is then driven over
HTTP: ``GET /_fake/messages``, ``POST /_fake/fail {"count": 2, "status": 503,
"retry_after": 1}``, ``POST /_fake/reset``.
"""

import argparse
import asyncio
import base64
import socket
import sys
import threading
import time
import uuid
from typing import Any, Dict, List, Optional

from aiohttp import web


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FakeTwilio:
    def __init__(
        self,
        account_sid: str = "ACtest00000000000000000000000000",
        auth_token: str = "test-auth-token",
        port: int = 0,
        host: str = "127.0.0.1",
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.host = host
        self.port = port or free_port()
        self.messages: List[Dict[str, Any]] = []  # accepted (201) messages, in order
        self.requests: List[Dict[str, Any]] = []  # every API request, incl. failed ones
        self._failures: List[Dict[str, Any]] = []
        self._cond = threading.Condition()
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._runner: Optional[web.AppRunner] = None
        self._ready = threading.Event()

    # ------------------------------------------------------------ control
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def fail_next(
        self, count: int, status: int = 503, retry_after: Optional[float] = None
    ) -> None:
        """Answer the next ``count`` API calls with ``status`` (not recorded as sent)."""
        with self._cond:
            for _ in range(count):
                self._failures.append({"status": status, "retry_after": retry_after})

    def reset(self) -> None:
        with self._cond:
            self.messages.clear()
            self.requests.clear()
            self._failures.clear()

    def messages_to(self, to: str) -> List[Dict[str, Any]]:
        with self._cond:
            return [m for m in self.messages if m.get("To") == to]

    def wait_for(
        self, count: int, to: Optional[str] = None, timeout: float = 30.0
    ) -> List[Dict[str, Any]]:
        """Block until ``count`` messages (to ``to``) were accepted; return them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [m for m in self.messages if to is None or m.get("To") == to]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"expected {count} message(s) to {to}, got {len(found)}: {found}"
                    )
                self._cond.wait(remaining)

    def quiet_for(self, seconds: float, to: Optional[str] = None) -> List[Dict[str, Any]]:
        """Wait until no new message (to ``to``) arrived for ``seconds``; return them."""
        last = -1
        while True:
            current = len(self.messages_to(to) if to else list(self.messages))
            if current == last:
                return self.messages_to(to) if to else list(self.messages)
            last = current
            time.sleep(seconds)

    # ------------------------------------------------------------ server
    def _authorised(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return user == self.account_sid and password == self.auth_token

    async def _messages(self, request: web.Request) -> web.Response:
        form = await request.post()
        fields = {key: form.get(key) for key in form.keys()}
        if "MediaUrl" in form:
            fields["MediaUrl"] = form.getall("MediaUrl")
        entry = {
            "path_sid": request.match_info["sid"],
            "received_at": time.time(),
            **fields,
        }
        with self._cond:
            self.requests.append(entry)
            if not self._authorised(request) or request.match_info["sid"] != self.account_sid:
                return web.json_response(
                    {"code": 20003, "message": "Authenticate", "status": 401}, status=401
                )
            if not fields.get("To") or not (fields.get("From") or fields.get("MessagingServiceSid")):
                return web.json_response(
                    {"code": 21604, "message": "A 'To'/'From' is required", "status": 400},
                    status=400,
                )
            if self._failures:
                failure = self._failures.pop(0)
                entry["answered"] = failure["status"]
                headers = {}
                if failure["retry_after"] is not None:
                    headers["Retry-After"] = str(failure["retry_after"])
                return web.json_response(
                    {"code": 20500, "message": "Fake failure", "status": failure["status"]},
                    status=failure["status"],
                    headers=headers,
                )
            sid = "SM" + uuid.uuid4().hex
            entry["answered"] = 201
            message = {**entry, "sid": sid}
            self.messages.append(message)
            self._cond.notify_all()
        return web.json_response(
            {
                "sid": sid,
                "account_sid": self.account_sid,
                "to": fields.get("To"),
                "from": fields.get("From"),
                "body": fields.get("Body"),
                "status": "queued",
                "api_version": "2010-04-01",
            },
            status=201,
        )

    async def _control_messages(self, _: web.Request) -> web.Response:
        with self._cond:
            return web.json_response({"messages": self.messages, "requests": self.requests})

    async def _control_fail(self, request: web.Request) -> web.Response:
        data = await request.json()
        self.fail_next(
            int(data.get("count", 1)),
            int(data.get("status", 503)),
            data.get("retry_after"),
        )
        return web.json_response({"ok": True})

    async def _control_reset(self, _: web.Request) -> web.Response:
        self.reset()
        return web.json_response({"ok": True})

    def make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._messages)
        app.router.add_get("/_fake/messages", self._control_messages)
        app.router.add_post("/_fake/fail", self._control_fail)
        app.router.add_post("/_fake/reset", self._control_reset)
        return app

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.make_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()

    def start(self) -> "FakeTwilio":
        def _run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._start())
            self._ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())
            self._loop.close()

        self._thread = threading.Thread(target=_run, name="fake-twilio", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fake Twilio did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._thread = None

    def __enter__(self) -> "FakeTwilio":
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--account-sid", default="ACtest00000000000000000000000000")
    parser.add_argument("--auth-token", default="test-auth-token")
    args = parser.parse_args(argv)
    fake = FakeTwilio(args.account_sid, args.auth_token, port=args.port).start()
    print(f"FAKE_TWILIO_URL={fake.base_url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    sys.exit(main())
