"""Mentions by the name you see, and actions that keep your place, in Chromium by keyboard alone.

Acceptance: a member types "@Mar" in a reply, the completion offers maria_crps (shown as
"Maria"), they pick it with the arrow keys and Enter and post, and maria_crps is told once;
on a thread with a content-warned post, a reader opens the warning and reacts, all by
keyboard: the warning stays open, the count changes, the focus stays on the reaction. axe-core
finds nothing on the thread with the completion open, in the light and the dark theme.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from community.accounts.services import create_user, find_by_username
from community.extensions import db
from community.forums import groups as forum_groups
from community.forums import seed, services
from community.forums.models import Post
from community.notifications.models import Notification
from tests.e2e.conftest import sign_in, tab_to
from tests.e2e.test_accessibility import assert_no_violations
from tests.helpers import PASSWORD

GROUP = "introductions"  # members only


@pytest.fixture(params=["light", "dark"])
def color_scheme(request):
    return request.param


@pytest.fixture
def maria(live_app) -> str:
    """maria_crps, whom others see as "Maria" (one account for the whole run)."""
    with live_app.app_context():
        user = find_by_username("maria_crps") or create_user(
            "maria_crps", "maria_crps@example.org", PASSWORD, trusted=True
        )
        user.display_name = "Maria"
        db.session.commit()
    return "maria_crps"


def start_thread(live_app, author: str, title: str, body: str, warning: str = "") -> tuple[int, int]:
    """A thread by `author`; its id and the id of its opening post."""
    with live_app.app_context():
        list(seed.seed_groups())
        thread = services.create_thread(
            find_by_username(author), forum_groups.group_by_slug(GROUP), title, body, warning
        )
        db.session.commit()
        post_id = db.session.scalar(db.select(Post.id).where(Post.thread_id == thread.id))
        return thread.id, post_id


def focused(page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector)


def test_a_member_mentions_maria_by_the_name_they_see(page, live_app, make_member, maria, color_scheme):
    writer = make_member("writer")
    thread_id, _ = start_thread(live_app, maria, "Hello from Maria", "I am new here, with CRPS.")
    sign_in(page, writer)
    page.goto(f"/threads/{thread_id}")
    expect(page.locator("article.post .post-by .username")).to_have_text("@maria_crps")

    tab_to(page, "#reply #body", limit=100)
    page.keyboard.type("Welcome @Mar")
    offers = page.get_by_role("listbox", name="Members to mention")
    maria_offer = offers.get_by_role("option").filter(has_text="@maria_crps")
    expect(maria_offer).to_have_text("Maria @maria_crps")
    expect(page.get_by_role("status").filter(has_text="to mention")).to_contain_text("Down arrow to choose")
    assert_no_violations(page, f"a thread with the completion open ({color_scheme})")

    names = offers.get_by_role("option").all_text_contents()
    position = next(i for i, name in enumerate(names) if name.endswith("@maria_crps"))
    for _ in range(position + 1):
        page.keyboard.press("ArrowDown")
    box = page.locator("#reply #body")
    expect(box).to_have_attribute("aria-activedescendant", maria_offer.get_attribute("id"))
    expect(maria_offer).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(offers).to_be_hidden()
    expect(page.locator("#reply #body")).to_have_value("Welcome @maria_crps ")
    expect(page.locator("#reply #body")).to_be_focused()
    page.keyboard.type("and thank you for the tips.")

    tab_to(page, "#reply button[type=submit]:not([name=preview])")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/threads/{thread_id}\?page=1#post-\d+$"))
    reply_id = int(page.url.rsplit("#post-", 1)[1])
    mention = page.locator(f"#post-{reply_id} .prose a.mention[href='/u/maria_crps']")
    expect(mention).to_have_text("@maria_crps")

    with live_app.app_context():
        told = db.session.scalars(
            db.select(Notification).where(
                Notification.user_id == find_by_username(maria).id,
                Notification.kind == "mention",
                Notification.subject_id == reply_id,
            )
        ).all()
        assert len(told) == 1


def test_escape_closes_the_completion_and_the_text_stays(page, live_app, make_member, maria):
    writer = make_member("escaper")
    thread_id, _ = start_thread(live_app, maria, "Hello again from Maria", "Still new here.")
    sign_in(page, writer)
    page.goto(f"/threads/{thread_id}")
    tab_to(page, "#reply #body", limit=100)
    page.keyboard.type("Hi @mar")
    offers = page.get_by_role("listbox", name="Members to mention")
    expect(offers).to_be_visible()
    page.keyboard.press("Escape")
    expect(offers).to_be_hidden()
    expect(page.locator("#reply #body")).to_have_value("Hi @mar")
    expect(page.locator("#reply #body")).to_be_focused()


def test_a_reaction_keeps_the_opened_warning_open_and_the_focus(page, live_app, make_member, color_scheme):
    author, reader = make_member("warned"), make_member("reader")
    thread_id, post_id = start_thread(
        live_app, author, "After the operation", "It went **better** than I feared.", "surgery details"
    )
    sign_in(page, reader)
    page.goto(f"/threads/{thread_id}")
    post = page.locator(f"#post-{post_id}")
    warning = post.locator("details.cw")

    tab_to(page, f"#post-{post_id} summary")
    page.keyboard.press("Enter")
    expect(warning).to_have_attribute("open", "")
    expect(post.locator(".prose strong")).to_have_text("better")

    support = f"#react-{post_id}-support"
    tab_to(page, support)
    address = page.url
    page.keyboard.press("Enter")
    button = page.locator(support)
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".count")).to_have_text("1")
    expect(page.locator(f"#who-{post_id}-support")).to_have_text(reader)
    assert page.url == address  # answered in place: no reload
    expect(warning).to_have_attribute("open", "")
    assert focused(page, support)
    expect(page.get_by_role("status").filter(has_text="Sending support")).to_have_text(
        "Sending support: yours is added, 1 in all."
    )

    page.keyboard.press("Space")  # and taken back, with Space this time
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button.locator(".count")).to_have_count(0)
    expect(page.locator(f"#who-{post_id}-support")).to_have_count(0)
    expect(warning).to_have_attribute("open", "")
    assert focused(page, support)
    assert_no_violations(page, f"a thread after reacting in place ({color_scheme})")


def test_without_the_script_the_reload_keeps_the_place(browser, live_server, live_app, make_member):
    """The form is the fallback: with JavaScript off the page reloads, and the focus is back on
    the button pressed. (Only the script can tell that a warning was opened; with it, a
    fallback reload keeps it open: tests/forums/test_react_in_place.py.)"""
    author, reader = make_member("plain"), make_member("noscript")
    thread_id, post_id = start_thread(live_app, author, "A plain thread", "Words behind a warning.", "grief")
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, reader)
    page.goto(f"/threads/{thread_id}")
    tab_to(page, f"#react-{post_id}-thanks")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/threads/{thread_id}\?page=1&focus=react-{post_id}-thanks"))
    expect(page.locator(f"#react-{post_id}-thanks")).to_be_focused()
    expect(page.locator(f"#react-{post_id}-thanks")).to_have_attribute("aria-pressed", "true")
    context.close()
