"""Telling members things: write notifications, count and list them, and keep each
member's choices. Rows are written in the caller's transaction; nothing here commits."""

from __future__ import annotations

from functools import cache

from flask import current_app, g, has_app_context, has_request_context, request
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload

from community.database import utcnow
from community.extensions import db
from community.notifications.kinds import KINDS
from community.notifications.models import Notification, NotificationPreference

PER_PAGE = 30


def path_for(endpoint: str, **values) -> str:
    """The path a notification opens, built with or without a request (services run in both)."""
    script_root = request.script_root if has_request_context() else ""
    return script_root + current_app.url_map.bind("localhost").build(endpoint, values)


def wanted_by(user_ids: set[int], kind: str) -> set[int]:
    """Of these members, those who have not turned this kind off."""
    if not user_ids:
        return set()
    spec = KINDS[kind]
    choices = dict(
        db.session.execute(
            select(NotificationPreference.user_id, NotificationPreference.enabled).where(
                NotificationPreference.user_id.in_(user_ids), NotificationPreference.kind == kind
            )
        ).all()
    )
    if not spec.can_turn_off:
        return set(user_ids)
    return {user_id for user_id in user_ids if choices.get(user_id, spec.default_on)}


def already_told(user_ids: set[int], kind: str, subject_type: str, subject_id: int) -> set[int]:
    """Of these members, those already told of this kind about this thing."""
    if not user_ids:
        return set()
    return set(
        db.session.scalars(
            select(Notification.user_id).where(
                Notification.user_id.in_(user_ids),
                Notification.kind == kind,
                Notification.subject_type == subject_type,
                Notification.subject_id == subject_id,
            )
        )
    )


def notify(
    user_ids: set[int],
    kind: str,
    *,
    actor_id: int | None,
    subject: tuple[str, int],
    url: str,
    params: dict | None = None,
) -> None:
    """One notification each for the members who want this kind."""
    for user_id in sorted(wanted_by(set(user_ids), kind)):
        db.session.add(_new(user_id, kind, actor_id, subject, url, params))


def _new(
    user_id: int, kind: str, actor_id, subject: tuple[str, int], url: str, params, **extra
) -> Notification:
    _counts_changed()
    return Notification(
        user_id=user_id,
        kind=kind,
        actor_id=actor_id,
        subject_type=subject[0],
        subject_id=subject[1],
        url=url,
        params=params or {},
        **extra,
    )


def notify_grouped(
    user_id: int,
    kind: str,
    key: str,
    count: int,
    *,
    actor_id: int,
    subject: tuple[str, int],
    url: str,
    params: dict | None = None,
) -> None:
    """One notification per `key` whose count rises: unread again only when it grows."""
    if not wanted_by({user_id}, kind):
        return
    existing = db.session.scalar(
        select(Notification).where(Notification.user_id == user_id, Notification.group_key == key)
    )
    if existing is None:
        db.session.add(_new(user_id, kind, actor_id, subject, url, params, group_key=key, count=count))
        return
    if params is not None and params != existing.params:
        existing.params = dict(params)  # what it says may change (a second kind of reaction)
    if count > existing.count:
        existing.count, existing.actor_id = count, actor_id
        existing.read_at, existing.created_at = None, utcnow()
        _counts_changed()


def notify_runs(
    user_ids: set[int],
    kind: str,
    key: str,
    *,
    actor_id: int | None,
    subject: tuple[str, int],
    url: str,
    params: dict | None = None,
) -> None:
    """One notification per member and `key` for a run of things (replies in one thread):
    while it is unread it counts up and names the latest actor; once read, the next thing
    starts a new run that opens at that thing."""
    wanted = wanted_by(set(user_ids), kind)
    if not wanted:
        return
    existing = {
        n.user_id: n
        for n in db.session.scalars(
            select(Notification).where(Notification.user_id.in_(wanted), Notification.group_key == key)
        )
    }
    for user_id in sorted(wanted):
        n = existing.get(user_id)
        if n is None:
            db.session.add(_new(user_id, kind, actor_id, subject, url, params, group_key=key))
            continue
        if n.read_at is not None:  # a new run, opening here
            n.subject_type, n.subject_id, n.url, n.count, n.read_at = *subject, url, 0, None
            _counts_changed()
        n.count, n.actor_id, n.created_at = n.count + 1, actor_id, utcnow()
        n.params = dict(params or {})


def settings_for(user) -> dict[str, bool]:
    """Every kind a member can turn off, on unless they turned it off."""
    saved = dict(
        db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.enabled).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return {name: saved.get(name, kind.default_on) for name, kind in KINDS.items() if kind.can_turn_off}


def save_settings(user, choices: dict[str, bool]) -> None:
    for kind, enabled in choices.items():
        if kind not in KINDS:
            continue
        preference = db.session.get(NotificationPreference, (user.id, kind))
        if preference is None:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, enabled=enabled))
        else:
            preference.enabled = enabled


def unread_count_column(user_id):
    """unread_count as a column of another statement: loading a member's sign-in
    (accounts/sessions.py) asks it in the same statement, before every page they open."""
    return (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def remember_unread_count(count: int) -> None:
    """The signed-in member's count, as loaded with them: the header shows it unless a
    notification changes during the request (_counts_changed)."""
    g.unread_notifications = count


def _counts_changed() -> None:
    if has_app_context():
        g.pop("unread_notifications", None)


def header_count(user) -> int:
    """The signed-in member's unread count for the header: as loaded with them, else asked."""
    count = g.get("unread_notifications")
    return unread_count(user) if count is None else count


@cache
def _unread_statement():
    """Built once: it runs on every page a member opens (the header's count)."""
    return (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))
    )


def unread_count(user) -> int:
    return db.session.scalar(_unread_statement(), {"user_id": user.id}) or 0


def for_user(user, page: int):
    query = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .options(joinedload(Notification.actor))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def live_counts(shown: list[Notification]) -> dict[int, int]:
    """How many of what each notification counts are still there, for kinds that say
    (KINDS[...].live_count): one query per such kind on the page, not one per notification."""
    counts: dict[int, int] = {}
    by_kind: dict[str, list[Notification]] = {}
    for n in shown:
        by_kind.setdefault(n.kind, []).append(n)
    for name, items in by_kind.items():
        spec = KINDS.get(name)
        if spec is not None and spec.live_count is not None:
            counts.update(spec.live_count(items))
    return counts


def owned_notification(user, notification_id: int) -> Notification | None:
    return db.session.scalar(
        select(Notification).where(Notification.id == notification_id, Notification.user_id == user.id)
    )


def mark_one_read(notification: Notification) -> None:
    """Opened, so read: only this one (the others wait until they are opened too)."""
    if notification.read_at is None:
        _counts_changed()
        db.session.execute(
            update(Notification).where(Notification.id == notification.id).values(read_at=utcnow())
        )
