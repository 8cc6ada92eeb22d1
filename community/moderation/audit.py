"""The audit log: every moderator and admin action, written in the action's own transaction
(so a failed action leaves no entry and a done one always has one), never changed after."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from community.extensions import db
from community.moderation.models import AuditEntry

PER_PAGE = 50

# The words for each action, for the log page and its filter.
ACTIONS = {
    "approve": "Approved",
    "hide": "Hid",
    "unhide": "Showed again",
    "dismiss": "Dismissed",
    "edit": "Edited",
    "escalate": "Escalated",
    "de_escalate": "Ended escalation",
    "claim": "Claimed",
    "release": "Released",
    "note": "Added a note",
    "warn": "Warned",
    "silence": "Silenced",
    "suspend": "Suspended",
    "lift": "Lifted a sanction",
    "trust": "Trusted",
    "untrust": "Took trust back",
    "remove_spammer": "Removed a spam account",
    "pin": "Pinned",
    "unpin": "Unpinned",
    "lock": "Closed to replies",
    "unlock": "Reopened",
    "move": "Moved",
    "slow_mode": "Set slow mode",
    "hide_thread": "Hid a thread",
    "unhide_thread": "Showed a thread again",
    "word_add": "Added a watched word",
    "word_remove": "Removed a watched word",
    "words_import": "Imported watched words",
    "reply_template": "Saved a reply template",
    "group_create": "Created a group",
    "group_edit": "Changed a group",
    "group_archive": "Archived a group",
    "group_restore": "Restored a group",
    "group_move": "Moved a group",
    "set_role": "Changed a role",
    "chat_delete": "Removed a chat message",
    "chat_mute": "Muted in a chat room",
    "chat_lock": "Paused a chat room",
    "chat_unlock": "Reopened a chat room",
    "chat_refer": "Ended a chat and shared crisis lines",
    "meeting_create": "Planned a meeting",
    "meeting_edit": "Changed a meeting",
    "meeting_start": "Started a meeting",
    "meeting_end": "Ended a meeting",
}


def record(
    actor,
    action: str,
    *,
    subject: tuple[str, int] | None = None,
    member=None,
    reason: str = "",
    **details,
) -> AuditEntry:
    """One line of the log. `actor` is None for the site itself (an operator's command)."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}")
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", "") or "",
        action=action,
        subject_type=subject[0] if subject else "",
        subject_id=subject[1] if subject else None,
        member_id=getattr(member, "id", None),
        member_name=getattr(member, "username", "") or "",
        reason=(reason or "")[:2000],
        details=details,
    )
    db.session.add(entry)
    return entry


def entries(page: int, actor_id: int | None = None, member_id: int | None = None, action: str = ""):
    query = select(AuditEntry).options(joinedload(AuditEntry.actor), joinedload(AuditEntry.member))
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if member_id is not None:
        query = query.where(AuditEntry.member_id == member_id)
    if action:
        query = query.where(AuditEntry.action == action)
    return db.paginate(query.order_by(AuditEntry.id.desc()), page=page, per_page=PER_PAGE, error_out=False)


def about_member(member_id: int, limit: int = 20) -> list[AuditEntry]:
    """What moderators did about a member: their prior warnings and sanctions."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.member_id == member_id)
            .options(joinedload(AuditEntry.actor))
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
    )
