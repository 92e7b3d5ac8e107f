"""The code stays reviewable: no function too tangled to read, no code nothing calls. The layer
contracts are checked by ``lint-imports`` in the test command (``pyproject.toml``)."""

from pathlib import Path

from radon.complexity import cc_rank, cc_visit
from vulture import Vulture

from app.config import PROJECT_ROOT

APP = PROJECT_ROOT / "app"
# The extractor's rules are many small judgements in a row; a step of it may branch more, up to
# this, before it must be split.
EXTRACTOR_MOST = 40


def _functions(path: Path) -> list[tuple[str, int]]:
    found = []
    for block in cc_visit(path.read_text("utf-8")):
        name = f"{path.relative_to(PROJECT_ROOT)}:{block.lineno} {block.fullname}"
        found.append((name, block.complexity))
        for closure in getattr(block, "closures", []):
            found.append((f"{name}.{closure.name}", closure.complexity))
    return found


def test_no_function_outside_the_extractor_ranks_d_or_worse() -> None:
    tangled = [
        f"{name} ({complexity})"
        for path in sorted(APP.rglob("*.py"))
        if "extract" not in path.relative_to(APP).parts
        for name, complexity in _functions(path)
        if cc_rank(complexity) >= "D"
    ]
    assert not tangled, tangled


def test_no_step_of_the_extractor_is_past_its_limit() -> None:
    tangled = [
        f"{name} ({complexity})"
        for path in sorted((APP / "extract").rglob("*.py"))
        for name, complexity in _functions(path)
        if complexity > EXTRACTOR_MOST
    ]
    assert not tangled, tangled


def test_no_dead_code() -> None:
    scan = Vulture()
    scan.scavenge([str(APP)])
    dead = [item.get_report() for item in scan.get_unused_code(min_confidence=80)]
    assert not dead, dead
