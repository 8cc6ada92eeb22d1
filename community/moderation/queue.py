"""The one review queue: every item that needs a moderator is one ReviewItem per subject,
pending -> claimed -> resolved, crisis first and then oldest first, with its history.

Features put things in the queue (queue_item) and moderators act on them here; every action
is in the audit log. Nothing here commits: the view or event that called does, once.
"""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from community import events
from community.accounts.models import User
from community.database import utcnow
from community.extensions import db
from community.moderation import audit, subjects
from community.moderation.models import (
    CLAIMED,
    OPEN_STATES,
    PENDING,
    QUEUE_REASONS,
    RESOLVED,
    Flag,
    ReviewEvent,
    ReviewItem,
)
from community.notifications import services as notifications
from community.notifications.kinds import register_kind
from community.unit_of_work import after_commit

PER_PAGE = 25

CRISIS_ALERT = register_kind("mod_crisis", "Crisis alerts (moderators)", can_turn_off=False)
OUTCOME = register_kind("mod_outcome", "Moderators' decisions about my posts", can_turn_off=False)


class ModerationError(ValueError):
    """An action that cannot be done as asked; the message is for the moderator."""


def _may_act_on(moderator, member) -> bool:
    from community.moderation.sanctions import may_sanction

    return may_sanction(moderator, member)


def _staff_ids() -> set[int]:
    return set(db.session.scalars(select(User.id).where(User.role.in_(("moderator", "admin")))))


def _open_item(subject_type: str, subject_id: int) -> ReviewItem | None:
    return db.session.scalar(
        select(ReviewItem).where(
            ReviewItem.subject_type == subject_type,
            ReviewItem.subject_id == subject_id,
            ReviewItem.state.in_(OPEN_STATES),
        )
    )


def _event(item: ReviewItem, actor, action: str, note: str = "") -> None:
    db.session.add(
        ReviewEvent(item_id=item.id, actor_id=getattr(actor, "id", None), action=action, note=note)
    )


def queue_item(
    subject_type: str,
    subject_id: int,
    reason: str,
    *,
    held: bool = False,
    crisis: bool = False,
    actor=None,
    note: str = "",
) -> ReviewItem:
    """Put a subject in the queue for `reason` (a key of QUEUE_REASONS), or add the reason
    to its open item. A crisis reason puts it first and tells every moderator at once."""
    if reason not in QUEUE_REASONS:
        raise ValueError(f"Unknown queue reason {reason!r}")
    kind, thing = subjects.find(subject_type, subject_id)
    if thing is None:
        raise ModerationError("That is no longer here.")
    item = _open_item(subject_type, subject_id)
    if item is None:
        item = ReviewItem(
            subject_type=subject_type,
            subject_id=subject_id,
            member_id=kind.member_id(thing),
            reasons=[],
            snapshot=kind.describe(thing),
        )
        try:
            with db.session.begin_nested():  # two flags at once: one item, the other joins it
                db.session.add(item)
                db.session.flush()
        except IntegrityError:
            item = _open_item(subject_type, subject_id)
    was_crisis = item.crisis
    if reason not in item.reasons:
        item.reasons = [*item.reasons, reason]
    item.held = item.held or held
    item.crisis = item.crisis or crisis
    item.updated_at = utcnow()
    _event(item, actor, "queued", QUEUE_REASONS[reason] + (f": {note}" if note else ""))
    if item.crisis and not was_crisis:
        url = notifications.path_for("moderation.item", item_id=item.id)
        notifications.notify(
            _staff_ids() - {getattr(actor, "id", None)},
            CRISIS_ALERT.name,
            actor_id=None,
            subject=("review_item", item.id),
            url=url,
            params={"what": kind.label},
        )
        after_commit(events.crisis_alert, item_id=item.id, url=url)
    return item


def queue_order():
    """Crisis first, then escalated, then oldest first."""
    return (ReviewItem.crisis.desc(), ReviewItem.escalated.desc(), ReviewItem.created_at, ReviewItem.id)


