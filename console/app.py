"""Application factory: the Sanic app, its templates, and the security middleware.

Access is denied by default: a request middleware lets through only ``/login`` and
``/static/`` without a session; any other page redirects to ``/login`` and any ``/api/``
path answers 401. Every POST must carry the CSRF token (form field ``csrf_token`` or
header ``X-CSRF-Token``). Responses carry a strict Content-Security-Policy.
"""

from __future__ import annotations

import itertools
import json
import logging
from pathlib import Path
from typing import Any, Dict, Optional
from urllib.parse import quote, unquote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request

from console import auth
from console.config import Settings, load_settings
from console.db import Database
from console.export import iso
from console.knowledge import Knowledge
from console.masking import mask
from console.queries import ConversationQueries

logger = logging.getLogger("console")
PACKAGE_DIR = Path(__file__).resolve().parent
PUBLIC_PREFIXES = ("/static/",)
PUBLIC_PATHS = {"/login"}
FLASH_COOKIE = "review_flash"
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
_app_counter = itertools.count(1)


def conversation_url(sender_id: str) -> str:
    return "/conversations/" + quote(sender_id, safe="")


def turn_url(sender_id: str, event_id: Optional[int] = None, index: Optional[int] = None) -> str:
    if event_id is not None:
        return f"{conversation_url(sender_id)}/turns/{event_id}"
    return f"{conversation_url(sender_id)}#turn-{index}"


def _template_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(PACKAGE_DIR / "templates")),
        autoescape=select_autoescape(["html", "svg"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        mask=mask,
        iso=iso,
        conversation_url=conversation_url,
        turn_url=turn_url,
        quote=quote,
        urlencode=urlencode,
    )
    env.filters["pct"] = lambda value: "" if value is None else f"{float(value) * 100:.0f}%"
    env.filters["conf"] = lambda value: "" if value is None else f"{float(value):.2f}"
    return env


def is_https(request: Request, settings: Settings) -> bool:
    if request.scheme in ("https", "wss"):
        return True
    if settings.trust_proxy:
        return request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower() == "https"
    return False


def set_cookie(request: Request, resp: Any, name: str, value: str, max_age: Optional[int] = None) -> None:
    settings: Settings = request.app.ctx.settings
    resp.cookies[name] = value
    cookie = resp.cookies[name]
    cookie["path"] = "/"
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    if max_age is not None:
        cookie["max-age"] = max_age
    secure = settings.cookie_secure == "always" or (settings.cookie_secure == "auto" and is_https(request, settings))
    if secure:
        cookie["secure"] = True


def delete_cookie(request: Request, resp: Any, name: str) -> None:
    set_cookie(request, resp, name, "", max_age=0)


def flash(request: Request, resp: Any, message: str, level: str = "info") -> Any:
    set_cookie(request, resp, FLASH_COOKIE, quote(json.dumps({"m": message[:500], "l": level})), max_age=60)
    return resp


def render(request: Request, template: str, status: int = 200, **context: Any) -> Any:
    env: Environment = request.app.ctx.templates
    message = None
    raw = request.cookies.get(FLASH_COOKIE)
    if raw:
        try:
            message = json.loads(unquote(raw))
        except ValueError:
            message = None
    session = getattr(request.ctx, "session", None)
    body = env.get_template(template).render(
        request=request,
        user=session,
        csrf_token=session.csrf_token if session else context.pop("login_csrf", ""),
        flash=message,
        settings=request.app.ctx.settings,
        **context,
    )
    resp = response.html(body, status=status)
    if raw:
        delete_cookie(request, resp, FLASH_COOKIE)
    return resp


def _public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


async def _authenticate(request: Request) -> Optional[Any]:
    from console.db import run_sync

    request.ctx.session = None
    token = request.cookies.get(auth.SESSION_COOKIE)
    if token:
        request.ctx.session = await run_sync(auth.load_session, request.app.ctx.db, token)
    path = request.path
    if request.ctx.session is None and not _public(path):
        if path.startswith("/api/"):
            return response.json({"error": "authentication required"}, status=401)
        target = "/login"
        if request.method == "GET" and path not in ("/", "/logout"):
            wanted = path + (("?" + request.query_string) if request.query_string else "")
            target += "?" + urlencode({"next": wanted})
        return response.redirect(target, status=303)
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        origin = request.headers.get("origin")
        host = request.headers.get("host", "")
        if origin and origin != "null" and origin.split("://", 1)[-1] != host:
            return response.text("Cross-origin form refused.", status=403)
        given = request.headers.get("x-csrf-token")
        if given is None and request.form:
            given = request.form.get("csrf_token")
        if request.ctx.session is not None:
            expected = request.ctx.session.csrf_token
        else:  # the login form: double-submit cookie
            expected = request.cookies.get(auth.LOGIN_CSRF_COOKIE)
        if not auth.tokens_match(expected, given):
            return response.text("Missing or wrong CSRF token: reload the page and try again.", status=403)
    return None


async def _security_headers(request: Request, resp: Any) -> None:
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["Referrer-Policy"] = "same-origin"
    if not request.path.startswith("/static/"):
        resp.headers["Cache-Control"] = "no-store"
    settings: Settings = request.app.ctx.settings
    if is_https(request, settings):
        resp.headers["Strict-Transport-Security"] = "max-age=31536000"


async def _error(request: Request, exception: Exception) -> Any:
    """Error pages; unknown URLs still ask for a login first."""
    if not hasattr(request.ctx, "session"):
        denied = await _authenticate(request)
        if denied is not None:
            return denied
    status = getattr(exception, "status_code", 500) if isinstance(exception, SanicException) else 500
    if status >= 500:
        logger.exception("error while serving %s", request.path, exc_info=exception)
        message = "Something went wrong; the error was logged."
    else:
        message = str(exception) or "Not found."
    if request.path.startswith("/api/"):
        return response.json({"error": message}, status=status)
    return render(request, "error.html", status=status, code=status, message=message)


def create_app(settings: Optional[Settings] = None, name: Optional[str] = None) -> Sanic:
    settings = settings or load_settings()
    app = Sanic(name or f"review_console_{next(_app_counter)}")
    app.config.FORWARDED_SECRET = None
    app.config.REQUEST_MAX_SIZE = 2_000_000
    app.ctx.settings = settings
    app.ctx.db = Database(settings)
    app.ctx.queries = ConversationQueries(app.ctx.db)
    app.ctx.knowledge = Knowledge(settings.facts_dir, settings.domain_path)
    app.ctx.templates = _template_env()
    app.register_middleware(_authenticate, "request")
    app.register_middleware(_security_headers, "response")
    app.error_handler.add(Exception, _error)
    app.static("/static", str(PACKAGE_DIR / "static"), name="static")

    from console import views

    views.register(app)
    return app


def route_summary(app: Sanic) -> Dict[str, Any]:
    """Every route's path and methods (used by the security tests)."""
    out = {}
    for route in app.router.routes:
        out[route.path] = sorted(route.methods)
    return out
