"""Rate limits: sign-ups per client address, and the service's letters per email address, in process.

The client limit refuses sign-ups (429) from one place. The address limit
never refuses a sign-up, whoever sends it: it counts the letters the service
sends to an address, and a sign-up over it waits for its letter (see
``worker.py``), so no third party can lock the address's owner out.

Fixed windows in the ``limits`` library's memory storage: every counter
expires with its window (a timer thread drops it), so memory grows with the
number of distinct clients and addresses seen within the longest window and
no further. Being in process, the limits hold for one service process; run
one (the CLI starts one worker).

Email addresses are never kept as keys: each is replaced by a keyed hash, so a
memory dump of the limiter lists no one.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from ..errors import LetterpressError


class LimitSpecError(LetterpressError):
    """A rate limit in the config that the ``limits`` library cannot read."""


def parse_limits(spec: str) -> list[RateLimitItem]:
    """``"10/minute;60/day"`` as rate limit items.

    Raises:
        LimitSpecError: saying what was expected.
    """
    try:
        return parse_many(spec)
    except ValueError:
        raise LimitSpecError(f"{spec!r} is not a rate limit; write it as e.g. '10/minute;60/day'.") from None


class SignupLimiter:
    """Answers "may this client sign up now?" and "may a letter go to this address now?".

    Args:
        per_client: sign-ups per client IP address, e.g. ``"10/minute;60/day"``.
        per_address: letters per email address (any letter case), e.g. ``"3/hour;10/day"``.
        key: the secret that keys the hash of email addresses.
        enabled: False lets everything through (benchmarks).
    """

    def __init__(self, per_client: str, per_address: str, key: str, enabled: bool = True):
        self.per_client = parse_limits(per_client)
        self.per_address = parse_limits(per_address)
        self.key = key.encode("utf-8")
        self.enabled = enabled
        self.limiter = FixedWindowRateLimiter(MemoryStorage())

    def client_wait(self, client: str) -> int:
        """Seconds the client must wait before signing up again; 0 when it may now."""
        return self._wait(self.per_client, "client", client)

    def letter_wait(self, address: str) -> int:
        """Seconds before another letter may go to ``address``; 0 when one may now (and is counted)."""
        digest = hmac.new(self.key, address.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()
        return self._wait(self.per_address, "address", digest[:32])

    def _wait(self, items: list[RateLimitItem], kind: str, identifier: str) -> int:
        if not self.enabled:
            return 0
        for item in items:
            if not self.limiter.hit(item, kind, identifier):
                reset = self.limiter.get_window_stats(item, kind, identifier).reset_time
                return max(1, math.ceil(reset - time.time()))
        return 0
