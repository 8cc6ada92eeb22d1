"""Chat as members live it, in Chromium, by keyboard alone.

Two established members open the same room in their own browsers. What one sends reaches the
other within a second of the server taking it, and the other's screen reader hears only that
new message, never the history or a rejoin. A member who drops off the network gets exactly
what they missed, once, and what they wrote while offline is sent when they are back. The
room works without JavaScript too. Every line of the XSS and naughty-strings corpora, sent as
chat messages, renders inert on the live page and on the page the server renders.
"""

from __future__ import annotations

import itertools
import os
import re
import time

import pytest
from playwright.sync_api import expect

from community.accounts.services import find_by_username
from community.chat import services as chat
from community.chat.models import Room
from community.content import ALLOWED_TAGS
from community.extensions import db
from community.forums import seed as forum_seed
from tests.e2e.conftest import PageWatch, tab_to
from tests.e2e.test_forums_xss import INSPECT_SCRIPT, TRAP_SCRIPT
from tests.e2e.test_moderation_journey import press, sign_in_by_keyboard
from tests.helpers import PASSWORD, corpus_lines

_n = itertools.count(1)
ONLINE = "#chat[data-connection=online]"


def unique(word: str) -> str:
    return f"{word}{next(_n)}x{os.getpid() % 1000}"


def new_room(live_app, name: str = "Test room") -> str:
    """A room of its own for each test (every member may read one without a group, as the
    Lounge), so messages from other tests never mix in."""
    slug = unique("room")
    with live_app.app_context():
        list(forum_seed.seed_groups())
        chat.ensure_rooms()
        db.session.add(Room(slug=slug, name=f"{name} {slug}", position=1000))
        db.session.commit()
    return slug


def named(live_app, username: str, display_name: str) -> str:
    with live_app.app_context():
        find_by_username(username).display_name = display_name
        db.session.commit()
    return display_name


@pytest.fixture
def room(live_app) -> str:
    return new_room(live_app)


def message_ids(page) -> list[str]:
    return page.eval_on_selector_all("#messages li.chat-message", "items => items.map(item => item.id)")


def open_room(page, slug: str) -> None:
    page.goto(f"/chat/{slug}")
    expect(page.locator(ONLINE)).to_have_count(1)


def send_by_keyboard(page, text: str) -> None:
    """Tab to the composer, type, press Enter; returns once the server has acknowledged it."""
    tab_to(page, "#chat-body", limit=200)
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    expect(page.locator("#chat-body")).to_have_value("")
    expect(page.locator("#messages li.chat-mine", has_text=text.splitlines()[0])).to_have_count(1)