def open_items(page: int, escalated: bool | None = None):
    query = (
        select(ReviewItem)
        .where(ReviewItem.state.in_(OPEN_STATES))
        .options(joinedload(ReviewItem.member), joinedload(ReviewItem.claimed_by))
        .order_by(*queue_order())
    )
    if escalated is not None:
        query = query.where(ReviewItem.escalated.is_(escalated))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def escalated_items(limit: int = 200) -> list[ReviewItem]:
    """Escalated items stand apart, all of them (there are few), until resolved."""
    return list(
        db.session.scalars(
            select(ReviewItem)
            .where(ReviewItem.state.in_(OPEN_STATES), ReviewItem.escalated.is_(True))
            .options(joinedload(ReviewItem.member), joinedload(ReviewItem.claimed_by))
            .order_by(*queue_order())
            .limit(limit)
        )
    )


def resolved_items(page: int):
    query = (
        select(ReviewItem)
        .where(ReviewItem.state == RESOLVED)
        .options(joinedload(ReviewItem.member), joinedload(ReviewItem.resolved_by))
        .order_by(ReviewItem.resolved_at.desc(), ReviewItem.id.desc())
    )
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def counts() -> dict[str, int]:
    """Open items in all, and how many of them are crisis items: the moderators' header."""
    total, crisis = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((ReviewItem.crisis, 1), else_=0)), 0)).where(
            ReviewItem.state.in_(OPEN_STATES)
        )
    ).one()
    return {"open": total or 0, "crisis": crisis or 0}


def history(item: ReviewItem) -> list[ReviewEvent]:
    return list(
        db.session.scalars(
            select(ReviewEvent)
            .where(ReviewEvent.item_id == item.id)
            .options(joinedload(ReviewEvent.actor))
            .order_by(ReviewEvent.id)
        )
    )


def flags_on(item: ReviewItem) -> list[Flag]:
    return list(
        db.session.scalars(
            select(Flag).where(Flag.item_id == item.id).options(joinedload(Flag.flagger)).order_by(Flag.id)
        )
    )


def items_about(member_id: int, limit: int = 10) -> list[ReviewItem]:
    return list(
        db.session.scalars(
            select(ReviewItem)
            .where(ReviewItem.member_id == member_id)
            .order_by(ReviewItem.id.desc())
            .limit(limit)
        )
    )


# Acting on an item ------------------------------------------------------------------------


def _take(item: ReviewItem, moderator, take_over: bool = False) -> None:
    """Act only on an open item that is unclaimed or yours (or one you take over)."""
    if not item.is_open:
        raise ModerationError("This item is already resolved.")
    if item.state == CLAIMED and item.claimed_by_id != moderator.id and not take_over:
        raise ModerationError(f"{item.claimed_by.username} is handling this item. Take it over to act on it.")
    if item.claimed_by_id != moderator.id:
        item.state, item.claimed_by_id, item.claimed_at = CLAIMED, moderator.id, utcnow()
        _event(item, moderator, "claimed")


def claim(item: ReviewItem, moderator, take_over: bool = False) -> None:
    _take(item, moderator, take_over)
    audit.record(moderator, "claim", subject=("review_item", item.id), member=item.member)


def release(item: ReviewItem, moderator) -> None:
    _take(item, moderator)
    item.state, item.claimed_by_id, item.claimed_at = PENDING, None, None
    _event(item, moderator, "released")
    audit.record(moderator, "release", subject=("review_item", item.id), member=item.member)


def add_note(item: ReviewItem, moderator, note: str) -> None:
    note = (note or "").strip()
    if not note:
        raise ModerationError("Please write the note first.")
    _event(item, moderator, "note", note[:2000])
    audit.record(moderator, "note", subject=("review_item", item.id), member=item.member, reason=note)


