"""The list/filter queries against a PostgreSQL tracker store (127.0.0.1:5432, database test).

Rasa's SQLTrackerStore records the fixture conversations into a schema of their own
(POSTGRESQL_SCHEMA, honoured by Rasa and by the console), dropped afterwards. Without a
reachable server the tests skip with the reason, or fail when REQUIRE_SERVICES=1.
"""

import os
import uuid
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import sqlalchemy as sa

from console.config import load_settings
from console.db import Database
from console.queries import ConversationQueries, Filters
from tests.console import fixture_data as fx
from tests.console.conftest import Client, console_env, start_console
from tests.support.requirements import missing_service

PG = {"host": os.environ.get("CONSOLE_TEST_PGHOST", "127.0.0.1"), "port": 5432, "db": "test", "user": "postgres"}


def admin_engine():
    url = sa.engine.URL.create("postgresql", username=PG["user"], host=PG["host"], port=PG["port"], database=PG["db"])
    return sa.create_engine(url, connect_args={"connect_timeout": 3}, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="module")
def pg_project(tmp_path_factory):
    engine = admin_engine()
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
    except Exception as error:  # noqa: BLE001 - any connection problem means "unreachable"
        engine.dispose()
        missing_service("PostgreSQL", f"{PG['host']}:{PG['port']}/{PG['db']}: {str(error).splitlines()[0]}")
    schema = f"console_test_{uuid.uuid4().hex[:10]}"
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    previous = os.environ.get("POSTGRESQL_SCHEMA")
    os.environ["POSTGRESQL_SCHEMA"] = schema  # read by Rasa's SQLTrackerStore
    try:
        fx.build_postgres_tracker_db(PG["host"], PG["port"], PG["db"], PG["user"])
    finally:
        if previous is None:
            os.environ.pop("POSTGRESQL_SCHEMA", None)
        else:
            os.environ["POSTGRESQL_SCHEMA"] = previous
    root: Path = tmp_path_factory.mktemp("pg-project")
    fx.write_facts(root / "facts")
    fx.write_domain(root / "domain.yml")
    (root / "data" / "nlu").mkdir(parents=True)
    (root / "stories").mkdir()
    (root / "endpoints.yml").write_text(
        "tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: ${CONSOLE_TEST_PGHOST}\n"
        f"  port: {PG['port']}\n  db: {PG['db']}\n  username: ${{CONSOLE_TEST_PGUSER}}\n",
        encoding="utf-8",
    )
    env = console_env(
        root, CONSOLE_TEST_PGHOST=PG["host"], CONSOLE_TEST_PGUSER=PG["user"], POSTGRESQL_SCHEMA=schema
    )
    try:
        yield {"root": root, "env": env, "schema": schema}
    finally:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(scope="module")
def pg_db(pg_project):
    settings = load_settings(pg_project["env"])
    assert settings.tracker_url.get_backend_name() == "postgresql"
    db = Database(settings)
    yield db
    db.dispose()


def filters(query: str) -> Filters:
    params = dict(parse_qsl(query))
    params.setdefault("per_page", "200")
    return Filters.from_args(params.get)


def test_events_were_recorded_by_rasa_into_postgresql(pg_db, pg_project):
    with pg_db.tracker.connect() as connection:
        count = connection.execute(sa.text("select count(distinct sender_id) from events")).scalar()
        schema = connection.execute(sa.text("select current_schema()")).scalar()
    assert count == len(fx.ALL_SENDERS) and schema == pg_project["schema"]


@pytest.mark.parametrize("query", list(fx.FILTER_CASES))
def test_each_filter_on_postgresql(pg_db, query):
    total, rows = ConversationQueries(pg_db).list_page(filters(query))
    assert {row.conversation.sender_id for row in rows} == fx.FILTER_CASES[query]
    assert total == len(fx.FILTER_CASES[query])


def test_pagination_and_summaries_on_postgresql(pg_db):
    queries = ConversationQueries(pg_db)
    total, first = queries.list_page(Filters(per_page=5))
    _, second = queries.list_page(Filters(per_page=5, page=2))
    assert total == len(fx.ALL_SENDERS)
    assert first[0].conversation.sender_id == "conv-inject"
    lasts = [r.last for r in first + second]
    assert lasts == sorted(lasts, reverse=True)
    assert not {r.conversation.sender_id for r in first} & {r.conversation.sender_id for r in second}
    handoff = queries.conversation("conv-handoff")
    assert handoff.audience == "professional" and handoff.count("handoff") == 1
    assert queries.channels() == ["rest", "socketio", "telegram", "twilio"]


def test_tracker_store_is_read_only_on_postgresql(pg_db):
    with pytest.raises(sa.exc.InternalError, match="read-only transaction"):
        with pg_db.tracker.begin() as connection:
            connection.execute(sa.text("DELETE FROM events"))


def test_console_process_on_postgresql_with_review_tables_beside(pg_project):
    project = type("P", (), {"env": pg_project["env"]})
    server = start_console(project, "console-postgres")
    try:
        client = Client(server.url)
        assert client.senders("negative=1") == {"conv-negative"}
        assert client.senders("low_conf=1&threshold=0.6") == fx.FILTER_CASES["low_conf=1&threshold=0.6"]
        client.post("/conversations/conv-urgent/tags", {"tag": "pg tag"})
        client.post("/conversations/conv-urgent/review", {"reviewed": "1"})
        assert client.senders("tag=pg+tag&reviewed=yes") == {"conv-urgent"}
        assert client.api("/api/dashboard")["totals"]["conversations"] == len(fx.ALL_SENDERS)
        assert "[phone hidden]" in client.get("/conversations/conv-urgent").text
    finally:
        server.stop()
    with admin_engine().connect() as connection:
        tables = {
            row[0]
            for row in connection.execute(
                sa.text("select table_name from information_schema.tables where table_schema = :s"),
                {"s": pg_project["schema"]},
            )
        }
    assert {"events", "review_users", "review_tags", "review_status"} <= tables


def test_separate_review_database(pg_project, tmp_path):
    env = dict(pg_project["env"], REVIEW_DATABASE_URL=f"sqlite:///{tmp_path}/review.db")
    project = type("P", (), {"env": env})
    server = start_console(project, "console-postgres-split")
    try:
        client = Client(server.url)
        client.post("/conversations/conv-old/tags", {"tag": "split db"})
        assert client.senders("tag=split+db") == {"conv-old"}
        assert client.senders("reviewed=no") == fx.ALL_SENDERS
    finally:
        server.stop()
    assert (tmp_path / "review.db").is_file()
