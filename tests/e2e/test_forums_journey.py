"""The forum, as two members live it, by keyboard alone; and what a visitor may and may not read.

Acceptance: a member creates a thread with Markdown and a content warning, another replies
with a quote and a mention, the first gets a notification, reacts "Sending support", and
finds the thread through search: in Chromium, keyboard only. Signing in may use the mouse;
everything in the forum is done with Tab, typing, Enter and Space.
"""

from __future__ import annotations

import itertools
import os
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from community.extensions import db
from community.forums import groups as forum_groups
from community.forums import services
from community.forums.models import Group
from tests.e2e.conftest import sign_in, tab_to

GROUP = "introductions"  # members only
PUBLIC_GROUP = "work-advocacy"
_n = itertools.count(1)


def unique(word: str) -> str:
    """A word no other test posts, so search finds only this test's posts."""
    return f"{word}{next(_n)}x{os.getpid() % 1000}"


def press(page, selector: str, key: str = "Enter", limit: int = 80) -> None:
    """Tab to an element, as a keyboard user would, and press a key on it."""
    tab_to(page, selector, limit)
    page.keyboard.press(key)


def go_to_groups(page) -> None:
    press(page, "nav a[href='/groups/']")
    page.wait_for_url("**/groups/")


def test_thread_reply_notification_reaction_and_search_by_keyboard(page, second_page, make_member, groups):
    author, replier = make_member("author"), make_member("replier")
    word = unique("lanternfish")
    title = f"Pacing on bad days {word}"
    warning = "medication doses"

    # The author starts a thread: Markdown, and a content warning.
    sign_in(page, author)
    go_to_groups(page)
    press(page, f"a[href='/groups/{GROUP}/']")
    page.wait_for_url(f"**/groups/{GROUP}/")
    press(page, f"a[href='/groups/{GROUP}/new']")
    page.wait_for_url(f"**/groups/{GROUP}/new")
    tab_to(page, "#title")
    page.keyboard.type(title)
    tab_to(page, "#body")
    page.keyboard.type(f"I found **pacing** helps on bad days.\n\nDoes anyone else use a *heat pad*? {word}")
    tab_to(page, "#content_warning")
    page.keyboard.type(warning)
    press(page, "main button[type=submit]:not([name=preview])")
    page.wait_for_url(re.compile(r"/threads/\d+$"))
    thread_path = urlsplit(page.url).path
    first = page.locator("article.post").first
    first_id = first.get_attribute("id").removeprefix("post-")
    expect(page.locator("h1")).to_have_text(title)

    # The replier finds it, opens the content warning, quotes the post and mentions its author.
    sign_in(second_page, replier)
    go_to_groups(second_page)
    press(second_page, f"a[href='/groups/{GROUP}/']")
    second_page.wait_for_url(f"**/groups/{GROUP}/")
    press(second_page, f"a[href='{thread_path}']")
    second_page.wait_for_url(f"**{thread_path}")
    post = second_page.locator(f"#post-{first_id}")
    expect(post.locator("details.cw summary")).to_have_text(f"Content warning: {warning}. Show the post")
    expect(post.locator(".prose")).to_be_hidden()
    press(second_page, f"#post-{first_id} summary")
    expect(post.locator("details.cw")).to_have_attribute("open", "")
    expect(post.locator(".prose strong")).to_have_text("pacing")
    expect(post.locator(".prose em")).to_have_text("heat pad")

    press(second_page, f"#post-{first_id} a[href*='quote={first_id}']")
    # The page comes back with the warning still open and the focus in the reply, after the quote.
    second_page.wait_for_url(re.compile(rf"{thread_path}\?quote={first_id}&open={first_id}$"))
    expect(post.locator("details.cw")).to_have_attribute("open", "")
    reply_box = second_page.locator("#reply #body")
    expect(reply_box).to_have_value(re.compile(rf"^> \*\*@{author}\*\* wrote:\n> I found \*\*pacing\*\*"))
    expect(reply_box).to_be_focused()
    second_page.keyboard.press("Control+End")
    second_page.keyboard.type(f"Welcome @{author}! A heat pad helps me too.")
    press(second_page, "#reply button[type=submit]:not([name=preview])")
    second_page.wait_for_url(re.compile(rf"{thread_path}\?page=1#post-\d+$"))
    reply_id = second_page.url.rsplit("#post-", 1)[1]
    reply = second_page.locator(f"#post-{reply_id}")
    expect(reply.locator("blockquote strong").last).to_have_text("pacing")
    expect(reply.locator("blockquote")).to_contain_text(f"@{author} wrote:")
    mention = reply.locator(f".prose > p > a.mention[href='/u/{author}']")
    expect(mention).to_have_text(f"@{author}")

    # The author sees the notification in the header and on the notifications page.
    go_to_groups(page)
    expect(page.get_by_role("link", name="Notifications 1 unread")).to_be_visible()
    press(page, "a[href='/notifications']")
    page.wait_for_url("**/notifications")
    notification = page.locator("li.notification.unread")
    expect(notification).to_have_count(1)
    expect(notification).to_contain_text("New")
    expect(notification.get_by_role("link")).to_have_text(f"{replier} mentioned you in “{title}”")
    press(page, "li.notification.unread a[href^='/notifications/']")  # opening it marks it read
    page.wait_for_url(re.compile(rf"{thread_path}\?page=1#post-{reply_id}$"))
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()

    # The author reacts to the reply, with Space this time: Sending support.
    support = f"#post-{reply_id} button[name=reaction][value^='support:']"
    expect(page.locator(support)).to_have_attribute("aria-pressed", "false")
    press(page, support, key="Space")  # answered in place (reactions.js), the focus kept
    button = page.locator(support)
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".count")).to_have_text("1")
    expect(page.locator(f"#who-{reply_id}-support")).to_have_text(author)
    go_to_groups(second_page)
    expect(second_page.get_by_role("link", name="Notifications 1 unread")).to_be_visible()

    # The author finds the thread again through search.
    go_to_groups(page)
    tab_to(page, "#group-search")
    page.keyboard.type(word)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/search\?q={word}$"))
    expect(page.locator("#results-title")).to_have_text("2 results")  # the post, and the reply quoting it
    results = page.locator("ol.results > li")
    expect(results.get_by_role("link", name=title)).to_have_count(2)
    # Both sit behind the warning, so the results show it instead of their words.
    expect(results.locator(".snippet").first).to_have_text(
        f"Content warning: {warning}. Open the post to read it."
    )
    press(page, f"ol.results a[href='/posts/{first_id}']")
    page.wait_for_url(re.compile(rf"{thread_path}\?page=1#post-{first_id}$"))
    expect(page.locator("h1")).to_have_text(title)


