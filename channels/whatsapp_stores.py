"""State kept by the WhatsApp channel.

* :class:`MemoryTTLStore`: bounded key/value store with a time-to-live, used to process each
  Twilio ``MessageSid`` once and to remember the last numbered options sent to a sender. It
  lives in one process: with several Rasa replicas (or ``SANIC_WORKERS`` > 1) a retry can land
  on another process, so configure ``redis_url`` to use :class:`RedisTTLStore` instead.
* :class:`RedisTTLStore`: the same interface on Redis (``SET NX EX``), shared by replicas.
* :class:`OptOutStore`: the numbers that sent STOP, in a small SQLite file so the opt-out
  survives restarts. SQLite is a per-host file: several hosts need a shared database instead
  (not implemented; see channels/README.md).
"""

import asyncio
import json
import logging
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from contextlib import closing
from typing import Any, Callable, Optional, Tuple

logger = logging.getLogger(__name__)


class MemoryTTLStore:
    """In-process key/value store; entries expire after ``ttl`` seconds, the oldest entries
    are evicted beyond ``max_entries`` so memory stays bounded."""

    def __init__(
        self,
        max_entries: int = 20000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max(1, int(max_entries))
        self._clock = clock
        # key -> (expires_at, value); insertion order == age order because every write
        # moves the key to the end.
        self._data: "OrderedDict[str, Tuple[float, Any]]" = OrderedDict()

    def __len__(self) -> int:
        self._expire()
        return len(self._data)

    def _expire(self) -> None:
        now = self._clock()
        # Entries are roughly ordered by write time; TTLs may differ, so scan from the
        # oldest and stop at the first live entry (bounded work per call).
        while self._data:
            key, (expires_at, _) = next(iter(self._data.items()))
            if expires_at > now:
                break
            self._data.popitem(last=False)

    def _put(self, key: str, value: Any, ttl: float) -> None:
        self._data[key] = (self._clock() + ttl, value)
        self._data.move_to_end(key)
        while len(self._data) > self.max_entries:
            self._data.popitem(last=False)

    async def add_if_absent(self, key: str, ttl: float) -> bool:
        """Remember ``key``; True if it was not known yet (i.e. first delivery)."""
        self._expire()
        entry = self._data.get(key)
        if entry is not None and entry[0] > self._clock():
            return False
        self._put(key, True, ttl)
        return True

    async def set(self, key: str, value: Any, ttl: float) -> None:
        self._expire()
        self._put(key, value, ttl)

    async def get(self, key: str) -> Optional[Any]:
        entry = self._data.get(key)
        if entry is None:
            return None
        if entry[0] <= self._clock():
            self._data.pop(key, None)
            return None
        return entry[1]

    async def delete(self, key: str) -> None:
        self._data.pop(key, None)

    async def close(self) -> None:
        return None


class RedisTTLStore:
    """:class:`MemoryTTLStore`'s interface on Redis, for several replicas.

    ``client`` is a ``redis.asyncio.Redis`` (redis-py 4.6, already a Rasa dependency) or any
    object with async ``set(name, value, ex=, nx=)``, ``get``, ``delete``.
    """

    def __init__(self, client: Any, prefix: str = "whatsapp:") -> None:
        self._client = client
        self._prefix = prefix

    @classmethod
    def from_url(cls, url: str, prefix: str = "whatsapp:") -> "RedisTTLStore":
        import redis.asyncio as redis_asyncio  # imported lazily: only when configured

        return cls(redis_asyncio.from_url(url), prefix=prefix)

    def _key(self, key: str) -> str:
        return self._prefix + key

    async def add_if_absent(self, key: str, ttl: float) -> bool:
        result = await self._client.set(
            self._key(key), "1", ex=max(1, int(ttl)), nx=True
        )
        return bool(result)

    async def set(self, key: str, value: Any, ttl: float) -> None:
        await self._client.set(self._key(key), json.dumps(value), ex=max(1, int(ttl)))

    async def get(self, key: str) -> Optional[Any]:
        raw = await self._client.get(self._key(key))
        if raw is None:
            return None
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8")
        return json.loads(raw)

    async def delete(self, key: str) -> None:
        await self._client.delete(self._key(key))

    async def close(self) -> None:
        close = getattr(self._client, "close", None)
        if close is not None:
            result = close()
            if asyncio.iscoroutine(result):
                await result


class OptOutStore:
    """Numbers that sent STOP (and have not sent START since), in SQLite.

    The file is tiny and each query hits an indexed primary key, so the calls are made
    synchronously (sub-millisecond); one connection per call keeps it safe across threads and
    processes on the same host (SQLite file locking).
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        self._execute(
            "CREATE TABLE IF NOT EXISTS optout ("
            " number TEXT PRIMARY KEY,"
            " opted_out_at REAL NOT NULL)"
        )

    def _execute(self, sql: str, params: Tuple[Any, ...] = ()) -> Optional[Tuple[Any, ...]]:
        """Run one statement in its own short-lived connection (committed, then closed)."""
        with self._lock, closing(sqlite3.connect(self.path, timeout=5.0)) as conn:
            with conn:  # commits, or rolls back on error
                return conn.execute(sql, params).fetchone()

    def opt_out(self, number: str) -> None:
        self._execute(
            "INSERT OR REPLACE INTO optout (number, opted_out_at) VALUES (?, ?)",
            (number, time.time()),
        )
        logger.info("WhatsApp opt-out recorded for %s", mask_number(number))

    def opt_in(self, number: str) -> None:
        self._execute("DELETE FROM optout WHERE number = ?", (number,))
        logger.info("WhatsApp opt-in (START) recorded for %s", mask_number(number))

    def is_opted_out(self, number: str) -> bool:
        return self._execute("SELECT 1 FROM optout WHERE number = ?", (number,)) is not None


def mask_number(number: Optional[str]) -> str:
    """Phone numbers are personal data: log only the last 4 digits."""
    if not number:
        return "<none>"
    digits = "".join(ch for ch in number if ch.isdigit())
    return "…" + digits[-4:] if len(digits) > 4 else "…"
