"""Moderation as people live it, in Chromium, by keyboard alone.

A new member's first thread waits for a moderator: nobody else can see it or find it in its
group until a moderator, with Tab and Enter, approves it in the review queue; then everyone
can, and the audit log says who did what. A member who writes that they want to die sees
crisis support in the very page that answers, with focus on it, and moderators see their
post first in the queue, marked Urgent.
"""

from __future__ import annotations

import itertools
import os
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from community.accounts.services import find_by_username
from community.extensions import db
from community.forums import groups as forum_groups
from community.forums import seed as forum_seed
from community.forums import services
from community.moderation import queue
from community.moderation import seed as moderation_seed
from community.moderation.models import OPEN_STATES, ReviewItem
from tests.e2e.conftest import tab_to
from tests.e2e.test_accessibility import assert_no_violations
from tests.helpers import PASSWORD

GROUP = "crps"  # members only
_n = itertools.count(1)


def unique(word: str) -> str:
    return f"{word}{next(_n)}x{os.getpid() % 1000}"


def press(page, selector: str, key: str = "Enter", limit: int = 120) -> None:
    """Tab to an element, as a keyboard user would, and press a key on it."""
    tab_to(page, selector, limit)
    page.keyboard.press(key)


def sign_in_by_keyboard(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/auth/login")
    tab_to(page, "#login")
    page.keyboard.type(username)
    tab_to(page, "#password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/$"))


@pytest.fixture(scope="session")
def moderation_lists(live_app):
    """The starter watched words (crisis phrases among them) and reply templates, once a session."""
    with live_app.app_context():
        list(forum_seed.seed_groups())
        list(moderation_seed.seed_moderation())
        db.session.commit()


def test_a_new_members_thread_waits_until_a_moderator_approves_it_by_keyboard(
    page, second_page, make_member, groups
):
    newcomer, reader = make_member("newcomer", trusted=False), make_member("reader")
    moderator = make_member("moderator", role="moderator")
    word = unique("snowdrop")
    title = f"Hello, I am new here {word}"

    # The new member starts a thread; it waits for a moderator, and they are told so.
    sign_in_by_keyboard(page, newcomer)
    page.goto(f"/groups/{GROUP}/")
    press(page, f"a[href='/groups/{GROUP}/new']")
    page.wait_for_url(f"**/groups/{GROUP}/new")
    tab_to(page, "#title")
    page.keyboard.type(title)
    tab_to(page, "#body")
    page.keyboard.type(f"I was diagnosed with CRPS last year. {word}")
    press(page, "main button[type=submit]:not([name=preview])")
    page.wait_for_url(re.compile(r"/threads/\d+$"))
    thread_path = urlsplit(page.url).path
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".flashes")).to_contain_text("waiting for a moderator")
    expect(page.locator("main > .post-state")).to_contain_text(
        "This thread is waiting for a moderator: only you and the moderators can see it for now."
    )

    # Another member finds no trace of it: not in the group, and its address does not exist.
    sign_in_by_keyboard(second_page, reader)
    second_page.goto(f"/groups/{GROUP}/")
    expect(second_page.locator("h1")).to_have_text("CRPS")
    expect(second_page.locator(f"a[href='{thread_path}']")).to_have_count(0)
    response = second_page.goto(thread_path)
    assert response.status == 404
    expect(second_page.locator("main")).not_to_contain_text(title)

    # A moderator opens the queue from the header, opens the item and approves it.
    sign_in_by_keyboard(page, moderator)
    press(page, ".account-nav a[href='/mod/']")
    page.wait_for_url("**/mod/")
    link = page.locator(".queue-list h3 a", has_text=title)
    expect(link).to_have_count(1)
    item_path = link.get_attribute("href")
    press(page, f".queue-list a[href='{item_path}']")
    page.wait_for_url(f"**{item_path}")
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".mod-snapshot")).to_contain_text(word)
    expect(page.locator("main")).to_contain_text("A new member's post")
    press(page, "form[action$='/approve'] button[type=submit]")
    page.wait_for_url(re.compile(r"/mod/$"))
    expect(page.locator(".flashes")).to_contain_text("Approved: it is visible now.")
    expect(page.locator(f".queue-list a[href='{item_path}']")).to_have_count(0)

    # Now the other member sees it in the group and can open it.
    second_page.goto(f"/groups/{GROUP}/")
    press(second_page, f"a[href='{thread_path}']")
    second_page.wait_for_url(f"**{thread_path}")
    expect(second_page.locator("h1")).to_have_text(title)
    expect(second_page.locator("article.post .prose")).to_contain_text(word)
    expect(second_page.locator(".post-state")).to_have_count(0)

    # The audit log says the moderator approved the new member's post.
    press(page, ".mod-nav a[href='/mod/log']")
    page.wait_for_url("**/mod/log")
    row = page.locator("table.log tbody tr", has_text=newcomer).first
    expect(row.locator("td").nth(1)).to_have_text(moderator)
    expect(row.locator("td").nth(2)).to_have_text("Approved")
    expect(row.get_by_role("link", name=newcomer)).to_be_visible()


