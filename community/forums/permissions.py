"""Who may see and do what in the forums: views, templates (through can) and services ask here."""

from __future__ import annotations

from sqlalchemy import or_, true

from community.accounts import standing
from community.extensions import db
from community.forums.models import HELD, PUBLISHED, Group, Membership, Post, Thread
from community.permissions import rule
from community.security import has_role


def is_member(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def may_write(user) -> bool:
    return is_member(user) and standing.may_write(user)


def _open(group: Group) -> bool:
    """An archived group is kept to read: nothing in it changes any more."""
    return group.archived_at is None


def open_groups():
    """_open as a query condition: listings, feeds and search leave archived groups out."""
    return Group.archived_at.is_(None)


@rule("read_group")
def can_read_group(user, group: Group) -> bool:
    """Members read every group; visitors read public ones. Health stories stay inside."""
    return group.is_public or is_member(user)


def _sees_everything(user) -> bool:
    """Moderators see held and hidden threads and posts, to review them."""
    return has_role(user, "moderator")


def _own(user, author_id: int) -> bool:
    return is_member(user) and author_id == user.id


def can_read_thread(user, thread: Thread) -> bool:
    """A held or hidden thread is its author's and the moderators' alone until published."""
    if not can_read_group(user, thread.group):
        return False
    return thread.state == PUBLISHED or _own(user, thread.author_id) or _sees_everything(user)


def readable_groups(user):
    """can_read_group as a query condition on Group, for lists, feeds and search."""
    return true() if is_member(user) else Group.visibility == "public"


def visible_threads(user):
    """can_read_thread's own part as a query condition on Thread (with readable_groups)."""
    if _sees_everything(user):
        return true()
    if is_member(user):
        return or_(Thread.state == PUBLISHED, Thread.author_id == user.id)
    return Thread.state == PUBLISHED


def listed_threads(user):
    """Threads in lists and feeds: published ones, and the member's own held threads."""
    if is_member(user):
        return or_(Thread.state == PUBLISHED, Thread.author_id == user.id)
    return Thread.state == PUBLISHED


def visible_posts(user):
    """Posts on a thread page: a held post shows only to its author and moderators; a
    hidden one shows to everyone as a line saying so (its author and moderators see it)."""
    if _sees_everything(user):
        return true()
    if is_member(user):
        return or_(Post.state != HELD, Post.author_id == user.id)
    return Post.state != HELD


def can_read_post_text(user, post: Post) -> bool:
    return post.state == PUBLISHED or _own(user, post.author_id) or _sees_everything(user)


def readable_post_text(user):
    """can_read_post_text as a query condition on Post: for lists that show no line for a
    hidden post (a member's profile), where visible_posts would keep it."""
    if _sees_everything(user):
        return true()
    if is_member(user):
        return or_(Post.state == PUBLISHED, Post.author_id == user.id)
    return Post.state == PUBLISHED


def _joined(user, group: Group) -> bool:
    return db.session.get(Membership, (user.id, group.id)) is not None


@rule("join_group")
def can_join_group(user, group: Group) -> bool:
    return is_member(user) and _open(group) and not _joined(user, group)


@rule("leave_group")
def can_leave_group(user, group: Group) -> bool:
    """Leaving is always possible, an archived group too: it only tidies the home page."""
    return is_member(user) and _joined(user, group)


@rule("start_thread")
def can_post_in_group(user, group: Group) -> bool:
    return may_write(user) and _open(group)


@rule("reply")
def can_reply(user, thread: Thread) -> bool:
    if not can_post_in_group(user, thread.group):
        return False
    if _sees_everything(user):
        return True
    return not thread.locked and thread.state == PUBLISHED


def can_quote(user, post: Post) -> bool:
    """Quoting starts a reply; a removed, held or hidden post has nothing to quote."""
    return can_reply(user, post.thread) and not post.is_deleted and post.state == PUBLISHED


def _is_author(user, post: Post) -> bool:
    return may_write(user) and post.author_id == user.id and not post.is_deleted


def _may_edit_as_staff(user, post: Post) -> bool:
    """Moderators edit members' posts; only an admin edits a moderator's; nobody an admin's
    but that admin."""
    role = post.author.role
    if post.author_id == user.id or role == "member":
        return True
    return role == "moderator" and has_role(user, "admin")


@rule("edit_post")
def can_edit_post(user, post: Post) -> bool:
    """Authors edit their posts while the thread is open and its group not archived;
    moderators edit any post that is not removed (the audit log says so)."""
    if _sees_everything(user) and standing.may_write(user) and not post.is_deleted:
        return _may_edit_as_staff(user, post)
    return _is_author(user, post) and _open(post.thread.group) and not post.thread.locked


@rule("remove_post")
def can_delete_post(user, post: Post) -> bool:
    """Authors may take back what they shared even in a closed thread, and while silenced:
    it is their story, and removing it adds nothing."""
    return (
        is_member(user)
        and standing.is_active_member(user)
        and post.author_id == user.id
        and not post.is_deleted
        and _open(post.thread.group)
    )


@rule("react")
def can_react(user, post: Post) -> bool:
    return (
        may_write(user)
        and not post.is_deleted
        and post.state == PUBLISHED
        and _open(post.thread.group)
        and can_read_thread(user, post.thread)
    )


@rule("watch")
def can_watch(user, thread: Thread) -> bool:
    return is_member(user) and _open(thread.group)


@rule("moderate")
def can_moderate(user) -> bool:
    """Thread tools (pin, lock, move, hide, slow mode), and every revision of a post."""
    return has_role(user, "moderator") and standing.may_write(user)


@rule("manage_groups")
def can_manage_groups(user) -> bool:
    return has_role(user, "admin")
