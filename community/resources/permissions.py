"""Who sees a directory entry, who suggests, reports and edits: the directory's rules, asked
by views, by templates through can(...), and by queries through `visible_organizations`."""

from __future__ import annotations

from sqlalchemy import or_

from community.accounts import standing
from community.permissions import rule
from community.resources.models import PUBLISHED, Organization
from community.security import has_role


def _member(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and standing.is_active_member(user)


@rule("edit_resources")
def can_edit_resources(user) -> bool:
    """Moderators (and admins) edit any entry, publish, approve and decline suggestions."""
    return _member(user) and has_role(user, "moderator") and standing.may_write(user)


@rule("view_resource")
def can_view_resource(user, organization: Organization) -> bool:
    """Everyone sees published entries; a member sees their own suggestion (and why it was
    declined); moderators see every entry."""
    if organization.state == PUBLISHED:
        return True
    if not _member(user):
        return False
    return organization.suggested_by_id == user.id or can_edit_resources(user)


def visible_organizations(user):
    """can_view_resource as a WHERE clause, for lists and search."""
    if _member(user) and can_edit_resources(user):
        return Organization.state.is_not(None)
    if _member(user):
        return or_(Organization.state == PUBLISHED, Organization.suggested_by_id == user.id)
    return Organization.state == PUBLISHED


def listed_organizations():
    """What the directory lists and searches: published entries only, for everyone (a
    moderator finds drafts and suggestions in the review queue and /resources/manage)."""
    return Organization.state == PUBLISHED


@rule("suggest_resource")
def can_suggest_resource(user) -> bool:
    """Members in good standing who may write (a silenced member may not)."""
    return _member(user) and standing.may_write(user)


@rule("report_resource")
def can_report_resource(user, organization: Organization) -> bool:
    """Any signed-in member may say a published entry is out of date (it writes nothing others read)."""
    return _member(user) and organization.state == PUBLISHED
