"""Settings of the review console and the tracker-store URL read from ``endpoints.yml``.

Every setting has a default that fits the repository layout and can be changed with an
environment variable (listed in ``console/README.md``); tests point them at temporary
copies. ``endpoints.yml`` is read the way Rasa reads it: ``${VAR}`` is replaced by the
environment variable (a missing variable is an error), ``url`` is the database host (or a
complete SQLAlchemy URL), relative SQLite paths are relative to the project root (where
Rasa runs).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import yaml
from sqlalchemy.engine.url import URL, make_url

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_PROJECT_ROOT = PACKAGE_DIR.parent

_ENV_PATTERN = re.compile(r"\$\{([^}]*)\}")


class ConfigError(RuntimeError):
    """The console cannot start with this configuration (message says why)."""


def substitute_env(value: Any, environ: Mapping[str, str]) -> Any:
    """Replace ``${VAR}`` in every string of a loaded YAML tree, like Rasa does."""
    if isinstance(value, dict):
        return {key: substitute_env(item, environ) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute_env(item, environ) for item in value]
    if isinstance(value, str) and "${" in value:
        missing = [name for name in _ENV_PATTERN.findall(value) if name not in environ]
        if missing:
            raise ConfigError(
                f"endpoints.yml uses environment variable(s) {', '.join(missing)} "
                "which are not set."
            )
        return _ENV_PATTERN.sub(lambda match: environ[match.group(1)], value)
    return value


def read_endpoints(path: Path, environ: Mapping[str, str]) -> Dict[str, Any]:
    """Load ``endpoints.yml`` with environment substitution."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ConfigError(f"endpoints file not found: {path}") from error
    loaded = yaml.safe_load(text) or {}
    if not isinstance(loaded, dict):
        raise ConfigError(f"{path} is not a YAML mapping")
    return substitute_env(loaded, environ)


def tracker_url_from_endpoints(
    endpoints: Dict[str, Any], base_dir: Path
) -> URL:
    """Build the SQLAlchemy URL of the SQL tracker store, as Rasa's ``SQLTrackerStore``.

    Mirrors ``SQLTrackerStore.get_db_url``: ``url`` is the host (``host:port`` allowed)
    or a full URL; ``db`` defaults to ``rasa.db``; ``dialect`` to ``sqlite``.
    """
    store = endpoints.get("tracker_store")
    if not store:
        raise ConfigError(
            "endpoints.yml has no tracker_store: Rasa then keeps conversations in "
            "memory and the console has nothing to read. Configure `type: SQL`."
        )
    store_type = str(store.get("type") or store.get("store_type") or "").strip()
    if store_type.lower() not in {"sql", "rasa.core.tracker_store.sqltrackerstore"}:
        raise ConfigError(
            f"tracker_store type '{store_type}' is not supported by the console; "
            "it reads the SQL tracker store (SQLite or PostgreSQL)."
        )
    dialect = str(store.get("dialect") or "sqlite")
    host = store.get("url") or store.get("host")
    port = store.get("port")
    db = str(store.get("db") or "rasa.db")
    username = store.get("username")
    password = store.get("password")
    query = store.get("query") or {}

    if host and "://" in str(host):
        return make_url(str(host))
    if host:
        from urllib.parse import urlsplit

        parsed = urlsplit(f"scheme://{host}")
        port = parsed.port or port
        host = parsed.hostname or host
    if port is not None:
        try:
            port = int(port)
        except (TypeError, ValueError) as error:
            raise ConfigError(f"tracker_store port '{port}' is not a number") from error

    if dialect.startswith("sqlite"):
        if db not in (":memory:", "") and not os.path.isabs(db):
            db = str((base_dir / db).resolve())
        return URL.create(dialect, database=db)
    return URL.create(
        dialect,
        username=str(username) if username is not None else None,
        password=str(password) if password is not None else None,
        host=str(host) if host else None,
        port=port,
        database=db,
        query={str(k): str(v) for k, v in query.items()},
    )


