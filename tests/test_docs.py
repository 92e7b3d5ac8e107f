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
