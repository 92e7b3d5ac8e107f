"""``saidwho watch`` against a hostile feed: no fetch of an address inside the network, on the
first hop or any redirect, unless allowed by name; no hang on a server that drips its answer;
SIGTERM ends a run at once with what was stored kept. Over a real server and real processes."""

import signal
import subprocess
import time
from pathlib import Path

import pytest

from app.ingest.fetch import inside
from tests.conftest import settings_for
from tests.ingest.conftest import command, scalar, start
from tests.ingest.feed_server import Route, Site, page_bytes, rfc822, rss, serving

pytestmark = pytest.mark.slow  # serves hostile feeds


def _feed(site: Site, links: list[str]) -> None:
    entries = [(f"Story {n}", link, rfc822(2025, 6, 1 + n)) for n, link in enumerate(links)]
    site.routes["/feed"] = Route(rss("The Fixture Times", entries), "application/rss+xml")


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.8.9.10", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("169.254.169.254", "a link-local address"),
        ("fe80::1%eth0", "a link-local address"),
        ("10.1.2.3", "a private address"),
        ("172.16.0.9", "a private address"),
        ("192.168.1.1", "a private address"),
        ("fd12:3456::1", "a private address"),
        ("224.0.0.251", "a multicast address"),
        ("0.0.0.0", "a private address"),
        ("100.64.0.1", "a reserved address"),
        ("240.0.0.1", "a private address"),
    ],
)
def test_addresses_inside_a_network_are_named_for_what_they_are(address: str, kind: str) -> None:
    assert inside(address) == kind


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::6810:84e5", "8.8.4.4"])
def test_public_addresses_are_not_inside(address: str) -> None:
    assert inside(address) is None


def test_links_to_inside_addresses_are_refused_and_never_fetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = settings_for(tmp_path).database_url
    # The feed's own host is allowed by name, as an operator would; "localhost" is not.
    monkeypatch.setenv("SAIDWHO_WATCH_ALLOW_HOSTS", "127.0.0.1")
    with serving(Site()) as site:
        port = site.base.rsplit(":", 1)[1]
        site.routes["/internal"] = Route(page_bytes("wire.html"))
        # A link on the allowed host that redirects to the inside page by a name not allowed.
        site.routes["/hop"] = Route(b"", status=302, location=f"http://localhost:{port}/internal")
        site.routes["/ok"] = Route(page_bytes("newspaper.html"))
        _feed(
            site,
            [
                f"http://localhost:{port}/internal",
                "http://169.254.169.254/latest/meta-data/",
                "http://10.255.255.1/admin",
                f"{site.base}/hop",
                f"{site.base}/ok",
            ],
        )
        result = command(url, "watch", site.base + "/feed", "--once", "--delay", "0")
    assert result.returncode == 0, result.stderr
    assert f"localhost:{port}/internal: refused: localhost is a loopback address" in result.stderr
    assert "169.254.169.254/latest/meta-data/: refused" in result.stderr
    assert "a link-local address" in result.stderr
    assert "10.255.255.1/admin: refused" in result.stderr and "a private address" in result.stderr
    assert "/hop: refused: localhost is a loopback address" in result.stderr
    assert site.hits["/internal"] == 0
    assert "1 stored" in result.stdout
    assert scalar(url, "SELECT count(*) FROM article") == 1


def test_a_feed_at_an_inside_address_is_refused_unless_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = settings_for(tmp_path).database_url
    monkeypatch.delenv("SAIDWHO_WATCH_ALLOW_HOSTS", raising=False)
    with serving(Site()) as site:
        site.routes["/p"] = Route(page_bytes("wire.html"))
        _feed(site, [site.base + "/p"])
        refused = command(url, "watch", site.base + "/feed", "--once", "--delay", "0")
        assert site.hits["/feed"] == 0
        assert "refused: 127.0.0.1 is a loopback address" in refused.stderr
        monkeypatch.setenv("SAIDWHO_WATCH_ALLOW_HOSTS", "127.0.0.1")
        allowed = command(url, "watch", site.base + "/feed", "--once", "--delay", "0")
    assert "1 stored" in allowed.stdout, allowed.stderr
    assert scalar(url, "SELECT count(*) FROM article") == 1


def test_a_page_dripped_a_byte_at_a_time_is_cut_off_at_the_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = settings_for(tmp_path).database_url
    monkeypatch.setenv("SAIDWHO_WATCH_ALLOW_HOSTS", "127.0.0.1")
    with serving(Site()) as site:
        site.routes["/drip"] = Route(page_bytes("wire.html"), drip=0.2)
        site.routes["/ok"] = Route(page_bytes("newspaper.html"))
        _feed(site, [site.base + "/drip", site.base + "/ok"])
        # Every byte comes well inside the timeout; the whole page would take minutes.
        result = command(
            url, "watch", site.base + "/feed", "--once", "--delay", "0", "--timeout", "2",
            timeout=120,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "/drip: no answer within 2 s (will try again)" in result.stderr
    assert "1 stored" in result.stdout


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGINT"])
def test_a_signal_ends_a_fetch_in_flight_and_keeps_what_was_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop: str
) -> None:
    url = settings_for(tmp_path).database_url
    monkeypatch.setenv("SAIDWHO_WATCH_ALLOW_HOSTS", "127.0.0.1")
    with serving(Site()) as site:
        site.routes["/ok"] = Route(page_bytes("newspaper.html"))
        site.routes["/drip"] = Route(page_bytes("wire.html"), drip=1.0)
        _feed(site, [site.base + "/ok", site.base + "/drip"])
        running = start(
            url, "watch", site.base + "/feed", "--once", "--delay", "0", "--timeout", "600"
        )
        deadline = time.monotonic() + 60  # a bound on a hang, not a measure
        while site.hits["/drip"] == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # into the body
        running.send_signal(getattr(signal, stop))
        try:
            out, err = running.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            running.kill()
            running.communicate()
            raise
    assert "stopped" in err and "Traceback" not in err
    assert "1 stored" in out
    assert scalar(url, "SELECT count(*) FROM article") == 1
