"""Schemathesis against the app's own OpenAPI document, in process: every operation with every
default check, with a write key and without, then stateful runs along the links it infers
(create a quote, read it, correct it, delete it, read it again).

One setting departs from Schemathesis' defaults, because the contract (API.md) asks for it:
data that fits the schema but names nothing stored ("speaker=someone unknown", a cursor that is
not one of ours, text that is not in the article) is a 422 problem naming the parameter, so 422
counts as a proper answer to valid-looking data. Every check still runs."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from app.db import make_engine, migrate, session_scope
from app.keys import create_key
from app.main import create_app
from app.seed import load_seed
from tests.conftest import settings_for

CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "410", "422", "429"]
            }
        }
    }
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
_state: dict[str, Any] = {}


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    store = settings_for(folder)
    migrate(store)
    engine = make_engine(store)
    load_seed(engine, store.seed_dir)
    with session_scope(engine) as session:
        _state["token"] = create_key(session, "fuzzer").token
    engine.dispose()
    yield create_app(store)


@pytest.fixture(scope="module")
def api_schema(fuzzed: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", fuzzed, config=CONFIG)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@FUZZ
def test_every_operation_keeps_the_contract_without_a_key(case: Any) -> None:
    case.call_and_validate()


@schema.parametrize()
@FUZZ
def test_every_operation_keeps_the_contract_with_a_key(case: Any) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {_state['token']}"})


@pytest.mark.parametrize("with_key", [True, False])
def test_sequences_of_calls_keep_the_contract(api_schema: Any, with_key: bool) -> None:
    headers = {"Authorization": f"Bearer {_state['token']}"} if with_key else {}

    class Calls(api_schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

    Calls.run(
        settings=settings(
            max_examples=30,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
