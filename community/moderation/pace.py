"""How often a member may post, by trust: a new member gently, a trusted one freely,
moderators without limit (a thread's slow mode is the forums' own). Refusals say how long to wait; the
view keeps the member's text."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from community import limits
from community.accounts import standing
from community.database import utcnow


def _seconds(limit: str, name: str, key: str) -> int:
    reset = limits.window_reset(name, key, limit)
    return max(1, int(reset - limits.now()) + 1) if reset else 1


def _wait(seconds: int) -> str:
    if seconds >= 90:
        minutes = round(seconds / 60)
        return f"{minutes} minutes"
    return f"{seconds} seconds" if seconds != 1 else "1 second"


def posting_refusal(user, action: str) -> str | None:
    """Count one `action` ("thread" or "reply") for `user`; words saying how long to wait
    when it is too soon, else None. Call give_back() if the post is then not stored."""
    if standing.is_staff(user):
        return None
    tier = "TRUSTED" if standing.is_trusted(user) else "NEW"
    config = current_app.config
    limit = f"1 per {config[f'{tier}_{action.upper()}_INTERVAL']} seconds"
    key = str(user.id)
    if config[f"{tier}_{action.upper()}_INTERVAL"] and not limits.hit(f"pace-{action}", key, limit):
        seconds = _seconds(limit, f"pace-{action}", key)
        who = "Trusted members" if tier == "TRUSTED" else "New members"
        every = _wait(config[f"{tier}_{action.upper()}_INTERVAL"])
        what = "threads" if action == "thread" else "replies"
        return (
            f"{who} wait {every} between {what}. Please wait {_wait(seconds)}, then send again; "
            "your text is still here."
        )
    if (
        action == "thread"
        and tier == "NEW"
        and utcnow() - user.created_at < timedelta(days=1)
        and not limits.hit("pace-first-day", key, f"{config['NEW_MEMBER_FIRST_DAY_THREADS']} per day")
    ):
        limits.refund(f"pace-{action}", key, limit)
        threads = config["NEW_MEMBER_FIRST_DAY_THREADS"]
        return (
            f"On your first day you can start {threads} threads. You can still reply in any thread, "
            "and start more tomorrow; your text is still here."
        )
    return None


def give_back(user, action: str) -> None:
    """The post was refused after being counted (its words, say): it does not count."""
    if standing.is_staff(user):
        return
    tier = "TRUSTED" if standing.is_trusted(user) else "NEW"
    interval = current_app.config[f"{tier}_{action.upper()}_INTERVAL"]
    if interval:
        limits.refund(f"pace-{action}", str(user.id), f"1 per {interval} seconds")
    if action == "thread" and tier == "NEW":
        limits.refund(
            "pace-first-day", str(user.id), f"{current_app.config['NEW_MEMBER_FIRST_DAY_THREADS']} per day"
        )
