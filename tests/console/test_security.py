"""Nothing is visible without a session; CSRF, cookies, rate limiting, injection, read-only."""

import re
import shutil
import sqlite3

import pytest
import requests
import sqlalchemy as sa

from console.app import create_app
from console.config import load_settings
from console.db import Database
from tests.console.conftest import EMAIL, PASSWORD, Client, start_console

PUBLIC = {"/login"}


def user_event_id(db_path, sender="conv-negative"):
    with sqlite3.connect(db_path) as connection:
        return connection.execute(
            "select min(id) from events where sender_id=? and type_name='user'", (sender,)
        ).fetchone()[0]


def concrete_routes(project):
    """Every route of the real app with sample parameters: (method, path)."""
    app = create_app(load_settings(project.env))
    event_id = user_event_id(project.tracker_db)
    out = []
    for route in app.router.routes:
        path = "/" + route.path
        if path.startswith("/static/"):
            continue
        path = path.replace("<sender_id:str>", "conv-negative").replace("<event_id:int>", str(event_id))
        path = path.replace("<fact_id:str>", "colostrum_what_it_is")
        assert "<" not in path, f"add a sample value for {path}"
        for method in route.methods:
            out.append((method, path))
    app.ctx.db.dispose()
    return sorted(set(out))


def test_every_page_and_api_needs_a_session(live_console, console_project):
    routes = concrete_routes(console_project)
    assert len(routes) >= 20
    checked = 0
    for method, path in routes:
        if path in PUBLIC:
            continue
        response = requests.request(method, live_console.url + path, allow_redirects=False, data={"x": "1"})
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path, response.status_code)
            assert response.json() == {"error": "authentication required"}
        else:
            assert response.status_code in (302, 303), (method, path, response.status_code)
            assert response.headers["location"].startswith("/login"), (method, path)
        assert "colostrum" not in response.text.lower()
        checked += 1
    # unknown URLs do not reveal anything either
    assert requests.get(live_console.url + "/no/such/page", allow_redirects=False).status_code == 303
    assert requests.get(live_console.url + "/api/no-such", allow_redirects=False).status_code == 401
    assert checked == len([r for r in routes if r[1] not in PUBLIC])


def test_a_forged_or_expired_cookie_is_no_session(live_console):
    response = requests.get(
        live_console.url + "/api/conversations", cookies={"review_session": "forged-token"}, allow_redirects=False
    )
    assert response.status_code == 401


def test_every_post_without_or_with_a_wrong_csrf_token_is_refused(live_console, console_project, client):
    posts = [path for method, path in concrete_routes(console_project) if method == "POST" and path != "/login"]
    assert {"/logout", "/conversations/conv-negative/tags", "/conversations/conv-negative/story"} <= set(posts)
    for path in posts:
        missing = client.post(path, {"tag": "csrf-test", "body": "csrf note", "intent": "greet", "reviewed": "1"}, csrf=False)
        assert missing.status_code == 403, path
        wrong = client.post(path, {"csrf_token": "x" * 43, "tag": "csrf-test"}, csrf=False)
        assert wrong.status_code == 403, path
    info = client.api("/api/conversations/conv-negative")
    assert "csrf-test" not in info["tags"] and not info["notes"] and not info["reviewed"]
    assert not console_project.nlu_file.exists()
    assert not list(console_project.stories_dir.glob("*.yml"))
    assert client.get("/api/me").status_code == 200  # still logged in: /logout was refused too


def test_login_form_needs_its_csrf_token_and_cross_origin_posts_are_refused(live_console, client):
    bare = requests.post(live_console.url + "/login", data={"email": EMAIL, "password": PASSWORD}, allow_redirects=False)
    assert bare.status_code == 403
    evil = client.http.post(
        live_console.url + "/conversations/conv-negative/review",
        data={"csrf_token": client.csrf, "reviewed": "1"},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
    )
    assert evil.status_code == 403


