"""How ``saidwho serve`` logs: one JSON object per line, each with the id of the request it
belongs to (the ``X-Request-ID`` a client sent, or one made up for it)."""

from typing import Any


def log_config(json_lines: bool) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for uvicorn and the app."""
    formatter: dict[str, Any] = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "correlation_id": "request_id",
            },
        }
        if json_lines
        else {"format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"}
    )
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "lines",
        "filters": ["request_id"],
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {
                "()": "asgi_correlation_id.CorrelationIdFilter",
                "name": "request_id",
                "default_value": "-",
            }
        },
        "formatters": {"lines": formatter},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.access": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "saidwho": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
    }