@pytest.fixture
def visitor_threads(live_app, make_member, groups):
    """A thread in a members-only group and one in the public group; returns (private, public)."""
    from community.accounts.services import find_by_username

    author = make_member("poster")
    word = unique("heron")
    with live_app.app_context():
        user = find_by_username(author)
        group, public = (
            db.session.scalar(db.select(Group).where(Group.slug == slug)) for slug in (GROUP, PUBLIC_GROUP)
        )
        private = services.create_thread(
            user, group, f"Only for members {word}", f"Something personal. {word}"
        )
        shared = services.create_thread(
            user, public, f"Writing to my MP {next(_n)}", "Here is the **letter** I sent."
        )
        db.session.commit()
        return (private.id, private.title, word), (shared.id, shared.title)


def test_visitor_sees_group_names_but_not_members_only_threads(page, visitor_threads):
    (private_id, private_title, word), (public_id, public_title) = visitor_threads

    page.goto("/groups/")
    for name in ("Introductions", "CRPS", "Work, benefits and advocacy"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()

    response = page.goto(f"/threads/{private_id}")
    assert response.status == 404, "a members-only thread must not exist for a visitor"
    expect(page.locator("main")).not_to_contain_text(private_title)

    page.goto(f"/groups/{GROUP}/")
    expect(page.locator("h1")).to_have_text("Introductions")
    expect(page.locator("main")).to_contain_text("This group is for members only")
    expect(page.locator(f"a[href='/threads/{private_id}']")).to_have_count(0)

    page.goto(f"/search?q={word}")
    expect(page.locator("#results-title")).to_have_text("Nothing found")

    page.goto(f"/groups/{PUBLIC_GROUP}/")
    page.get_by_role("link", name=public_title).click()
    page.wait_for_url(f"**/threads/{public_id}")
    expect(page.locator("h1")).to_have_text(public_title)
    expect(page.locator("article.post .prose strong")).to_have_text("letter")
    expect(page.locator("#reply")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Sign in or join to reply.")


def test_who_reacted_shows_on_focus_and_escape_hides_it(page, make_member, live_app, groups):
    author, reactor = make_member("author"), make_member("reactor")
    with live_app.app_context():
        from community.accounts.services import find_by_username

        thread = services.create_thread(
            find_by_username(author),
            forum_groups.group_by_slug(GROUP),
            "Reactions tooltip thread",
            "Hello there",
        )
        post = db.session.scalar(db.select(services.Post).where(services.Post.thread_id == thread.id))
        services.set_reaction(find_by_username(reactor), post, "support", on=True)
        db.session.commit()
        thread_id = thread.id
    sign_in(page, author)
    page.goto(f"/threads/{thread_id}")
    names = page.locator(".who")
    expect(names).to_be_hidden()
    tab_to(page, "button.reaction-button[value^='support:']")
    expect(names).to_be_visible()
    expect(names).to_have_text(reactor)
    page.keyboard.press("Escape")
    expect(names).to_be_hidden()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(names).to_be_visible()
