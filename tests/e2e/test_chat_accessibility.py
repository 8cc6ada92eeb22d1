"""axe-core finds no WCAG 2.x A/AA problem in chat, in the light and the dark theme.

Each state is checked as a member meets it: the rooms; a lived-in room (Markdown, an edited
message, a removed one, the new-messages marker); the composer with an error and with the
character count near the limit; a message's actions with the flag and edit forms open;
offline; crisis support shown after a member's words and after a moderator ends a
conversation; and the moderator's view with a member's actions open and an urgent alert.
Before axe runs, the test checks the page really shows that state. The room also fits a
320 px screen without scrolling sideways.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from community.accounts.services import find_by_username
from community.chat import services as chat
from community.extensions import db
from community.moderation import seed as moderation_seed
from tests.e2e.conftest import PageWatch, sign_in
from tests.e2e.test_accessibility import assert_no_violations
from tests.e2e.test_chat_journey import ONLINE, new_room

PUBLIC_ROOM = "work-advocacy"  # the room of a public forum group: visitors may read it


@pytest.fixture(params=["light", "dark"])
def color_scheme(request):
    return request.param


@dataclass
class Room:
    slug: str
    member: str
    other: str
    moderator: str
    others_message: int


@pytest.fixture
def room(live_app, make_member) -> Room:
    """A room with some life in it; the member has read up to the middle of it."""
    member, other = make_member("chatter"), make_member("friend")
    moderator = make_member("chatmod", role="moderator")
    slug = new_room(live_app)
    with live_app.app_context():
        list(moderation_seed.seed_moderation())  # the crisis phrases
        me, them, place = find_by_username(member), find_by_username(other), chat.room_by_slug(slug)
        first = chat.send(them, place, "Morning all. **Bad night** here:\n\n- ice\n- *pacing*", "a1").message
        chat.send(me, place, "Same. See [the guidelines](/guidelines).", "a2")
        chat.mark_read(me, place, first.id + 1)
        mine = chat.send(me, place, "Typo in this one", "a3").message
        chat.edit(me, mine, "No typo in this one")
        oops = chat.send(them, place, "Sent to the wrong room", "a4").message
        chat.delete(them, oops)
        newest = chat.send(them, place, "> Listen to your body\n\nTake care, `everyone`.", "a5").message
        db.session.commit()
        return Room(slug, member, other, moderator, newest.id)


@pytest.fixture
def moderator_page(browser, live_server, color_scheme):
    context = browser.new_context(
        base_url=live_server,
        color_scheme=color_scheme,
        reduced_motion="reduce",
        viewport={"width": 1024, "height": 800},
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    watch = PageWatch(page, live_server)
    yield page
    context.close()
    watch.assert_clean()


def open_room(page, slug: str) -> None:
    page.goto(f"/chat/{slug}")
    expect(page.locator(ONLINE)).to_have_count(1)


def test_rooms_and_a_lived_in_room(page, color_scheme, room):
    sign_in(page, room.member)
    page.goto("/chat/")
    expect(page.locator(f".card a[href='/chat/{room.slug}']")).to_be_visible()
    assert_no_violations(page, f"/chat/ ({color_scheme})")

    open_room(page, room.slug)
    expect(page.locator("#first-unread")).to_have_text("New messages")
    expect(page.locator("#messages .prose strong").first).to_have_text("Bad night")
    expect(page.locator("#messages .chat-edited")).to_have_count(1)
    expect(page.locator("#messages .removed")).to_have_text("This message was removed.")
    expect(page.locator("#chat-announce")).to_be_checked()
    assert_no_violations(page, f"room with messages ({color_scheme})")

    # The composer with an error, then with the count near the limit.
    page.locator("#chat-body").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#chat-body-error")).to_have_text("Please write a message first.")
    expect(page.locator("#chat-body")).to_have_attribute("aria-invalid", "true")
    assert_no_violations(page, f"composer with an error ({color_scheme})")
    page.locator("#chat-body").fill("a" * 1900)
    expect(page.locator("#chat-count")).to_have_text("100 characters left")
    expect(page.locator("#chat-count-status")).to_have_text("100 characters left")
    assert_no_violations(page, f"composer near the limit ({color_scheme})")
    page.locator("#chat-body").fill("")

    # A message's actions: the flag form on someone else's, the edit form on one's own.
    theirs = page.locator(f"#message-{room.others_message}")
    theirs.locator("summary").click()
    theirs.get_by_role("button", name="Flag").click()
    expect(theirs.locator("fieldset legend")).to_have_text("Why are you flagging this message?")
    mine = page.locator("#messages li.chat-mine").last
    mine.locator("summary").click()
    mine.get_by_role("button", name="Edit").click()
    expect(mine.get_by_label("Change your message")).to_have_value("No typo in this one")
    assert_no_violations(page, f"flag and edit forms open ({color_scheme})")

    # Offline.
    page.context.set_offline(True)
    expect(page.locator("#chat-connection")).to_contain_text("You're offline.")
    assert_no_violations(page, f"offline ({color_scheme})")
    page.context.set_offline(False)
    expect(page.locator(ONLINE)).to_have_count(1)
    page.watch.problems = [p for p in page.watch.problems if "ERR_INTERNET_DISCONNECTED" not in p]


def test_crisis_support_and_the_moderators_view(page, moderator_page, color_scheme, live_app, room):
    sign_in(moderator_page, room.moderator)
    open_room(moderator_page, room.slug)
    expect(moderator_page.locator("#chat-lock")).to_have_text("Pause this room")
    theirs = moderator_page.locator(f"#message-{room.others_message}")
    theirs.locator("summary").click()
    expect(theirs.get_by_role("button", name="Mute for 1 hour")).to_be_visible()
    theirs.get_by_role("button", name="End and refer").click()
    expect(theirs.get_by_label("A note for the moderators' log (optional)")).to_be_focused()
    assert_no_violations(moderator_page, f"moderator with a member's actions open ({color_scheme})")

    # A member's words bring crisis support to them, with the focus on it, and an urgent
    # alert to the moderator.
    sign_in(page, room.member)
    open_room(page, room.slug)
    page.locator("#chat-body").fill("Honestly, some nights I want to die. The pain never stops.")
    page.keyboard.press("Enter")
    panel = page.locator("#chat-notices .crisis-panel")
    expect(panel).to_be_visible()
    expect(panel).to_be_focused()
    assert_no_violations(page, f"crisis support after a message ({color_scheme})")
    alert = moderator_page.locator(".chat-mod-alert")
    link = alert.get_by_role("link", name="Urgent: a member may need support")
    expect(link).to_be_visible()
    assert link.get_attribute("href").startswith("/mod/")
    assert_no_violations(moderator_page, f"moderator with an urgent alert ({color_scheme})")

    # Closing the panel gives the focus back to the composer.
    page.locator("#chat-notices").get_by_role("button", name="Close this notice").click()
    expect(panel).to_have_count(0)
    expect(page.locator("#chat-body")).to_be_focused()

    # The moderator ends the conversation kindly, and mutes for ten minutes: the member is
    # shown support again, and told of the mute.
    members = moderator_page.locator(f"#messages li.chat-message[data-author='{room.member}']").last
    members.locator("summary").click()
    members.get_by_role("button", name="End and refer").click()
    members.get_by_label("A note for the moderators' log (optional)").fill("Checking in after a hard night.")
    members.locator(".chat-refer").get_by_role("button", name="End and refer").click()
    expect(members.locator(".chat-action-status")).to_contain_text("has been shown support")
    expect(page.locator("#chat-notices .crisis-panel")).to_be_focused()
    members.locator(".chat-refer").get_by_role("button", name="Cancel").click()
    members.get_by_role("button", name="Mute for 10 minutes").click()
    expect(members.locator(".chat-action-status")).to_contain_text("is muted in this room for 10 minutes")
    expect(page.locator("#chat-notices .notice")).to_contain_text("A moderator muted you in this room until")
    assert_no_violations(page, f"support and mute notices ({color_scheme})")
    assert_no_violations(moderator_page, f"moderator after muting ({color_scheme})")

    # Muted, the member's words stay in the box and the refusal says why, next to it.
    page.locator("#chat-body").fill("Sorry, I'm all right now.")
    page.keyboard.press("Enter")
    error = page.locator("#chat-body-error")
    expect(error).to_contain_text("A moderator muted you in this room until")
    expect(error).to_have_attribute("role", "alert")
    expect(page.locator("#chat-body")).to_have_attribute(
        "aria-describedby", re.compile(r"\bchat-body-error\b")
    )
    expect(page.locator("#chat-body")).to_have_value("Sorry, I'm all right now.")

    # The moderator pauses the room: the member is told at once; then it opens again.
    moderator_page.locator("#chat-lock").click()
    expect(moderator_page.locator("#chat-lock")).to_have_text("Reopen this room")
    expect(page.locator("#chat-locked")).to_be_visible()
    assert_no_violations(page, f"a paused room ({color_scheme})")
    moderator_page.locator("#chat-lock").click()
    expect(moderator_page.locator("#chat-lock-status")).to_have_text("The room is open again.")
    expect(page.locator("#chat-locked")).to_be_hidden()


def test_a_visitor_reads_a_public_room(page, color_scheme, room):
    page.goto("/chat/")
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    assert_no_violations(page, f"/chat/ for a visitor ({color_scheme})")
    page.goto(f"/chat/{PUBLIC_ROOM}")
    expect(page.locator("main").get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.locator("script[src*='chat.js']")).to_have_count(0)  # visitors get no live connection
    assert_no_violations(page, f"a public room for a visitor ({color_scheme})")


def test_the_room_fits_a_320px_screen(page, room):
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, room.moderator)
    open_room(page, room.slug)
    page.locator(f"#message-{room.others_message} summary").click()
    expect(page.get_by_role("button", name="Mute for 1 day")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the room scrolls sideways by {overflow}px at 320px"
