"""Groups: the seeded list, who sees what, joining, and admins managing groups."""

from urllib.parse import urlsplit

import pytest

from community.extensions import db
from community.forums.models import Group, Membership
from community.forums.seed import GROUPS

pytestmark = pytest.mark.both_databases


def test_seed_is_idempotent_and_complete(app, groups, runner):
    result = runner.invoke(args=["seed"])
    assert "Groups: 0 added, 14 already there." in result.output
    with app.app_context():
        names = list(db.session.scalars(db.select(Group.name).order_by(Group.position)))
    assert names == [name for _, name, _, _ in GROUPS]
    assert "CRPS" in names and "Caregivers, family and friends" in names


def test_visitors_see_group_names_but_only_public_groups_threads(client, forum):
    private_thread = forum.thread(slug="crps", title="Members only thread")
    public_thread = forum.thread(slug="work-advocacy", title="Public advocacy thread")
    listing = client.get("/groups/").get_data(as_text=True)
    assert "CRPS" in listing and "Work, benefits and advocacy" in listing
    crps = client.get("/groups/crps/").get_data(as_text=True)
    assert "for members only" in crps and "Members only thread" not in crps
    assert "Public advocacy thread" in client.get("/groups/work-advocacy/").get_data(as_text=True)
    assert client.get(f"/threads/{private_thread}").status_code == 404
    assert client.get(f"/threads/{public_thread}").status_code == 200
    assert client.get(f"/posts/{forum.first_post(private_thread)}").status_code == 404


def test_members_read_members_only_groups(client, auth, forum):
    thread_id = forum.thread(slug="crps", title="Members only thread")
    auth.login()
    assert "Members only thread" in client.get("/groups/crps/").get_data(as_text=True)
    assert client.get(f"/threads/{thread_id}").status_code == 200


def test_join_and_leave_drive_the_home_feed(client, auth, forum):
    forum.thread(who="other", slug="crps", title="Flare after the cold snap")
    auth.login()
    assert "Flare after the cold snap" not in client.get("/").get_data(as_text=True)
    client.post_form("/groups/crps/join", page="/groups/crps/")
    home = client.get("/").get_data(as_text=True)
    assert "Flare after the cold snap" in home
    assert "You are a member" in client.get("/groups/").get_data(as_text=True)
    client.post_form("/groups/crps/leave", page="/groups/crps/")
    assert "Flare after the cold snap" not in client.get("/").get_data(as_text=True)


def test_joining_needs_an_account(app, client, groups):
    # A valid token, so a refusal can only come from the sign-in check, not from CSRF. A visitor's
    # group page has no join form (and no token), so the token comes from the sign-in page.
    assert "Join group" not in client.get("/groups/crps/").get_data(as_text=True)
    response = client.post_form("/groups/crps/join", page="/auth/login")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/auth/login"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Membership)) == 0


@pytest.mark.parametrize("who, status", [("member", 403), ("moderator", 403), ("admin", 200)])
def test_only_admins_manage_groups(client, auth, groups, who, status):
    auth.login(who)
    assert client.get("/groups/manage").status_code == status
    assert client.get("/groups/manage/new").status_code == status
    assert client.get("/groups/crps/edit").status_code == status


def test_admin_creates_edits_reorders_and_archives(app, client, auth, groups):
    auth.login("admin")
    created = client.post_form(
        "/groups/manage/new",
        {
            "name": "Migraine",
            "slug": "migraine",
            "description": "Head pain",
            "visibility": "public",
            "position": "5",
        },
        follow_redirects=True,
    )
    assert "Migraine is created." in created.get_data(as_text=True)
    clash = client.post_form(
        "/groups/manage/new", {"name": "Again", "slug": "migraine", "visibility": "members", "position": "0"}
    )
    assert clash.status_code == 422 and "Another group already uses that web address." in clash.get_data(
        as_text=True
    )
    reserved = client.post_form(
        "/groups/manage/new", {"name": "X", "slug": "manage", "visibility": "members", "position": "0"}
    )
    assert reserved.status_code == 422

    client.post_form(
        "/groups/migraine/edit",
        {
            "name": "Migraine and headache",
            "slug": "migraine",
            "description": "Head pain",
            "visibility": "members",
            "position": "5",
        },
    )
    with app.app_context():
        group = db.session.scalar(db.select(Group).where(Group.slug == "migraine"))
        assert group.name == "Migraine and headache" and group.visibility == "members"

    client.post_form("/groups/migraine/move", {"direction": "down"}, page="/groups/manage")
    with app.app_context():
        order = list(db.session.scalars(db.select(Group.slug).order_by(Group.position)))
    assert order[:2] == ["introductions", "migraine"]

    client.post_form("/groups/migraine/archive", {"archived": "1"}, page="/groups/manage")
    assert ">Migraine and headache</a>" not in client.get("/groups/").get_data(as_text=True)
    assert client.get("/groups/migraine/new").status_code == 403  # archived: read only
    client.post_form("/groups/migraine/archive", {"archived": "0"}, page="/groups/manage")
    assert ">Migraine and headache</a>" in client.get("/groups/").get_data(as_text=True)


def test_home_marks_what_is_new_in_my_groups(client, auth, forum):
    seen = forum.thread(who="other", title="Thread I have read")
    unseen = forum.thread(who="other", title="Thread I have not read")
    auth.login()
    client.post_form("/groups/crps/join", page="/groups/crps/")
    client.get(f"/threads/{seen}")
    home = client.get("/").get_data(as_text=True)
    assert f'<span class="badge">New</span> <a href="/threads/{unseen}">Thread I have not read</a>' in home
    assert f'<li><a href="/threads/{seen}">Thread I have read</a>' in home
