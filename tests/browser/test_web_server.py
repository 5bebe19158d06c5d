"""web/server.py without a browser: configuration, security headers, CORS, assets."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from web import server  # noqa: E402
from web.server import ConfigError, WebConfig, create_app, parse_origin  # noqa: E402

SOCKET_IO = REPO_ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
needs_npm = pytest.mark.skipif(not SOCKET_IO.is_file(), reason="run `npm ci` first (socket.io-client missing)")


def get(app, path, headers=None):
    _, response = app.test_client.get(path, headers=headers or {})
    return response


def csp_directives(value: str) -> dict:
    out = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


# --- configuration ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, origin",
    [
        ("http://localhost:5005", "http://localhost:5005"),
        ("http://LOCALHOST:5005/", "http://localhost:5005"),
        ("https://bot.example.org:443", "https://bot.example.org"),
        ("http://[::1]:5005", "http://[::1]:5005"),
    ],
)
def test_parse_origin_normalises(value, origin):
    assert parse_origin(value) == origin


@pytest.mark.parametrize(
    "value",
    ["localhost:5005", "ftp://x.org", "javascript:alert(1)", "http://x.org/rasa",
     'http://x.org"><script>', "http://user:pw@x.org", "http://x.org/?a=1", ""],
)
def test_parse_origin_refuses(value):
    with pytest.raises(ConfigError):
        parse_origin(value)


def test_allowed_origins_setting():
    origins, allow_any = server.parse_allowed_origins("https://a.example, https://b.example:8443 ,")
    assert origins == ("https://a.example", "https://b.example:8443") and not allow_any
    assert server.parse_allowed_origins("*") == ((), True)
    assert server.parse_allowed_origins("") == ((), False)
    with pytest.raises(ConfigError):
        server.parse_allowed_origins("not-an-origin")


def test_environment_variables_configure_the_server(monkeypatch):
    monkeypatch.setenv("WEB_PORT", "9090")
    monkeypatch.setenv("RASA_PUBLIC_URL", "https://bot.example.org")
    monkeypatch.setenv("WEB_ALLOWED_ORIGINS", "https://clinic.example")
    args = server.build_parser().parse_args([])
    assert (args.port, args.rasa_url, args.allowed_origins) == (9090, "https://bot.example.org", "https://clinic.example")
    # command-line options win
    args = server.build_parser().parse_args(["--port", "8080", "--rasa-url", "http://localhost:5005"])
    assert (args.port, args.rasa_url) == (8080, "http://localhost:5005")


def test_missing_socket_io_client_stops_the_server_with_advice(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(server, "SOCKET_IO_DIST", tmp_path)
    assert server.main(["--port", "0"]) == 2
    assert "npm ci" in capsys.readouterr().err


def test_bad_rasa_url_stops_the_server(capsys):
    assert server.main(["--rasa-url", "http://localhost:5005/some/path"]) == 2
    assert "--socket-path" in capsys.readouterr().err


# --- headers ---------------------------------------------------------------------------------


@needs_npm
def test_page_has_strict_csp_and_security_headers():
    app = create_app(WebConfig.build(rasa_url="http://localhost:5005"))
    response = get(app, "/")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = csp_directives(response.headers["content-security-policy"])
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'", "http://localhost:5005", "ws://localhost:5005"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert "camera=()" in response.headers["permissions-policy"]
    # the page is the embed snippet, filled in with the configured Rasa URL
    assert b'src="/widget.js" data-rasa-url="http://localhost:5005" data-socket-path="/socket.io"' in response.body


@needs_npm
def test_https_rasa_url_allows_wss_only_to_that_origin():
    app = create_app(WebConfig.build(rasa_url="https://bot.example.org"))
    csp = csp_directives(get(app, "/").headers["content-security-policy"])
    assert csp["connect-src"] == ["'self'", "https://bot.example.org", "wss://bot.example.org"]


@needs_npm
@pytest.mark.parametrize("path", ["/healthz", "/widget.js", "/does-not-exist"])
def test_every_response_carries_the_security_headers(path):
    app = create_app(WebConfig.build())
    response = get(app, path)
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


@needs_npm
def test_healthz():
    response = get(create_app(WebConfig.build()), "/healthz")
    assert response.status == 200 and response.json == {"status": "ok"}


@needs_npm
def test_assets_and_content_types():
    app = create_app(WebConfig.build())
    expected = {
        "/widget.js": "text/javascript",
        "/widget.css": "text/css",
        "/vendor/socket.io.min.js": "text/javascript",
        "/static/page.css": "text/css",
        "/static/favicon.svg": "image/svg+xml",
    }
    for path, content_type in expected.items():
        response = get(app, path)
        assert response.status == 200, path
        assert response.headers["content-type"].startswith(content_type), path
    assert get(app, "/vendor/socket.io.min.js").body == SOCKET_IO.read_bytes()
    assert get(app, "/vendor/socket.io.min.js").body.startswith(b"/*!\n * Socket.IO v4.")


@needs_npm
def test_unchanged_assets_revalidate_with_etag():
    app = create_app(WebConfig.build())
    first = get(app, "/widget.js")
    again = get(app, "/widget.js", {"If-None-Match": first.headers["etag"]})
    assert again.status == 304 and not again.body


def test_served_files_reference_no_other_origin():
    """No CDN, no web fonts, no remote stylesheet: the only absolute URLs in what we serve are
    the default Rasa URL in widget.js and the SVG namespace."""
    static = REPO_ROOT / "web" / "static"
    for name in ("index.html", "widget.css", "page.css", "favicon.svg", "widget.js"):
        text = (static / name).read_text(encoding="utf-8")
        urls = set(re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s'\")]*", text, re.I))
        urls -= {"http://www.w3.org/2000/svg"}
        assert not urls, f"{name} references {urls}"
    css = (static / "widget.css").read_text() + (static / "page.css").read_text()
    assert "@import" not in css and "url(" not in css and "@font-face" not in css


# --- CORS for embedding on other websites -----------------------------------------------------


@needs_npm
def test_widget_files_are_not_embeddable_by_default():
    app = create_app(WebConfig.build())
    response = get(app, "/widget.js", {"Origin": "https://other.example"})
    assert "access-control-allow-origin" not in response.headers
    assert response.headers["cross-origin-resource-policy"] == "same-origin"


@needs_npm
def test_allowed_origins_may_load_the_widget_files():
    app = create_app(WebConfig.build(allowed_origins="https://clinic.example,http://localhost:3000"))
    for path in ("/widget.js", "/widget.css", "/vendor/socket.io.min.js"):
        ok = get(app, path, {"Origin": "https://clinic.example"})
        assert ok.headers["access-control-allow-origin"] == "https://clinic.example", path
        assert "Origin" in ok.headers["vary"]
        other = get(app, path, {"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers, path
    # the page itself is never for other origins
    page = get(app, "/", {"Origin": "https://clinic.example"})
    assert "access-control-allow-origin" not in page.headers


@needs_npm
def test_star_lets_any_website_embed():
    app = create_app(WebConfig.build(allowed_origins="*"))
    response = get(app, "/widget.js", {"Origin": "https://anyone.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
