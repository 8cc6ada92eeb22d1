"""Members' flags: one per member per thing, a thank-you to the flagger, and nobody else
ever told who flagged or that anything was flagged. Enough flags from distinct trusted
members (FLAGS_TO_HIDE, default 3) hide the thing until a moderator looks."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from community.accounts import standing
from community.database import insert_once, utcnow
from community.extensions import db
from community.moderation import queue, subjects
from community.moderation.models import FLAG_REASONS, Flag

NOTE_MAX = 500
HIDDEN_BY_FLAGS = "Hidden after several members flagged it, until a moderator reviews it."


class FlagError(ValueError):
    def __init__(self, message: str, field: str = "reason"):
        super().__init__(message)
        self.field = field


def already_flagged(member, subject_type: str, subject_id: int) -> bool:
    return (
        db.session.scalar(
            select(Flag.id).where(
                Flag.subject_type == subject_type, Flag.subject_id == subject_id, Flag.flagger_id == member.id
            )
        )
        is not None
    )


def flag(member, subject_type: str, subject_id: int, reason: str, note: str = "") -> bool:
    """Record a member's flag; False when they had already flagged it (nothing changes).
    "Worried about this member" is a crisis item at the top of the queue."""
    if reason not in FLAG_REASONS:
        raise FlagError("Please choose a reason.")
    note = (note or "").strip()
    if reason == "other" and not note:
        raise FlagError("Please tell the moderators what is wrong.", "note")
    if len(note) > NOTE_MAX:
        raise FlagError(f"Please keep the note to {NOTE_MAX} characters or fewer.", "note")
    kind, thing = subjects.find(subject_type, subject_id)
    if thing is None:
        raise FlagError("That is no longer here.")
    trusted = standing.is_trusted(member)
    if not insert_once(
        Flag,
        subject_type=subject_type,
        subject_id=subject_id,
        flagger_id=member.id,
        reason=reason,
        note=note,
        trusted=trusted,
        created_at=utcnow(),
    ):
        return False
    item = queue.queue_item(
        subject_type, subject_id, reason, crisis=reason == "worried", actor=member, note=note
    )
    db.session.execute(
        Flag.__table__.update()
        .where(Flag.subject_type == subject_type, Flag.subject_id == subject_id, Flag.flagger_id == member.id)
        .values(item_id=item.id)
    )
    item.flag_count = _count(item.id)
    if (
        kind.hide is not None
        and "community_hidden" not in item.reasons
        and _count(item.id, trusted_only=True) >= current_app.config.get("FLAGS_TO_HIDE", 3)
    ):
        kind.hide(thing, HIDDEN_BY_FLAGS)
        item.reasons = [*item.reasons, "community_hidden"]
        queue._event(item, None, "hidden", HIDDEN_BY_FLAGS)
    return True


def _count(item_id: int, trusted_only: bool = False) -> int:
    query = select(func.count(func.distinct(Flag.flagger_id))).where(Flag.item_id == item_id)
    if trusted_only:
        query = query.where(Flag.trusted.is_(True))
    return db.session.scalar(query) or 0


def flags_by_member_about(member_id: int, limit: int = 20) -> list[Flag]:
    """Flags on things a member wrote or is, for the moderators' view of that member."""
    from community.moderation.models import ReviewItem

    return list(
        db.session.scalars(
            select(Flag)
            .join(ReviewItem, ReviewItem.id == Flag.item_id)
            .where(ReviewItem.member_id == member_id)
            .order_by(Flag.id.desc())
            .limit(limit)
        )
    )