def _quiet_crisis_queue(moderator: str) -> None:
    """Crisis items left open by earlier tests would come first: they are dismissed, so this
    test's item must be the first in the queue."""
    staff = find_by_username(moderator)
    for item in db.session.scalars(
        db.select(ReviewItem).where(ReviewItem.state.in_(OPEN_STATES), ReviewItem.crisis.is_(True))
    ):
        try:
            (queue.approve if item.held else queue.dismiss)(
                item, staff, "Cleared by a browser test.", take_over=True
            )
        except queue.ModerationError:
            item.state = "resolved"


def test_crisis_words_bring_support_at_once_and_an_urgent_item_first_in_the_queue(
    page, color_scheme, live_app, make_member, moderation_lists
):
    author, member = make_member("starter"), make_member("struggling")
    moderator = make_member("moderator", role="moderator")
    title = f"Getting through the nights {unique('ember')}"
    with live_app.app_context():
        _quiet_crisis_queue(moderator)
        thread = services.create_thread(
            find_by_username(author), forum_groups.group_by_slug(GROUP), title, "How do you cope at 3am?"
        )
        db.session.commit()
        thread_path = f"/threads/{thread.id}"

    # An established member replies with a tier-1 phrase: published, and support shown at once.
    sign_in_by_keyboard(page, member)
    page.goto(thread_path)
    tab_to(page, "#reply #body")
    page.keyboard.type("Honestly, some nights I want to die. The pain never stops.")
    with page.expect_navigation():
        press(page, "#reply button[type=submit]:not([name=preview])")
    assert urlsplit(page.url).path == f"{thread_path}/reply"
    panel = page.get_by_role("alert", name="We're glad you told us how you feel")
    expect(panel).to_be_visible()
    expect(panel).to_be_in_viewport()  # the page opens at the panel, not at the reply form below
    expect(panel.get_by_role("heading", level=2)).to_have_text("We're glad you told us how you feel")
    expect(panel.locator("a[href='tel:988']").first).to_have_text("Call 988")
    expect(panel.locator("a[href='sms:988']").first).to_have_text("Text 988")  # for those who can't talk
    expect(panel.locator("a[href='tel:116123']")).to_have_text("Call 116 123")
    expect(panel.get_by_role("link", name="More crisis lines")).to_have_attribute("href", "/crisis")
    # The page opens with the focus on the panel, so a screen reader reads it first...
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('.crisis-panel')")
    # ... and Tab goes on to its first line.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.crisis-panel') !== null")
    assert page.evaluate("document.activeElement.getAttribute('href')").startswith(("tel:", "sms:"))
    # Tier 1 publishes the post: it is in the thread, not waiting.
    reply = page.locator("article.post", has_text="some nights I want to die")
    expect(reply).to_have_count(1)
    expect(reply.locator(".post-state")).to_have_count(0)
    assert_no_violations(page, f"crisis panel after a reply ({color_scheme})")

    # A tier-2 phrase is held as well as answered with support.
    page.goto(thread_path)
    tab_to(page, "#reply #body")
    page.keyboard.type("Does anyone know the lethal dose of my tablets?")
    with page.expect_navigation():
        press(page, "#reply button[type=submit]:not([name=preview])")
    expect(page.get_by_role("alert", name="We're glad you told us how you feel")).to_be_visible()
    expect(page.locator(".flashes")).to_contain_text("waiting for a moderator")
    held = page.locator("article.post", has_text="lethal dose")
    expect(held.locator(".post-state")).to_contain_text("Waiting for a moderator")

    # The moderator's queue: both items first, marked Urgent, the older one on top.
    sign_in_by_keyboard(page, moderator)
    expect(page.locator(".account-nav .count-badge.count-urgent")).to_contain_text("urgent")
    press(page, ".account-nav a[href='/mod/']")
    page.wait_for_url("**/mod/")
    rows = page.locator("section[aria-labelledby=items-title] .queue-list > li")
    first, second = rows.nth(0), rows.nth(1)
    for row in (first, second):
        expect(row).to_have_class(re.compile(r"\bqueue-crisis\b"))
        expect(row.locator(".badge-urgent")).to_have_text("Urgent")
        expect(row.locator("h3")).to_contain_text(title)
        expect(row.locator(".meta")).to_contain_text(f"about {member}")
    expect(first.locator(".meta")).to_contain_text("Crisis words: check on this member")
    expect(second.locator(".meta")).to_contain_text("Crisis words (method or encouragement): held")