def test_two_members_talk_live_by_keyboard(page, second_page, live_app, make_member, room):
    a, b = make_member("maria"), make_member("sam")
    maria, sam = named(live_app, a, "Maria"), named(live_app, b, "Sam")
    sign_in_by_keyboard(page, a)
    sign_in_by_keyboard(second_page, b)
    open_room(page, room)
    open_room(second_page, room)
    expect(page.locator("#online")).to_have_text(f"Online: {b}")
    expect(second_page.locator("#chat-announcer")).to_have_text("")

    # Maria writes; Sam sees it within a second of the server taking it, and hears only it.
    hello = f"Hello from a long day {unique('w')}"
    send_by_keyboard(page, hello)
    expect(second_page.locator("#messages li.chat-message", has_text=hello)).to_be_visible(timeout=1000)
    expect(second_page.locator("#chat-announcer")).to_have_text(f"{maria}: {hello}")
    assert second_page.locator("#chat-announcer").get_attribute("aria-live") == "polite"
    assert (
        second_page.locator("#messages").get_attribute("role") is None
    )  # not a log: only new words are read
    expect(page.locator("#chat-announcer")).to_have_text("")  # your own words are not read back to you

    # Maria reloads: the history shows her message, and nothing is read aloud.
    page.reload()
    expect(page.locator(ONLINE)).to_have_count(1)
    expect(page.locator("#messages li.chat-message", has_text=hello)).to_have_count(1)
    expect(page.locator("#chat-announcer")).to_have_text("")

    # Sam replies on two lines (Shift+Enter); Maria hears only the reply.
    tab_to(second_page, "#chat-body", limit=200)
    second_page.keyboard.type("Same here.")
    expect(page.locator("#chat-typing")).to_have_text(f"{b} is typing…")
    assert page.locator("#chat-typing").get_attribute("aria-live") is None
    second_page.keyboard.press("Shift+Enter")
    second_page.keyboard.type("Resting now.")
    expect(second_page.locator("#chat-body")).to_have_value("Same here.\nResting now.")
    second_page.keyboard.press("Enter")
    reply = page.locator("#messages li.chat-message", has_text="Resting now.")
    expect(reply).to_contain_text("Same here.")
    expect(page.locator("#chat-announcer")).to_have_text(f"{sam}: Same here. Resting now.")
    expect(page.locator("#chat-typing")).to_have_text("")  # a message ends the typing line
    assert len(message_ids(page)) == len(set(message_ids(page))) == 2

    # Maria starts typing; Sam sees it by her name, and it goes away after 5 seconds.
    tab_to(page, "#chat-body", limit=200)
    page.keyboard.type("Thinking")
    expect(second_page.locator("#chat-typing")).to_have_text(f"{maria} is typing…")
    expect(second_page.locator("#chat-typing")).to_have_text("", timeout=7000)
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")

    # Maria corrects her message from its Actions; Sam sees the change.
    mine = page.locator("#messages li.chat-mine", has_text=hello)
    press(page, f"#{mine.get_attribute('id')} summary", limit=200)
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Edit")
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_value(hello)
    page.keyboard.press("End")
    page.keyboard.type(" (edited)")
    press(page, f"#{mine.get_attribute('id')} .chat-edit button[type=submit]")
    theirs = second_page.locator(f"#{mine.get_attribute('id')}")
    expect(theirs).to_contain_text(f"{hello} (edited)")
    expect(theirs.locator(".chat-edited")).to_have_text(" · edited")
    expect(second_page.locator("#chat-announcer")).to_have_text(f"{maria}: {hello}")  # edits are not read out

    # Sam flags a message from the Actions, by keyboard, and is thanked.
    sams_view = second_page.locator(f"#{mine.get_attribute('id')}")
    press(second_page, f"#{mine.get_attribute('id')} summary", limit=200)
    page_focus = second_page.locator(":focus")
    second_page.keyboard.press("Tab")
    expect(page_focus).to_have_text("Flag")
    second_page.keyboard.press("Enter")
    expect(page_focus).to_have_attribute("value", "spam")
    second_page.keyboard.press("ArrowDown")
    expect(page_focus).to_have_attribute("value", "unkind")
    press(second_page, f"#{mine.get_attribute('id')} .chat-flag button[type=submit]")
    expect(sams_view.locator(".chat-thanks")).to_have_text(
        "Thank you for telling us. A moderator will look at it."
    )
    expect(sams_view.locator(".chat-thanks")).to_be_focused()

    # Sam deletes his own message, after saying yes; both see it removed.
    his = second_page.locator("#messages li.chat-mine")
    his_id = his.get_attribute("id")
    press(second_page, f"#{his_id} summary", limit=200)
    second_page.keyboard.press("Tab")
    expect(page_focus).to_have_text("Edit")
    second_page.keyboard.press("Tab")
    expect(page_focus).to_have_text("Delete")
    second_page.keyboard.press("Enter")
    expect(page_focus).to_have_text("Delete it")
    second_page.keyboard.press("Enter")
    expect(second_page.locator(f"#{his_id}")).to_have_text(re.compile("This message was removed."))
    expect(second_page.locator(f"#{his_id}")).to_be_focused()
    expect(page.locator(f"#{his_id} .removed")).to_have_text("This message was removed.")
    expect(page.locator(f"#{his_id}")).not_to_contain_text("Resting now.")

    # Sam turns the announcements off: new messages still arrive but are not read aloud,
    # and the choice is remembered.
    tab_to(second_page, "#chat-announce", limit=200)
    second_page.keyboard.press("Space")
    expect(second_page.locator("#chat-announce")).not_to_be_checked()
    expect(second_page.locator("#chat-announcer")).to_have_text("")
    send_by_keyboard(page, "Quietly now")
    expect(second_page.locator("#messages li.chat-message", has_text="Quietly now")).to_have_count(1)
    expect(second_page.locator("#chat-announcer")).to_have_text("")
    second_page.reload()
    expect(second_page.locator(ONLINE)).to_have_count(1)
    expect(second_page.locator("#chat-announce")).not_to_be_checked()


