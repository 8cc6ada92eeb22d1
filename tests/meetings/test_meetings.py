"""Support meetings: dates across time zones and clock changes, the calendar file, who may
plan, host and answer, what starting a meeting tells members and the room, and the audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from flask import render_template
from icalendar import Calendar
from sqlalchemy import func, select

from community import events
from community.chat import services as chat
from community.extensions import db
from community.forums.seed import seed_groups
from community.meetings import dates, services
from community.meetings.models import IN_PROGRESS, SCHEDULED, Meeting, MeetingRsvp
from community.moderation.models import AuditEntry
from community.notifications.models import Notification
from tests.conftest import AuthActions
from tests.meetings.helpers import get, plan

# Wall-clock times, dates and JSON lookups read differently on each database.
pytestmark = pytest.mark.both_databases

NEW_YORK, LONDON = "America/New_York", "Europe/London"
PUBLIC_ROOM = "work-advocacy"  # a public group's room; the Lounge is for members


@pytest.fixture
def rooms(app):
    with app.app_context():
        list(seed_groups())
        chat.ensure_rooms()
        db.session.commit()


@pytest.fixture
def announced():
    """What the room hears: each meeting_changed event sent after a commit."""
    heard = []

    def receiver(sender, **payload):
        heard.append(payload)

    events.meeting_changed.connect(receiver)
    yield heard
    events.meeting_changed.disconnect(receiver)


def signed_in(app, username: str):
    client = app.test_client()
    assert AuthActions(client).login(username).status_code == 302
    return client


def weekly_in_new_york(**fields) -> Meeting:
    """The acceptance meeting, unsaved: Tuesdays at 19:00 in New York from 5 January 2027."""
    values = {
        "time_zone": NEW_YORK,
        "starts_on": date(2027, 1, 5),
        "starts_at_local": time(19, 0),
        "duration_minutes": 60,
        "weekly": True,
        "repeat_until": None,
        **fields,
    }
    meeting = Meeting(**values)
    meeting.starts_at = dates.instant(meeting.time_zone, meeting.starts_on, meeting.starts_at_local)
    return meeting


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def audit_actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(select(AuditEntry.action, AuditEntry.actor_name).order_by(AuditEntry.id))
        return [tuple(row) for row in rows]


# Dates across time zones -----------------------------------------------------------------


def test_the_2027_clock_changes_are_as_these_tests_assume():
    new_york, london = ZoneInfo(NEW_YORK), ZoneInfo(LONDON)
    assert datetime(2027, 3, 13, 12, tzinfo=new_york).utcoffset() == timedelta(hours=-5)
    assert datetime(2027, 3, 14, 12, tzinfo=new_york).utcoffset() == timedelta(hours=-4)
    assert datetime(2027, 3, 27, 12, tzinfo=london).utcoffset() == timedelta(0)
    assert datetime(2027, 3, 28, 12, tzinfo=london).utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    "tuesday, in_london",
    [
        (date(2027, 1, 12), datetime(2027, 1, 13, 0, 0)),
        (date(2027, 3, 9), datetime(2027, 3, 10, 0, 0)),  # neither has changed its clocks
        (date(2027, 3, 16), datetime(2027, 3, 16, 23, 0)),  # only the US has
        (date(2027, 3, 23), datetime(2027, 3, 23, 23, 0)),
        (date(2027, 3, 30), datetime(2027, 3, 31, 0, 0)),  # both have
        (date(2027, 7, 13), datetime(2027, 7, 14, 0, 0)),
    ],
)
def test_seven_in_the_evening_in_new_york_on_a_london_clock(tuesday, in_london):
    meeting = weekly_in_new_york()
    day = datetime.combine(tuesday, time(0), tzinfo=ZoneInfo(NEW_YORK))
    [shown] = dates.local_times(meeting, LONDON, day, day + timedelta(days=1))
    assert shown.tzinfo.key == LONDON
    assert shown.replace(tzinfo=None) == in_london


def test_only_the_weeks_when_one_place_has_changed_its_clocks_differ():
    """A year of Tuesdays: midnight in London, but 23:00 in the weeks when New York has gone
    forward and London not yet (March), or London has gone back and New York not yet (November)."""
    meeting = weekly_in_new_york()
    year = dates.local_times(
        meeting, LONDON, datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)
    )
    assert len(year) == 52
    late = [shown.date() for shown in year if shown.time() != time(0, 0)]
    assert late == [date(2027, 3, 16), date(2027, 3, 23), date(2027, 11, 2)]
    assert all(shown.time() == time(23, 0) for shown in year if shown.date() in late)
    # On New York's own clocks it is always 19:00 on a Tuesday.
    assert {(o.local().strftime("%A %H:%M")) for o in dates.occurrences(meeting, year[0], year[-1])} == {
        "Tuesday 19:00"
    }


def test_a_weekly_meeting_stops_after_its_last_date_and_a_one_off_happens_once():
    weekly = weekly_in_new_york(repeat_until=date(2027, 1, 26))
    found = dates.occurrences(weekly, datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 6, 1, tzinfo=UTC))
    assert [o.on for o in found] == [date(2027, 1, d) for d in (5, 12, 19, 26)]
    once = weekly_in_new_york(weekly=False)
    found = dates.occurrences(once, datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 6, 1, tzinfo=UTC))
    assert [o.on for o in found] == [date(2027, 1, 5)]
    # A date still on counts until it ends.
    during = datetime(2027, 1, 6, 0, 30, tzinfo=UTC)  # 19:30 in New York on the 5th
    assert dates.next_occurrence(weekly, during).on == date(2027, 1, 5)
    assert dates.next_occurrence(weekly, during + timedelta(hours=1)).on == date(2027, 1, 12)
    assert dates.next_occurrence(weekly, datetime(2027, 2, 1, tzinfo=UTC)) is None


# The calendar file -----------------------------------------------------------------------


def test_the_calendar_file_carries_the_zone_and_every_instant(app, client, users, rooms):
    meeting_id = plan(
        app,
        users["moderator"],
        time_zone=NEW_YORK,
        starts_on=date(2027, 1, 5),
        starts_at_local=time(19, 0),
        weekly=True,
        repeat_until=date(2027, 12, 31),
        room=PUBLIC_ROOM,
        description="A gentle **hour** together.\n\n- tea\n- quiet",
    )
    response = client.get(f"/meetings/{meeting_id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    [event] = calendar.walk("VEVENT")
    [zone_rules] = calendar.walk("VTIMEZONE")

    assert event["DTSTART"].params["TZID"] == NEW_YORK
    assert event.start.replace(tzinfo=None) == datetime(2027, 1, 5, 19, 0)
    assert event.duration == timedelta(hours=1)
    assert zone_rules["TZID"] == NEW_YORK
    assert event["RRULE"]["FREQ"] == ["WEEKLY"]

    # The zone as the file itself describes it, not as this machine knows it.
    zone = zone_rules.to_tz(lookup_tzid=False)
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=datetime(2027, 1, 5, 19, 0, tzinfo=zone))
    in_the_file = [start.astimezone(UTC) for start in rule]
    expected = [
        o.starts_at
        for o in dates.occurrences(
            get(app, meeting_id), datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)
        )
    ]
    assert len(in_the_file) == 52 and in_the_file == expected
    assert in_the_file[0] == datetime(2027, 1, 6, 0, 0, tzinfo=UTC)
    assert datetime(2027, 3, 16, 23, 0, tzinfo=UTC) in in_the_file  # 19:00 EDT, London still on GMT

    assert str(event["SUMMARY"]) == "Evening circle"
    assert str(event["DESCRIPTION"]).startswith("A gentle hour together.\n- tea\n- quiet\n")
    assert str(event["URL"]) == f"http://localhost/meetings/{meeting_id}"
    assert str(event["UID"]) == f"meeting-{meeting_id}@localhost"
    assert (
        Calendar.from_ical(client.get(f"/meetings/{meeting_id}.ics").data).walk("VEVENT")[0]["UID"]
        == (event["UID"])
    )


def test_a_changed_meeting_keeps_its_uid_with_a_higher_sequence(app, client, users, rooms):
    meeting_id = plan(app, users["moderator"], starts_in=timedelta(days=3))
    moderator = signed_in(app, "moderator")
    before = Calendar.from_ical(moderator.get(f"/meetings/{meeting_id}.ics").data).walk("VEVENT")[0]
    page = f"/meetings/{meeting_id}/edit"
    form = edit_form(app, meeting_id, title="Evening circle, moved")
    assert moderator.post_form(page, form).status_code == 302
    after = Calendar.from_ical(moderator.get(f"/meetings/{meeting_id}.ics").data).walk("VEVENT")[0]
    assert after["UID"] == before["UID"]
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)
    assert str(after["SUMMARY"]) == "Evening circle, moved"


# Planning --------------------------------------------------------------------------------


def new_form(app, **changes) -> dict:
    soon = datetime.now(UTC) + timedelta(days=10)
    with app.app_context():
        lounge = chat.room_by_slug("lounge").id
    return {
        "title": "Morning check-in",
        "description": "Say how the night went.",
        "room_id": str(lounge),
        "host": "",
        "starts_on": soon.date().isoformat(),
        "starts_at_local": "08:30",
        "time_zone": LONDON,
        "duration_minutes": "45",
        "weekly": "y",
        "repeat_until": "",
        "guidelines": "Be gentle. **No advice unless asked.**",
        **changes,
    }


def edit_form(app, meeting_id: int, **changes) -> dict:
    meeting = get(app, meeting_id)
    with app.app_context():
        host = db.session.get(Meeting, meeting_id).host.username
    values = {
        "title": meeting.title,
        "description": meeting.description,
        "room_id": str(meeting.room_id),
        "host": host,
        "starts_on": meeting.starts_on.isoformat(),
        "starts_at_local": meeting.starts_at_local.strftime("%H:%M"),
        "time_zone": meeting.time_zone,
        "duration_minutes": str(meeting.duration_minutes),
        "repeat_until": "",
        "guidelines": meeting.guidelines,
        **changes,
    }
    if meeting.weekly:
        values.setdefault("weekly", "y")
    return values


def test_visitors_are_sent_to_sign_in_and_members_cannot_plan(app, client, users, rooms):
    meeting_id = plan(app, users["moderator"], starts_in=timedelta(days=2))
    for path in ("/meetings/new", f"/meetings/{meeting_id}/edit"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    member = signed_in(app, "member")
    assert member.get("/meetings/new").status_code == 403
    assert member.post_form("/meetings/new", new_form(app), page="/meetings/").status_code == 403
    assert member.get(f"/meetings/{meeting_id}/edit").status_code == 403
    edited = edit_form(app, meeting_id, title="Taken over")
    assert member.post_form(f"/meetings/{meeting_id}/edit", edited, page="/meetings/").status_code == 403
    assert count(app, Meeting) == 1 and get(app, meeting_id).title == "Evening circle"
    assert "Plan a meeting" not in member.get("/meetings/").get_data(as_text=True)


def test_a_moderator_plans_a_meeting_with_a_member_as_host_and_changes_it(app, users, rooms):
    moderator = signed_in(app, "moderator")
    assert "Plan a meeting" in moderator.get("/meetings/").get_data(as_text=True)
    response = moderator.post_form("/meetings/new", new_form(app, host="member"))
    assert response.status_code == 302
    meeting_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    meeting = get(app, meeting_id)
    assert (meeting.host_id, meeting.time_zone, meeting.starts_at_local) == (
        users["member"],
        LONDON,
        time(8, 30),
    )
    assert meeting.weekly and meeting.repeat_until is None
    assert meeting.description_html == "<p>Say how the night went.</p>"
    assert "<strong>No advice unless asked.</strong>" in meeting.guidelines_html
    assert meeting.starts_at == dates.instant(LONDON, meeting.starts_on, time(8, 30))

    page = moderator.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "08:30 London time, 45 minutes" in page
    assert f'<time datetime="{meeting.starts_at.isoformat()}" data-local>' in page

    form = edit_form(app, meeting_id, title="Morning check-in, longer", duration_minutes="90")
    assert moderator.post_form(f"/meetings/{meeting_id}/edit", form).status_code == 302
    assert get(app, meeting_id).duration_minutes == 90
    assert audit_actions(app) == [("meeting_create", "moderator"), ("meeting_edit", "moderator")]


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"title": ""}, "title", "A title needs"),
        ({"starts_on": "2020-01-07"}, "starts_on", "That date and time have passed"),
        ({"repeat_until": "2020-01-01"}, "repeat_until", "The last week can't be before the first date"),
        ({"host": "nobody_here"}, "host", "There is no member called “nobody_here”"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "Please choose a time zone from the list"),
        ({"duration_minutes": "600"}, "duration_minutes", "Choose 15 to 240 minutes"),
    ],
)
def test_a_plan_that_cannot_work_comes_back_with_words(app, users, rooms, changes, field, words):
    moderator = signed_in(app, "moderator")
    response = moderator.post_form("/meetings/new", new_form(app, **changes))
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert f'id="{field}-error"' in html and words in html
    assert count(app, Meeting) == 0 and audit_actions(app) == []


# Who sees what ---------------------------------------------------------------------------


def test_a_meeting_is_as_open_as_its_room(app, client, users, rooms):
    members_only = plan(app, users["moderator"], title="Members circle", starts_in=timedelta(days=1))
    public = plan(app, users["moderator"], title="Open circle", room=PUBLIC_ROOM, starts_in=timedelta(days=2))
    listing = client.get("/meetings/").get_data(as_text=True)
    assert "Open circle" in listing and "Members circle" not in listing
    assert "Sign in</a> to say you're going" in listing
    assert client.get(f"/meetings/{public}").status_code == 200
    assert client.get(f"/meetings/{public}.ics").status_code == 200
    assert client.get(f"/meetings/{members_only}").status_code == 404
    assert client.get(f"/meetings/{members_only}.ics").status_code == 404
    listing = signed_in(app, "member").get("/meetings/").get_data(as_text=True)
    assert "Open circle" in listing and "Members circle" in listing


def test_the_list_shows_each_weekly_date_in_four_weeks_with_one_answer_button(app, users, rooms):
    plan(app, users["moderator"], starts_in=timedelta(hours=5), weekly=True, time_zone=NEW_YORK)
    html = signed_in(app, "member").get("/meetings/").get_data(as_text=True)
    assert html.count('class="meeting-card"') == 4
    assert html.count("I'll be there") == 1
    assert html.count("New York time, 1 hour · every week") == 4
    assert 'src="/static/js/local-time.js"' in html


# Answers ---------------------------------------------------------------------------------


def test_a_member_says_they_are_going_then_that_they_cannot(app, client, users, rooms):
    meeting_id = plan(app, users["moderator"], starts_in=timedelta(days=1))
    rsvp = f"/meetings/{meeting_id}/rsvp"
    response = client.post_form(rsvp, {"going": "yes"}, page="/auth/login")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]

    member = signed_in(app, "member")
    page = f"/meetings/{meeting_id}"
    response = member.post_form(rsvp, {"going": "yes", "next": "/meetings/"}, page=page)
    assert response.headers["Location"] == "/meetings/"
    html = member.get(page).get_data(as_text=True)
    assert "You're going" in html and "1 member" in html and "I can't make it" in html
    assert count(app, MeetingRsvp, MeetingRsvp.going.is_(True)) == 1

    member.post_form(rsvp, {"going": "no", "next": "https://elsewhere.example/"}, page=page)
    html = member.get(page).get_data(as_text=True)
    assert "You're going" not in html and "0 members" in html and "I'll be there" in html
    assert count(app, MeetingRsvp) == 1 and count(app, MeetingRsvp, MeetingRsvp.going.is_(False)) == 1


# Hosting ---------------------------------------------------------------------------------


def test_the_host_starts_the_meeting_and_those_going_are_told(app, users, rooms, announced):
    meeting_id = plan(app, users["moderator"], host_id=users["member"])
    page = f"/meetings/{meeting_id}"
    for who, answer in (("other_member", "yes"), ("newcomer", "yes"), ("newcomer", "no"), ("member", "yes")):
        signed_in(app, who).post_form(f"{page}/rsvp", {"going": answer}, page=page)

    assert signed_in(app, "other_member").post_form(f"{page}/start", {}, page=page).status_code == 403
    host = signed_in(app, "member")
    assert "Start the meeting" in host.get(page).get_data(as_text=True)
    response = host.post_form(f"{page}/start", {})
    assert response.status_code == 302 and response.headers["Location"] == "/chat/lounge"

    meeting = get(app, meeting_id)
    assert meeting.state == IN_PROGRESS and meeting.started_at is not None
    with app.app_context():
        told = db.session.execute(select(Notification.user_id, Notification.kind, Notification.url)).all()
        assert services.in_progress(chat.room_by_slug("lounge")).id == meeting_id
    assert told == [(users["other"], "meeting_started", "/chat/lounge")]  # not the host, not a "no"
    assert audit_actions(app)[-1] == ("meeting_start", "member")
    [payload] = announced
    assert payload["room_id"] == meeting.room_id
    assert payload["meeting"] | {"started_at": None} == {
        "room": "lounge",
        "id": meeting_id,
        "state": "in_progress",
        "title": "Evening circle",
        "host": {"username": "member", "display_name": "member"},
        "guidelines_html": "<p>One person at a time.</p>",
        "pinned": "",
        "url": f"/meetings/{meeting_id}",
        "started_at": None,
    }
    words = signed_in(app, "other_member").get("/notifications").get_data(as_text=True)
    assert "“Evening circle” has started in the Lounge chat room." in words

    # Ended by mistake and started again: nobody is told twice.
    host.post_form(f"{page}/end", {}, page=page)
    host.post_form(f"{page}/start", {}, page=page)
    assert count(app, Notification) == 1
    assert [p["meeting"]["state"] for p in announced] == ["in_progress", "ended", "in_progress"]


def test_a_meeting_cannot_start_hours_early_and_a_moderator_may_stand_in(app, users, rooms):
    early = plan(app, users["moderator"], host_id=users["member"], starts_in=timedelta(hours=3))
    host = signed_in(app, "member")
    html = host.get(f"/meetings/{early}").get_data(as_text=True)
    assert "You can start the meeting from an hour before it begins." in html
    response = host.post_form(f"/meetings/{early}/start", {}, page=f"/meetings/{early}")
    assert response.headers["Location"].endswith(f"/meetings/{early}#host-tools")
    assert get(app, early).state == SCHEDULED and audit_actions(app)[-1][0] == "meeting_create"

    soon = plan(app, users["moderator"], host_id=users["member"], room=PUBLIC_ROOM)
    moderator = signed_in(app, "moderator")
    assert moderator.post_form(f"/meetings/{soon}/start", {}, page=f"/meetings/{soon}").status_code == 302
    assert get(app, soon).state == IN_PROGRESS
    assert audit_actions(app)[-1] == ("meeting_start", "moderator")


def test_the_host_pins_a_message_and_ends_the_meeting(app, users, rooms, announced):
    meeting_id = plan(app, users["moderator"], host_id=users["member"], running=True)
    page = f"/meetings/{meeting_id}"
    host = signed_in(app, "member")
    assert "End the meeting" in host.get(page).get_data(as_text=True)

    other = signed_in(app, "other_member")
    assert other.post_form(f"{page}/pin", {"pinned": "Mine now"}, page=page).status_code == 403
    assert other.post_form(f"{page}/end", {}, page=page).status_code == 403

    assert host.post_form(f"{page}/pin", {"pinned": "Tonight: sleep and pacing"}).status_code == 302
    assert get(app, meeting_id).pinned == "Tonight: sleep and pacing"
    assert announced[-1]["meeting"]["pinned"] == "Tonight: sleep and pacing"
    with app.test_request_context():
        banner = render_template(
            "meetings/_room_banner.html", meeting=services.in_progress(chat.room_by_slug("lounge"))
        )
    assert "Meeting in progress: Evening circle" in banner
    assert 'Hosted by <a href="/u/member">member</a>' not in banner  # no profile links for a visitor
    assert "Hosted by member." in banner and "<p>One person at a time.</p>" in banner
    assert "Tonight: sleep and pacing" in banner

    response = host.post_form(f"{page}/pin", {"pinned": "x" * 301}, page=page)
    assert response.status_code == 422 and "Pin at most 300 characters." in response.get_data(as_text=True)

    assert host.post_form(f"{page}/end", {}, page=page).status_code == 302
    meeting = get(app, meeting_id)
    assert (meeting.state, meeting.pinned) == (SCHEDULED, "")
    assert meeting.ended_at is not None
    assert announced[-1]["meeting"]["state"] == "ended"
    assert [a for a, _ in audit_actions(app)] == ["meeting_create", "meeting_start", "meeting_end"]
    with app.app_context():
        assert services.in_progress(chat.room_by_slug("lounge")) is None

    response = host.post_form(f"{page}/pin", {"pinned": "Too late"}, page=page, follow_redirects=True)
    assert "You can pin a message while the meeting is on." in response.get_data(as_text=True)
    assert get(app, meeting_id).pinned == ""


def test_a_meeting_nobody_ended_stops_showing_as_on(app, users, rooms):
    meeting_id = plan(app, users["moderator"], running=True)
    meeting = get(app, meeting_id)
    assert services.is_running(meeting)
    later = meeting.started_at + timedelta(minutes=60) + services.FORGOTTEN_AFTER
    assert not services.is_running(meeting, later)
