"""The data model: tables in ``tables``, the shapes the API answers with in ``public``."""

from app.models.tables import ApiKey, Article, Outlet, OutletAlias, Quote, Speaker, SpeakerAlias

__all__ = ["ApiKey", "Article", "Outlet", "OutletAlias", "Quote", "Speaker", "SpeakerAlias"]