def escalate(item: ReviewItem, moderator, note: str, on: bool = True) -> None:
    """Tier 3: an item needing more than the queue (a colleague, a lead) stands apart."""
    note = (note or "").strip()
    if on and not note:
        raise ModerationError("Please say why you are escalating this item.")
    _take(item, moderator)
    item.escalated, item.escalation_note = on, note if on else item.escalation_note
    _event(item, moderator, "escalated" if on else "de-escalated", note)
    audit.record(
        moderator,
        "escalate" if on else "de_escalate",
        subject=("review_item", item.id),
        member=item.member,
        reason=note,
    )


def _resolve(item: ReviewItem, moderator, resolution: str, note: str = "") -> None:
    item.state, item.resolution = RESOLVED, resolution
    item.resolved_by_id, item.resolved_at, item.updated_at = moderator.id, utcnow(), utcnow()
    _event(item, moderator, resolution, note)


def _subject(item: ReviewItem):
    kind, thing = subjects.find(item.subject_type, item.subject_id)
    if thing is None:
        raise ModerationError("What this item is about is no longer here.")
    return kind, thing


def _tell_author(item: ReviewItem, kind, thing, outcome: str, reason: str = "") -> None:
    member_id = kind.member_id(thing)
    if member_id is None:
        return
    description = kind.describe(thing)
    notifications.notify(
        {member_id},
        OUTCOME.name,
        actor_id=None,
        subject=(item.subject_type, item.subject_id),
        url=description.get("url") or "/",
        params={
            "outcome": outcome,
            "what": kind.label,
            "reason": reason[:300],
            "approved_words": kind.approved_words,
            "hidden_verb": kind.hidden_verb,
        },
    )


def approve(item: ReviewItem, moderator, note: str = "", take_over: bool = False) -> None:
    """Publish what was held or hidden; a held post counts toward its author's trust."""
    _take(item, moderator, take_over)
    kind, thing = _subject(item)
    if kind.publish is not None:
        kind.publish(thing)
    if item.held and kind.publish is not None:
        _tell_author(item, kind, thing, "approved")
    _resolve(item, moderator, "approved", note)
    audit.record(
        moderator, "approve", subject=(item.subject_type, item.subject_id), member=item.member, reason=note
    )


def hide(item: ReviewItem, moderator, reason: str, take_over: bool = False) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError("Please give the reason the author will see.")
    _take(item, moderator, take_over)
    kind, thing = _subject(item)
    if kind.hide is None:
        raise ModerationError(f"A {kind.label} cannot be hidden.")
    if item.member is not None and item.member.id != moderator.id and not _may_act_on(moderator, item.member):
        raise ModerationError("Only an admin can hide what another moderator or an admin wrote.")
    kind.hide(thing, reason)
    _tell_author(item, kind, thing, "hidden", reason)
    _resolve(item, moderator, "hidden", reason)
    audit.record(
        moderator, "hide", subject=(item.subject_type, item.subject_id), member=item.member, reason=reason
    )


def dismiss(item: ReviewItem, moderator, note: str = "", take_over: bool = False) -> None:
    """Nothing wrong: what members' flags hid is shown again; the flags stay on record."""
    if item.held:
        raise ModerationError("This item is waiting to be published: approve it, or hide it with a reason.")
    _take(item, moderator, take_over)
    kind, thing = _subject(item)
    if "community_hidden" in item.reasons and kind.publish is not None:
        kind.publish(thing)
    _resolve(item, moderator, "dismissed", note)
    audit.record(
        moderator, "dismiss", subject=(item.subject_type, item.subject_id), member=item.member, reason=note
    )


def resolve_about(member, moderator, resolution: str, note: str) -> None:
    """Close every open item about a member (their account was removed as spam)."""
    for item in db.session.scalars(
        select(ReviewItem).where(ReviewItem.member_id == member.id, ReviewItem.state.in_(OPEN_STATES))
    ):
        _resolve(item, moderator, resolution, note)
