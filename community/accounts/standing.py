"""A member's standing, read in one place: whether they may be signed in, may write,
and are still new. Moderation's silences and suspensions will be read here, and every
feature asks these functions rather than looking at the account itself."""

from __future__ import annotations

from datetime import timedelta

from community.database import utcnow

# New members, unless an operator made them trusted (`users create --trusted`), post at a
# gentler rate for their first days (config NEW_MEMBER_POST_LIMIT).
REVIEW_PERIOD = timedelta(days=3)


def is_active_member(user) -> bool:
    """May be signed in at all."""
    return user is not None and getattr(user, "id", None) is not None


def may_write(user) -> bool:
    """May post, reply, react and send: a signed-in member in good standing."""
    return bool(getattr(user, "is_authenticated", False)) and is_active_member(user)


def in_review_period(user) -> bool:
    return not user.trusted and utcnow() - user.created_at < REVIEW_PERIOD
