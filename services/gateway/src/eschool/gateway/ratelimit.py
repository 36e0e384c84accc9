"""In-memory token buckets: per client address, per authenticated client, and for the token endpoint.

The buckets live in this process, so the limits hold per gateway replica: with N replicas behind a
load balancer a client may get up to N times the configured rate. That is good enough to blunt floods
and password guessing; an exact region-wide limit would need a shared store (Redis) on every request.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import Counter

from eschool.common.errors import Problem

RATE_LIMITED = Counter("gateway_rate_limited_total", "Requests refused with 429, by limit.", ("limit",))


@dataclass
class _Bucket:
    tokens: float
    updated_at: float


class TokenBuckets:
    """One bucket per key: ``rate`` tokens a second refill it up to ``burst``; a request takes one."""

    def __init__(
        self,
        name: str,
        *,
        rate: float,
        burst: int,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._rate = rate
        self._burst = float(burst)
        self._max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, key: str) -> float:
        """Take a token for ``key``: 0 if granted, else the seconds until one is available."""
        now = self._clock()
        bucket = self._buckets.pop(key, None) or _Bucket(self._burst, now)
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated_at) * self._rate)
        bucket.updated_at = now
        self._buckets[key] = bucket  # most recently used last
        self._evict()
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self._rate

    def check(self, key: str) -> None:
        """Take a token for ``key`` or raise the 429 problem with Retry-After."""
        wait = self.take(key)
        if wait:
            RATE_LIMITED.labels(limit=self.name).inc()
            raise too_many_requests(wait)

    def _evict(self) -> None:
        # Bounded memory under a flood of new addresses: the least recently seen key goes first. It comes
        # back with a full bucket, which costs at most one burst.
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)


def too_many_requests(wait: float) -> Problem:
    """The 429 problem telling the client how many whole seconds to wait."""
    seconds = max(1, math.ceil(wait))
    return Problem(
        429,
        "too_many_requests",
        f"Слишком много запросов, повторите через {seconds} с",
        headers={"Retry-After": str(seconds)},
    )
