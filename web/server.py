"""Page server for the parents' website chat widget.

Serves, from one origin and with strict security headers:

* ``/``                          the parents' page (with the widget embedded exactly like the
                                 embed snippet in web/README.md),
* ``/widget.js``, ``/widget.css`` the widget itself (also the embed script for other websites),
* ``/vendor/socket.io.min.js``   the socket.io client, straight from ``node_modules`` (``npm ci``),
* ``/static/...``                small static files (favicon),
* ``/healthz``                   liveness check.

Nothing the page loads comes from another origin; the only other origin the page talks to is the
Rasa server's socket.io channel, named in the Content-Security-Policy ``connect-src``.

Run::

    .venv/bin/python -m web.server --port 8080 --rasa-url http://localhost:5005

Configuration (command-line options win over environment variables):

* ``WEB_PORT`` / ``--port``                  port to listen on (default 8080)
* ``WEB_HOST`` / ``--host``                  interface to bind (default 127.0.0.1)
* ``RASA_PUBLIC_URL`` / ``--rasa-url``       Rasa server origin as the *browser* reaches it
                                             (default http://localhost:5005)
* ``RASA_SOCKET_PATH`` / ``--socket-path``   socket.io path on the Rasa server (default /socket.io)
* ``WEB_ALLOWED_ORIGINS`` / ``--allowed-origins``
                                             comma-separated origins of other websites allowed to
                                             embed the widget (``*`` = any website; empty = only
                                             this server's own page)
"""

from __future__ import annotations

import argparse
import hashlib
import html
import logging
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, Optional, Tuple
from urllib.parse import urlsplit

from sanic import Sanic, response
from sanic.exceptions import MethodNotSupported, NotFound
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger("web.server")

WEB_DIR = Path(__file__).resolve().parent
REPO_ROOT = WEB_DIR.parent
STATIC_DIR = WEB_DIR / "static"
SOCKET_IO_DIST = REPO_ROOT / "node_modules" / "socket.io-client" / "dist"

DEFAULT_PORT = 8080
DEFAULT_HOST = "127.0.0.1"
DEFAULT_RASA_URL = "http://localhost:5005"
DEFAULT_SOCKET_PATH = "/socket.io"


class ConfigError(ValueError):
    """A configuration value is unusable; the message says what to do."""


# ---------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------