def test_session_cookie_flags(live_console):
    session = requests.Session()
    page = session.get(live_console.url + "/login")
    login_cookie = page.headers["set-cookie"]
    assert "HttpOnly" in login_cookie and "SameSite=Strict" in login_cookie
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = session.post(
        live_console.url + "/login",
        data={"email": EMAIL, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    assert response.status_code == 303
    cookie = next(c for c in response.raw.headers.getlist("Set-Cookie") if c.startswith("review_session="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http on loopback, CONSOLE_COOKIE_SECURE=auto


def test_secure_cookie_behind_https(fresh_project):
    server = start_console(fresh_project, "console-https", CONSOLE_TRUST_PROXY="1")
    try:
        session = requests.Session()
        https = {"X-Forwarded-Proto": "https"}
        page = session.get(server.url + "/login", headers=https)
        assert "Secure" in page.headers["set-cookie"]
        assert page.headers.get("Strict-Transport-Security")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        # a Secure cookie is not sent back over plain http: hand it over as a TLS proxy would
        response = requests.post(
            server.url + "/login",
            data={"email": EMAIL, "password": PASSWORD, "csrf_token": token},
            headers=https,
            cookies={"review_login_csrf": token},
            allow_redirects=False,
        )
        assert response.status_code == 303, response.text[:300]
        cookie = next(c for c in response.raw.headers.getlist("Set-Cookie") if c.startswith("review_session="))
        assert "Secure" in cookie and "HttpOnly" in cookie
    finally:
        server.stop()


def test_login_rate_limiting(fresh_project):
    server = start_console(fresh_project, "console-ratelimit", CONSOLE_LOGIN_MAX_FAILURES="3")
    try:
        client = requests.Session()

        def attempt(email, password):
            page = client.get(server.url + "/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            return client.post(
                server.url + "/login",
                data={"email": email, "password": password, "csrf_token": token},
                allow_redirects=False,
            )

        for _ in range(3):
            wrong = attempt(EMAIL, "not-the-password")
            assert wrong.status_code == 401 and "Wrong e-mail or password" in wrong.text
        blocked = attempt(EMAIL, PASSWORD)  # even the right password waits now
        assert blocked.status_code == 429 and "Too many failed logins" in blocked.text
        assert "review_session" not in blocked.headers.get("set-cookie", "")
        # unknown accounts get the same answer as wrong passwords (no account enumeration)
        unknown = attempt("nobody@example.org", "whatever-password")
        assert unknown.status_code == 401 and "Wrong e-mail or password" in unknown.text
    finally:
        server.stop()


def test_logout_ends_the_session_and_login_redirect_stays_on_site(live_console):
    client = Client(live_console.url)
    cookie = client.http.cookies.get("review_session")
    client.post("/logout")
    stale = requests.get(live_console.url + "/api/me", cookies={"review_session": cookie}, allow_redirects=False)
    assert stale.status_code == 401
    session = requests.Session()
    page = session.get(live_console.url + "/login?next=//evil.example/x")
    assert "//evil.example" not in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = session.post(
        live_console.url + "/login",
        data={"email": EMAIL, "password": PASSWORD, "csrf_token": token, "next": "https://evil.example/"},
        allow_redirects=False,
    )
    assert response.headers["location"] == "/conversations"


@pytest.mark.parametrize(
    "query",
    ["' OR 1=1 --", "'; DROP TABLE events; --", "%", "_", '" OR ""="', "\\", "conv%' --", "); DELETE FROM events; --"],
)
def test_sql_injection_in_search_does_nothing(client, console_project, query):
    before = sqlite3.connect(console_project.tracker_db).execute("select count(*) from events").fetchone()[0]
    response = client.get("/api/conversations", params={"q": query, "per_page": 200})
    assert response.status_code == 200
    # only a literal match counts: "_" is in the button payload /choose_fact{...} of conv-fallback,
    # no message contains the other strings, and LIKE wildcards are escaped
    expected = {"conv-fallback"} if query == "_" else set()
    assert {item["id"] for item in response.json()["items"]} == expected
    html = client.get("/conversations", params={"q": query})
    assert html.status_code == 200
    after = sqlite3.connect(console_project.tracker_db).execute("select count(*) from events").fetchone()[0]
    assert before == after


def test_injection_in_notes_and_tags_is_stored_literally_and_escaped(fresh_console, fresh_project):
    client = Client(fresh_console.url)
    payload = "<script>alert('note')</script>'); DROP TABLE review_notes; --"
    assert client.post("/conversations/conv-negative/notes", {"body": payload}).status_code == 200
    page = client.get("/conversations/conv-negative").text
    assert "&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;" in page
    assert "<script>alert('note')" not in page
    assert client.api("/api/conversations/conv-negative")["notes"][0]["body"] == payload
    refused = client.post("/conversations/conv-negative/tags", {"tag": "<img src=x onerror=alert(1)>"})
    assert "&lt;img" not in refused.text and "<img src=x" not in refused.text
    assert "A tag is 1 to 40" in refused.text
    tables = sqlite3.connect(fresh_project.tracker_db).execute("select name from sqlite_master").fetchall()
    assert ("review_notes",) in tables and ("events",) in tables
    # search with the same payload finds the note, as text
    assert client.senders("q=" + requests.utils.quote("DROP TABLE review_notes")) == {"conv-negative"}


def test_message_text_is_escaped_and_pages_have_no_script(client):
    page = client.get("/conversations/conv-inject")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page.text
    assert "&lt;b&gt;bold?&lt;/b&gt;" in page.text
    for path in ("/conversations", "/conversations/conv-inject", "/dashboard", "/facts/colostrum_what_it_is"):
        response = client.get(path)
        assert "<script" not in response.text.lower(), path
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"


def test_tracker_store_is_opened_read_only(console_project):
    db = Database(load_settings(console_project.env))
    try:
        with pytest.raises(sa.exc.OperationalError, match="readonly"):
            with db.tracker.begin() as connection:
                connection.execute(sa.text("DELETE FROM events"))
        with db.tracker.connect() as connection:
            assert connection.execute(sa.text("select count(*) from events")).scalar() > 0
    finally:
        db.dispose()


def test_accounts_are_made_on_the_command_line(fresh_project):
    from tests.console.conftest import run_cli

    env = fresh_project.env
    created = run_cli(env, "create-user", "New.Trainer@Example.org", "--password-stdin", stdin="a-long-password\n")
    assert created.returncode == 0 and "new.trainer@example.org" in created.stdout
    again = run_cli(env, "create-user", "new.trainer@example.org", "--password-stdin", stdin="another-password\n")
    assert again.returncode == 1 and "already exists" in again.stderr
    short = run_cli(env, "create-user", "x@example.org", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "at least 10" in short.stderr
    with sqlite3.connect(fresh_project.tracker_db) as connection:
        stored = connection.execute("select password_hash from review_users where email='new.trainer@example.org'")
        assert stored.fetchone()[0].startswith("$argon2id$")
    changed = run_cli(env, "set-password", "new.trainer@example.org", "--password-stdin", stdin="changed-password\n")
    assert changed.returncode == 0
    server = start_console(fresh_project, "console-cli")
    try:
        Client(server.url, "new.trainer@example.org", "changed-password")
    finally:
        server.stop()


def test_an_account_can_be_made_before_rasa_ever_started(fresh_project):
    """On a fresh clone var/ does not exist yet: `make review-user` must still work."""
    from tests.console.conftest import run_cli

    shutil.rmtree(fresh_project.tracker_db.parent)
    created = run_cli(fresh_project.env, "create-user", "first@example.org", "--password-stdin", stdin="a-long-password\n")
    assert created.returncode == 0, created.stderr[-2000:]
    assert fresh_project.tracker_db.parent.is_dir()
