"""Structured logs: one JSON object per line (docs/deploy.md, Logs).

Every record carries time (UTC, ISO 8601), level, logger and message, plus the fields passed in
`extra=` (the request log's request_id, user_id, method, path, status, duration_ms). Nothing here
adds personal data: callers log identifiers, never names or free text about a child.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

# The attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            # Plain values only: Django's own loggers pass the request object, whose text holds the
            # query string (which may hold a name searched for).
            if key not in _STANDARD and isinstance(value, str | int | float | bool | None):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