def parse_origin(value: str, what: str = "URL") -> str:
    """Return the normalised origin (``scheme://host[:port]``) of an http(s) URL.

    A path is refused rather than silently dropped: socket.io-client would read a path in the
    URL as a socket.io *namespace*, not as a prefix (use ``--socket-path`` for that).
    """
    value = (value or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{what} must be an absolute http(s) URL, got {value!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ConfigError(
            f"{what} must be an origin like http://localhost:5005 without a path, got {value!r}"
            " (put a socket.io path prefix in --socket-path / RASA_SOCKET_PATH)"
        )
    if parts.username or parts.password:
        raise ConfigError(f"{what} must not contain credentials")
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        if not re.fullmatch(r"[0-9a-f:.]+", host):
            raise ConfigError(f"{what} has an invalid host: {value!r}")
        host = f"[{host}]"
    elif not re.fullmatch(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?", host):
        raise ConfigError(f"{what} has an invalid host: {value!r}")
    default_port = 443 if parts.scheme == "https" else 80
    try:
        port = parts.port
    except ValueError as error:
        raise ConfigError(f"{what} has an invalid port: {value!r}") from error
    if port is None or port == default_port:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


def parse_allowed_origins(value: Optional[str]) -> Tuple[Tuple[str, ...], bool]:
    """Parse ``WEB_ALLOWED_ORIGINS``: returns (origins, allow_any)."""
    origins = []
    allow_any = False
    for item in (value or "").replace(" ", ",").split(","):
        item = item.strip()
        if not item:
            continue
        if item == "*":
            allow_any = True
            continue
        origins.append(parse_origin(item, "WEB_ALLOWED_ORIGINS entry"))
    return tuple(dict.fromkeys(origins)), allow_any


def parse_socket_path(value: Optional[str]) -> str:
    path = (value or DEFAULT_SOCKET_PATH).strip()
    if not path.startswith("/") or any(c in path for c in "?#\"'<> \\"):
        raise ConfigError(f"socket.io path must start with '/', got {value!r}")
    return path.rstrip("/") or DEFAULT_SOCKET_PATH


def websocket_origin(origin: str) -> str:
    """The ws(s) origin matching an http(s) origin (CSP needs both in connect-src)."""
    if origin.startswith("https://"):
        return "wss://" + origin[len("https://") :]
    return "ws://" + origin[len("http://") :]


@dataclass(frozen=True)
class WebConfig:
    rasa_url: str = DEFAULT_RASA_URL
    socket_path: str = DEFAULT_SOCKET_PATH
    allowed_origins: Tuple[str, ...] = ()
    allow_any_origin: bool = False
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    access_log: bool = False

    @classmethod
    def build(
        cls,
        rasa_url: Optional[str] = None,
        socket_path: Optional[str] = None,
        allowed_origins: Optional[str] = None,
        host: Optional[str] = None,
        port: Optional[int] = None,
        access_log: bool = False,
    ) -> "WebConfig":
        origins, allow_any = parse_allowed_origins(allowed_origins)
        return cls(
            rasa_url=parse_origin(rasa_url or DEFAULT_RASA_URL, "Rasa URL"),
            socket_path=parse_socket_path(socket_path),
            allowed_origins=origins,
            allow_any_origin=allow_any,
            host=host or DEFAULT_HOST,
            port=DEFAULT_PORT if port is None else int(port),
            access_log=access_log,
        )


# ---------------------------------------------------------------------------------------------
# Security headers
# ---------------------------------------------------------------------------------------------


def content_security_policy(config: WebConfig) -> str:
    """CSP: everything from our own origin; sockets only to ourselves and the Rasa server."""
    connect = ["'self'", config.rasa_url, websocket_origin(config.rasa_url)]
    directives = [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src " + " ".join(dict.fromkeys(connect)),
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "object-src 'none'",
        "frame-src 'none'",
        "worker-src 'none'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def security_headers(config: WebConfig) -> Dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(config),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": (
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
            "interest-cohort=(), browsing-topics=()"
        ),
    }


# ---------------------------------------------------------------------------------------------
# Assets
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    embeddable: bool  # part of the widget that other websites may load

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


def render_index(config: WebConfig) -> bytes:
    template = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    values = {
        "{{RASA_URL}}": html.escape(config.rasa_url, quote=True),
        "{{SOCKET_PATH}}": html.escape(config.socket_path, quote=True),
    }
    for placeholder, value in values.items():
        template = template.replace(placeholder, value)
    return template.encode("utf-8")


def load_assets(config: WebConfig) -> Dict[str, Asset]:
    """Read every served file once, at start-up; a missing file stops the server with advice."""
    socket_io = SOCKET_IO_DIST / "socket.io.min.js"
    if not socket_io.is_file():
        raise ConfigError(
            f"{socket_io} is missing: run `npm ci` in {REPO_ROOT} to install socket.io-client"
        )
    js = "text/javascript; charset=utf-8"
    assets = {
        "/": Asset(render_index(config), "text/html; charset=utf-8", False),
        "/widget.js": Asset((STATIC_DIR / "widget.js").read_bytes(), js, True),
        "/widget.css": Asset((STATIC_DIR / "widget.css").read_bytes(), "text/css; charset=utf-8", True),
        "/vendor/socket.io.min.js": Asset(socket_io.read_bytes(), js, True),
        "/static/page.css": Asset((STATIC_DIR / "page.css").read_bytes(), "text/css; charset=utf-8", False),
        "/static/favicon.svg": Asset((STATIC_DIR / "favicon.svg").read_bytes(), "image/svg+xml", False),
    }
    source_map = SOCKET_IO_DIST / "socket.io.min.js.map"
    if source_map.is_file():
        assets["/vendor/socket.io.min.js.map"] = Asset(
            source_map.read_bytes(), "application/json; charset=utf-8", True
        )
    return assets


# ---------------------------------------------------------------------------------------------
# Application
# ---------------------------------------------------------------------------------------------

_app_counter = 0


def _cors_headers(config: WebConfig, request: Request) -> Dict[str, str]:
    """CORS for the widget files.

    With ``WEB_ALLOWED_ORIGINS`` listing origins, the widget files carry
    ``Cross-Origin-Resource-Policy: same-origin`` so browsers refuse plain (no-cors) loads from
    other websites, and an allowed website loads them with ``crossorigin="anonymous"`` (as in the
    embed snippet), which this header answers. ``*`` lets any website load them.
    """
    if config.allow_any_origin:
        return {"Access-Control-Allow-Origin": "*", "Cross-Origin-Resource-Policy": "cross-origin"}
    headers = {"Cross-Origin-Resource-Policy": "same-origin", "Vary": "Origin"}
    origin = request.headers.get("origin")
    if origin:
        try:
            normalised = parse_origin(origin, "Origin")
        except ConfigError:
            normalised = None
        if normalised and normalised in config.allowed_origins:
            headers["Access-Control-Allow-Origin"] = origin
    return headers


def create_app(config: WebConfig, assets: Optional[Dict[str, Asset]] = None) -> Sanic:
    global _app_counter
    _app_counter += 1
    app = Sanic(f"parents_web_{_app_counter}", configure_logging=False)
    app.config.ACCESS_LOG = config.access_log
    app.config.REQUEST_MAX_SIZE = 64 * 1024  # GET-only server: no request needs a body
    app.ctx.web_config = config
    assets = assets if assets is not None else load_assets(config)
    base_headers = security_headers(config)

    def serve(path: str):
        asset = assets[path]

        async def handler(request: Request) -> HTTPResponse:
            headers = {
                "ETag": asset.etag,
                "Cache-Control": "no-cache",
            }
            if asset.embeddable:
                headers.update(_cors_headers(config, request))
            else:
                headers["Cross-Origin-Resource-Policy"] = "same-origin"
            if request.headers.get("if-none-match") == asset.etag:
                return response.empty(status=304, headers=headers)
            body = b"" if request.method == "HEAD" else asset.body
            return response.raw(body, content_type=asset.content_type, headers=headers)

        handler.__name__ = "asset_" + (path.strip("/").replace("/", "_").replace(".", "_") or "index")
        return handler

    for path in assets:
        app.add_route(serve(path), path, methods=["GET", "HEAD"])

    # Same page for the common spelling.
    app.add_route(serve("/"), "/index.html", methods=["GET", "HEAD"], name="asset_index_html")

    @app.route("/healthz", methods=["GET", "HEAD"])
    async def healthz(request: Request) -> HTTPResponse:
        return response.json({"status": "ok"}, headers={"Cache-Control": "no-store"})

    @app.exception(NotFound, MethodNotSupported)
    async def plain_error(request: Request, error: Exception) -> HTTPResponse:
        status = getattr(error, "status_code", 404)
        return response.text("Not found" if status == 404 else "Method not allowed", status=status)

    @app.on_response
    async def add_security_headers(request: Request, resp: HTTPResponse) -> None:
        for name, value in base_headers.items():
            resp.headers.setdefault(name, value)

    return app


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    env = os.environ
    parser = argparse.ArgumentParser(
        prog="python -m web.server",
        description="Serve the parents' page and chat widget (self-hosted, strict CSP).",
    )
    parser.add_argument(
        "--port", type=int, default=int(env.get("WEB_PORT") or DEFAULT_PORT),
        help="port to listen on (env WEB_PORT, default %(default)s)",
    )
    parser.add_argument(
        "--host", default=env.get("WEB_HOST") or DEFAULT_HOST,
        help="interface to bind (env WEB_HOST, default %(default)s)",
    )
    parser.add_argument(
        "--rasa-url", default=env.get("RASA_PUBLIC_URL") or DEFAULT_RASA_URL,
        help="Rasa server origin as browsers reach it (env RASA_PUBLIC_URL, default %(default)s)",
    )
    parser.add_argument(
        "--socket-path", default=env.get("RASA_SOCKET_PATH") or DEFAULT_SOCKET_PATH,
        help="socket.io path on the Rasa server (env RASA_SOCKET_PATH, default %(default)s)",
    )
    parser.add_argument(
        "--allowed-origins", default=env.get("WEB_ALLOWED_ORIGINS", ""),
        help="comma-separated origins of websites allowed to embed the widget, or * "
        "(env WEB_ALLOWED_ORIGINS, default: none besides this server)",
    )
    parser.add_argument("--access-log", action="store_true", help="log every request")
    return parser


def main(argv: Optional[Iterable[str]] = None) -> int:
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        config = WebConfig.build(
            rasa_url=args.rasa_url,
            socket_path=args.socket_path,
            allowed_origins=args.allowed_origins,
            host=args.host,
            port=args.port,
            access_log=args.access_log,
        )
        app = create_app(config)
    except (ConfigError, OSError) as error:
        print(f"web.server: {error}", file=sys.stderr)
        return 2
    logger.info(
        "Parents' page on http://%s:%s (Rasa socket.io at %s%s; embedding allowed for: %s)",
        config.host, config.port, config.rasa_url, config.socket_path,
        "any website" if config.allow_any_origin else (", ".join(config.allowed_origins) or "this server only"),
    )
    app.run(host=config.host, port=config.port, access_log=config.access_log, motd=False, workers=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
