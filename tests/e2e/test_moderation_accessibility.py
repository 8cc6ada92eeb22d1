"""axe-core finds no WCAG 2.x A/AA problem on any moderation or member-safety page, in the
light and the dark theme.

Each page is checked in the state people meet it in: a queue with a held post, an urgent
(crisis) item and an escalated one; resolved items; an item with flags and history; a member
with sanctions behind them; the audit log, filtered too; reply templates; the flag form, also
with an error; safety settings with a blocked member and muted words; a thread with a held
post (its author's view), a hidden one (another member's view), collapsed posts, the
moderators' thread tools open, and a silenced member's notice; a suspended member's sign-in.
Before axe runs, the test checks the page really shows that state.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from community.accounts.services import find_by_username
from community.extensions import db
from community.forums import groups as forum_groups
from community.forums import services
from community.forums.models import Post
from community.moderation import blocking, flags, queue, sanctions
from community.moderation.models import OPEN_STATES, ReviewItem
from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import assert_no_violations
from tests.e2e.test_moderation_journey import moderation_lists  # noqa: F401 (a fixture)
from tests.helpers import PASSWORD

GROUP = "crps"
_n = itertools.count(1)


@pytest.fixture(params=["light", "dark"])
def color_scheme(request):
    return request.param


@dataclass
class World:
    moderator: str
    author: str
    newcomer: str
    reader: str
    blocked: str
    silenced: str
    suspended: str
    word: str
    muted: str
    thread: int
    flag_target: int
    held_post: int
    hidden_post: int
    blocked_post: int
    muted_post: int
    flagged_item: int


def _open_items_about(member_ids: list[int]) -> list[ReviewItem]:
    return list(
        db.session.scalars(
            db.select(ReviewItem).where(
                ReviewItem.member_id.in_(member_ids), ReviewItem.state.in_(OPEN_STATES)
            )
        )
    )


@pytest.fixture
def world(live_app, make_member, moderation_lists):  # noqa: F811
    """One thread with every kind of post, and the queue, log and sanctions around it."""
    names = {
        "moderator": make_member("moderator", role="moderator"),
        "author": make_member("author"),
        "newcomer": make_member("newcomer", trusted=False),
        "reader": make_member("reader"),
        "blocked": make_member("blocked"),
        "silenced": make_member("silenced"),
        "suspended": make_member("suspended"),
    }
    word = f"lavender{next(_n)}x{os.getpid() % 1000}"
    muted = f"marrow{next(_n)}x{os.getpid() % 1000}"
    with live_app.app_context():
        u = {role: find_by_username(name) for role, name in names.items()}
        mod = u["moderator"]
        thread = services.create_thread(
            u["author"],
            forum_groups.group_by_slug(GROUP),
            f"Sleep and flares {word}",
            f"Warm baths help me a little. {word}",
        )
        first = db.session.scalar(db.select(Post).where(Post.thread_id == thread.id))
        flag_target = services.create_reply(u["author"], thread, "Has anyone tried a TENS machine?")
        hidden = services.create_reply(u["silenced"], thread, "You are all making it up.")
        blocked = services.create_reply(u["blocked"], thread, "Pacing is the only answer, honestly.")
        muted_post = services.create_reply(u["author"], thread, f"The {muted} ache is worse at night.")
        rough = services.create_reply(u["author"], thread, "Rough night. I am struggling to hold on.")
        held = services.create_reply(u["newcomer"], thread, "Hello, I am new. Baths help me too.")
        assert held.outcome.held, "a new member's reply should wait for a moderator"

        # The first post: flagged twice, claimed and noted on (an item with flags and history).
        flags.flag(u["reader"], "post", first.id, "misinformation")
        flags.flag(u["blocked"], "post", first.id, "other", "Says to stop all medication at once.")
        flagged = db.session.scalar(
            db.select(ReviewItem).where(ReviewItem.subject_id == first.id, ReviewItem.state.in_(OPEN_STATES))
        )
        queue.claim(flagged, mod)
        queue.add_note(flagged, mod, "Checked: the advice is the author's own experience.")
        # An urgent item, and an escalated one.
        queue.queue_item("post", rough.id, "crisis", crisis=True)
        flags.flag(u["author"], "post", blocked.id, "unkind", "Dismissive of other members.")
        unkind = db.session.scalar(
            db.select(ReviewItem).where(
                ReviewItem.subject_id == blocked.id, ReviewItem.state.in_(OPEN_STATES)
            )
        )
        queue.escalate(unkind, mod, "A pattern across several threads; asking the lead moderator.")
        # A hidden reply: a resolved item.
        flags.flag(u["reader"], "post", hidden.id, "unkind")
        hide_item = db.session.scalar(
            db.select(ReviewItem).where(ReviewItem.subject_id == hidden.id, ReviewItem.state.in_(OPEN_STATES))
        )
        queue.hide(hide_item, mod, "Unkind to other members.")
        # Sanctions: a warned and silenced member, a suspended one.
        sanctions.warn(mod, u["silenced"], "Please be gentle in how you reply.")
        sanctions.silence(mod, u["silenced"], "7", "Repeated unkind replies.")
        sanctions.suspend(mod, u["suspended"], "lifted", "Advertising a pain clinic in every thread.")
        # The reader's own safety tools.
        blocking.block(u["reader"], u["blocked"])
        blocking.set_muted_words(u["reader"], f"{muted}\nspoilers")
        db.session.commit()
        built = World(
            **names,
            word=word,
            muted=muted,
            thread=thread.id,
            flag_target=flag_target.id,
            held_post=held.id,
            hidden_post=hidden.id,
            blocked_post=blocked.id,
            muted_post=muted_post.id,
            flagged_item=flagged.id,
        )
        member_ids = [user.id for user in u.values()]
    yield built
    # Nothing of this test stays open in the queue, so later tests meet a short one.
    with live_app.app_context():
        mod = find_by_username(names["moderator"])
        for item in _open_items_about(member_ids):
            (queue.approve if item.held else queue.dismiss)(
                item, mod, "Cleared by a browser test.", take_over=True
            )
        db.session.commit()


def check(page, path: str, label: str, shows: str | None = None) -> None:
    """Open a page, make sure it shows what it should, and run axe on it."""
    page.goto(path)
    if shows:
        expect(page.locator(shows).first).to_be_visible()
    assert_no_violations(page, label)


def switch_to(page, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username)


def test_moderators_pages(page, color_scheme, world, live_app, make_member):
    thread = f"/threads/{world.thread}"
    switch_to(page, world.moderator)
    page.goto("/mod/")
    escalated = page.locator(".escalated .queue-item", has_text=world.word)
    expect(escalated.locator(".badge")).to_have_text("Escalated")
    expect(page.locator(".queue-crisis", has_text=world.word).locator(".badge-urgent")).to_have_text("Urgent")
    expect(page.locator(".queue-list .meta", has_text=f"about {world.newcomer}")).to_contain_text(
        "A new member's post"
    )
    assert_no_violations(page, f"/mod/ with held, urgent and escalated items ({color_scheme})")
    pages = [
        ("/mod/?view=resolved", f".queue-list .meta:has-text('hidden by {world.moderator}')"),
        (f"/mod/items/{world.flagged_item}", "aside.mod-side h3:has-text('Flags (2)')"),
        (f"/mod/users/{world.silenced}", "dl.facts dd:has-text('Silenced until')"),
        ("/mod/log", f"table.log td:has-text('{world.moderator}')"),
        (f"/mod/log?member={world.silenced}&action=silence", "table.log td:has-text('Silenced')"),
        ("/mod/replies", "article.card h2"),
    ]
    for path, shows in pages:
        check(page, path, f"moderator {path} ({color_scheme})", shows)

    page.goto(f"/mod/items/{world.flagged_item}")
    expect(page.locator("ol.history")).to_contain_text("Checked: the advice is the author's own experience.")
    page.goto(thread)
    tools = page.locator("details.mod-tools")
    tools.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(tools).to_have_attribute("open", "")
    expect(page.locator("#move-group")).to_be_visible()
    assert_no_violations(page, f"thread with the moderators' tools open ({color_scheme})")

    switch_to(page, make_member("admin", role="admin"))
    check(page, "/mod/words", f"admin /mod/words ({color_scheme})", "h1")
    check(
        page,
        "/mod/words?test=some+nights+I+want+to+die",
        f"/mod/words testing a phrase ({color_scheme})",
        "h1",
    )


def test_members_safety_pages(page, color_scheme, world):
    thread = f"/threads/{world.thread}"

    # The new member sees their own reply waiting for a moderator.
    switch_to(page, world.newcomer)
    page.goto(thread)
    expect(page.locator(f"#post-{world.held_post} .post-state")).to_contain_text("Waiting for a moderator")
    assert_no_violations(page, f"thread with a held post, its author's view ({color_scheme})")

    # Another member: the hidden reply as a line, the blocked and muted ones collapsed.
    switch_to(page, world.reader)
    page.goto(thread)
    expect(page.locator(f"#post-{world.hidden_post} .removed")).to_have_text(
        "This post is hidden by the moderators."
    )
    expect(page.locator(f"#post-{world.held_post}")).to_have_count(0)
    blocked = page.locator(f"#post-{world.blocked_post} details.collapsed-post summary")
    expect(blocked).to_contain_text("You blocked this member")
    expect(page.locator(f"#post-{world.muted_post} details.collapsed-post summary")).to_contain_text(
        "This post has a word you muted"
    )
    assert_no_violations(page, f"thread with hidden and collapsed posts ({color_scheme})")
    blocked.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#post-{world.blocked_post} details.collapsed-post")).to_have_attribute("open", "")
    assert_no_violations(page, f"thread with a collapsed post opened ({color_scheme})")

    check(page, "/settings/safety", f"/settings/safety ({color_scheme})", f"li:has-text('{world.blocked}')")
    expect(page.locator("#words")).to_have_value(f"{world.muted}\nspoilers")

    flag = f"/flag/post/{world.flag_target}"
    check(page, flag, f"{flag} ({color_scheme})", "fieldset legend")
    page.get_by_label("Something else").check()
    page.get_by_role("button", name="Send to the moderators").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#note-error")).to_have_text("Please tell the moderators what is wrong.")
    assert_no_violations(page, f"{flag} with an error ({color_scheme})")

    # A silenced member reads, with the notice saying why they cannot post.
    switch_to(page, world.silenced)
    page.goto(thread)
    expect(page.locator(".standing-notice")).to_contain_text("Your account can read but not post")
    expect(page.locator("#reply")).to_have_count(0)
    assert_no_violations(page, f"a silenced member's thread page ({color_scheme})")

    # A suspended member is told so when they try to sign in.
    page.context.clear_cookies()
    page.goto("/auth/login")
    page.get_by_label("Username or email").fill(world.suspended)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".error-summary h2")).to_have_text("Your account is suspended")
    expect(page.locator(".error-summary")).to_contain_text("Advertising a pain clinic")
    assert_no_violations(page, f"sign-in for a suspended member ({color_scheme})")
