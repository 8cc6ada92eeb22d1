"""At 320 × 640 px and the largest text size: no page scrolls sideways, the header takes at
most three rows, a thread's title is on the first screen, and the account menu that folds
the header's links works by keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from community.accounts.services import find_by_username
from community.extensions import db
from community.forums import groups, services
from community.forums.models import Group
from community.seed import seed
from tests.e2e.conftest import sign_in

SMALL = {"width": 320, "height": 640}
TITLE = "What helps you get back to sleep at 3am when the flare will not settle down?"
MEMBER_PAGES = [
    "/",
    "/groups/",
    "/groups/crps/",
    "/threads/{thread}",
    "/search?q=sleep",
    "/chat/",
    "/meetings/",
    "/resources/",
    "/diary/",
    "/settings",
    "/crisis",
]
VISITOR_PAGES = ["/auth/login", "/auth/register", "/crisis", "/groups/"]


@pytest.fixture
def thread(live_app, make_member) -> tuple[str, int]:
    """A member at the largest text size, in the CRPS group, with a thread of a long title."""
    me = make_member("a_rather_long_name")
    with live_app.app_context():
        list(seed())
        member = find_by_username(me)
        member.text_size = "largest"
        group = db.session.scalar(db.select(Group).where(Group.slug == "crps"))
        groups.join_group(member, group)
        thread = services.create_thread(member, group, TITLE, "Warm socks and the radio, most nights.")
        db.session.commit()
        return me, thread.id


def sideways_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_no_page_scrolls_sideways_at_320px_and_the_largest_text(page, thread):
    me, thread_id = thread
    page.set_viewport_size(SMALL)
    sign_in(page, me)
    for path in MEMBER_PAGES:
        page.goto(path.format(thread=thread_id))
        assert page.locator("html").get_attribute("data-text-size") == "largest"
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        assert sideways_overflow(page) <= 0, path


def test_visitor_pages_fit_at_the_largest_text(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=SMALL, reduced_motion="reduce")
    page = context.new_page()
    try:
        for path in VISITOR_PAGES:
            page.goto(path)
            page.evaluate("document.documentElement.dataset.textSize = 'largest'")
            assert sideways_overflow(page) <= 0, path
    finally:
        context.close()


def test_the_header_is_three_rows_and_a_threads_title_is_on_the_first_screen(page, thread):
    me, thread_id = thread
    page.set_viewport_size(SMALL)
    sign_in(page, me)
    page.goto(f"/threads/{thread_id}")
    header = page.locator(".site-header").bounding_box()
    line = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize) * 1.6")
    assert header["height"] <= 3 * (line + 20), f"the header is {header['height']}px tall"
    for visible in ["Need help now?", "Groups", "Search", "Menu"]:
        expect(page.locator(".site-header").get_by_text(visible, exact=True).first).to_be_visible()
    expect(page.locator(".site-header").get_by_role("link", name="Settings")).to_be_hidden()
    title = page.get_by_role("heading", level=1)
    expect(title).to_have_text(TITLE)
    assert title.bounding_box()["y"] < 640


def test_the_account_menu_works_by_keyboard(page, thread):
    me, _ = thread
    page.set_viewport_size(SMALL)
    sign_in(page, me)
    page.goto("/groups/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Tab")  # "Need help now?" is the first stop after the skip link
    assert page.evaluate("document.activeElement.textContent") == "Need help now?"
    menu = page.get_by_role("button", name="Menu")
    settings = page.locator(".site-header").get_by_role("link", name="Settings")
    page.keyboard.press("Tab")  # the site's name
    page.keyboard.press("Tab")
    expect(menu).to_be_focused()
    expect(menu).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(settings).to_be_visible()
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Settings":
            break
    expect(settings).to_be_focused()
    assert sideways_overflow(page) <= 0
    page.keyboard.press("Escape")
    expect(menu).to_be_focused()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(settings).to_be_hidden()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # Groups, Search, then the first folded link
    expect(page.locator(".site-header").get_by_role("link", name="Chat")).to_be_focused()


def test_wide_screens_show_every_link_and_the_search_form(page, thread):
    me, _ = thread
    sign_in(page, me)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    header = page.locator(".site-header")
    expect(header.get_by_role("button", name="Menu")).to_be_hidden()
    expect(header.get_by_role("link", name="Settings")).to_be_visible()
    header.get_by_label("Search the forums").fill("sleep")
    header.get_by_label("Search the forums").press("Enter")
    page.wait_for_url("**/search?q=sleep")
    expect(page.get_by_role("link", name=TITLE).first).to_be_visible()
