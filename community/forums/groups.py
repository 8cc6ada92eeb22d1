"""Forum groups: listing, membership, a group's threads, and their administration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import joinedload

from community import events
from community.database import utcnow
from community.extensions import db
from community.forums.models import PUBLISHED, Group, Membership, Thread
from community.forums.permissions import (
    can_read_group,
    is_member,
    listed_threads,
    open_groups,
    readable_groups,
)
from community.forums.services import ForumError
from community.unit_of_work import after_commit

THREADS_PER_PAGE = 25


def list_groups(include_archived: bool = False) -> list[Group]:
    """Every group in display order; anyone may see the names, permissions decide the threads."""
    query = select(Group).order_by(Group.position, Group.name)
    if not include_archived:
        query = query.where(open_groups())
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Activity:
    members: int = 0
    new_threads: int | None = None  # None: the viewer may not read the group's threads


def group_activity(viewer, groups: list[Group]) -> dict[int, Activity]:
    """Each group's members and its threads published in the last week, for the group cards:
    two grouped counts however many groups there are. Threads count only where the viewer
    may read them, and held or hidden ones never."""
    members = dict(
        db.session.execute(select(Membership.group_id, func.count()).group_by(Membership.group_id)).all()
    )
    new_threads = dict(
        db.session.execute(
            select(Thread.group_id, func.count())
            .join(Group, Group.id == Thread.group_id)
            .where(
                readable_groups(viewer),
                Thread.state == PUBLISHED,
                Thread.created_at >= utcnow() - timedelta(days=7),
            )
            .group_by(Thread.group_id)
        ).all()
    )
    return {
        group.id: Activity(
            members.get(group.id, 0),
            new_threads.get(group.id, 0) if can_read_group(viewer, group) else None,
        )
        for group in groups
    }


GROUP_FIELDS = ("name", "slug", "description", "visibility", "position")


def save_group(group: Group | None, data: dict) -> Group:
    """Create a group (group=None) or change one; two groups never share a web address."""
    clash = db.session.scalar(select(Group).where(Group.slug == data["slug"]))
    if clash is not None and clash is not group:
        raise ForumError("Another group already uses that web address.", field="slug")
    group = group or Group()
    for name in GROUP_FIELDS:
        setattr(group, name, data[name])
    db.session.add(group)
    db.session.flush()
    events.group_saved.send(current_app._get_current_object(), group_id=group.id)
    return group


def move_group(group: Group, up: bool) -> None:
    """Swap places with the neighbour above or below; positions are renumbered 10, 20, …"""
    ordered = list_groups(include_archived=True)
    index = ordered.index(group)
    other = index - 1 if up else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position * 10


def set_archived(group: Group, archived: bool) -> None:
    """An archived group stays readable; nothing in it changes (forums/permissions.py)."""
    group.archived_at = utcnow() if archived else None


def group_by_slug(slug: str) -> Group | None:
    return db.session.scalar(select(Group).where(Group.slug == slug))


@cache
def _reader_in_group_statement():
    group, member = bindparam("group_id"), bindparam("member_id")
    return select(
        exists().where(Membership.group_id == group, Membership.user_id == member),
        exists().where(Thread.group_id == group, Thread.author_id == member, Thread.state != PUBLISHED),
    )


def reader_in_group(group: Group, reader) -> tuple[bool, bool]:
    """(whether the member joined the group; whether it has threads of theirs listed only
    for them, held or hidden): what makes a group's page theirs, beside their rights."""
    joined, unlisted = db.session.execute(
        _reader_in_group_statement(), {"group_id": group.id, "member_id": reader.id}
    ).one()
    return bool(joined), bool(unlisted)


@cache
def _groups_state_statement():
    return select(
        Group.id, Group.slug, Group.name, Group.position, Group.visibility, Group.archived_at, Group.revision
    ).order_by(Group.id)


def groups_state() -> tuple:
    """Every group as lists and search show it, with its revision: a change to any thread or
    post shown anywhere makes a new one."""
    return tuple(tuple(row) for row in db.session.execute(_groups_state_statement()))


@cache
def _unlisted_statement():
    return select(exists().where(Thread.author_id == bindparam("member_id"), Thread.state != PUBLISHED))


def has_unlisted_threads(reader) -> bool:
    """Whether the member has threads only they (and moderators) can find: held or hidden."""
    return bool(db.session.scalar(_unlisted_statement(), {"member_id": reader.id}))


def my_group_ids(user) -> set[int]:
    if not is_member(user):
        return set()
    return set(db.session.scalars(select(Membership.group_id).where(Membership.user_id == user.id)))


def join_group(user, group: Group) -> None:
    if db.session.get(Membership, (user.id, group.id)) is None:
        db.session.add(Membership(user_id=user.id, group_id=group.id))
        after_commit(events.member_joined_group, user_id=user.id, group_id=group.id)


def leave_group(user, group: Group) -> None:
    membership = db.session.get(Membership, (user.id, group.id))
    if membership is not None:
        db.session.delete(membership)
        after_commit(events.member_left_group, user_id=user.id, group_id=group.id)


def group_threads(group: Group, page: int, viewer=None):
    """Pinned first, then by last activity; authors and last posters loaded with the page.
    Held and hidden threads are listed only for their authors (moderators find them in /mod/)."""
    query = (
        select(Thread)
        .where(Thread.group_id == group.id, listed_threads(viewer))
        .options(joinedload(Thread.author), joinedload(Thread.last_poster))
        .order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
    )
    return db.paginate(query, page=page, per_page=THREADS_PER_PAGE, error_out=False)
