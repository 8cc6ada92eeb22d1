"""Support meetings in the browser: axe-core finds no WCAG 2.x A/AA problem on the list, a
meeting (as a member and as its host while it is on) and the planning form (empty and with
errors), in the light and the dark theme; answering works by keyboard; and a reader in London
sees a New York meeting on their own clock, across both places' clock changes.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from community.accounts.services import find_by_username
from community.chat import services as chat
from community.chat.models import Room
from community.extensions import db
from community.forums import seed as forum_seed
from community.meetings import services
from community.meetings.models import Meeting
from tests.e2e.conftest import PageWatch, sign_in, tab_to
from tests.e2e.test_accessibility import assert_no_violations
from tests.meetings.helpers import plan

NEW_YORK, LONDON = "America/New_York", "Europe/London"
_n = itertools.count(1)


@pytest.fixture(params=["light", "dark"])
def color_scheme(request):
    return request.param


@dataclass
class Meetings:
    member: str
    host: str
    moderator: str
    upcoming: int  # weekly, in New York time, the member is going
    running: int  # on now, hosted by `host`


def _room(live_app) -> str:
    slug = f"meet{next(_n)}x{os.getpid() % 1000}"
    with live_app.app_context():
        list(forum_seed.seed_groups())
        chat.ensure_rooms()
        db.session.add(Room(slug=slug, name=f"Meeting room {slug}", position=1000))
        db.session.commit()
    return slug


def _id(live_app, username: str) -> int:
    with live_app.app_context():
        return find_by_username(username).id


@pytest.fixture
def meetings(live_app, make_member) -> Meetings:
    member, host = make_member("going"), make_member("host")
    moderator = make_member("planner", role="moderator")
    moderator_id, host_id = _id(live_app, moderator), _id(live_app, host)
    upcoming = plan(
        live_app,
        moderator_id,
        starts_in=timedelta(hours=5),
        zone=NEW_YORK,
        weekly=True,
        room=_room(live_app),
        host_id=host_id,
        title="Evening circle",
        description="A gentle **hour** together.\n\n- tea\n- quiet",
        guidelines="One person at a time. *Pass* whenever you like.",
    )
    running = plan(live_app, moderator_id, room=_room(live_app), host_id=host_id, running=True)
    with live_app.app_context():
        services.rsvp(find_by_username(member), db.session.get(Meeting, upcoming), True)
        db.session.commit()
    return Meetings(member, host, moderator, upcoming, running)


def check(page, path: str, label: str, shows: str) -> None:
    page.goto(path)
    expect(page.locator(shows).first).to_be_visible()
    assert_no_violations(page, label)


def test_the_list_and_a_meeting_as_a_member(page, color_scheme, meetings):
    sign_in(page, meetings.member)
    check(page, "/meetings/", f"/meetings/ ({color_scheme})", "li.meeting-card time[data-zone]")
    path = f"/meetings/{meetings.upcoming}"
    check(page, path, f"a meeting, going ({color_scheme})", ".meeting-rsvp .badge")
    expect(page.locator(".meeting-dates time[data-zone]")).to_have_count(4)

    # By keyboard: say you can't make it, then that you can after all.
    tab_to(page, ".meeting-rsvp button[value=no]")
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_contain_text("Thanks for letting us know")
    tab_to(page, ".meeting-rsvp button[value=yes]")
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_contain_text("You're going to “Evening circle”")
    assert_no_violations(page, f"a meeting after answering ({color_scheme})")


def test_the_host_while_the_meeting_is_on(page, color_scheme, meetings):
    sign_in(page, meetings.host)
    path = f"/meetings/{meetings.running}"
    check(page, path, f"host tools, meeting on ({color_scheme})", "#host-tools #pinned")
    expect(page.locator(".meeting-live-notice")).to_contain_text("This meeting is on now")
    page.locator("#pinned").fill("Tonight: sleep and pacing")
    page.get_by_role("button", name="Pin the message").click()
    expect(page.locator(".flash")).to_have_text("The message is pinned.")
    expect(page.locator("#pinned")).to_have_value("Tonight: sleep and pacing")
    assert_no_violations(page, f"host tools after pinning ({color_scheme})")


def test_the_planning_form_empty_and_with_errors(page, color_scheme, meetings):
    sign_in(page, meetings.moderator)
    check(page, "/meetings/new", f"plan a meeting ({color_scheme})", "#time_zone")
    # The planner's own zone is chosen for them (this browser's is UTC unless told otherwise).
    zone = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    expect(page.locator("#time_zone")).to_have_value("UTC" if zone in ("Etc/UTC", "Etc/GMT") else zone)
    page.get_by_role("button", name="Plan the meeting").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#title-error")).to_be_visible()
    assert_no_violations(page, f"plan a meeting with errors ({color_scheme})")
    check(page, f"/meetings/{meetings.upcoming}/edit", f"change a meeting ({color_scheme})", "#title")


def _days_next_year() -> list[tuple[date, str]]:
    """A January, a March and a July day next year, with 19:00 in New York on a London clock:
    the March day falls in the weeks when New York has moved its clocks and London has not."""
    year = datetime.now(UTC).year + 1
    new_york, london = ZoneInfo(NEW_YORK), ZoneInfo(LONDON)
    march = next(
        day
        for day in (date(year, 3, 1) + timedelta(days=n) for n in range(31))
        if datetime.combine(day, time(12), new_york).utcoffset() == timedelta(hours=-4)
        and datetime.combine(day, time(12), london).utcoffset() == timedelta(0)
    )
    return [(date(year, 1, 12), "00:00"), (march, "23:00"), (date(year, 7, 13), "00:00")]


def test_a_reader_in_london_sees_new_york_times_on_their_own_clock(browser, live_server, live_app, meetings):
    context = browser.new_context(base_url=live_server, timezone_id=LONDON, reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(10_000)
    watch = PageWatch(page, live_server)
    moderator_id = _id(live_app, meetings.moderator)
    room = _room(live_app)
    sign_in(page, meetings.member)
    for day, expected in _days_next_year():
        meeting_id = plan(
            live_app, moderator_id, zone=NEW_YORK, room=room, starts_on=day, starts_at_local=time(19, 0)
        )
        page.goto(f"/meetings/{meeting_id}")
        shown = day + timedelta(days=1) if expected == "00:00" else day
        words = (
            f"{shown.strftime('%A')} {shown.day} {shown.strftime('%B')} {shown.year}, {expected} your time"
        )
        expect(page.locator(".meeting-facts time[data-local]")).to_have_text(words)
        expect(page.locator(".meeting-facts .meta")).to_have_text("19:00 New York time, 1 hour")
    context.close()
    watch.assert_clean()
