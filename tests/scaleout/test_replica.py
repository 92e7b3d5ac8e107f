"""Against a real hot standby streaming from the primary (``.ci/postgres replica``): reads
without a key come from the replica and see a write once it has streamed across; a keyed
client reads its own write at once, from the primary; the standby itself takes no writes."""

import os
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url, text

from app.config import Settings
from app.db import read_only_reason
from app.main import create_app
from tests.conftest import seeded_store_with_key

pytestmark = pytest.mark.postgres_only

REPLICA = os.environ.get("SAIDWHO_TEST_POSTGRES_REPLICA_URL", "")
HANG_BOUND_S = 60.0
QUOTE = {"article": 1, "speaker": "blinken", "kind": "partial", "text": "Moldova"}


@pytest.fixture
def primary_and_replica(tmp_path: Path) -> tuple[Settings, str, str]:
    if not REPLICA:
        if os.environ.get("CI"):
            pytest.fail("CI starts a streaming replica: SAIDWHO_TEST_POSTGRES_REPLICA_URL")
        pytest.skip('no streaming replica (eval "$(.ci/postgres replica $PGDATA_DIR)")')
    settings, token = seeded_store_with_key(tmp_path, "desk")
    # The test's own database, as the standby has it once it has streamed across.
    replica_url = (
        make_url(REPLICA).set(database=make_url(settings.database_url).database)
    ).render_as_string(hide_password=False)
    engine = create_engine(replica_url)
    deadline = time.monotonic() + HANG_BOUND_S
    while True:
        try:
            with engine.connect() as connection:
                if connection.execute(text("SELECT count(*) FROM quote")).scalar_one() == 16:
                    break
        except Exception:  # noqa: BLE001 - not there yet: the database is still streaming
            pass
        if time.monotonic() > deadline:  # a hang, bounded; not a speed
            pytest.fail(f"the replica never caught up in {HANG_BOUND_S} s")
        time.sleep(0.1)
    engine.dispose()
    return settings, replica_url, token


def test_a_streaming_replica_serves_reads_and_a_writer_reads_its_own_write(
    primary_and_replica: tuple[Settings, str, str],
) -> None:
    settings, replica_url, token = primary_and_replica
    key = {"Authorization": f"Bearer {token}"}
    assert read_only_reason(Settings(database_url=replica_url)) is not None  # a standby
    both = settings.model_copy(update={"read_replica_url": replica_url})
    with TestClient(create_app(both)) as client:
        written = client.post("/v1/quotes", json=QUOTE, headers=key)
        assert written.status_code == 201
        quote_id = written.json()["id"]
        # The writer reads the primary: its own write, at once.
        assert client.get(f"/v1/quotes/{quote_id}", headers=key).json() == written.json()
        assert client.get("/v1/quotes", headers=key).json()["total"] == 17
        # Everyone else reads the replica, which has it once the write has streamed across.
        deadline = time.monotonic() + HANG_BOUND_S
        while client.get(f"/v1/quotes/{quote_id}").status_code != 200:
            if time.monotonic() > deadline:  # a hang, bounded; not a speed
                pytest.fail(f"the write never reached the replica in {HANG_BOUND_S} s")
            time.sleep(0.05)
        assert client.get(f"/v1/quotes/{quote_id}").json() == written.json()
        assert client.get("/v1/quotes").json()["total"] == 17


def test_the_standby_alone_is_served_read_only(
    primary_and_replica: tuple[Settings, str, str],
) -> None:
    _, replica_url, token = primary_and_replica
    standby = Settings(database_url=replica_url, rate_limit_per_address="", rate_limit_per_key="")
    with TestClient(create_app(standby)) as client:
        assert client.get("/v1/quotes").json()["total"] == 16
        refused = client.post(
            "/v1/quotes", json=QUOTE, headers={"Authorization": f"Bearer {token}"}
        )
        assert refused.status_code == 503 and refused.json()["type"] == "/problems/read-only"
        assert client.get("/ready").json()["writes"] == "refused"
