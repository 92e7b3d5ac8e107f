"""Quotation extraction and attribution: ``extract(text, published_on)`` returns the
attributions in an article. No database and no network inside; see ``model`` for the shapes."""

from app.extract.model import Attribution, Quotation, SaidOn, Span, Speaker
from app.extract.pipeline import extract

__all__ = ["Attribution", "Quotation", "SaidOn", "Span", "Speaker", "extract"]
