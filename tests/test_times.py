"""Times a foggy head can read: "2 hours ago", with the exact time on the reader's own clock
(the zone chosen in settings, else the browser's), and never a bare UTC time to convert."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from community import times
from tests.forums import conftest as forum_fixtures

forum, groups = forum_fixtures.forum, forum_fixtures.groups  # the forums' fixtures, used here too

NOW = datetime(2026, 6, 3, 14, 5, tzinfo=UTC)
TEMPLATES = Path(__file__).parent.parent / "templates"


@pytest.mark.parametrize(
    "gap, words",
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=45), "45 minutes ago"),
        (timedelta(hours=2, minutes=10), "2 hours ago"),
        (timedelta(days=1, hours=3), "1 day ago"),
        (timedelta(days=20), "2 weeks ago"),
        (timedelta(days=33), "4 weeks ago"),
        (timedelta(days=75), "2 months ago"),
        (timedelta(days=800), "2 years ago"),
        (-timedelta(days=3), "in 3 days"),
    ],
)
def test_how_long_ago_in_words(gap, words):
    assert times.ago(NOW - gap, NOW) == words


def test_the_exact_time_names_its_clock_and_the_year_only_when_it_is_another():
    assert times.exact(NOW, "Europe/London", NOW) == "Wednesday 3 June, 15:05 London time"
    assert times.exact(NOW, "Pacific/Auckland", NOW) == "Thursday 4 June, 02:05 Auckland time"
    last_year = NOW - timedelta(days=365)
    assert times.exact(last_year, "America/New_York", NOW).startswith("Tuesday 3 June 2025, 10:05")


def test_a_time_without_a_chosen_zone_is_left_for_the_browser(app):
    with app.test_request_context():
        html = str(times.when(NOW - timedelta(hours=2), now=NOW))
    assert html == (
        '<time class="when" datetime="2026-06-03T12:05:00+00:00" data-browser-zone>2 hours ago'
        '<span class="when-exact"> (Wednesday 3 June, 12:05 UTC)</span></time>'
    )


def _choose_zone(client, zone):
    page = client.get("/settings").get_data(as_text=True)
    assert 'name="time_zone"' in page and "Follow my device" in page
    return client.post_form("/settings", {"theme": "system", "text_size": "normal", "time_zone": zone})


def test_a_member_sees_post_times_on_the_clock_they_chose(client, auth, forum):
    thread_id = forum.thread()
    auth.login()
    assert _choose_zone(client, "Pacific/Auckland").status_code == 302
    page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert 'data-time-zone="Pacific/Auckland"' in page
    post_time = page[page.index('<time class="when"') :]
    post_time = post_time[: post_time.index("</time>")]
    assert "just now" in post_time and "Auckland time)" in post_time
    assert "data-browser-zone" not in post_time and "UTC" not in post_time

    # Another reader of the same post, with no zone chosen, gets their browser's clock: the
    # post's cached header is kept apart by the reader's clock.
    auth.logout()
    auth.login("other_member")
    page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "Auckland time" not in page and "data-browser-zone" in page
    assert "data-time-zone" not in page


def test_a_zone_that_is_not_on_the_list_is_refused(client, auth):
    auth.login()
    response = _choose_zone(client, "Mars/Olympus_Mons")
    assert response.status_code == 422


def test_following_the_device_again(client, auth, app):
    auth.login()
    _choose_zone(client, "Europe/London")
    _choose_zone(client, "")
    from community.accounts.models import User
    from community.extensions import db

    with app.app_context():
        assert db.session.scalar(db.select(User.time_zone).where(User.username == "member")) == ""


def test_templates_never_print_a_bare_utc_time():
    printing_utc = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "UTC" in path.read_text(encoding="utf-8")
    ]
    assert printing_utc == []


def test_every_page_brings_the_script_that_puts_times_on_the_browsers_clock(client):
    page = client.get("/").get_data(as_text=True)
    assert 'src="/static/js/local-time.js"' in page
    script = client.get("/static/js/local-time.js").get_data(as_text=True)
    assert "time.when[data-browser-zone]" in script and "data-time-zone" in script


def test_lists_show_times_as_time_ago(client, auth, forum):
    forum.thread(title="Sleep at 3am")
    auth.login()
    page = client.get("/groups/crps/").get_data(as_text=True)
    assert "last post " in page and '<time class="when"' in page and "just now" in page
