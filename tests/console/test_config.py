"""endpoints.yml → SQLAlchemy URL, as Rasa's SQLTrackerStore builds it, with ${ENV}."""

from pathlib import Path

import pytest

from console.config import ConfigError, load_settings, read_endpoints, tracker_url_from_endpoints


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "endpoints.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_repository_endpoints_file_gives_the_sqlite_store_in_var():
    settings = load_settings({})
    assert settings.tracker_url.get_backend_name() == "sqlite"
    assert settings.tracker_url.database == str(settings.project_root / "var" / "trackers.db")
    assert settings.review_url == settings.tracker_url  # review_* tables live beside by default


def test_relative_sqlite_path_is_relative_to_the_project_root(tmp_path):
    endpoints = write(tmp_path, "tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: var/t.db\n")
    settings = load_settings({"CONSOLE_PROJECT_ROOT": str(tmp_path), "CONSOLE_ENDPOINTS": str(endpoints)})
    assert settings.tracker_url.database == str(tmp_path / "var" / "t.db")


def test_postgresql_with_environment_substitution(tmp_path):
    endpoints = write(
        tmp_path,
        "tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: ${DB_HOST}\n  port: 5433\n"
        "  db: rasa\n  username: ${DB_USER}\n  password: \"${DB_PASSWORD}\"\n",
    )
    env = {"DB_HOST": "db.internal", "DB_USER": "rasa", "DB_PASSWORD": "s3cr:t@x"}
    url = tracker_url_from_endpoints(read_endpoints(endpoints, env), tmp_path)
    assert url.get_backend_name() == "postgresql"
    assert (url.host, url.port, url.database, url.username, url.password) == (
        "db.internal", 5433, "rasa", "rasa", "s3cr:t@x"
    )


def test_host_with_port_and_full_url_in_url_key(tmp_path):
    with_port = {"tracker_store": {"type": "SQL", "dialect": "postgresql", "url": "pg:6543", "db": "x"}}
    url = tracker_url_from_endpoints(with_port, tmp_path)
    assert (url.host, url.port) == ("pg", 6543)
    full = {"tracker_store": {"type": "SQL", "url": "postgresql://u:p@h:1/d"}}
    assert str(tracker_url_from_endpoints(full, tmp_path)) == "postgresql://u:p@h:1/d"


def test_missing_environment_variable_is_a_clear_error(tmp_path):
    endpoints = write(tmp_path, "tracker_store:\n  type: SQL\n  dialect: postgresql\n  password: ${NOPE_NOT_SET}\n")
    with pytest.raises(ConfigError, match="NOPE_NOT_SET"):
        read_endpoints(endpoints, {})


@pytest.mark.parametrize(
    "text",
    ["lock_store:\n  type: in_memory\n", "tracker_store:\n  type: mongod\n  url: mongodb://x\n"],
)
def test_unusable_tracker_store_is_refused(tmp_path, text):
    endpoints = write(tmp_path, text)
    with pytest.raises(ConfigError):
        load_settings({"CONSOLE_PROJECT_ROOT": str(tmp_path), "CONSOLE_ENDPOINTS": str(endpoints)})


def test_separate_review_database(tmp_path):
    endpoints = write(tmp_path, "tracker_store:\n  type: SQL\n  db: t.db\n")
    settings = load_settings(
        {
            "CONSOLE_PROJECT_ROOT": str(tmp_path),
            "CONSOLE_ENDPOINTS": str(endpoints),
            "REVIEW_DATABASE_URL": f"sqlite:///{tmp_path}/review.db",
        }
    )
    assert settings.separate_review_db
    assert settings.review_url.database == f"{tmp_path}/review.db"
