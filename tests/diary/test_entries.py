"""Diary entries: the quick "How is today?", a day's full entry, validation that keeps what was
typed, days that cannot be written, deleting, flare notes and the opt-in reminder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from community.database import utcnow
from community.diary import services
from community.diary.models import HELPER, TREATMENT, TRIGGER

pytestmark = pytest.mark.both_databases


def today():
    return utcnow().date()


def test_quick_entry_creates_then_updates_todays_entry(diary):
    client = diary.signed_in()
    response = client.post_form("/diary/", {"pain_average": "7", "mood": "2", "sleep_quality": "1"})
    assert response.status_code == 302
    entry = diary.entry("member", today())
    assert (entry.pain_average, entry.mood, entry.sleep_quality) == (7, 2, 1)
    assert entry.scales["pain_average"]["low_words"] == "No pain"

    client.post_form("/diary/", {"pain_average": "4"})
    again = diary.entry("member", today())
    assert again.id == entry.id
    assert (again.pain_average, again.mood, again.sleep_quality) == (4, 2, 1)  # the rest kept
    page = client.get("/diary/").get_data(as_text=True)
    assert "Pain 4 of 10, mood 2 of 5, sleep 1 of 5" in page


def test_a_partial_entry_stays_partial_and_missing_days_are_missing(diary):
    client = diary.signed_in()
    client.post_form("/diary/", {"mood": "3"})
    entry = diary.entry("member", today())
    assert entry.mood == 3
    assert entry.pain_average is None and entry.sleep_quality is None and entry.peg is None
    page = client.get("/diary/").get_data(as_text=True)
    assert "Mood 3 of 5" in page
    assert page.count("Nothing noted") == services.RECENT_DAYS - 1
    for word in ("streak", "missed", "0 of 10"):
        assert word not in page.lower()


def test_quick_entry_with_nothing_chosen_or_out_of_range_is_refused(diary):
    client = diary.signed_in()
    response = client.post_form("/diary/", {})
    assert response.status_code == 400
    assert "Choose at least one" in response.get_data(as_text=True)
    response = client.post_form("/diary/", {"pain_average": "11", "mood": "3"})
    assert response.status_code == 400
    assert "Choose a number from 0 to 10" in response.get_data(as_text=True)
    assert diary.entry("member", today()) is None


def test_quick_entry_uses_the_browsers_time_zone_for_today(diary):
    client = diary.signed_in()
    zone = "Pacific/Kiritimati"  # UTC+14: a day ahead of UTC for most of it
    client.post_form("/diary/", {"pain_average": "5", "time_zone": zone})
    local_day = services.today(zone)
    assert diary.entry("member", local_day).pain_average == 5
    # A zone that is not a zone is ignored: UTC.
    client.post_form("/diary/", {"mood": "4", "time_zone": "Mars/Olympus"})
    assert diary.entry("member", local_day).mood == 4  # remembered from the first form


FULL = {
    "pain_average": "6",
    "enjoyment_interference": "5",
    "activity_interference": "7",
    "pain_now": "4",
    "pain_worst": "9",
    "body_areas": ["lower-back", "knee-left"],
    "qualities": ["burning", "aching"],
    "qualities_other": "like sand, Burning",
    "triggers": ["poor sleep"],
    "triggers_other": "Long drive, long drive",
    "helpers": ["heat"],
    "helpers_other": "",
    "treatments_other": "physio stretches",
    "sleep_hours": "5,5",
    "sleep_quality": "2",
    "mood": "3",
    "notes": "A *hard* day. <script>alert('x')</script><img src=x onerror=alert(1)>",
}


def test_full_entry_round_trip(diary):
    client = diary.signed_in()
    day = today() - timedelta(days=2)
    response = client.post_form(f"/diary/{day.isoformat()}", FULL)
    assert response.status_code == 302
    entry = diary.entry("member", day)
    assert (entry.pain_average, entry.enjoyment_interference, entry.activity_interference) == (6, 5, 7)
    assert entry.peg == 6
    assert (entry.pain_now, entry.pain_worst, entry.sleep_quality, entry.mood) == (4, 9, 2, 3)
    assert entry.sleep_hours == 5.5
    assert entry.body_areas == ["lower-back", "knee-left"]  # in the list's order
    assert entry.qualities == ["burning", "aching", "like sand"]
    assert sorted(tag.name for tag in entry.tags_of(TRIGGER)) == ["Long drive", "poor sleep"]
    assert [tag.name for tag in entry.tags_of(HELPER)] == ["heat"]
    assert [tag.name for tag in entry.tags_of(TREATMENT)] == ["physio stretches"]
    assert "<script" not in entry.notes_html and "<img" not in entry.notes_html
    assert "&lt;script&gt;" in entry.notes_html  # shown as the words typed, never run
    assert "<em>hard</em>" in entry.notes_html

    page = client.get(f"/diary/{day.isoformat()}").get_data(as_text=True)
    assert "PEG score 6.0" in page
    assert "<script>alert" not in page
    for value in ("lower-back", "knee-left", "like sand", "Long drive", "physio stretches"):
        assert f'value="{value}" checked' in page or f'checked value="{value}"' in page or value in page
    assert 'value="5,5"' in page or 'value="5.5"' in page

    # The member's own words are suggested on another day, once each.
    other = client.get(f"/diary/{today().isoformat()}").get_data(as_text=True)
    assert other.count('value="Long drive"') == 1
    assert other.count('value="like sand"') == 1


def test_a_value_can_be_taken_back(diary):
    client = diary.signed_in()
    day = today().isoformat()
    client.post_form(f"/diary/{day}", {**FULL})
    client.post_form(
        f"/diary/{day}", {**FULL, "pain_worst": "", "triggers": [], "triggers_other": "", "notes": ""}
    )
    entry = diary.entry("member", today())
    assert entry.pain_worst is None
    assert entry.tags_of(TRIGGER) == []
    assert entry.notes == "" and entry.notes_html == ""


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("sleep_hours", "lots", "Give the hours slept as a number from 0 to 24"),
        ("sleep_hours", "25", "Give the hours slept as a number from 0 to 24"),
        ("pain_now", "12", "Choose a number from 0 to 10"),
        ("mood", "0", "Choose a number from 1 to 5"),
        ("notes", "x" * 5_001, "A diary note can be at most 5,000 characters"),
        ("triggers_other", "y" * 61, "keep each to 60 characters"),
    ],
)
def test_validation_is_400_with_words_and_keeps_what_was_typed(diary, field, value, words):
    client = diary.signed_in()
    data = {**FULL, field: value, "notes": FULL["notes"] if field != "notes" else value}
    response = client.post_form(f"/diary/{today().isoformat()}", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert words in page
    assert "physio stretches" in page and "like sand, Burning" in page
    if field != "notes":
        assert "A *hard* day." in page
    assert diary.entry("member", today()) is None


def test_future_days_and_days_before_2000_are_refused(diary):
    client = diary.signed_in()
    future = (utcnow() + timedelta(days=2)).date().isoformat()
    for path in (f"/diary/{future}", "/diary/1999-12-31"):
        response = client.get(path)
        assert response.status_code == 400
        assert "has not come yet" in response.get_data(as_text=True) or "starts on 1 January 2000" in (
            response.get_data(as_text=True)
        )
        assert client.post_form(path, {"pain_average": "3"}, page="/diary/").status_code == 400
    assert client.get("/diary/2024-02-30").status_code == 404
    assert client.get("/diary/yesterday").status_code == 404


def test_go_to_a_day(diary):
    client = diary.signed_in()
    response = client.get("/diary/day?on=2024-03-05")
    assert response.status_code == 302 and response.location.endswith("/diary/2024-03-05")


def test_delete_an_entry_after_confirming(diary):
    client = diary.signed_in()
    day = today().isoformat()
    client.post_form("/diary/", {"pain_average": "3"})
    page = client.get(f"/diary/{day}/delete")
    assert page.status_code == 200 and "cannot be undone" in page.get_data(as_text=True)
    assert client.post_form(f"/diary/{day}/delete", {}).status_code == 302
    assert diary.entry("member", today()) is None
    assert client.get(f"/diary/{day}/delete").status_code == 404


def test_flare_notes_add_list_delete(diary):
    client = diary.signed_in()
    response = client.post_form(
        "/diary/flares", {"pain": "8", "note": "After the **drive**", "from": "index"}
    )
    assert response.status_code == 302 and response.location.endswith("/diary/")
    when = datetime(2024, 5, 1, 14, 30)
    client.post_form(
        "/diary/flares",
        {"at": when.strftime("%Y-%m-%dT%H:%M"), "note": "stairs", "time_zone": "Europe/Paris"},
    )
    notes = sorted(diary.flares("member"), key=lambda f: f.at)
    assert [n.note for n in notes] == ["stairs", "After the **drive**"]
    assert notes[0].at == datetime(2024, 5, 1, 12, 30, tzinfo=UTC) and notes[0].pain is None
    assert notes[1].pain == 8 and "<strong>drive</strong>" in notes[1].note_html
    page = client.get("/diary/flares").get_data(as_text=True)
    assert "Wednesday 1 May 2024, 14:30" in page

    assert (
        client.post_form(f"/diary/flares/{notes[0].id}/delete", {}, page="/diary/flares").status_code == 302
    )
    assert [n.note for n in diary.flares("member")] == ["After the **drive**"]


@pytest.mark.parametrize(
    "data, words",
    [
        ({}, "Note the pain or a few words"),
        ({"note": "z" * 1_001}, "A flare note can be at most 1,000 characters"),
        ({"note": "later", "at": "2999-01-01T10:00"}, "That time has not come yet"),
    ],
)
def test_flare_note_refusals(diary, data, words):
    client = diary.signed_in()
    response = client.post_form("/diary/flares", data)
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)
    if data.get("note"):
        assert data["note"][:50] in response.get_data(as_text=True)
    assert diary.flares("member") == []


def test_reminders_are_opt_in_and_only_for_their_member(diary):
    client = diary.signed_in()
    other = diary.signed_in("other")
    reminder = "How is today? Add it to your diary"
    assert reminder not in client.get("/").get_data(as_text=True)  # never without asking

    client.post_form("/diary/reminders", {"reminders": "y", "reminder_hour": ""}, page="/diary/")
    assert reminder in client.get("/").get_data(as_text=True)
    assert reminder not in other.get("/").get_data(as_text=True)

    client.post_form("/diary/", {"mood": "4"})
    assert reminder not in client.get("/").get_data(as_text=True)  # today has an entry


def test_the_reminder_waits_for_the_chosen_hour(app, diary):
    with app.app_context():
        me = diary.user("member")
        services.save_settings(me, True, 23)
        hour = services.local_now(None).hour
        assert services.reminder_due(me, None) == (hour >= 23)
        services.save_settings(me, True, 0)
        assert services.reminder_due(me, None) is True
        services.save_settings(me, False, 0)
        assert services.reminder_due(me, None) is False


def test_diary_pages_are_never_cached(diary):
    client = diary.signed_in()
    client.post_form("/diary/", {"pain_average": "3"})
    for path in ("/diary/", f"/diary/{today().isoformat()}", "/diary/flares", f"/diary/{today()}/delete"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
