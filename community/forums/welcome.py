"""The groups a new member is offered on their first step: where they came from, then groups
for the conditions they named, then the groups most members have joined."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from community.extensions import db
from community.forums.groups import group_by_slug, join_group, my_group_ids
from community.forums.models import Group, Membership
from community.forums.permissions import can_join_group, open_groups

SUGGESTIONS = 6


def group_at(path: str | None) -> Group | None:
    """The group a page belongs to (/groups/crps/, /groups/crps/new), if it is one."""
    if not path:
        return None
    try:
        endpoint, args = current_app.url_map.bind("localhost").match(path.split("?")[0], method="GET")
    except HTTPException:
        return None
    return group_by_slug(args["slug"]) if endpoint.startswith("forums.") and "slug" in args else None


def _mentions(group: Group, conditions: list[str]) -> bool:
    text = f"{group.slug} {group.name} {group.description}".lower()
    return any(condition.lower() in text for condition in conditions)


def suggested_groups(member, origin: Group | None, limit: int = SUGGESTIONS) -> list[Group]:
    """Two queries: every open group by how many have joined it, and the member's own."""
    popular = [
        group
        for group, _ in db.session.execute(
            select(Group, func.count(Membership.user_id))
            .outerjoin(Membership, Membership.group_id == Group.id)
            .where(open_groups())
            .group_by(Group.id)
            .order_by(func.count(Membership.user_id).desc(), Group.position, Group.name)
        )
    ]
    conditions = member.condition_list
    chosen = [origin] if origin is not None and origin.archived_at is None else []
    chosen += [group for group in popular if conditions and _mentions(group, conditions)]
    chosen += popular
    mine = my_group_ids(member)  # one query, where can_join_group would ask once a group
    unique = list(dict.fromkeys(chosen))  # first place wins
    return [group for group in unique if group.id not in mine][:limit]


def join_groups(member, slugs: list[str]) -> list[Group]:
    """Join each named open group the member is not in yet; returns the ones joined."""
    joined = []
    for slug in dict.fromkeys(slugs):
        group = group_by_slug(slug)
        if group is not None and can_join_group(member, group):
            join_group(member, group)
            joined.append(group)
    return joined