def _env_bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_float(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as error:
        raise ConfigError(f"{name}={raw!r} is not a number") from error


@dataclass
class Settings:
    """Everything the console needs to know; built by :func:`load_settings`."""

    project_root: Path
    endpoints_path: Path
    tracker_url: URL
    review_url: URL
    domain_path: Path
    facts_dir: Path
    data_dir: Path
    nlu_output: Path
    stories_dir: Path
    cookie_secure: str = "auto"  # auto | always | never
    trust_proxy: bool = False
    session_hours: float = 12.0
    login_max_failures: int = 5
    login_window_seconds: int = 900
    low_confidence: float = 0.5
    low_margin: float = 0.1
    page_size: int = 25
    export_limit: int = 10000
    postgresql_schema: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict)

    @property
    def separate_review_db(self) -> bool:
        return str(self.review_url) != str(self.tracker_url)


def load_settings(environ: Optional[Mapping[str, str]] = None) -> Settings:
    """Read settings from the environment (``os.environ`` by default)."""
    env = dict(os.environ if environ is None else environ)
    root = Path(env.get("CONSOLE_PROJECT_ROOT") or DEFAULT_PROJECT_ROOT).resolve()
    endpoints_path = Path(env.get("CONSOLE_ENDPOINTS") or root / "endpoints.yml")
    if not endpoints_path.is_absolute():
        endpoints_path = (root / endpoints_path).resolve()

    if env.get("CONSOLE_TRACKER_URL"):
        tracker_url = make_url(env["CONSOLE_TRACKER_URL"])
    else:
        tracker_url = tracker_url_from_endpoints(read_endpoints(endpoints_path, env), root)
    review_url = make_url(env["REVIEW_DATABASE_URL"]) if env.get("REVIEW_DATABASE_URL") else tracker_url

    def path_setting(name: str, default: Path) -> Path:
        raw = env.get(name)
        value = Path(raw) if raw else default
        return value if value.is_absolute() else (root / value)

    data_dir = path_setting("CONSOLE_DATA_DIR", root / "data")
    cookie_secure = (env.get("CONSOLE_COOKIE_SECURE") or "auto").strip().lower()
    if cookie_secure not in {"auto", "always", "never"}:
        raise ConfigError("CONSOLE_COOKIE_SECURE must be auto, always or never")

    return Settings(
        project_root=root,
        endpoints_path=endpoints_path,
        tracker_url=tracker_url,
        review_url=review_url,
        domain_path=path_setting("CONSOLE_DOMAIN", root / "domain.yml"),
        facts_dir=path_setting("CONSOLE_FACTS_DIR", root / "facts"),
        data_dir=data_dir,
        nlu_output=path_setting("CONSOLE_NLU_FILE", data_dir / "nlu" / "reviewed.yml"),
        stories_dir=path_setting("CONSOLE_STORIES_DIR", root / "tests" / "stories"),
        cookie_secure=cookie_secure,
        trust_proxy=_env_bool(env, "CONSOLE_TRUST_PROXY", False),
        session_hours=_env_float(env, "CONSOLE_SESSION_HOURS", 12.0),
        login_max_failures=int(_env_float(env, "CONSOLE_LOGIN_MAX_FAILURES", 5)),
        login_window_seconds=int(_env_float(env, "CONSOLE_LOGIN_WINDOW_SECONDS", 900)),
        low_confidence=_env_float(env, "CONSOLE_LOW_CONFIDENCE", 0.5),
        low_margin=_env_float(env, "CONSOLE_LOW_MARGIN", 0.1),
        page_size=int(_env_float(env, "CONSOLE_PAGE_SIZE", 25)),
        export_limit=int(_env_float(env, "CONSOLE_EXPORT_LIMIT", 10000)),
        postgresql_schema=env.get("POSTGRESQL_SCHEMA") or None,
    )
