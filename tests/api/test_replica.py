"""With a read replica: reads without a key come from the replica; writes, and every request
that carries a key, go to the primary, so a writer always reads its own writes."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.config import Settings
from app.db import make_engine, session_scope
from app.keys import create_key
from app.main import create_app
from app.seed import load_seed
from app.store.upgrade import migrate
from tests.conftest import settings_for

QUOTE = {"article": 1, "speaker": "blinken", "kind": "partial", "text": "Moldova"}


def test_reads_go_to_the_replica_and_writers_read_the_primary(
    settings: Settings, seeded: Engine, tmp_path: Path
) -> None:
    # The replica: the same store as the primary had it before the writes below, as a
    # replica that lags would have it. The key exists on the primary alone.
    lagging = settings_for(tmp_path / "replica")
    migrate(lagging)
    replica = make_engine(lagging)
    load_seed(replica, lagging.seed_dir)
    replica.dispose()
    with session_scope(seeded) as session:
        key = {"Authorization": f"Bearer {create_key(session, 'desk').token}"}
    both = settings.model_copy(update={"read_replica_url": lagging.database_url})
    with TestClient(create_app(both)) as client:  # on SQLite, the direct read path too
        written = client.post("/v1/quotes", json=QUOTE, headers=key)
        assert written.status_code == 201  # the key was checked on the primary
        quote_id = written.json()["id"]
        assert client.get("/v1/quotes").json()["total"] == 16  # the replica, lagging
        assert client.get(f"/v1/quotes/{quote_id}").status_code == 404
        assert client.get("/v1/quotes", headers=key).json()["total"] == 17  # the primary
        assert client.get(f"/v1/quotes/{quote_id}", headers=key).json() == written.json()
