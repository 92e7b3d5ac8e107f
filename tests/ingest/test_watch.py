"""``saidwho watch``: feeds read and their pages stored, against a real HTTP server on the
loopback address; bad pages are logged and skipped, nothing is fetched twice."""

from pathlib import Path

import pytest

from app.config import Settings
from app.ingest.feeds import Watcher
from app.ingest.fetch import Limits
from app.store.upgrade import migrate
from tests.conftest import settings_for
from tests.ingest.conftest import command, scalar
from tests.ingest.feed_server import Route, Site, atom, page_bytes, rfc822, rss, serving

pytestmark = pytest.mark.slow  # serves feeds and runs the command

# The fixture server is on the loopback address, which the watcher refuses unless allowed.
LOCAL = frozenset({"127.0.0.1"})


@pytest.fixture(autouse=True)
def _loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAIDWHO_WATCH_ALLOW_HOSTS", "127.0.0.1")


GOOD = {
    "/news/harbor": "wire.html",
    "/news/tram": "newspaper.html",
    "/news/election": "liveblog.html",
    "/news/wheat": "metadata-date.html",
    "/news/library": "undated.html",  # dated by its feed entry alone
}
BAD = {
    "/news/gone": "the server answered 404",
    "/news/broken": "the server answered 500",
    "/news/slow": "no answer within 1 s",
    "/news/photo.png": "not an HTML page (image/png)",
    "/news/huge": "over 200,000 bytes",
    "/news/loop": "too many redirects",
    "/news/gallery": "no article text",
}


def newsroom_site() -> Site:
    site = Site()
    site.routes.update({path: Route(page_bytes(name)) for path, name in GOOD.items()})
    site.routes["/news/broken"] = Route(b"oops", status=500)
    site.routes["/news/slow"] = Route(page_bytes("wire.html"), delay=3.0)
    site.routes["/news/photo.png"] = Route(b"\x89PNG....", content_type="image/png")
    site.routes["/news/huge"] = Route(b"<html>" + b"x" * 300_000 + b"</html>")
    site.routes["/news/loop"] = Route(b"", status=302, location="/news/loop")
    site.routes["/news/gallery"] = Route(page_bytes("no-text.html"))
    return site


def with_feed(site: Site) -> Site:
    paths = [*GOOD, *BAD]
    entries = [(f"Story {n}", site.base + path, rfc822(2025, 6, 1 + n)) for n, path in
               enumerate(paths)]  # fmt: skip
    site.routes["/feed.xml"] = Route(
        rss("The Fixture Times", entries), "application/rss+xml", etag='"v1"'
    )
    return site


