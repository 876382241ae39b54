"""What "now" is: the real clock, or ``LETTERPRESS_NOW`` for tests and previews."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from ..errors import LetterpressError

NOW_VARIABLE = "LETTERPRESS_NOW"


def now(tz=UTC) -> datetime:
    """Return the current time as an aware datetime in ``tz``.

    ``LETTERPRESS_NOW`` (ISO 8601 date or date-time) overrides the clock; a value
    without an offset is read in ``tz``, the publication's time zone.
    """
    value = os.environ.get(NOW_VARIABLE, "").strip()
    if not value:
        return datetime.now(tz)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise LetterpressError(
            f"environment {NOW_VARIABLE}={value!r} is not an ISO date-time; "
            "use e.g. 2026-01-15T09:00 or unset it."
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(tz)
