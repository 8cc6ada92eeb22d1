"""Reading lists: every group, a group's threads, and search. A group's page and search are
kept whole for a kind of reader (community/kept_pages.py), like a thread's page."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from community import kept_pages, times
from community.accounts import standing
from community.database import utcnow
from community.forums import bp, fragments, permissions, services
from community.forums import groups as forum_groups
from community.paging import page_number


@bp.route("/groups/")
def groups():
    groups = forum_groups.list_groups()
    return render_template(
        "forums/groups.html",
        groups=groups,
        mine=forum_groups.my_group_ids(current_user),
        activity=forum_groups.group_activity(current_user, groups),
    )


@bp.route("/groups/<slug>/")
def group(slug: str):
    group, joined, unlisted = forum_groups.group_for_reader(slug, current_user)
    if group is None:
        abort(404)
    readable = permissions.can_read_group(current_user, group)

    def context():
        threads = forum_groups.group_threads(group, page_number(), current_user) if readable else None
        values = dict(
            group=group,
            threads=threads,
            readable=readable,
            can_post=permissions.can_post_in_group(current_user, group),
        )
        now = utcnow()
        changes = (
            [times.ago_changes_at(thread.last_post_at, now) for thread in threads.items] if threads else []
        )
        return values, None, min(changes, default=None)

    def key_now():  # made again from the database: did its threads change during the render?
        _, *own = forum_groups.group_for_reader(slug, current_user)
        return _group_kept_as(group, readable, *own, revision=forum_groups.group_revision(group.id))

    kept_as = _group_kept_as(group, readable, joined, unlisted)
    return kept_pages.render("forums/group.html", kept_as, context, key_now)[0]


def _group_kept_as(group, readable: bool, joined: bool, unlisted: bool, revision: int | None = None) -> tuple:
    """Everything the group page's own blocks show (community/kept_pages.py): the group's
    revision stands for its threads and their people; the rest is the group, this page, and
    what makes it this reader's (their rights, whether they joined, threads listed only for
    them)."""
    reader = current_user._get_current_object()
    theirs: tuple = ()
    if reader.is_authenticated:
        theirs = (reader.id if unlisted else None, reader.role, standing.may_write(reader), joined)
    return (
        request.path,
        page_number(),
        group.id,
        group.revision if revision is None else revision,
        group.slug,
        group.name,
        group.description,
        group.visibility,
        group.archived_at is None,
        readable,
        reader.is_authenticated,
        (clock := fragments.Clock.for_reader()).zone,
        clock.year,
        theirs,
    )


@bp.route("/search")
def search():
    query = request.args.get("q", "")
    group = forum_groups.group_by_slug(request.args.get("group", "")) if request.args.get("group") else None

    def context():
        results, total = (
            services.search_posts(query, current_user, group, page_number()) if query.strip() else ([], 0)
        )
        values = dict(
            query=query,
            results=results,
            total=total,
            page=page_number(),
            per_page=services.search.PER_PAGE,
            group=group,
            groups=forum_groups.list_groups(),
        )
        now = utcnow()
        return (
            values,
            None,
            min((times.ago_changes_at(r.post.created_at, now) for r in results), default=None),
        )

    return kept_pages.render(
        "forums/search.html",
        _search_kept_as(query, group),
        context,
        lambda: _search_kept_as(query, group),  # made again: did anything change during the render?
    )[0]


def _search_kept_as(query: str, group) -> tuple:
    """Everything the search page's own blocks show (community/kept_pages.py): the groups as
    they are and the sum of the threads' revisions stand for every thread and post and their
    people; the rest is the words, the page, and what the reader may find (members-only
    groups, their own threads waiting for a moderator, everything for a moderator)."""
    reader = current_user._get_current_object()
    groups, posts, unlisted = forum_groups.search_state(reader)
    theirs = (reader.role, reader.id if unlisted else None) if reader.is_authenticated else ()
    clock = fragments.Clock.for_reader()
    return (
        request.path,
        query,
        group.id if group else None,
        page_number(),
        groups,
        posts,
        reader.is_authenticated,
        clock.zone,
        clock.year,
        theirs,
    )
