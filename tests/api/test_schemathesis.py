"""Schemathesis against the app's own OpenAPI document, in process: every operation with every
default check, with a write key and without, then stateful runs along the links it infers
(create a quote, read it, correct it, delete it, read it again).

Two settings widen what Schemathesis takes as a proper answer; every check still runs. Data that
fits the schema but names nothing stored ("speaker=someone unknown", a cursor that is not one
of ours, text that is not in the article) is a 422 problem naming the parameter, as the
contract (API.md) asks; and invalid data in a body over the size limit is refused unread, 413.
"""

import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings
from schemathesis.config import SchemathesisConfig

from app.main import create_app
from tests.api import schemathesis_hooks
from tests.conftest import seeded_store_with_key

assert schemathesis_hooks  # registers how to write a batch's body

pytestmark = pytest.mark.sqlite_only  # restarts its store with SQLite's backup

# Shared with the outside run of bench/contract.py.
CONFIG = SchemathesisConfig.from_path(str(Path(__file__).with_name("schemathesis.toml")))
# The store keeps what earlier cases wrote, so a case replayed later would meet another
# store: cases are generated and run once each, not replayed, shrunk or remembered.
FUZZ = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def fuzzed_app(folder: Path) -> tuple[FastAPI, str]:
    """The app over a seeded store of its own, and a write key for it; a copy of that store
    as it started is kept beside it, for sequences to start from."""
    store, token = seeded_store_with_key(folder, "fuzzer")
    copy(folder / "saidwho.db", folder / "start.db")
    return create_app(store), token


def copy(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as reading, closing(sqlite3.connect(target)) as writing:
        reading.backup(writing)


def restart_store() -> None:
    """Puts the store back as it started, through SQLite's backup, so open connections see it."""
    copy(Path(_folder.name) / "start.db", Path(_folder.name) / "saidwho.db")


# Loaded when the module is: Schemathesis' fixture-based loader does not run on this pytest.
_folder = tempfile.TemporaryDirectory(prefix="saidwho-fuzz-")
APP, TOKEN = fuzzed_app(Path(_folder.name))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)
KEY = {"Authorization": f"Bearer {TOKEN}"}


CASES: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def report_cases() -> Iterator[None]:
    yield
    print(f"\nSchemathesis cases sent: {dict(CASES)}, {sum(CASES.values())} in all")


@schema.parametrize()
@FUZZ
def test_every_operation_keeps_the_contract_without_a_key(case: Any) -> None:
    CASES["without a key"] += 1
    case.call_and_validate()


@schema.parametrize()
@FUZZ
def test_every_operation_keeps_the_contract_with_a_key(case: Any) -> None:
    CASES["with a key"] += 1
    case.call_and_validate(headers=KEY)


@pytest.mark.parametrize("with_key", [True, False])
def test_sequences_of_calls_keep_the_contract(with_key: bool) -> None:
    headers = KEY if with_key else {}

    class Calls(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Every sequence meets the same store: what an earlier one wrote or deleted would
            # change which calls the next can make, and Hypothesis needs them repeatable.
            restart_store()

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            CASES[f"in sequences {'with' if with_key else 'without'} a key"] += 1
            return {"headers": headers}

    Calls.run(settings=settings(FUZZ, max_examples=50, stateful_step_count=8))
