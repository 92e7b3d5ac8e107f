"""Bytes of a page or a text file as text, decoded the way a browser decodes a page: a byte-order
mark first, then the charset the server named, then the page's own ``<meta charset>`` or XML
declaration (w3lib reads these three), then detection (chardet) when it is sure enough, then
windows-1252, the browsers' own fallback for an undeclared page that is not UTF-8.

Every way a page comes in (``saidwho ingest``, ``saidwho watch``, ``POST /v1/articles`` with a
``text/html`` body) decodes here, so one page reads the same whichever way it came. Bytes that
the chosen encoding cannot read become U+FFFD, as in a browser: a page with one bad byte is
still an article.
"""

import codecs

import chardet
from w3lib.encoding import html_to_unicode, read_bom


def known_charset(name: str) -> bool:
    """Whether ``name`` is a charset Python can decode (a header may name any word)."""
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def decode_page(raw: bytes, content_type: str | None = None) -> str:
    """An HTML page's text; ``content_type`` is the ``Content-Type`` header it came with."""
    _, text = html_to_unicode(content_type, raw, default_encoding="utf-8", auto_detect_fun=_detect)
    return text


def decode_text(raw: bytes) -> str:
    """A plain text file's text: its byte-order mark, else UTF-8, else what detection finds."""
    encoding, mark = read_bom(raw)
    if encoding is not None and mark is not None:
        return raw[len(mark) :].decode(encoding, errors="replace")
    return raw.decode(_detect(raw), errors="replace")


# Below this, chardet's guess on a short text is often a wrong code page for Latin text.
_SURE = 0.2


def _detect(raw: bytes) -> str:
    """UTF-8 when the bytes are UTF-8 (most pages, and the cheap test), else what chardet
    finds when it is sure enough, else windows-1252."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        found = chardet.detect(raw[:200_000])
        name = found.get("encoding")
        if name and (found.get("confidence") or 0) >= _SURE and known_charset(name):
            return str(name)
        return "cp1252"
    return "utf-8"
