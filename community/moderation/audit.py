"""The audit log: every moderator and admin action, written in the action's own transaction
(so a failed action leaves no entry and a done one always has one), never changed after.

Append-only twice over: the model refuses a changed or deleted row at flush (models.py), and
this module refuses UPDATE and DELETE statements on the table sent through the session. The
one exception is scrub_member: when a member deletes their account, their names leave the
entries (which still say what was done, when, and by which account id), and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event, or_, select, update
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
    "account_deleted": "A member deleted their account",
}

# The columns a scrub may write: the names and the words. Never the action, the ids or the time.
_SCRUBBABLE = ("actor_name", "member_name", "reason", "details")
_SCRUB_OPTION = "community_audit_scrub"


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


def scrub_member(member_id: int, scrub: Callable, may_name: Callable, replacement: str) -> int:
    """The log's one sanctioned change: a member who deleted their account is no longer named.
    Their entries keep the account id (now an anonymous tombstone) with `replacement` for the
    name; every entry whose reason or details may name them gets `scrub` (text or JSON in,
    the same with the names replaced out). Returns how many entries changed."""
    rows = db.session.execute(
        select(AuditEntry)
        .where(
            or_(
                AuditEntry.actor_id == member_id,
                AuditEntry.member_id == member_id,
                may_name(AuditEntry.reason),
                may_name(AuditEntry.details),
            )
        )
        .execution_options(populate_existing=True)
    ).scalars()
    changed = 0
    for entry in list(rows):
        values = {
            "actor_name": replacement if entry.actor_id == member_id else scrub(entry.actor_name),
            "member_name": replacement if entry.member_id == member_id else scrub(entry.member_name),
            "reason": scrub(entry.reason),
            "details": scrub(entry.details),
        }
        values = {k: v for k, v in values.items() if k in _SCRUBBABLE and v != getattr(entry, k)}
        if values:
            db.session.execute(
                update(AuditEntry.__table__).where(AuditEntry.__table__.c.id == entry.id).values(**values),
                execution_options={_SCRUB_OPTION: True},
            )
            changed += 1
    # The rows in the session still hold the old words; they must not be flushed or read again.
    for entry in db.session.identity_map.values():
        if isinstance(entry, AuditEntry):
            db.session.expire(entry)
    return changed


@event.listens_for(db.session, "do_orm_execute")
def _refuse_statements(state) -> None:
    """UPDATE or DELETE statements on the log through the session are refused, except
    scrub_member's own updates (a DELETE never)."""
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) != AuditEntry.__tablename__:
        return
    if state.is_update and state.execution_options.get(_SCRUB_OPTION):
        return
    raise RuntimeError("The audit log is append-only.")
