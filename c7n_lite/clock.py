"""The engine's idea of "now", which age and expiration logic compares against."""
from __future__ import annotations

import datetime
import os
from collections.abc import Callable


def clock_from_env() -> Callable[[], datetime.datetime] | None:
    """C7N_LITE_NOW=2030-01-01T00:00:00Z pins "now" for age logic (tests, replays)."""
    pinned = os.environ.get("C7N_LITE_NOW")
    if not pinned:
        return None
    when = datetime.datetime.fromisoformat(pinned.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return lambda: when
