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
    """Two replicas handling the same conversation: the second waits until the first is done."""
    from rasa.core.lock_store import LockStore, RedisLockStore

    replica_a = LockStore.create(endpoints.lock_store)
    replica_b = LockStore.create(endpoints.lock_store)
    assert isinstance(replica_a, RedisLockStore)
    conversation = f"prod-{uuid.uuid4().hex[:10]}"
    timeline = []

    async def handle(replica, name, started, work_seconds):
        async with replica.lock(conversation, lock_lifetime=30, wait_time_in_seconds=0.05):
            started.set()
            timeline.append(f"{name} start")
            await asyncio.sleep(work_seconds)
            timeline.append(f"{name} end")

    async def scenario():
        a_started, b_started = asyncio.Event(), asyncio.Event()
        first = asyncio.create_task(handle(replica_a, "a", a_started, 0.5))
        await a_started.wait()
        second = asyncio.create_task(handle(replica_b, "b", b_started, 0))
        await asyncio.sleep(0.2)
        assert not b_started.is_set(), "replica b got the lock while replica a held it"
        await asyncio.gather(first, second)

    # Rasa's lock() polls until every earlier ticket is done; a timeout keeps a bug from hanging CI.
    asyncio.run(asyncio.wait_for(scenario(), timeout=20))
    assert timeline == ["a start", "a end", "b start", "b end"]
    assert replica_a.get_lock(conversation) is None or not replica_a.get_lock(conversation).tickets
