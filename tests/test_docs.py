"""The README and the manual in ``docs/`` stay true: the README's commands are the ones CI
runs, every setting is documented, the site builds, and every HTTP example in them answers as
written, run with ``curl`` against a live server over a seeded store. (The setup commands for
other machines, a PostgreSQL server or a Dask cluster, are ``console`` blocks, not run here.)"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT, Settings
from tests.serving import served, store_env

README = (PROJECT_ROOT / "README.md").read_text("utf-8")
PAGES = {
    path.name: path.read_text("utf-8") for path in sorted((PROJECT_ROOT / "docs").glob("*.md"))
}
_SH = re.compile(r"```sh\n(.*?)```", flags=re.S)


def shell_blocks(text: str = README) -> list[str]:
    return _SH.findall(text)


def test_readme_opens_with_the_serve_and_test_commands() -> None:
    serve, test = shell_blocks()[:2]
    assert "saidwho serve" in serve and "python3 -m venv" in serve
    assert "pytest" in test and "python3 -m venv" in test


def test_ci_runs_the_readme_test_command() -> None:
    test_command = shell_blocks()[1].strip()
    assert test_command in (PROJECT_ROOT / ".ci" / "run").read_text("utf-8")


def test_every_setting_is_documented() -> None:
    for name in Settings.model_fields:
        assert f"SAIDWHO_{name.upper()}" in PAGES["settings.md"], name


def test_the_readme_page_example_posts_a_page_a_clone_has(writer) -> None:  # type: ignore[no-untyped-def]
    """The `text/html` example works as written: its file is in the repository and goes in."""
    blocks = [block for text in PAGES.values() for block in shell_blocks(text)]
    example = next(block for block in blocks if "text/html" in block)
    path = re.search(r"--data-binary @(\S+)", example)
    query = re.search(r"/v1/articles\?([^' ]+)", example)
    assert path and query
    body = (PROJECT_ROOT / path.group(1)).read_bytes()
    client, key = writer
    response = client.post(
        f"/v1/articles?{query.group(1)}", content=body, headers={**key, "Content-Type": "text/html"}
    )
    assert response.status_code == 201, response.text
    assert response.json()["quotes"]


def test_the_manual_builds_with_every_link_resolved(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "tour" / "index.html").exists()


def test_every_page_of_the_manual_is_in_its_navigation() -> None:
    config = (PROJECT_ROOT / "mkdocs.yml").read_text("utf-8")
    assert set(PAGES) == set(re.findall(r": ([\w-]+\.md)", config))


# Each example's status line, written by the curl of the examples to stderr.
_STATUS = re.compile(r"^HTTP (\d{3})$", flags=re.M)
_CURL = re.compile(r"^curl ", flags=re.M)
# What an example says it answers when it is not a success: "# 422, ..." after the command.
_EXPECTED = re.compile(r"#\s*(\d{3})\b")


def _examples(text: str) -> list[tuple[str, list[int | None]]]:
    """The HTTP examples of a page, as blocks of shell, and each curl's expected status
    (None: any success)."""
    found = []
    for block in shell_blocks(text):
        if "http://127.0.0.1:8000" not in block:
            continue
        commands = re.split(r"(?<!\\)\n", block)
        expected = [
            int(m.group(1)) if (m := _EXPECTED.search(c)) else None
            for c in commands
            if _CURL.match(c)
        ]
        found.append((block, expected))
    return found


@pytest.mark.slow
@pytest.mark.sqlite_only
@pytest.mark.parametrize("page", ["README.md", *(n for n in PAGES if _examples(PAGES[n]))])
def test_every_http_example_answers_as_written(tmp_path: Path, page: str) -> None:
    """The examples run in order, as a reader would paste them, in a folder where the clone's
    files they name are (``tests/``, ``.venv/``)."""
    if shutil.which("curl") is None:
        if os.environ.get("CI"):
            pytest.fail("curl is missing; .ci/run installs it")
        pytest.skip("needs curl")
    text = README if page == "README.md" else PAGES[page]
    examples = _examples(text)
    assert examples, page
    env = store_env(tmp_path)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    here = tmp_path / "reader"
    here.mkdir()
    (here / "tests").symlink_to(PROJECT_ROOT / "tests")
    (here / ".venv").symlink_to(Path(sys.prefix))
    with served(env, tmp_path / "serve.log") as base:
        script = "curl() { command curl -w '%{stderr}HTTP %{http_code}\\n' \"$@\"; }\n"
        script += "\n".join(block for block, _ in examples).replace("http://127.0.0.1:8000", base)
        ran = subprocess.run(
            ["bash", "-c", script], cwd=here, env=env, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip
    statuses = [int(code) for code in _STATUS.findall(ran.stderr)]
    expected = [status for _, wanted in examples for status in wanted]
    assert len(statuses) == len(expected), ran.stderr
    for status, wanted in zip(statuses, expected, strict=True):
        assert status == wanted if wanted else 200 <= status < 300, (statuses, ran.stderr)