def test_the_room_works_without_javascript(browser, live_server, make_member, room):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        watch = PageWatch(page, live_server)
        me = make_member("nojs")
        page.goto("/auth/login")
        page.locator("#login").fill(me)
        page.locator("#password").fill(PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_url(re.compile(r"/$"))
        page.goto(f"/chat/{room}")
        # What only the script can use stays out of the way.
        for hidden in ("#chat-announce-option", "#chat-earlier", ".chat-js-hint"):
            expect(page.locator(hidden)).to_be_hidden()
        words = f"Typed without scripts {unique('n')}"
        page.locator("#chat-body").fill(words)
        with page.expect_navigation():
            page.get_by_role("button", name="Send").click()
        assert page.url.endswith(f"/chat/{room}#composer")
        expect(page.locator("#messages li.chat-message", has_text=words)).to_have_count(1)
        expect(page.locator("#chat-body")).to_have_value("")

        # A refusal keeps the words and says why, next to the box.
        page.locator("#chat-body").fill("   ")
        with page.expect_navigation():
            page.get_by_role("button", name="Send").click()
        expect(page.locator("#chat-body-error")).to_be_visible()
        expect(page.locator("#chat-body")).to_have_attribute("aria-invalid", "true")
        watch.assert_clean()
    finally:
        context.close()


def test_a_member_who_drops_off_gets_exactly_what_they_missed(page, second_page, live_app, make_member, room):
    a, b = make_member("writer"), make_member("reader")
    sign_in_by_keyboard(page, a)
    sign_in_by_keyboard(second_page, b)
    open_room(page, room)
    open_room(second_page, room)
    send_by_keyboard(page, "Before the drop")
    expect(second_page.locator("#messages li.chat-message")).to_have_count(1)

    second_page.context.set_offline(True)
    expect(second_page.locator("#chat-connection")).to_have_text(
        "You're offline. We'll reconnect and send your message when we can."
    )
    # Written offline: kept, and sent once the connection is back.
    tab_to(second_page, "#chat-body", limit=200)
    second_page.keyboard.type("Written on the train")
    second_page.keyboard.press("Enter")
    expect(second_page.locator("#chat-body")).to_have_value("Written on the train")
    for number in (1, 2, 3):
        send_by_keyboard(page, f"Missed {number}")
    expect(second_page.locator("#messages li.chat-message")).to_have_count(1)

    second_page.context.set_offline(False)
    expect(second_page.locator("#chat-connection")).to_have_text("You're back online.", timeout=10_000)
    expect(second_page.locator("#messages li.chat-message")).to_have_count(5)
    expect(second_page.locator("#chat-body")).to_have_value("")
    page.wait_for_timeout(500)  # anything sent twice would have arrived by now
    ids = message_ids(second_page)
    assert len(ids) == len(set(ids)) == 5
    texts = second_page.locator("#messages li.chat-message .prose").all_text_contents()
    assert [t.strip() for t in texts] == [
        "Before the drop",
        "Missed 1",
        "Missed 2",
        "Missed 3",
        "Written on the train",
    ]
    # The catch-up after rejoining is not read aloud: only the first message was new.
    expect(second_page.locator("#chat-announcer")).to_have_text(f"{a}: Before the drop")
    # The writer got the offline message once, live.
    expect(page.locator("#messages li.chat-message", has_text="Written on the train")).to_have_count(1)
    expect(page.locator("#chat-announcer")).to_have_text(f"{b}: Written on the train")
    # Being offline is the point here: the browser's own reports of it are expected.
    second_page.watch.problems = [
        p for p in second_page.watch.problems if "ERR_INTERNET_DISCONNECTED" not in p
    ]


def test_earlier_messages_load_without_being_read_aloud(page, live_app, make_member, room):
    writer, me = make_member("early", role="moderator"), make_member("late")  # staff: no flood limit
    with live_app.app_context():
        author, place = find_by_username(writer), chat.room_by_slug(room)
        for number in range(1, 61):
            chat.send(author, place, f"Old news {number}", f"old-{number}")
        db.session.commit()
    sign_in_by_keyboard(page, me)
    open_room(page, room)
    expect(page.locator("#messages li.chat-message")).to_have_count(50)
    press(page, "#chat-load-earlier", limit=200)
    expect(page.locator("#messages li.chat-message")).to_have_count(60)
    expect(page.locator("#messages li.chat-message .prose").first).to_have_text("Old news 1")
    # Fewer than a page came back: the button goes, and the focus goes to the words saying so.
    expect(page.locator("#chat-load-earlier")).to_be_hidden()
    expect(page.locator("#chat-earlier-status")).to_have_text(
        "Loaded 10 earlier messages. This is the start of the room."
    )
    expect(page.locator("#chat-earlier-status")).to_be_focused()
    expect(page.locator("#chat-announcer")).to_have_text("")
    assert len(set(message_ids(page))) == 60


# XSS and naughty strings ------------------------------------------------------------------

CORPORA = [("xss", "payloadbox-xss-payload-list.txt"), ("blns.txt",)]
BATCH = 50  # the room page shows the latest 50 messages: one batch, as the server renders it
SHOWN_IDS = (
    "() => [...document.querySelectorAll('#messages li.chat-message')].map(li => Number(li.dataset.id))"
)


class Reading:
    """Runs the forums' XSS inspection on the chat page and keeps what it finds."""

    def __init__(self, page):
        self.page, self.pages, self.problems = page, 0, []

    def check(self, slug: str, expected: set[int]) -> None:
        found = self.page.evaluate(INSPECT_SCRIPT, sorted(ALLOWED_TAGS))
        self.pages += 1
        self.problems += [f"/chat/{slug}: {p}" for p in found["problems"] + found["calls"]]
        missing = expected - set(self.page.evaluate(SHOWN_IDS))
        assert not missing, f"/chat/{slug} does not show messages {sorted(missing)[:10]}"


# About 230 s beside the other worker's XSS test on a slow day, and once over pytest's 300 s
# default while still sending: the same budget as the other corpus tests.
@pytest.mark.timeout(900)
def test_every_corpus_line_sent_as_chat_renders_inert(live_server, live_app, make_member, context):
    """Each batch of 50 lines is sent while a member's page is open on the room: the messages
    arrive over the socket and the script renders them. Then the page is loaded again: the
    server renders the same 50 and the script takes them over. alert & co. are trapped before
    any script runs, and the watch fails the test on any dialog, page error, console error or
    request to another host."""
    lines = [line for parts in CORPORA for line in corpus_lines(*parts)]
    author_name = make_member("xssauthor", role="moderator")  # staff: no flood limit, no holds
    context.add_init_script(TRAP_SCRIPT)
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = PageWatch(page, live_server)
    sign_in_by_keyboard(page, make_member("xssreader"))
    reading = Reading(page)
    refused: list[tuple[str, str]] = []
    slug = new_room(live_app, "XSS")
    open_room(page, slug)
    started = time.monotonic()
    with live_app.app_context():
        # On SQLite each message costs a disk sync (see the report on services.send); this
        # test is about what the page shows, so this connection skips the syncs.
        db.session.execute(db.text("PRAGMA synchronous=OFF"))
        author, room = find_by_username(author_name), chat.room_by_slug(slug)
        db.session().expire_on_commit = False  # nothing needs reloading after each batch
        for start in range(0, len(lines), BATCH):
            batch: set[int] = set()
            for number, line in enumerate(lines[start : start + BATCH], start=start):
                try:
                    batch.add(chat.send(author, room, line, f"xss-{number}").message.id)
                except chat.ChatError as error:  # refused by the text intake: noted, not a failure
                    refused.append((line, str(error)))
            db.session.commit()  # the batch goes out to the open page now
            page.wait_for_function(f"ids => ids.every(id => ({SHOWN_IDS})().includes(id))", arg=sorted(batch))
            reading.check(slug, batch)
            open_room(page, slug)  # now the server renders this batch
            reading.check(slug, batch)
        db.session.execute(db.text("PRAGMA synchronous=FULL"))
        db.session.commit()
    elapsed = time.monotonic() - started

    problems = reading.problems
    assert problems == [], f"{len(problems)} problems on {reading.pages} pages: {problems[:10]}"
    watch.assert_clean()
    assert len(refused) < 10, f"{len(refused)} lines were refused: {refused[:10]}"
    print(
        f"\n{len(lines)} lines sent as chat, {len(refused)} refused, {reading.pages} pages, {elapsed:.0f} s"
    )
    for line, reason in refused:
        print(f"  refused {line[:50]!r}: {reason}")


AUCKLAND = "Pacific/Auckland"
CLOCK = """([iso, zone]) =>
    new Date(iso).toLocaleTimeString([], {hour: "numeric", minute: "2-digit", timeZone: zone})"""


def test_message_times_are_on_the_members_chosen_clock(page, live_app, make_member, room):
    """A member whose settings say Auckland reads chat times on Auckland's clock, whatever
    zone the browser is in (Chromium here runs in UTC)."""
    from datetime import UTC, datetime, timedelta

    me = make_member("kiri")
    with live_app.app_context():
        find_by_username(me).time_zone = AUCKLAND
        db.session.commit()
    sign_in_by_keyboard(page, me)
    open_room(page, room)
    before = datetime.now(UTC)
    words = f"Morning already over there {unique('t')}"
    send_by_keyboard(page, words)
    shown = page.locator("#messages li.chat-mine", has_text=words).locator("time").inner_text()
    # The page's own words for a time ("9:05 AM"), a minute either side of the send.
    clocks = {
        page.evaluate(CLOCK, [(before + timedelta(minutes=m)).isoformat(), AUCKLAND]) for m in (-1, 0, 1)
    }
    assert shown in clocks, (shown, clocks)
    assert shown != page.evaluate(CLOCK, [before.isoformat(), "UTC"])  # not the browser's clock
