"""Schemathesis against the app's own OpenAPI document, in process: every operation with every
default check, with a write key and without, then stateful runs along the links it infers
(create a quote, read it, correct it, delete it, read it again).

Two settings widen what Schemathesis takes as a proper answer; every check still runs. Data that
fits the schema but names nothing stored ("speaker=someone unknown", a cursor that is not one
of ours, text that is not in the article) is a 422 problem naming the parameter, as the
contract (API.md) asks; and invalid data in a body over the size limit is refused unread, 413.
"""

import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings
from schemathesis.config import SchemathesisConfig

from app.config import Settings
from app.main import create_app
from tests.api import schemathesis_hooks
from tests.conftest import seeded_store_with_key

assert schemathesis_hooks  # registers how to write a batch's body

pytestmark = [pytest.mark.sqlite_only, pytest.mark.slow]  # restarts its store with SQLite's backup

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


# The document is read from an app over no store (none is opened to describe the API); the
# calls go to the app of the ``fuzzed`` fixture, over its own seeded store. (Schemathesis'
# fixture loader, ``schemathesis.pytest.from_fixture``, fails on pytest 9.)
_DESCRIBED = create_app(Settings(database_url="sqlite:////nonexistent/saidwho.db")).openapi()
schema = schemathesis.openapi.from_dict(_DESCRIBED, config=CONFIG)


@dataclass(frozen=True)
class Fuzzed:
    """The app over a seeded store of its own, a write key for it, and the folder where a copy
    of that store as it started is kept, for sequences to start from."""

    app: FastAPI
    key: dict[str, str]
    folder: Path

    def restart_store(self) -> None:
        """Puts the store back as it started, through SQLite's backup, so open connections
        see it."""
        copy(self.folder / "start.db", self.folder / "saidwho.db")


def copy(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as reading, closing(sqlite3.connect(target)) as writing:
        reading.backup(writing)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Fuzzed:
    folder = tmp_path_factory.mktemp("fuzz")
    store, token = seeded_store_with_key(folder, "fuzzer")
    copy(folder / "saidwho.db", folder / "start.db")
    return Fuzzed(create_app(store), {"Authorization": f"Bearer {token}"}, folder)


CASES: Counter[str] = Counter()


def _bound(case: Any, fuzzed: Fuzzed) -> Any:
    """The case, its calls (and those its checks make on their own: a probe without the key,
    a read after a delete) sent to the fixture's app."""
    case.operation.app = fuzzed.app
    case.operation.schema.app = fuzzed.app
    return case


@pytest.fixture(scope="module", autouse=True)
def report_cases() -> Iterator[None]:
    yield
    print(f"\nSchemathesis cases sent: {dict(CASES)}, {sum(CASES.values())} in all")


@schema.parametrize()
@FUZZ
def test_every_operation_keeps_the_contract_without_a_key(case: Any, fuzzed: Fuzzed) -> None:
    CASES["without a key"] += 1
    _bound(case, fuzzed).call_and_validate()


@schema.parametrize()
@FUZZ
def test_every_operation_keeps_the_contract_with_a_key(case: Any, fuzzed: Fuzzed) -> None:
    CASES["with a key"] += 1
    _bound(case, fuzzed).call_and_validate(headers=fuzzed.key)


@pytest.mark.parametrize("with_key", [True, False])
def test_sequences_of_calls_keep_the_contract(with_key: bool, fuzzed: Fuzzed) -> None:
    headers = fuzzed.key if with_key else {}

    class Calls(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Every sequence meets the same store: what an earlier one wrote or deleted would
            # change which calls the next can make, and Hypothesis needs them repeatable.
            fuzzed.restart_store()

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            CASES[f"in sequences {'with' if with_key else 'without'} a key"] += 1
            _bound(case, fuzzed)
            return {"headers": headers}

    Calls.run(settings=settings(FUZZ, max_examples=50, stateful_step_count=8))
