"""The code stays reviewable: no function too tangled to read, no code nothing calls, each
resource written in one place. The layer contracts are checked by ``lint-imports`` in the test
command (``pyproject.toml``)."""

import ast
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


# The resource each table (by its model or its Core table's name) belongs to, and where that
# resource is written. Two columns of a quote are written by others: the quotation it belongs
# to (grouping) and, in a speaker merge or split, the speaker who said it.
_RESOURCE = {
    "Article": "article", "ARTICLE": "article",
    "Quote": "quote", "QUOTE": "quote",
    "Speaker": "speaker", "SPEAKER": "speaker", "SpeakerAlias": "speaker", "ALIAS": "speaker",
    "Outlet": "outlet", "OUTLET": "outlet", "OutletAlias": "outlet", "OUTLET_ALIAS": "outlet",
}  # fmt: skip
_WRITERS = {
    "article": ("articles/store.py",),
    "quote": ("quotes/", "quotations/", "speakers/store.py"),
    "speaker": ("speakers/",),
    "outlet": ("outlets/store.py",),
}
_STATEMENTS = {"insert", "update", "delete"}


def _written(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, table) of every statement in ``tree`` that names the table it writes: an
    insert, update or delete of it, a set-based insert, a new row added to the session."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        target: ast.expr | None = None
        if name in _STATEMENTS:
            target = node.args[0]
        elif name == "insert_rows" and len(node.args) > 1:
            target = node.args[1]
        elif name == "add" and isinstance(node.args[0], ast.Call):
            target = node.args[0].func
        if isinstance(target, ast.Name) and target.id in _RESOURCE:
            found.append((node.lineno, target.id))
    return found


def test_each_resource_is_written_only_by_its_own_module() -> None:
    strays = [
        f"app/{where}:{line} writes {table}"
        for path in sorted(APP.rglob("*.py"))
        for where in [path.relative_to(APP).as_posix()]
        for line, table in _written(ast.parse(path.read_text("utf-8")))
        if not where.startswith(_WRITERS[_RESOURCE[table]])
    ]
    assert not strays, strays


def test_the_write_check_sees_a_write_in_the_wrong_place() -> None:
    stray = "def f(session):\n    session.execute(sa.update(QUOTE).values(text='x'))\n"
    added = "def g(session):\n    session.add(Speaker(id='x'))\n    insert_rows(s, OUTLET, [])\n"
    assert _written(ast.parse(stray)) == [(2, "QUOTE")]
    assert _written(ast.parse(added)) == [(2, "Speaker"), (3, "OUTLET")]
