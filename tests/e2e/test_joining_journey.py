"""A visitor on the CRPS page joins, picks groups and lands back on CRPS as a member, by
keyboard alone; axe-core finds no WCAG 2.x A/AA problem on sign-up, "pick your groups" and a
profile (and the Introductions prompt), in the light and the dark theme."""

from __future__ import annotations

import itertools
import os
from urllib.parse import urlsplit

import pytest

from community.extensions import db
from tests.e2e.conftest import sign_up_by_keyboard, tab_to
from tests.e2e.test_accessibility import assert_no_violations

_n = itertools.count(1)


def on_crps(url: str) -> bool:
    """The CRPS page itself; "**/groups/crps/" would also match ?next=/groups/crps/."""
    return urlsplit(url).path == "/groups/crps/"


@pytest.fixture(params=["light", "dark"])
def color_scheme(request):
    return request.param


def _write_hello(live_app, username: str) -> None:
    """A thread and a reply, so the profile shows its lists too (held for review: a new member's)."""
    from community.accounts.services import find_by_username
    from community.forums import groups as forum_groups
    from community.forums import services

    with live_app.app_context():
        me = find_by_username(username)
        thread = services.create_thread(
            me, forum_groups.group_by_slug("introductions"), "Hello from a new member", "Hello, all."
        )
        services.create_reply(me, thread, "And thank you for the welcome.")
        db.session.commit()


def test_a_visitor_on_crps_joins_picks_groups_and_lands_back_on_crps(page, live_app, groups, color_scheme):
    username = f"joiner{next(_n)}{color_scheme}_{os.getpid() % 1000}"
    password = "slow mornings and warm tea"
    page.goto("/groups/crps/")

    tab_to(page, "main a[href='/auth/register?next=/groups/crps/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/auth/register?next=/groups/crps/")
    assert_no_violations(page, f"sign-up ({color_scheme})")

    sign_up_by_keyboard(page, username, password)

    page.wait_for_url("**/auth/welcome?next=/groups/crps/")
    main = page.inner_text("main")
    assert f"Welcome to Common Ground, {username}" in main and "Welcome back" not in main
    assert page.locator("#group-crps").is_checked()  # where they came from, already ticked
    assert_no_violations(page, f"pick your groups ({color_scheme})")
    tab_to(page, "#group-introductions")
    page.keyboard.press("Space")
    assert page.locator("#group-introductions").is_checked()
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_url(on_crps)
    main = page.inner_text("main")
    assert "You joined CRPS and Introductions." in main
    assert page.get_by_role("button", name="Leave group").is_visible()  # a member, back on CRPS
    assert page.get_by_role("link", name="Start a thread").first.is_visible()

    page.goto("/groups/introductions/new")
    assert "Not sure what to write?" in page.inner_text("main")
    assert page.locator("#title").get_attribute("aria-describedby") == "title-hint"
    assert_no_violations(page, f"introductions, new thread ({color_scheme})")

    _write_hello(live_app, username)
    page.goto(f"/u/{username}")
    assert "Introductions" in page.inner_text("main")
    assert page.get_by_role("link", name="Hello from a new member", exact=True).is_visible()
    assert page.get_by_role("link", name="Reply in “Hello from a new member”").is_visible()
    assert_no_violations(page, f"profile ({color_scheme})")


def test_skip_goes_back_without_joining(page, groups):
    username = f"skipper{next(_n)}_{os.getpid() % 1000}"
    page.goto("/auth/register?next=/groups/crps/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label("Password", exact=True).fill("slow mornings and warm tea")
    page.get_by_label("Type the password again").fill("slow mornings and warm tea")
    page.locator("#accept_guidelines").check()
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/auth/welcome?next=/groups/crps/")

    tab_to(page, "main a.button-secondary[href='/groups/crps/']")
    page.keyboard.press("Enter")
    page.wait_for_url(on_crps)
    assert page.get_by_role("button", name="Join group").is_visible()
