"""Profiles with a life: a member's recent threads and replies, groups and reactions received,
only as far as the reader may read them, in a fixed number of statements."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import event

from community.accounts.models import User
from community.extensions import db
from community.forums import groups as forum_groups
from community.forums import moderation, profiles, services
from community.forums.models import Post, Thread
from community.forums.seed import seed_groups

pytestmark = pytest.mark.both_databases


@pytest.fixture
def forum(app, users):
    """Write as a member inside the app; ids come back, so no test holds a stale object."""
    with app.app_context():
        list(seed_groups())
        db.session.commit()

    class Forum:
        def user(self, who) -> User:
            return db.session.get(User, users[who])

        def thread(self, who="member", slug="crps", title="A thread about flares") -> int:
            with app.app_context():
                group = forum_groups.group_by_slug(slug)
                thread = services.create_thread(self.user(who), group, title, "Some words")
                db.session.commit()
                return thread.id

        def reply(self, thread_id, who="member", body="A reply") -> int:
            with app.app_context():
                post = services.create_reply(self.user(who), db.session.get(Thread, thread_id), body)
                db.session.commit()
                return post.id

        def first_post(self, thread_id) -> int:
            with app.app_context():
                return db.session.scalar(db.select(func_min_post_id(thread_id)))

        def react(self, post_id, who, kind):
            with app.app_context():
                services.set_reaction(self.user(who), db.session.get(Post, post_id), kind, on=True)
                db.session.commit()

        def join(self, who, slug):
            with app.app_context():
                forum_groups.join_group(self.user(who), forum_groups.group_by_slug(slug))
                db.session.commit()

    return Forum()


def func_min_post_id(thread_id):
    from sqlalchemy import func

    return db.select(func.min(Post.id)).where(Post.thread_id == thread_id).scalar_subquery()


def test_a_profile_shows_threads_replies_groups_and_reactions(app, client, auth, forum):
    thread_id = forum.thread(title="Flare tips that help me")
    other_thread = forum.thread(who="other", slug="sleep-fatigue", title="Awake at 3am again")
    reply_id = forum.reply(other_thread, who="member", body="Same here, tea helps")
    forum.join("member", "crps")
    forum.react(forum.first_post(thread_id), "other", "support")
    forum.react(forum.first_post(thread_id), "moderator", "support")
    forum.react(reply_id, "other", "thanks")
    auth.login("other_member")
    page = client.get("/u/member").get_data(as_text=True)
    assert "Flare tips that help me" in page
    assert "Reply in “Awake at 3am again”" in page and f'href="/posts/{reply_id}"' in page
    assert 'href="/groups/crps/"' in page
    assert "Sending support: 2" in page and "Thank you: 1" in page and "Me too:" not in page
    assert "Same here, tea helps" not in page  # links, not text: a content warning is never skipped


def test_held_hidden_and_removed_posts_show_only_to_those_who_may_read_them(app, client, auth, forum):
    forum.thread(who="newcomer", title="My very first thread here")  # held for review
    open_thread = forum.thread(who="other", title="An open thread")
    hidden_reply = forum.reply(open_thread, who="member", body="A reply a moderator hid")
    removed_reply = forum.reply(open_thread, who="member", body="A reply taken back")
    with app.app_context():
        moderation.hide(db.session.get(Post, hidden_reply), "off topic")
        services.delete_post(db.session.get(Post, removed_reply))
        db.session.commit()
    forum.react(hidden_reply, "other", "metoo")

    auth.login("other_member")
    assert "My very first thread here" not in client.get("/u/newcomer").get_data(as_text=True)
    member_page = client.get("/u/member").get_data(as_text=True)
    assert f"/posts/{hidden_reply}" not in member_page and f"/posts/{removed_reply}" not in member_page
    assert "Me too" not in member_page  # reactions on a post others cannot read are not counted

    for who, sees in (("newcomer", True), ("moderator", True)):
        auth.logout()
        auth.login(who)
        assert ("My very first thread here" in client.get("/u/newcomer").get_data(as_text=True)) is sees
    assert f"/posts/{hidden_reply}" in client.get("/u/member").get_data(as_text=True)  # moderator


def test_a_visitor_reads_no_members_only_group_through_a_profile(app, forum):
    forum.thread(slug="crps", title="Inside a members-only group")
    with app.app_context():
        from community.forums.models import Group

        public = db.session.scalar(db.select(Group).where(Group.slug == "coping"))
        public.visibility = "public"
        db.session.commit()
    forum.thread(slug="coping", title="In a public group")
    forum.join("member", "crps")
    with app.app_context(), app.test_request_context():
        activity = profiles.member_activity(forum.user("member"), AnonymousUserMixin())
        assert [t.title for t in activity.threads] == ["In a public group"]
        assert activity.groups == []


def test_profiles_need_a_signed_in_reader(client, users):
    response = client.get("/u/member")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def count_statements(app, function) -> int:
    with app.app_context():
        engine = db.engine
    seen = []

    def counter(*args, **kwargs):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", counter)
    try:
        function()
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    return len(seen)


def test_a_profile_runs_a_fixed_number_of_statements(app, client, auth, forum):
    def fill(count):
        for i in range(count):
            thread_id = forum.thread(slug=["crps", "coping", "sleep-fatigue"][i % 3], title=f"Thread {i:03}")
            reply = forum.reply(thread_id, who="member", body=f"reply {i}")
            forum.react(reply, "other", ["support", "thanks"][i % 2])
            forum.react(forum.first_post(thread_id), "moderator", "metoo")
        for slug in ["crps", "coping", "sleep-fatigue", "introductions"][: max(1, count // 3)]:
            forum.join("member", slug)

    fill(2)
    auth.login("other_member")
    client.get("/u/member")
    small = count_statements(app, lambda: client.get("/u/member"))
    fill(12)
    big = count_statements(app, lambda: client.get("/u/member"))
    assert big == small, f"{small} statements for a few items, {big} for many"


def test_a_former_members_profile_shows_nothing_personal(app, client, auth, forum):
    thread_id = forum.thread(who="other", title="A thread kept after leaving")
    forum.join("other", "crps")
    with app.app_context():
        from community.accounts.account_deletion import delete_account

        user = forum.user("other")
        user.bio, user.conditions = "My own story", "CRPS"
        delete_account(user, keep_posts=True)
        db.session.commit()
        username = user.username
    assert username.startswith("former-member-")
    auth.login()
    page = client.get(f"/u/{username}").get_data(as_text=True)
    assert "has left Common Ground" in page
    for personal in ("A thread kept after leaving", f"/threads/{thread_id}", "/groups/crps/", "member since"):
        assert personal not in page
    assert "Flag this profile" not in page and "Block" not in page
