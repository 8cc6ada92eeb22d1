"""What moderators do about a member: warn, silence, suspend, lift, trust, and remove a
spam account. Standing is stored on the account and read only by accounts.standing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from community import events
from community.accounts import sessions, standing
from community.accounts.models import User
from community.database import utcnow
from community.moderation import audit, queue
from community.moderation.queue import ModerationError
from community.notifications import services as notifications
from community.notifications.kinds import register_kind
from community.unit_of_work import after_commit

NOTICE = register_kind("mod_notice", "Private notices from moderators", can_turn_off=False)

# Lengths a moderator picks from: days, or None for "until lifted".
DURATIONS = {"1": 1, "3": 3, "7": 7, "30": 30, "lifted": None}
DURATION_LABELS = {"1": "1 day", "3": "3 days", "7": "7 days", "30": "30 days", "lifted": "Until lifted"}

# Features that hold a member's content register how to take all of it down (forums: every
# post and thread), for "remove as spam"; moderation never imports them.
CONTENT_REMOVERS: list[Callable[[User, str], int]] = []


def may_sanction(moderator, member: User) -> bool:
    """Moderators act on members; only admins on moderators; nobody on an admin or themself."""
    if member is None or moderator is None or member.id == moderator.id:
        return False
    if member.role == "admin":
        return False
    if member.role == "moderator":
        return moderator.role == "admin"
    return standing.is_staff(moderator)


def _check(moderator, member: User) -> None:
    if not may_sanction(moderator, member):
        raise ModerationError("You can't take that action on this account.")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError("Please give a reason: the member will see it.")
    return reason[:500]


def _notice(member: User, moderator, message: str, kind: str) -> None:
    notifications.notify(
        {member.id},
        NOTICE.name,
        actor_id=None,
        subject=("user", member.id),
        url=notifications.path_for("notifications.index"),
        params={"kind": kind, "message": message[:1000]},
    )


def warn(moderator, member: User, message: str) -> None:
    """A private notice only the member sees."""
    _check(moderator, member)
    message = _reason(message)
    _notice(member, moderator, message, "warning")
    audit.record(moderator, "warn", subject=("user", member.id), member=member, reason=message)


def _until(duration: str):
    if duration not in DURATIONS:
        raise ModerationError("Please choose how long.")
    days = DURATIONS[duration]
    return None if days is None else utcnow() + timedelta(days=days)


def silence(moderator, member: User, duration: str, reason: str) -> None:
    """Can read, cannot post, react, flag or chat until it ends."""
    _check(moderator, member)
    reason, until = _reason(reason), _until(duration)
    member.standing, member.standing_until, member.standing_reason = standing.SILENCED, until, reason
    _notice(member, moderator, f"{standing.refusal(member)}", "silenced")
    audit.record(
        moderator,
        "silence",
        subject=("user", member.id),
        member=member,
        reason=reason,
        until=until.isoformat() if until else None,
    )
    after_commit(events.member_silenced, user_id=member.id, until=until.isoformat() if until else None)


def suspend(moderator, member: User, duration: str, reason: str) -> None:
    """Cannot sign in until it ends: every session ends now (open sockets too, once chat is here)."""
    _check(moderator, member)
    reason, until = _reason(reason), _until(duration)
    member.standing, member.standing_until, member.standing_reason = standing.SUSPENDED, until, reason
    sessions.end_all(member)
    audit.record(
        moderator,
        "suspend",
        subject=("user", member.id),
        member=member,
        reason=reason,
        until=until.isoformat() if until else None,
    )
    after_commit(events.member_suspended, user_id=member.id)


def silence_for_flooding(member: User, minutes: int = 10) -> None:
    """The site itself, when a member keeps sending faster than the chat allows: a short
    silence, and an item so a moderator looks at what happened."""
    if standing.is_staff(member):
        return
    until = utcnow() + timedelta(minutes=minutes)
    reason = "Sending too many messages too fast. Please take a short break."
    member.standing, member.standing_until, member.standing_reason = standing.SILENCED, until, reason
    audit.record(
        None, "silence", subject=("user", member.id), member=member, reason=reason, until=until.isoformat()
    )
    queue.queue_item("user", member.id, "flood")
    after_commit(events.member_silenced, user_id=member.id, until=until.isoformat())


def lift(moderator, member: User, reason: str = "") -> None:
    _check(moderator, member)
    if standing.current(member)[0] == standing.ACTIVE:
        raise ModerationError("This account has no silence or suspension to lift.")
    member.standing, member.standing_until, member.standing_reason = standing.ACTIVE, None, ""
    _notice(member, moderator, "Your account is back in good standing. Welcome back.", "lifted")
    audit.record(moderator, "lift", subject=("user", member.id), member=member, reason=(reason or "").strip())


def set_trust(moderator, member: User, trusted: bool) -> None:
    if moderator is not None:
        _check(moderator, member)
    member.trusted = trusted
    audit.record(moderator, "trust" if trusted else "untrust", subject=("user", member.id), member=member)


def count_approved_post(member: User) -> None:
    """A post a moderator approved, or published without review: toward trust."""
    member.approved_posts = (member.approved_posts or 0) + 1
    if standing.earns_trust(member):
        member.trusted = True
        audit.record(None, "trust", subject=("user", member.id), member=member, reason="Earned by posting")


def remove_spammer(moderator, member: User, reason: str = "Spam") -> int:
    """Take down everything the account posted, close its items, suspend it for good and
    clear its profile. The account row stays, so the audit log still names it."""
    _check(moderator, member)
    reason = (reason or "Spam").strip()[:500]
    removed = sum(remover(member, reason) for remover in CONTENT_REMOVERS)
    member.standing, member.standing_until, member.standing_reason = standing.SUSPENDED, None, reason
    member.bio = member.bio_html = member.display_name = member.pronouns = member.conditions = ""
    member.trusted = False
    sessions.end_all(member)
    queue.resolve_about(member, moderator, "removed_spammer", reason)
    audit.record(
        moderator,
        "remove_spammer",
        subject=("user", member.id),
        member=member,
        reason=reason,
        removed=removed,
    )
    after_commit(events.member_suspended, user_id=member.id)
    return removed
