"""Timestamps and durations, pure: parsing RFC 3339 and Go-style durations. No clock is read here:
"now" is always the snapshot's `capturedAt`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache


@lru_cache(maxsize=65536)
def parse_time(text: str | None) -> datetime | None:
    """Parse an RFC 3339 timestamp (`2025-11-14T23:48:00Z`, fractions, offsets); None when unusable."""
    if not text or not isinstance(text, str):
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def format_time(value: datetime | None) -> str | None:
    """Format as RFC 3339 UTC with a `Z`, seconds precision."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")


def parse_duration(text: str | None) -> timedelta | None:
    """Parse a Go duration (`1h`, `5m30s`, `10m0s`, `500ms`); None when absent or invalid."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    pos = 0
    total = 0.0
    for match in _DURATION.finditer(text):
        if match.start() != pos:
            return None
        number, unit = float(match.group(1)), match.group(2)
        total += number * {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}[unit]
        pos = match.end()
    if pos != len(text) or pos == 0:
        return None
    return timedelta(seconds=total)


def format_duration(value: timedelta) -> str:
    """A short human duration: `45s`, `12m`, `3h20m`, `2d4h`."""
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{sign}{days}d{hours}h" if hours else f"{sign}{days}d"
    if hours:
        return f"{sign}{hours}h{minutes}m" if minutes else f"{sign}{hours}h"
    if minutes:
        return f"{sign}{minutes}m{secs}s" if secs and minutes < 10 else f"{sign}{minutes}m"
    return f"{sign}{secs}s"
