"""axe-core finds no WCAG 2.x A/AA problem on any forum page, in the light and the dark theme.

Each page is checked in the state a person meets it in: a thread with a content warning
(closed, then opened), reactions, an edited post and a removed one; forms empty, with
errors and with a preview; search with and without results; notifications waiting; and the
admin's group and revision pages. Before axe runs, the test checks the page really shows
that state, so a page that quietly lost its content cannot pass.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from community.accounts.services import find_by_username
from community.extensions import db
from community.forums import groups, seed, services
from community.forums.models import Group, Post
from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import assert_no_violations

GROUP = "crps"  # members only
PUBLIC_GROUP = "work-advocacy"
_n = itertools.count(1)


@pytest.fixture(params=["light", "dark"])
def color_scheme(request):
    return request.param


@dataclass
class Forum:
    author: str
    reader: str
    word: str
    thread: int
    first_post: int
    reader_reply: int
    public_thread: int


def _group(slug: str) -> Group:
    return db.session.scalar(db.select(Group).where(Group.slug == slug))


@pytest.fixture
def forum(live_app, make_member) -> Forum:
    """A lived-in thread: Markdown, a content warning, a mention, reactions, an edit, a removed reply."""
    author, reader = make_member("cwauthor"), make_member("cwreader")
    word = f"tideline{next(_n)}x{os.getpid() % 1000}"
    with live_app.app_context():
        list(seed.seed_groups())
        me, them = find_by_username(author), find_by_username(reader)
        group = _group(GROUP)
        groups.join_group(me, group)
        thread = services.create_thread(
            me,
            group,
            f"Flares after a nerve block {word}",
            f"The block helped for **two weeks**, then the flare came back.\n\n"
            f"- ice made it worse\n- *pacing* helped\n\n> Listen to your body\n\n{word}",
            content_warning="procedure details",
        )
        first = db.session.scalar(db.select(Post).where(Post.thread_id == thread.id))
        reply = services.create_reply(them, thread, f"@{author} thank you for writing this. **It helps.**")
        mistake = services.create_reply(me, thread, "Posted twice by mistake.")
        services.delete_post(mistake)
        for kind in ("support", "metoo"):
            services.set_reaction(them, first, kind, on=True)
        services.edit_post(
            first,
            me,
            first.body + "\n\nEdited to add: it is better now.",
            "procedure details",
            title=thread.title,
        )
        public = services.create_thread(
            me,
            _group(PUBLIC_GROUP),
            f"Asking work for adjustments {word}",
            "What helped me was a **written** request.",
        )
        db.session.commit()
        return Forum(author, reader, word, thread.id, first.id, reply.id, public.id)


def check(page, path: str, label: str, shows: str | None = None) -> None:
    """Open a page, make sure it shows what it should, and run axe on it."""
    page.goto(path)
    if shows:
        expect(page.locator(shows).first).to_be_visible()
    assert_no_violations(page, label)


def test_member_forum_pages(page, color_scheme, forum):
    sign_in(page, forum.author)
    thread = f"/threads/{forum.thread}"
    pages = [
        ("/", "#groups-title + ul a"),
        ("/groups/", ".group-list"),
        (f"/groups/{GROUP}/", f"a[href='{thread}']"),
        (thread, "details.cw summary"),
        (f"/search?q={forum.word}", ".results .snippet mark"),
        (f"/search?q=nothing{forum.word}", "#results-title"),
        ("/notifications", "li.notification.unread"),
        ("/settings/notifications", "input[type=checkbox]"),
        (f"/posts/{forum.first_post}/edit", "#title"),
    ]
    for path, shows in pages:
        check(page, path, f"member {path} ({color_scheme})", shows)

    page.goto(thread)
    expect(page.locator(".post-removed")).to_contain_text("This post was removed by the author.")
    expect(page.locator(f"#post-{forum.first_post} .reaction-button .count")).to_have_count(2)
    expect(page.locator(f"#post-{forum.first_post} .edited")).to_be_visible()
    page.locator("details.cw summary").click()
    expect(page.locator("details.cw .prose strong").first).to_be_visible()
    assert_no_violations(page, f"thread with the content warning open ({color_scheme})")


def test_forum_forms_with_errors_and_preview(page, color_scheme, forum):
    sign_in(page, forum.reader)
    new_thread = f"/groups/{GROUP}/new"
    check(page, new_thread, f"new thread, empty ({color_scheme})", "#title")

    page.get_by_role("button", name="Post thread").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_violations(page, f"new thread with errors ({color_scheme})")

    page.locator("#title").fill("A question about sleep")
    page.locator("#body").fill(f"Does **anyone** sleep well? @{forum.author}")
    page.locator("#content_warning").fill("low mood")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview .prose strong")).to_have_text("anyone")
    assert_no_violations(page, f"new thread with a preview ({color_scheme})")

    page.goto(f"/threads/{forum.thread}")
    page.locator("#reply").get_by_role("button", name="Post reply").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_violations(page, f"reply with errors ({color_scheme})")

    page.locator("#reply #body").fill("Me too, *every* night.")
    page.locator("#reply").get_by_role("button", name="Preview").click()
    expect(page.locator("#preview .prose em")).to_have_text("every")
    assert_no_violations(page, f"reply with a preview ({color_scheme})")

    page.goto(f"/posts/{forum.reader_reply}/edit")
    page.locator("#body").fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_violations(page, f"edit with errors ({color_scheme})")


def test_visitor_forum_pages(page, color_scheme, forum):
    pages = [
        ("/groups/", ".group-list"),
        (f"/groups/{GROUP}/", "text=This group is for members only"),
        (f"/groups/{PUBLIC_GROUP}/", f"a[href='/threads/{forum.public_thread}']"),
        (f"/threads/{forum.public_thread}", "article.post .prose strong"),
        (f"/search?q={forum.word}", ".results .snippet mark"),
    ]
    for path, shows in pages:
        check(page, path, f"visitor {path} ({color_scheme})", shows)


def test_admin_forum_pages(page, color_scheme, forum, make_member):
    sign_in(page, make_member("admin", role="admin"))
    pages = [
        ("/groups/manage", "table.table"),
        ("/groups/manage/new", "#name"),
        (f"/groups/{GROUP}/edit", "#slug"),
        (f"/posts/{forum.first_post}/revisions", "ol.revisions"),
        (f"/threads/{forum.thread}", "text=Earlier versions"),
    ]
    for path, shows in pages:
        check(page, path, f"admin {path} ({color_scheme})", shows)

    page.goto("/groups/manage/new")
    page.get_by_role("button", name="Save group").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_violations(page, f"new group with errors ({color_scheme})")