def test_one_pass_stores_every_page_and_logs_and_skips_each_bad_one(tmp_path: Path) -> None:
    url = settings_for(tmp_path).database_url
    with serving(newsroom_site()) as site:
        with_feed(site)
        result = command(
            url, "watch", site.base + "/feed.xml", "--once", "--timeout", "1",
            "--max-bytes", "200000", "--delay", "0", "--max-redirects", "3",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        for path, reason in BAD.items():
            assert f"{site.base}{path}: " in result.stderr and reason in result.stderr, path
        assert "pass: 12 entries, 5 stored" in result.stdout and "7 failed" in result.stdout
        assert scalar(url, "SELECT count(*) FROM article") == 5
        library = scalar(
            url, "SELECT count(*) FROM article WHERE url LIKE '%/news/library' "
            "AND published_on = '2025-06-05'",
        )  # fmt: skip
        assert library == 1  # the feed's date for the page that gives none
        assert all(site.hits[path] == 1 for path in GOOD)
        # A second run fetches none of the stored pages again: the store knows their addresses.
        again = command(url, "watch", site.base + "/feed.xml", "--once", "--timeout", "1",
                         "--delay", "0", "--max-bytes", "200000")  # fmt: skip
        assert again.returncode == 0 and "0 stored with 0 quotes, 5 already stored" in again.stdout
        assert all(site.hits[path] == 1 for path in GOOD)


def test_a_later_pass_asks_the_feed_conditionally_and_retries_only_what_may_pass(
    tmp_path: Path,
) -> None:
    settings: Settings = settings_for(tmp_path)
    migrate(settings)
    with serving(newsroom_site()) as site:
        with_feed(site)
        lines: list[str] = []
        limits = Limits(timeout=1, max_bytes=200_000, delay=0, max_redirects=3, allow_hosts=LOCAL)
        watcher = Watcher(settings, [site.base + "/feed.xml"], limits=limits, report=lines.append)
        try:
            first = watcher.run_pass()
            second = watcher.run_pass()
        finally:
            watcher.close()
    assert (first.stored, first.failed) == (5, 7)
    assert second.unchanged_feeds == 1 and second.stored == 0
    assert site.asked.count(("/feed.xml", None)) == 1
    assert site.asked.count(("/feed.xml", '"v1"')) == 1
    # A 500 and a timeout may pass: tried again. A 404 or a picture will not: left alone.
    assert site.hits["/news/broken"] == 2 and site.hits["/news/slow"] == 2
    for path in ("/news/gone", "/news/photo.png", "/news/huge", "/news/gallery", *GOOD):
        assert site.hits[path] == 1, path


def test_an_atom_feed_is_read_and_one_host_is_asked_politely(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    migrate(settings)
    with serving(Site()) as site:
        for n, name in enumerate(("wire.html", "newspaper.html", "metadata-date.html")):
            site.routes[f"/p{n}"] = Route(page_bytes(name))
        entries = [(f"P{n}", f"{site.base}/p{n}", "2025-06-01T10:00:00Z") for n in range(3)]
        site.routes["/atom"] = Route(atom("Atom Fixture", entries), "application/atom+xml")
        times: list[float] = []
        limits = Limits(timeout=5, delay=0.3, allow_hosts=LOCAL)
        watcher = Watcher(settings, [site.base + "/atom"], limits=limits, report=lambda _: None)
        real_get = watcher.fetcher.client.stream

        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            times.append(watcher.fetcher.clock())
            return real_get(*args, **kwargs)

        watcher.fetcher.client.stream = timed  # type: ignore[method-assign]
        try:
            done = watcher.run_pass()
        finally:
            watcher.close()
    assert done.stored == 3
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert len(gaps) == 3 and min(gaps) >= 0.29  # the delay is a floor between two requests


def test_an_address_that_is_not_a_feed_is_refused(tmp_path: Path) -> None:
    result = command(settings_for(tmp_path).database_url, "watch", "feeds.txt", "--once")
    assert result.returncode == 2 and "http:// or https://" in result.stderr


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (Route(b"<html><body>not a feed</body></html>"), "not an RSS or Atom feed"),
        (Route(b"", status=503), "the server answered 503"),
    ],
)
def test_a_feed_that_fails_is_logged_and_the_other_feeds_are_read(
    tmp_path: Path, route: Route, reason: str
) -> None:
    url = settings_for(tmp_path).database_url
    with serving(Site()) as site:
        site.routes["/bad"] = route
        site.routes["/p"] = Route(page_bytes("wire.html"))
        site.routes["/good"] = Route(
            rss("Good", [("P", site.base + "/p", rfc822(2025, 3, 14))]), "application/rss+xml"
        )
        result = command(url, "watch", site.base + "/bad", site.base + "/good", "--once",
                         "--delay", "0")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert reason in result.stderr and "1 stored" in result.stdout


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_watching_repeats_its_pass_and_stops_cleanly_when_told(tmp_path: Path, stop: str) -> None:
    import signal
    import subprocess
    import time

    from tests.ingest.conftest import start

    url = settings_for(tmp_path).database_url
    with serving(Site()) as site:
        site.routes["/p"] = Route(page_bytes("wire.html"))
        site.routes["/feed"] = Route(
            rss("Good", [("P", site.base + "/p", rfc822(2025, 3, 14))]),
            "application/rss+xml",
            etag='"v1"',
        )
        running = start(url, "watch", site.base + "/feed", "--every", "0.01", "--delay", "0")
        deadline = time.monotonic() + 60  # a bound on a hang
        while site.asked.count(("/feed", '"v1"')) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        running.send_signal(getattr(signal, stop))
        try:
            out, err = running.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            running.kill()
            running.communicate()
            raise
    assert running.returncode == 0, err
    assert out.count("pass:") >= 3 and "1 stored" in out and "1 feeds unchanged" in out
    assert "stopped" in err and "Traceback" not in err
    assert site.hits["/p"] == 1


def test_a_page_whose_text_is_stored_under_another_address_is_not_fetched_again(
    tmp_path: Path,
) -> None:
    settings = settings_for(tmp_path)
    migrate(settings)
    with serving(Site()) as site:
        for path in ("/a", "/syndicated/a"):
            site.routes[path] = Route(page_bytes("wire.html"))
        entries = [(p, site.base + p, rfc822(2025, 3, 14)) for p in ("/a", "/syndicated/a")]
        site.routes["/feed"] = Route(rss("Wire", entries), "application/rss+xml")
        watcher = Watcher(
            settings,
            [site.base + "/feed"],
            limits=Limits(delay=0, allow_hosts=LOCAL),
            report=lambda _: None,
        )
        try:
            first, second = watcher.run_pass(), watcher.run_pass()
        finally:
            watcher.close()
    assert (first.stored, first.skipped) == (1, 1)
    assert (second.stored, second.skipped) == (0, 1)
    assert site.hits["/a"] == 1 and site.hits["/syndicated/a"] == 1
