"""Per-token rate limits, advertised on every answer with the RateLimit-Policy and RateLimit
fields of draft-ietf-httpapi-ratelimit-headers-10 (a named policy with ``q`` and ``w``; the
remaining quota ``r`` and the seconds ``t`` until the oldest counted request leaves the
window), and refused with 429 and Retry-After.

A moving window from the ``limits`` library, kept in this process's memory: each web process
counts apart, so N processes behind one balancer let a token make up to N times the limit.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from limits import RateLimitItem
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from intake.tokens import Caller
from review_ui.api.auth import consumer
from review_ui.api.problems import ApiProblem

#: The policy's name in both fields.
POLICY = "api"


@dataclass(frozen=True)
class Quota:
    allowed: bool
    limit: int
    window_seconds: int
    remaining: int
    #: Whole seconds until the oldest request counted leaves the window.
    reset_seconds: int

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Policy": f'"{POLICY}";q={self.limit};w={self.window_seconds}',
            "RateLimit": f'"{POLICY}";r={self.remaining};t={self.reset_seconds}',
        }


class RateLimiter:
    def __init__(self, rate: RateLimitItem) -> None:
        self._rate = rate
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def take(self, key: str) -> Quota:
        """Count one request under ``key``, unless the window is full."""
        allowed = self._limiter.hit(self._rate, key)
        stats = self._limiter.get_window_stats(self._rate, key)
        return Quota(
            allowed=allowed,
            limit=self._rate.amount,
            window_seconds=self._rate.get_expiry(),
            remaining=max(stats.remaining, 0),
            reset_seconds=max(math.ceil(stats.reset_time - time.time()), 0),
        )


def quota_of(request: Request) -> Quota | None:
    """The quota this request was counted against, once it has been."""
    quota = getattr(request.state, "quota", None)
    return quota if isinstance(quota, Quota) else None


def limit_rate(request: Request, caller: Annotated[Caller | None, Depends(consumer)]) -> None:
    """Count the request against its token, or its client address when it has no valid
    token (a health probe, a mistyped secret): never anything from the request's content."""
    limiter: RateLimiter = request.app.state.api_limiter
    if caller is not None:
        key = f"token:{caller.token_id}"
    else:
        key = f"address:{request.client.host if request.client else 'unknown'}"
    quota = limiter.take(key)
    request.state.quota = quota
    if not quota.allowed:
        raise ApiProblem(
            429,
            "rate_limited",
            f"more than {quota.limit} requests in {quota.window_seconds} s; try again later",
            headers={"Retry-After": str(max(quota.reset_seconds, 1))},
        )
