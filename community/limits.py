"""Named limits that views and services count by hand, where a decorator cannot do the job.

A decorator answers with a bare 429 page; these let a view keep the member's text in the
form and say what to do. Each hit is one atomic increment in the storage named by
RATELIMIT_STORAGE_URI (memory, or Redis shared by every process), so attempts that arrive
together cannot slip past the limit between a check and a count. Each app has its own
counter (init_app), so no app, or test, shares another's counts by accident.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

_KEY = "community.limits"


def init_app(app: Flask) -> None:
    app.extensions[_KEY] = FixedWindowRateLimiter(storage_from_string(app.config["RATELIMIT_STORAGE_URI"]))


def _limiter() -> FixedWindowRateLimiter:
    return current_app.extensions[_KEY]


def address_key(address: str) -> str:
    """One key per network: an IPv6 host usually holds a whole /64, so count that."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_address() -> str:
    """The request's network, as every limit counts it."""
    from flask_limiter.util import get_remote_address

    return address_key(get_remote_address())


def _item(limit: str) -> RateLimitItem:
    return parse(limit)


def _key(key: str) -> str:
    """Keys made from typed text stay short, whatever was typed."""
    return key if len(key) <= 80 else "sha256:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def hit(name: str, key: str, limit: str) -> bool:
    """Count one attempt; False when this one is over the limit."""
    return _limiter().hit(_item(limit), name, _key(key))


def is_over(name: str, key: str, limit: str) -> bool:
    """True when the limit is used up (this counts nothing)."""
    return not _limiter().test(_item(limit), name, _key(key))


def has_any(name: str, key: str, limit: str) -> bool:
    """True when anything was counted under this key in the current window."""
    item = _item(limit)
    return _limiter().get_window_stats(item, name, _key(key)).remaining < item.amount


def window_reset(name: str, key: str, limit: str) -> float | None:
    """When the current window of this limit ends (seconds since the epoch), if it has begun."""
    stats = _limiter().get_window_stats(_item(limit), name, _key(key))
    return stats.reset_time or None


def now() -> float:
    return time.time()


def reset() -> None:
    """Forget every count (an operator after an incident, or a test after its own flood)."""
    _limiter().storage.reset()


def refund(name: str, key: str, limit: str) -> None:
    """Give back one attempt counted by hit(), for attempts that turned out fine."""
    item = _item(limit)
    _limiter().storage.incr(item.key_for(name, _key(key)), item.get_expiry(), amount=-1)
