"""Joining keeps your place: sign-up carries `next`, a short "pick your groups" step joins the
groups ticked, and the new member lands back where they were, greeted as new."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from community.accounts.models import User
from community.extensions import db
from community.forums.models import Group, Membership
from community.forums.seed import seed_groups
from tests.accounts.test_register import GOOD


@pytest.fixture
def groups(app):
    with app.app_context():
        list(seed_groups())
        db.session.commit()


def joined_slugs(app, username="river_stone") -> set[str]:
    with app.app_context():
        return set(
            db.session.scalars(
                select(Group.slug)
                .join(Membership, Membership.group_id == Group.id)
                .join(User, User.id == Membership.user_id)
                .where(User.username == username)
            )
        )


def test_a_group_page_sends_visitors_to_sign_up_with_its_address(client, groups):
    page = client.get("/groups/crps/").get_data(as_text=True)
    assert 'href="/auth/register?next=/groups/crps/"' in page


def test_sign_up_carries_next_to_the_pick_your_groups_step(client, groups):
    page = client.get("/auth/register?next=/groups/crps/").get_data(as_text=True)
    assert 'href="/auth/login?next=/groups/crps/"' in page  # "Sign in" keeps the place too
    response = client.post_form("/auth/register?next=/groups/crps/", GOOD, page="/auth/register")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/welcome?next=/groups/crps/"


@pytest.mark.parametrize(
    "next_", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_an_off_site_next_is_dropped(client, groups, next_):
    response = client.post_form("/auth/register", GOOD, query_string={"next": next_})
    assert response.headers["Location"] == "/auth/welcome"
    page = client.get("/auth/welcome", query_string={"next": next_}).get_data(as_text=True)
    assert "evil" not in page and "javascript" not in page
    response = client.post_form("/auth/welcome", {}, query_string={"next": next_}, page="/auth/welcome")
    assert response.headers["Location"] == "/"


def test_the_group_they_came_from_is_ticked_among_a_few_suggestions(app, client, groups):
    client.post_form("/auth/register?next=/groups/crps/", GOOD, page="/auth/register")
    page = client.get("/auth/welcome?next=/groups/crps/").get_data(as_text=True)
    assert "Welcome to Common Ground, river_stone" in page and "Welcome back" not in page
    boxes = [
        (slug, " checked" in tag)
        for tag, slug in re.findall(r'(<input type="checkbox" name="groups" value="([^"]+)"[^>]*>)', page)
    ]
    assert boxes[0] == ("crps", True)  # first, and ticked
    assert [slug for slug, ticked in boxes if ticked] == ["crps"]
    assert 3 <= len(boxes) <= 6
    assert 'aria-describedby="group-crps-about"' in page
    assert 'name="csrf_token"' in page


def test_suggestions_lead_with_the_most_joined_groups(app, client, users, groups):
    from community.forums import groups as forum_groups

    with app.app_context():
        for name in ("member", "other", "moderator"):
            forum_groups.join_group(db.session.get(User, users[name]), forum_groups.group_by_slug("coping"))
        db.session.commit()
    client.post_form("/auth/register", GOOD)
    page = client.get("/auth/welcome").get_data(as_text=True)
    boxes = re.findall(r'name="groups" value="([^"]+)"', page)
    assert boxes[0] == "coping"
    assert "checked" not in page  # nothing is ticked for them when they came from nowhere


def test_picking_groups_joins_them_and_goes_back(app, client, groups):
    client.post_form("/auth/register?next=/groups/crps/", GOOD, page="/auth/register")
    response = client.post_form(
        "/auth/welcome?next=/groups/crps/",
        {"groups": ["crps", "introductions", "no-such-group"]},
        page="/auth/welcome",
    )
    assert response.status_code == 302 and response.headers["Location"] == "/groups/crps/"
    assert joined_slugs(app) == {"crps", "introductions"}
    page = client.get("/groups/crps/").get_data(as_text=True)
    assert "You joined CRPS and Introductions." in page
    assert "Leave group" in page  # a member now, where they started


def test_skip_joins_nothing_and_goes_back(app, client, groups):
    client.post_form("/auth/register?next=/groups/crps/", GOOD, page="/auth/register")
    page = client.get("/auth/welcome?next=/groups/crps/").get_data(as_text=True)
    assert '<a class="button button-secondary" href="/groups/crps/">Skip for now</a>' in page
    response = client.post_form("/auth/welcome?next=/groups/crps/", {}, page="/auth/welcome")
    assert response.headers["Location"] == "/groups/crps/"
    assert joined_slugs(app) == set()


def test_a_new_member_is_greeted_as_new_until_they_sign_out(app, client, users, groups):
    client.post_form("/auth/register", GOOD)
    client.post_form("/auth/welcome", {}, page="/auth/welcome")
    home = client.get("/").get_data(as_text=True)
    assert "Welcome to Common Ground, river_stone" in home and "Welcome back" not in home
    client.post_form("/auth/logout", page="/settings")
    client.post_form("/auth/login", {"login": "river_stone", "password": GOOD["password"]})
    assert "Welcome back, river_stone" in client.get("/").get_data(as_text=True)


def test_pick_your_groups_needs_a_member_and_a_token(app, client, groups):
    response = client.get("/auth/welcome?next=/groups/crps/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    client.post_form("/auth/register", GOOD)
    for form in ({"groups": "crps"}, {"groups": "crps", "csrf_token": "stale"}):
        response = client.post("/auth/welcome", data=form)
        assert response.status_code == 400
    assert joined_slugs(app) == set()


def test_introductions_prompts_what_to_write_and_the_title_rule_is_a_hint_first(client, auth, groups):
    auth.login()
    page = client.get("/groups/introductions/new").get_data(as_text=True)
    assert "Not sure what to write?" in page and "what you would like people to call you" in page
    assert "Share only what you are comfortable with" in page
    title = re.search(r"<input[^>]*\bname=\"title\"[^>]*>", page).group(0)
    assert 'aria-describedby="title-hint"' in title and "aria-invalid" not in title
    assert re.search(r'<p class="hint" id="title-hint">5 to 150 characters', page)
    other = client.get("/groups/crps/new").get_data(as_text=True)
    assert "Not sure what to write?" not in other and 'id="title-hint"' in other
