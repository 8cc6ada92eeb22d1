"""Moderation's part of a member's data (accounts.personal_data): the flags they made, their
blocks and muted words in the download. On deleting the account, their names and words leave
moderation's records (review snapshots and history, the audit log through its one sanctioned
scrub), which keep that an account was deleted and nothing personal; their flags, blocks and
muted words go, and items they had claimed go back to the queue."""

from __future__ import annotations

from sqlalchemy import delete, or_, select, update

from community.accounts.account_deletion import FORMER_MEMBER, Erasure
from community.accounts.models import User
from community.accounts.personal_data import PersonalData, register_personal_data
from community.extensions import db
from community.moderation import audit
from community.moderation.models import QUEUE_REASONS, Block, Flag, MutedWord, ReviewEvent, ReviewItem

REMOVED_SNAPSHOT = "Removed: its author deleted their account."


def _export(user: User) -> dict[str, object]:
    flags = [
        {
            "what": f.subject_type,
            "id": f.subject_id,
            "reason": f.reason_label,
            "note": f.note,
            "created_at": f.created_at,
        }
        for f in db.session.scalars(select(Flag).where(Flag.flagger_id == user.id).order_by(Flag.id))
    ]
    blocks = db.session.execute(
        select(User.username, Block.created_at)
        .join(Block, Block.blocked_id == User.id)
        .where(Block.blocker_id == user.id)
    )
    return {
        "flags.json": flags,
        "blocks.json": [{"member": username, "blocked_at": at} for username, at in blocks],
        "muted_words.json": sorted(
            db.session.scalars(select(MutedWord.word).where(MutedWord.user_id == user.id))
        ),
    }


def forget_reviews(erasure: Erasure, about) -> set[int]:
    """Review items `about` (a SQL condition) the member or their things keep no words of
    theirs in their snapshot. A feature whose items do not name their member (a directory
    report's) calls this from its own scrub. Returns the items' ids."""
    done = set()
    for item in db.session.scalars(select(ReviewItem).where(about)):
        item.snapshot = {
            "title": REMOVED_SNAPSHOT,
            "html": "",
            "content_warning": "",
            "url": "",
            "where": erasure.scrub(item.snapshot.get("where", "")),
            "author": FORMER_MEMBER,
        }
        item.escalation_note = erasure.scrub(item.escalation_note)
        done.add(item.id)
    return done


def _label_only(note: str) -> str:
    """A queue event's words the member wrote (a flag's note, a report) go; the reason stays."""
    return next((label for label in QUEUE_REASONS.values() if note.startswith(label)), "")


def _scrub(erasure: Erasure) -> None:
    user = erasure.user
    # Items about them or their things (a post's or a message's member is its author).
    done = forget_reviews(
        erasure,
        or_(
            ReviewItem.member_id == user.id,
            (ReviewItem.subject_type == "user") & (ReviewItem.subject_id == user.id),
        ),
    )
    naming = or_(erasure.may_name(ReviewItem.snapshot), erasure.may_name(ReviewItem.escalation_note))
    for item in db.session.scalars(select(ReviewItem).where(naming)):
        if item.id not in done:
            item.snapshot = erasure.scrub(item.snapshot)
            item.escalation_note = erasure.scrub(item.escalation_note)
    for event in db.session.scalars(
        select(ReviewEvent).where(or_(ReviewEvent.actor_id == user.id, erasure.may_name(ReviewEvent.note)))
    ):
        if event.actor_id == user.id and event.action == "queued":
            event.note = _label_only(event.note)
        else:
            event.note = erasure.scrub(event.note)
    db.session.flush()
    audit.scrub_member(user.id, erasure.scrub, erasure.may_name, FORMER_MEMBER)
    # After the scrub, so it stands as written: that a deletion happened, and nothing personal.
    audit.record(
        None, "account_deleted", subject=("user", user.id), posts="kept" if erasure.keep_posts else "erased"
    )


def _erase(erasure: Erasure) -> None:
    user = erasure.user
    for model, column in (
        (Block, Block.blocker_id),  # blocks of them by others are the others' own
        (MutedWord, MutedWord.user_id),
        (Flag, Flag.flagger_id),
    ):
        db.session.execute(delete(model).where(column == user.id))
    db.session.execute(
        update(ReviewItem)
        .where(ReviewItem.claimed_by_id == user.id, ReviewItem.state == "claimed")
        .values(state="pending", claimed_by_id=None, claimed_at=None)
    )


register_personal_data(
    PersonalData(
        "moderation",
        60,
        files={
            "flags.json": "The things you flagged for the moderators, and what you told them.",
            "blocks.json": "The members you blocked.",
            "muted_words.json": "Your muted words.",
        },
        export=_export,
        scrub=_scrub,
        erase=_erase,
    )
)
