"""Forum groups: listing, membership, a group's threads, and their administration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, exists, func, literal, select
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
def _group_for_reader_statement():
    member = bindparam("member_id")
    return select(
        Group,
        exists().where(Membership.group_id == Group.id, Membership.user_id == member),
        exists().where(Thread.group_id == Group.id, Thread.author_id == member, Thread.state != PUBLISHED),
    ).where(Group.slug == bindparam("slug"))


def group_for_reader(slug: str, reader) -> tuple[Group | None, bool, bool]:
    """(the group; whether the member joined it; whether it has threads of theirs listed
    only for them, held or hidden): what makes a group's page theirs, beside their rights,
    in one statement."""
    if not is_member(reader):
        return group_by_slug(slug), False, False
    row = db.session.execute(_group_for_reader_statement(), {"slug": slug, "member_id": reader.id}).first()
    return (row[0], bool(row[1]), bool(row[2])) if row else (None, False, False)


@cache
def _group_revision_statement():
    return select(Group.revision).where(Group.id == bindparam("group_id"))


def group_revision(group_id: int) -> int | None:
    """The group's revision as the database has it now (not as the session loaded it)."""
    return db.session.scalar(_group_revision_statement(), {"group_id": group_id})


@cache
def _search_state_statement(for_member: bool):
    """Every group as search shows it, with its revision; the sum of the threads' revisions,
    which grows with every change to any post, reaction or name shown with them; and for a
    member, whether they have threads only they can find (held or hidden): one statement."""
    unlisted = (
        exists().where(Thread.author_id == bindparam("member_id"), Thread.state != PUBLISHED)
        if for_member
        else literal(False)
    )
    posts = select(func.coalesce(func.sum(Thread.revision), 0)).scalar_subquery()
    columns = (Group.id, Group.slug, Group.name, Group.position, Group.visibility, Group.archived_at)
    return select(*columns, Group.revision, posts, unlisted).order_by(Group.id)


def search_state(reader) -> tuple[tuple, int, bool]:
    """(every group with its revision, the threads' revisions summed, whether the member has
    threads only they can find): what search results are kept by."""
    member = is_member(reader)
    rows = db.session.execute(
        _search_state_statement(member), {"member_id": reader.id} if member else {}
    ).all()
    if not rows:
        return (), 0, False
    return tuple(tuple(row[:-2]) for row in rows), rows[0][-2], bool(rows[0][-1])


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
