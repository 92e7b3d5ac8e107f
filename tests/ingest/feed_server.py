"""A real HTTP server on the loopback address serving fixture feeds and pages, counting what it
is asked for, with the failures a watcher meets: 404, 500, slow, slow-drip, not HTML,
oversized, loops."""

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

PAGES = Path(__file__).parent / "pages"


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None
    delay: float = 0.0
    location: str | None = None
    # Sent a byte at a time, this many seconds apart, as a slow-drip server does.
    drip: float = 0.0


@dataclass
class Site:
    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    # (path, the If-None-Match it came with) of every request, in order.
    asked: list[tuple[str, str | None]] = field(default_factory=list)
    base: str = ""


def rss(title: str, entries: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 feed of (title, link, RFC 822 date) entries."""
    items = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link>"
        f"<pubDate>{date}</pubDate></item>"
        for t, link, date in entries
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.invalid/</link>"
        f"<description>fixture</description>{items}</channel></rss>"
    ).encode()


def atom(title: str, entries: list[tuple[str, str, str]]) -> bytes:
    """An Atom feed of (title, link, ISO date) entries."""
    items = "".join(
        f'<entry><title>{escape(t)}</title><link href="{escape(link)}"/>'
        f"<id>{escape(link)}</id><updated>{date}</updated></entry>"
        for t, link, date in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:fixture</id>"
        f"<updated>2025-01-01T00:00:00Z</updated>{items}</feed>"
    ).encode()


def rfc822(year: int, month: int, day: int) -> str:
    import datetime as dt

    return format_datetime(dt.datetime(year, month, day, 12, tzinfo=dt.UTC))


@contextmanager
def serving(site: Site) -> Iterator[Site]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server interface
            path = self.path.split("?")[0]
            site.hits[path] += 1
            site.asked.append((path, self.headers.get("If-None-Match")))
            route = site.routes.get(path)
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if route.delay:
                time.sleep(route.delay)
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.send_header("ETag", route.etag)
                self.end_headers()
                return
            self.send_response(route.status)
            if route.location:
                absolute = route.location.startswith(("http://", "https://"))
                self.send_header("Location", ("" if absolute else site.base) + route.location)
            if route.etag:
                self.send_header("ETag", route.etag)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            try:
                if route.drip:
                    for byte in route.body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(route.drip)
                else:
                    self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading: what a size cap or a deadline does

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def page_bytes(name: str) -> bytes:
    return (PAGES / name).read_bytes()
