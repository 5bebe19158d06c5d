"""A scripted stand-in for the Rasa server, for the widget's rendering tests.

It runs Rasa 3.6.21's *real* socket.io input channel (``rasa.core.channels.socketio.SocketIOInput``,
configured from the ``socketio`` section of credentials.yml) and Rasa's CORS set-up, inside a
Sanic app; only the dialogue engine is replaced by a script. So the widget speaks the exact
protocol of the real server (session_request / session_confirm, rooms, paragraph splitting,
quick_replies) while the replies are fixed and known: links, HTML-looking text, images, buttons.

The tests against the trained assistant are in test_widget.py; this server only makes the
rendering checks independent of the assistant's content and model.

Run: .venv/bin/python tests/browser/stub_rasa.py --port 5099 [--cors '*']
Extra routes: GET /stub/messages (what the widget sent), GET /stub/health.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any, Dict, List

REPO_ROOT = Path(__file__).resolve().parents[2]

GREETING = (
    "Hello! I'm the stub helper.\n\n"
    "Stub disclaimer: general information, not medical advice.\n\n"
    "Stub privacy notice: no names, please."
)
GREETING_BUTTONS = [
    {"title": "What is colostrum?", "payload": "/ask_colostrum"},
    {"title": "Show me links", "payload": "links please"},
]
COLOSTRUM = "Stub answer: colostrum is the first milk."
LINKS = (
    "Read [the WHO page](https://www.who.int/health-topics/breastfeeding) or "
    "https://example.org/milk?a=1&b=2. Not a link: [click me](javascript:alert(1)) and "
    "ftp://example.org/file. Also **important** words."
)
HTML = "Bot HTML: <img src=x onerror=alert(1)> <script>alert(2)</script> <b>bold?</b>"


def socketio_credentials() -> Dict[str, Any]:
    import yaml

    credentials = yaml.safe_load((REPO_ROOT / "credentials.yml").read_text()) or {}
    return dict(credentials.get("socketio") or {})


class ScriptedAgent:
    """Plays the part of rasa.core.agent.Agent.handle_message."""

    def __init__(self) -> None:
        self.received: List[Dict[str, Any]] = []

    async def handle_message(self, message: Any) -> None:
        text = (message.text or "").strip()
        self.received.append(
            {"sender_id": message.sender_id, "text": text, "metadata": message.metadata}
        )
        out = message.output_channel
        recipient = message.sender_id
        lowered = text.lower()
        if text == "/greet":
            await out.send_response(recipient, {"text": GREETING, "buttons": list(GREETING_BUTTONS)})
        elif text == "/ask_colostrum" or "colostrum" in lowered:
            await out.send_response(
                recipient,
                {"text": COLOSTRUM, "buttons": [{"title": "Tell me more", "payload": "/request_more"}]},
            )
        elif lowered == "links please":
            await out.send_response(recipient, {"text": LINKS})
        elif lowered == "html please":
            await out.send_response(recipient, {"text": HTML})
        elif lowered == "image please":
            await out.send_response(
                recipient, {"text": "An image:", "image": "https://example.org/picture.png"}
            )
        else:
            await out.send_response(recipient, {"text": f"You said: {text}"})


def create_app(cors: str = "*"):
    from sanic import Sanic, response

    from rasa.core.channels import channel
    from rasa.core.channels.socketio import SocketIOInput
    from sanic_cors import CORS

    app = Sanic("stub_rasa", configure_logging=False)
    # Same as rasa.server.configure_cors (importing rasa.server costs ~25 s of TensorFlow).
    app.config.CORS_AUTOMATIC_OPTIONS = True
    app.config.CORS_SUPPORTS_CREDENTIALS = True
    app.config.CORS_EXPOSE_HEADERS = "filename"
    CORS(app, resources={r"/*": {"origins": cors or ""}}, automatic_options=True)
    app.ctx.agent = ScriptedAgent()
    channel.register([SocketIOInput.from_credentials(socketio_credentials())], app, "/webhooks/")

    @app.get("/stub/health")
    async def health(request):
        return response.json({"status": "ok"})

    @app.get("/stub/messages")
    async def messages(request):
        return response.json(app.ctx.agent.received)

    return app


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5099)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--cors", default="*")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    app = create_app(args.cors)
    app.run(host=args.host, port=args.port, access_log=False, motd=False, workers=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
