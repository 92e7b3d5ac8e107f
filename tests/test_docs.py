"""The README stays true: its commands are the ones CI runs, its settings are the real ones."""

import re

from app.config import PROJECT_ROOT, Settings

README = (PROJECT_ROOT / "README.md").read_text("utf-8")


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, flags=re.S)


def test_readme_opens_with_the_serve_and_test_commands() -> None:
    serve, test = shell_blocks()[:2]
    assert "saidwho serve" in serve and "python3 -m venv" in serve
    assert "pytest" in test and "python3 -m venv" in test


def test_ci_runs_the_readme_test_command() -> None:
    test_command = shell_blocks()[1].strip()
    assert test_command in (PROJECT_ROOT / ".ci" / "run").read_text("utf-8")


def test_every_setting_is_documented() -> None:
    for name in Settings.model_fields:
        assert f"SAIDWHO_{name.upper()}" in README, name


def test_the_readme_page_example_posts_a_page_a_clone_has(writer) -> None:  # type: ignore[no-untyped-def]
    """The `text/html` example works as written: its file is in the repository and goes in."""
    example = next(block for block in shell_blocks() if "text/html" in block)
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
