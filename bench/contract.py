"""An outside contract run: Schemathesis from its own command line, every check, against a
live ``saidwho serve`` on a new seeded store, once without a key and once with one.

    python bench/contract.py [--max-examples 50] [--database-url URL]

Prints the cases sent and the failures found for each run, and exits 1 if there were any.
The allowances (statuses valid requests may get by design) are the suite's own,
tests/api/schemathesis.toml. The store is SQLite unless --database-url names an empty
PostgreSQL database.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.db import make_engine, session_scope  # noqa: E402
from app.keys import create_key  # noqa: E402
from app.seed import load_seed  # noqa: E402
from app.store.upgrade import migrate  # noqa: E402
from tests.serving import free_port  # noqa: E402

CONFIG = ROOT / "tests" / "api" / "schemathesis.toml"
SHOW = os.environ.get("SHOW_SCHEMATHESIS") == "1"  # print Schemathesis' own summary too


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=50)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="saidwho-contract-") as folder:
        url = args.database_url or f"sqlite:///{folder}/saidwho.db"
        settings = Settings(database_url=url)
        migrate(settings)
        engine = make_engine(settings)
        load_seed(engine, settings.seed_dir)
        with session_scope(engine) as session:
            token = create_key(session, "contract", admin=True).token
        engine.dispose()
        port = free_port()
        env = {
            **os.environ,
            "SAIDWHO_DATABASE_URL": url,
            "SAIDWHO_RATE_LIMIT_PER_ADDRESS": "",
            "SAIDWHO_RATE_LIMIT_PER_KEY": "",
        }
        log = open(Path(folder) / "server.log", "w")  # noqa: SIM115
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--no-access-log"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base)
            failures = 0
            for label, headers in (("without a key", []), ("with a key", [token])):
                cases, failed = _run(base, label, headers, args.max_examples)
                failures += failed
                print(f"{label}: {cases} cases, {failed} failures")
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()
    return 1 if failures else 0


def _run(base: str, label: str, tokens: list[str], examples: int) -> tuple[int, int]:
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run",
        f"{base}/openapi.json", "--checks", "all", "--max-examples", str(examples),
        "--generation-deterministic", "--continue-on-failure",
    ]  # fmt: skip
    for token in tokens:
        command += ["-H", f"Authorization: Bearer {token}"]
    # How to write a batch's one-article-a-line body: the suite's hook.
    hooks = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.api.schemathesis_hooks",
             "PYTHONPATH": str(ROOT)}  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=hooks)
    cases, failures = _counts(done.stdout)
    if failures or done.returncode != 0 or SHOW:
        print(f"--- {label} ---")
        print("\n".join(done.stdout.splitlines()[-40:]))
    return cases, failures + (done.returncode != 0 and not failures)


def _counts(output: str) -> tuple[int, int]:
    """Cases and failures from the run's closing summary."""
    cases = failures = 0
    for line in output.splitlines():
        words = line.replace(",", " ").split()
        for before, after in zip(words, words[1:], strict=False):
            if after.startswith("generated") and before.isdigit():
                cases = max(cases, int(before))
            if after.startswith("failure") and before.isdigit():
                failures = max(failures, int(before))
    return cases, failures


def _wait_for(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("the server did not come up")


if __name__ == "__main__":
    raise SystemExit(main())
