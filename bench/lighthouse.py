"""Lighthouse on the pages a reporter keeps open: the search and its table, a quote, an
article and the quote check, each as a desktop and as a phone, on a served seeded store.

Usage: python bench/lighthouse.py [--lighthouse PATH] [--chromium PATH]

Lighthouse is pinned at 12.2.3 (13 wants Node 22) and run on Debian's Chromium; `.ci/run`
installs it with `npm i -E lighthouse@12.2.3 --prefix bench/.lighthouse`. The aims: 95 or
more for accessibility and best practices, 90 or more for performance. The scores are
printed, one line a page and screen, with the aims missed marked; nothing here fails a run."""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serving import served, store_env  # noqa: E402

PAGES = {
    "search": "/?q=weapons",
    "table": "/?q=weapons&view=table",
    "quote": "/quotes/4",
    "article": "/articles/1",
    "check": "/check?text=This+is+a+direct+escalation+of+tension",
}
CATEGORIES = ("performance", "accessibility", "best-practices")
AIMS = {"performance": 90, "accessibility": 95, "best-practices": 95}


def audit(lighthouse: Path, chromium: Path, url: str, screen: str, out: Path) -> dict[str, int]:
    args = [
        str(lighthouse), url, "--output=json", f"--output-path={out}", "--quiet",
        f"--chrome-path={chromium}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        f"--only-categories={','.join(CATEGORIES)}",
    ]  # fmt: skip
    if screen == "desktop":
        args.append("--preset=desktop")  # the phone is Lighthouse's own default
    subprocess.run(args, check=True, capture_output=True, timeout=300)
    report = json.loads(out.read_text("utf-8"))
    return {name: round(100 * report["categories"][name]["score"]) for name in CATEGORIES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lighthouse", type=Path, default=ROOT / "bench/.lighthouse/node_modules/.bin/lighthouse"
    )
    parser.add_argument("--chromium", type=Path, default=Path("/usr/bin/chromium"))
    args = parser.parse_args()
    if not args.lighthouse.exists():
        sys.exit(f"no Lighthouse at {args.lighthouse}: npm i -E lighthouse@12.2.3 --prefix "
                 "bench/.lighthouse")  # fmt: skip
    print(f"{'page':<8} {'screen':<8} " + " ".join(f"{c:>15}" for c in CATEGORIES))
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        with served(store_env(where), where / "server.log") as base:
            for page, path in PAGES.items():
                for screen in ("desktop", "mobile"):
                    scores = audit(args.lighthouse, args.chromium, base + path, screen,
                                   where / "report.json")  # fmt: skip
                    cells = [
                        f"{scores[c]:>13}{'  ' if scores[c] >= AIMS[c] else ' !'}"
                        for c in CATEGORIES
                    ]
                    print(f"{page:<8} {screen:<8} " + " ".join(cells), flush=True)
    print("aims: performance 90, accessibility 95, best practices 95; ! marks one missed")


if __name__ == "__main__":
    main()
