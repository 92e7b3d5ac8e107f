"""Scoring the extractor against annotated articles (``saidwho eval``)."""
