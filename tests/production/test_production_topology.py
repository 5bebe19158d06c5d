"""The production topology is configuration: endpoints.production.yml with PostgreSQL and Redis.

These tests load that exact file with Rasa's own loaders, pointed at the machine's
PostgreSQL and Redis, and check that conversations persist and that two replicas serialise
work on one conversation through the Redis lock.
"""
import asyncio
import os
import uuid
from pathlib import Path

import pytest

from tests.support.requirements import missing_service

ROOT = Path(__file__).resolve().parents[2]
ENV = {
    "ACTION_SERVER_URL": "http://127.0.0.1:5055/webhook",
    "DB_HOST": os.environ.get("TEST_DB_HOST", "127.0.0.1"),
    "DB_PORT": os.environ.get("TEST_DB_PORT", "5432"),
    "DB_NAME": os.environ.get("TEST_DB_NAME", "test"),
    "DB_USER": os.environ.get("TEST_DB_USER", "postgres"),
    "DB_PASSWORD": os.environ.get("TEST_DB_PASSWORD", ""),
    "REDIS_HOST": os.environ.get("TEST_REDIS_HOST", "127.0.0.1"),
    "REDIS_PORT": os.environ.get("TEST_REDIS_PORT", "6379"),
    "REDIS_DB": "1",
    "REDIS_PASSWORD": "",
}


@pytest.fixture(scope="module")
def endpoints():
    for key, value in ENV.items():
        os.environ.setdefault(key, value)
    try:
        import psycopg2

        psycopg2.connect(
            host=ENV["DB_HOST"], port=ENV["DB_PORT"], dbname=ENV["DB_NAME"],
            user=ENV["DB_USER"], password=ENV["DB_PASSWORD"], connect_timeout=3,
        ).close()
    except Exception as error:  # noqa: BLE001 - any failure means the service is missing
        missing_service("PostgreSQL", str(error).strip())
    try:
        import redis

        redis.Redis(host=ENV["REDIS_HOST"], port=int(ENV["REDIS_PORT"]), socket_timeout=3).ping()
    except Exception as error:  # noqa: BLE001
        missing_service("Redis", str(error).strip())
    from rasa.core.utils import read_endpoints_from_path

    return read_endpoints_from_path(ROOT / "endpoints.production.yml")


def test_postgresql_tracker_store_keeps_conversations(endpoints):
    from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(ROOT / "domain.yml")
    store = TrackerStore.create(endpoints.tracker_store, domain=domain)
    assert isinstance(store, SQLTrackerStore) and store.engine.dialect.name == "postgresql"
    sender = f"prod-{uuid.uuid4().hex[:10]}"
    tracker = DialogueStateTracker.from_events(
        sender,
        [UserUttered("what is colostrum?", {"name": "ask_colostrum", "confidence": 0.9}),
         SlotSet("fact_id", "colostrum_what_it_is")],
        slots=domain.slots,
    )
    asyncio.run(store.save(tracker))
    restored = asyncio.run(TrackerStore.create(endpoints.tracker_store, domain=domain).retrieve(sender))
    assert restored.get_slot("fact_id") == "colostrum_what_it_is"


def test_redis_lock_store_serialises_two_replicas(endpoints):
    from rasa.core.lock_store import LockError, LockStore, RedisLockStore

    replica_a = LockStore.create(endpoints.lock_store)
    replica_b = LockStore.create(endpoints.lock_store)
    assert isinstance(replica_a, RedisLockStore)
    conversation = f"prod-{uuid.uuid4().hex[:10]}"

    async def scenario():
        async with replica_a.lock(conversation, lock_lifetime=10):
            with pytest.raises(LockError):
                async with replica_b.lock(conversation, wait_time_in_seconds=0.1, lock_lifetime=10):
                    pass  # pragma: no cover - must not be reached
        async with replica_b.lock(conversation, lock_lifetime=10):
            return True

    # Rasa's lock(): a second replica waits; with only a short wait it gives up (LockError).
    assert asyncio.run(scenario())
