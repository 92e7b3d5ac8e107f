"""The data model: tables in ``tables``, the shapes the API answers with in ``public``."""

from app.models.tables import (
    ApiKey,
    Article,
    IdempotentRequest,
    Outlet,
    OutletAlias,
    Quotation,
    QuotationAnchor,
    Quote,
    QuoteRevision,
    Speaker,
    SpeakerAlias,
    SpeakerRevision,
)

__all__ = [
    "ApiKey",
    "Article",
    "IdempotentRequest",
    "Outlet",
    "OutletAlias",
    "Quotation",
    "QuotationAnchor",
    "Quote",
    "QuoteRevision",
    "Speaker",
    "SpeakerAlias",
    "SpeakerRevision",
]
