"""Accounts, password hashing (argon2), sessions, CSRF tokens and login rate limiting.

* Passwords are hashed with argon2id (argon2-cffi defaults) and rehashed when the
  parameters change. Unknown e-mails are checked against a dummy hash so that timing does
  not tell which accounts exist.
* A session is a random 256-bit token in an HttpOnly, SameSite=Strict cookie; only its
  SHA-256 is stored (``review_sessions``), with the session's CSRF token.
* Every POST carries a CSRF token: the session's token once logged in, a double-submit
  cookie token on the login form.
* After ``login_max_failures`` failed logins for one e-mail (or four times that many from
  one address) within ``login_window_seconds``, logins are refused with HTTP 429.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from typing import Optional, Tuple

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from console.db import Database, login_attempts, sessions, users

SESSION_COOKIE = "review_session"
LOGIN_CSRF_COOKIE = "review_login_csrf"
MIN_PASSWORD_LENGTH = 10
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass
class SessionInfo:
    user_id: int
    email: str
    csrf_token: str


class AccountError(ValueError):
    """A user cannot be created (message says why)."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_match(expected: Optional[str], given: Optional[str]) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def create_user(db: Database, email: str, password: str) -> int:
    email = normalise_email(email)
    if not EMAIL_SHAPE.match(email) or len(email) > 254:
        raise AccountError(f"'{email}' is not an e-mail address")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    with db.review.begin() as connection:
        exists = connection.execute(sa.select(users.c.id).where(users.c.email == email)).first()
        if exists:
            raise AccountError(f"an account for {email} already exists")
        result = connection.execute(
            users.insert().values(
                email=email, password_hash=_hasher.hash(password), is_active=True, created_at=time.time()
            )
        )
        return int(result.inserted_primary_key[0])


def set_password(db: Database, email: str, password: str) -> None:
    email = normalise_email(email)
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    with db.review.begin() as connection:
        result = connection.execute(
            users.update().where(users.c.email == email).values(password_hash=_hasher.hash(password))
        )
        if result.rowcount != 1:
            raise AccountError(f"no account for {email}")
        user_id = connection.execute(sa.select(users.c.id).where(users.c.email == email)).scalar_one()
        connection.execute(sessions.delete().where(sessions.c.user_id == user_id))


def login_blocked(db: Database, email: str, ip: str) -> int:
    """Seconds until the next login may be tried, or 0 when not blocked."""
    settings = db.settings
    now = time.time()
    window_start = now - settings.login_window_seconds
    email = normalise_email(email)
    with db.review.connect() as connection:
        last_success = connection.execute(
            sa.select(sa.func.max(login_attempts.c.ts)).where(
                login_attempts.c.email == email, login_attempts.c.success.is_(True)
            )
        ).scalar()
        since = max(window_start, last_success or 0.0)
        by_email = connection.execute(
            sa.select(sa.func.count(), sa.func.min(login_attempts.c.ts)).where(
                login_attempts.c.email == email,
                login_attempts.c.success.is_(False),
                login_attempts.c.ts > since,
            )
        ).first()
        by_ip = connection.execute(
            sa.select(sa.func.count(), sa.func.min(login_attempts.c.ts)).where(
                login_attempts.c.ip == ip,
                login_attempts.c.success.is_(False),
                login_attempts.c.ts > window_start,
            )
        ).first()
    for (count, oldest), limit in ((by_email, settings.login_max_failures), (by_ip, settings.login_max_failures * 4)):
        if count >= limit and oldest is not None:
            return max(1, int(oldest + settings.login_window_seconds - now) + 1)
    return 0


def authenticate(db: Database, email: str, password: str, ip: str) -> Optional[int]:
    """Check the password; records the attempt. Returns the user id or ``None``."""
    email = normalise_email(email)[:254]
    with db.review.connect() as connection:
        row = connection.execute(
            sa.select(users.c.id, users.c.password_hash, users.c.is_active).where(users.c.email == email)
        ).first()
    ok = False
    if row is None:
        try:
            _hasher.verify(_DUMMY_HASH, password or "")
        except VerificationError:
            pass
    else:
        try:
            ok = _hasher.verify(row.password_hash, password or "") and bool(row.is_active)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
    now = time.time()
    with db.review.begin() as connection:
        connection.execute(login_attempts.insert().values(ip=ip[:64], email=email, ts=now, success=ok))
        # keep the attempts table small
        connection.execute(login_attempts.delete().where(login_attempts.c.ts < now - 30 * 86400))
        if ok:
            values = {"last_login_at": now}
            if _hasher.check_needs_rehash(row.password_hash):
                values["password_hash"] = _hasher.hash(password)
            connection.execute(users.update().where(users.c.id == row.id).values(**values))
    return int(row.id) if ok else None


def create_session(db: Database, user_id: int) -> Tuple[str, str]:
    """New session for ``user_id``: returns ``(cookie token, csrf token)``."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = time.time()
    with db.review.begin() as connection:
        connection.execute(sessions.delete().where(sessions.c.expires_at < now))
        connection.execute(
            sessions.insert().values(
                token_hash=hash_token(token),
                user_id=user_id,
                csrf_token=csrf,
                created_at=now,
                expires_at=now + db.settings.session_hours * 3600,
            )
        )
    return token, csrf


def load_session(db: Database, token: Optional[str]) -> Optional[SessionInfo]:
    if not token or len(token) > 128:
        return None
    with db.review.connect() as connection:
        row = connection.execute(
            sa.select(sessions.c.user_id, sessions.c.csrf_token, sessions.c.expires_at, users.c.email, users.c.is_active)
            .select_from(sessions.join(users, users.c.id == sessions.c.user_id))
            .where(sessions.c.token_hash == hash_token(token))
        ).first()
    if row is None or row.expires_at < time.time() or not row.is_active:
        return None
    return SessionInfo(user_id=int(row.user_id), email=row.email, csrf_token=row.csrf_token)


def end_session(db: Database, token: Optional[str]) -> None:
    if not token:
        return
    with db.review.begin() as connection:
        connection.execute(sessions.delete().where(sessions.c.token_hash == hash_token(token)))
