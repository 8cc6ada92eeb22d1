"""Group cards show life: members, and threads published this week that the viewer may read."""

import re

import pytest
from freezegun import freeze_time

from community.extensions import db
from community.forums.models import HIDDEN, Thread

pytestmark = pytest.mark.both_databases


def card(client, name) -> str:
    page = client.get("/groups/").get_data(as_text=True)
    for item in re.findall(r'<li class="card">(.*?)</li>', page, re.S):
        if f">{name}</a>" in item:
            return " ".join(item.split())
    raise AssertionError(f"no card for {name}")


def join(client, auth, who, slug):
    auth.login(who)
    client.post_form(f"/groups/{slug}/join", page=f"/groups/{slug}/")
    auth.logout()


def test_members_see_members_and_new_threads_this_week(app, client, auth, forum):
    for who in ("member", "other_member"):
        join(client, auth, who, "work-advocacy")
    with freeze_time("2026-01-01"):
        forum.thread(slug="work-advocacy", title="An old thread from January")
    forum.thread(slug="work-advocacy", title="Fresh thread one")
    forum.thread(slug="work-advocacy", title="Fresh thread two")
    hidden = forum.thread(slug="work-advocacy", title="A thread moderators hid")
    with app.app_context():
        db.session.get(Thread, hidden).state = HIDDEN
        db.session.commit()
    auth.login()
    assert "2 members · 2 new threads this week" in card(client, "Work, benefits and advocacy")


def test_visitors_see_counts_but_no_threads_of_members_only_groups(client, auth, forum):
    join(client, auth, "member", "crps")
    forum.thread(slug="crps", title="Members only thread")
    forum.thread(slug="work-advocacy", title="A public thread")
    crps = card(client, "CRPS")
    assert "1 member" in crps and "this week" not in crps
    assert "0 members · 1 new thread this week" in card(client, "Work, benefits and advocacy")


def test_the_list_counts_in_a_fixed_number_of_statements(client, auth, forum, count_queries):
    auth.login()
    few = count_queries(lambda: client.get("/groups/"))
    auth.logout()
    for slug in ("crps", "work-advocacy", "sleep-fatigue"):
        forum.thread(slug=slug, title=f"Another thread in {slug}")
        join(client, auth, "other_member", slug)
    auth.login()
    assert count_queries(lambda: client.get("/groups/")) == few
