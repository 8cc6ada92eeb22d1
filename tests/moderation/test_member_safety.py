"""Members' own safety tools: flagging posts and profiles, blocking, and muted words."""

import re

import pytest

from community.accounts.models import User
from community.accounts.services import create_user
from community.extensions import db
from community.moderation.models import Block, Flag, MutedWord, ReviewItem
from community.notifications.models import Notification
from tests.forums import conftest as forum_fixtures
from tests.helpers import PASSWORD

pytestmark = pytest.mark.both_databases

# The forums' fixtures (seeded groups, threads written as a member), used here too.
groups, forum = forum_fixtures.groups, forum_fixtures.forum

THANKS = "Thank you for telling us. A moderator will look at it. Nobody else will know you flagged it."


@pytest.fixture
def member(app, users):
    """member(username, trusted=True) -> the id of a new account that signs in with PASSWORD."""

    def make(username, trusted=True, role="member"):
        with app.app_context():
            user = create_user(username, f"{username}@example.org", PASSWORD, role=role, trusted=trusted)
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def as_member(client, auth):
    """as_member(username): sign whoever is signed in out, and this member in."""
    state = {"signed_in": False}

    def switch(username):
        if state["signed_in"]:
            auth.logout()
        assert auth.login(username).status_code == 302
        state["signed_in"] = True

    return switch


def db_id(app, username):
    with app.app_context():
        return db.session.scalar(db.select(User.id).filter_by(username=username))


def count(app, model, **where):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model).filter_by(**where))


# Flagging posts --------------------------------------------------------------------------


def test_member_flags_a_post_and_is_thanked(app, client, forum, member, as_member):
    author, flagger = member("author"), member("flagger")
    post_id = forum.first_post(forum.thread(who=author))
    as_member("flagger")
    page = client.get(f"/flag/post/{post_id}").get_data(as_text=True)
    assert "<h1>Flag this post</h1>" in page
    assert "<strong>author</strong> in “A thread about flares”" in page
    assert "Only moderators see flags. Nobody else is told who flagged or that anything was flagged." in page

    response = client.post_form(f"/flag/post/{post_id}", {"reason": "spam", "note": "Selling something"})
    assert response.status_code == 302 and response.headers["Location"] == f"/posts/{post_id}"
    assert THANKS in client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        flag = db.session.scalar(db.select(Flag))
        assert (flag.subject_type, flag.subject_id, flag.flagger_id) == ("post", post_id, flagger)
        assert (flag.reason, flag.note) == ("spam", "Selling something")
        item = db.session.get(ReviewItem, flag.item_id)
        assert item.reasons == ["spam"] and item.member_id == author and not item.crisis

    again = client.get(f"/flag/post/{post_id}").get_data(as_text=True)
    assert "You flagged this already. Thank you — a moderator will look at it." in again
    assert 'name="reason"' not in again
    client.post_form(f"/flag/post/{post_id}", {"reason": "unkind"}, page="/settings")
    assert count(app, Flag) == 1


def test_own_post_cannot_be_flagged(app, client, forum, member, as_member):
    author = member("author")
    post_id = forum.first_post(forum.thread(who=author))
    as_member("author")
    assert client.get(f"/flag/post/{post_id}").status_code == 403
    response = client.post_form(f"/flag/post/{post_id}", {"reason": "spam"}, page="/settings")
    assert response.status_code == 403
    assert count(app, Flag) == 0


def test_a_visitor_is_sent_to_sign_in(client, forum):
    post_id = forum.first_post(forum.thread())
    response = client.get(f"/flag/post/{post_id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("path", ["/flag/thread/1", "/flag/post/999", "/flag/user/999", "/flag/post/0"])
def test_unknown_subjects_are_404(client, auth, forum, path):
    forum.thread()
    auth.login("other_member")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "data, message, checked",
    [
        ({"reason": "other", "note": ""}, "Please tell the moderators what is wrong.", "other"),
        (
            {"reason": "spam", "note": "Too long " + "x" * 500},
            "Please keep the note to 500 characters or fewer.",
            "spam",
        ),
        ({"note": "I chose nothing"}, "Please choose a reason.", None),
    ],
)
def test_bad_flags_come_back_with_the_error_and_the_text(
    app, client, forum, member, as_member, data, message, checked
):
    post_id = forum.first_post(forum.thread(who=member("author")))
    member("flagger")
    as_member("flagger")
    response = client.post_form(f"/flag/post/{post_id}", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'class="error-summary"' in page
    if checked:
        assert re.search(rf'<input checked [^>]*value="{checked}"', page)
    if data["note"]:
        assert data["note"] + "</textarea>" in page
    assert count(app, Flag) == 0 and count(app, ReviewItem) == 0


def test_nobody_else_learns_of_a_flag(app, client, forum, member, as_member):
    author, bystander = member("author"), member("bystander")
    thread_id = forum.thread(who=author)
    forum.reply(thread_id, who=bystander, body="A kind reply")
    post_id = forum.first_post(thread_id)
    member("quiet_flagger")

    def pages():
        seen = {}
        for who in ("author", "bystander"):
            as_member(who)
            seen[who] = client.get(f"/threads/{thread_id}").get_data(as_text=True)
        return seen

    before, told = pages(), count(app, Notification, user_id=author)
    as_member("quiet_flagger")
    assert client.post_form(f"/flag/post/{post_id}", {"reason": "unkind"}).status_code == 302
    after = pages()
    for who in ("author", "bystander"):
        assert "quiet_flagger" not in after[who]
        assert after[who].lower().count("flagged") == before[who].lower().count("flagged")
    assert count(app, Notification, user_id=author) == told


def _flag_reply(client, forum, member, as_member, trusted):
    author, replier = member("author"), member("replier")
    thread_id = forum.thread(who=author)
    reply_id = forum.reply(thread_id, who=replier, body="Try buying tablets from my friend")
    for n in range(3):
        member(f"flagger{n}", trusted=trusted)
        as_member(f"flagger{n}")
        assert client.post_form(f"/flag/post/{reply_id}", {"reason": "medication"}).status_code == 302
    member("reader")
    as_member("reader")
    return client.get(f"/threads/{thread_id}").get_data(as_text=True)


def test_three_trusted_flags_hide_a_post(app, client, forum, member, as_member):
    page = _flag_reply(client, forum, member, as_member, trusted=True)
    assert "This post is hidden by the moderators" in page
    assert "Try buying tablets" not in page
    with app.app_context():
        item = db.session.scalar(db.select(ReviewItem))
        assert "community_hidden" in item.reasons and item.flag_count == 3


def test_flags_from_new_members_do_not_hide_a_post(app, client, forum, member, as_member):
    page = _flag_reply(client, forum, member, as_member, trusted=False)
    assert "This post is hidden by the moderators" not in page
    assert "Try buying tablets" in page
    with app.app_context():
        item = db.session.scalar(db.select(ReviewItem))
        assert "community_hidden" not in item.reasons and item.flag_count == 3


def test_worried_flag_is_a_crisis_item(app, client, forum, member, as_member):
    post_id = forum.first_post(forum.thread(who=member("author"), body="I can't see a way forward"))
    member("friend")
    as_member("friend")
    page = client.get(f"/flag/post/{post_id}").get_data(as_text=True)
    assert 'aria-describedby="reason-worried-hint"' in page
    assert "A moderator is alerted at once." in page and 'href="/crisis"' in page
    assert client.post_form(f"/flag/post/{post_id}", {"reason": "worried"}).status_code == 302
    with app.app_context():
        item = db.session.scalar(db.select(ReviewItem).filter_by(subject_type="post", subject_id=post_id))
        assert item.crisis and "worried" in item.reasons


# Flagging profiles -----------------------------------------------------------------------


def test_member_flags_a_profile(app, client, member, as_member):
    troll = member("troll")
    member("reporter")
    as_member("reporter")
    profile = client.get("/u/troll").get_data(as_text=True)
    assert f'href="/flag/user/{troll}">Flag this profile</a>' in profile
    page = client.get(f"/flag/user/{troll}").get_data(as_text=True)
    assert "<h1>Flag this profile</h1>" in page and "<strong>@troll</strong>" in page
    response = client.post_form(f"/flag/user/{troll}", {"reason": "unkind", "note": "Rude bio"})
    assert response.status_code == 302 and response.headers["Location"] == "/u/troll"
    assert THANKS in client.get("/u/troll").get_data(as_text=True)
    with app.app_context():
        item = db.session.scalar(db.select(ReviewItem))
        assert (item.subject_type, item.subject_id, item.member_id) == ("user", troll, troll)
        assert item.snapshot["title"] == "Profile of troll" and item.snapshot["url"] == "/u/troll"
        item_id = item.id
    as_member("moderator")
    page = client.get(f"/mod/items/{item_id}").get_data(as_text=True)
    assert "Profile of troll" in page and "Rude bio" in page


def test_own_profile_has_no_flag_or_block(client, member, as_member):
    me = member("someone")
    as_member("someone")
    page = client.get("/u/someone").get_data(as_text=True)
    assert "Flag this profile" not in page and "/block" not in page
    assert client.get(f"/flag/user/{me}").status_code == 403


# Blocking and muted words ----------------------------------------------------------------


@pytest.fixture
def three(member, forum):
    """Alice, Bob and Carol; Bob replies to Alice's thread. -> (alice id, bob id, thread id)"""
    alice, bob = member("alice"), member("bob")
    member("carol")
    thread_id = forum.thread(who=alice)
    forum.reply(thread_id, who=bob, body="Bob's reply about pacing")
    return alice, bob, thread_id


def test_blocking_collapses_posts_for_the_blocker_only(app, client, as_member, three):
    alice, bob, thread_id = three
    as_member("alice")
    profile = client.get("/u/bob").get_data(as_text=True)
    assert 'action="/u/bob/block"' in profile
    response = client.post_form("/u/bob/block", page="/u/bob")
    assert response.status_code == 302 and response.headers["Location"] == "/u/bob"
    profile = client.get("/u/bob").get_data(as_text=True)
    assert (
        "You blocked bob. Their posts are collapsed for you, and they can&#39;t mention you. "
        "They are not told." in profile
    )
    assert 'action="/u/bob/unblock"' in profile
    assert count(app, Block, blocker_id=alice, blocked_id=bob) == 1

    assert "You blocked this member" in client.get(f"/threads/{thread_id}").get_data(as_text=True)
    settings = client.get("/settings/safety").get_data(as_text=True)
    assert 'action="/u/bob/unblock"' in settings and 'value="/settings/safety"' in settings
    as_member("carol")
    page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "You blocked this member" not in page and "reply about pacing" in page
    as_member("bob")
    assert "blocked" not in client.get("/u/alice").get_data(as_text=True).lower()

    as_member("alice")
    response = client.post_form("/u/bob/unblock", {"next": "/settings/safety"}, page="/settings/safety")
    assert response.headers["Location"] == "/settings/safety"
    assert "You unblocked bob." in client.get("/settings/safety").get_data(as_text=True)
    assert count(app, Block) == 0
    assert "You blocked this member" not in client.get(f"/threads/{thread_id}").get_data(as_text=True)


def test_a_blocked_member_cannot_mention_the_blocker(app, client, forum, as_member, three):
    alice, bob, thread_id = three
    as_member("alice")
    client.post_form("/u/bob/block", page="/u/bob")
    post_id = forum.reply(thread_id, who=bob, body="Thanks @alice and @carol")
    assert count(app, Notification, user_id=db_id(app, "carol"), kind="mention", subject_id=post_id) == 1
    # Neither the mention nor the reply in her own thread reaches Alice.
    assert count(app, Notification, user_id=alice, subject_id=post_id) == 0


def test_an_off_site_next_is_ignored(client, as_member, three):
    as_member("alice")
    response = client.post_form("/u/bob/block", {"next": "https://evil.example/"}, page="/u/bob")
    assert response.headers["Location"] == "/u/bob"


@pytest.mark.parametrize(
    "target, status", [("moderator", 403), ("admin", 403), ("alice", 403), ("nobody", 404)]
)
def test_who_cannot_be_blocked(app, client, as_member, three, target, status):
    as_member("alice")
    assert client.post_form(f"/u/{target}/block", page="/settings").status_code == status
    assert count(app, Block) == 0
    if target != "nobody":
        assert 'action="/u/' not in client.get(f"/u/{target}").get_data(as_text=True)


def test_a_visitor_is_asked_to_sign_in_before_blocking(app, client, three):
    response = client.post_form("/u/bob/block", page="/auth/login")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    assert count(app, Block) == 0


def test_muted_words_collapse_posts_for_that_member_only(app, client, forum, as_member, three):
    alice, bob, thread_id = three
    forum.reply(thread_id, who=bob, body="Have you tried Ice Packs?")
    as_member("carol")
    page = client.get("/settings/safety").get_data(as_text=True)
    assert "<h1>Blocked members and muted words</h1>" in page
    assert "Nobody else is affected." in page
    response = client.post_form("/settings/safety", {"words": "ice packs\n\nflare-up, ICE PACKS"})
    assert response.status_code == 302
    page = client.get("/settings/safety").get_data(as_text=True)
    assert "flare-up\nice packs</textarea>" in page
    assert count(app, MutedWord, user_id=db_id(app, "carol")) == 2
    thread = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert thread.count("This post has a word you muted") == 1
    as_member("alice")
    assert "This post has a word you muted" not in client.get(f"/threads/{thread_id}").get_data(as_text=True)


def test_too_many_muted_words_are_refused_keeping_the_text(app, client, as_member, three):
    as_member("carol")
    words = "\n".join(f"word{n}" for n in range(101))
    response = client.post_form("/settings/safety", {"words": words})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "You can mute up to 100 words or phrases." in page and "word100</textarea>" in page
    assert count(app, MutedWord) == 0


def test_settings_link_to_safety(client, as_member, three):
    as_member("carol")
    assert '<a href="/settings/safety">Blocked members and muted words</a>' in client.get(
        "/settings"
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    "path, data",
    [
        ("/flag/post/{post}", {"reason": "spam"}),
        ("/u/bob/block", {}),
        ("/settings/safety", {"words": "pacing"}),
    ],
)
def test_every_safety_form_needs_its_csrf_token(app, client, forum, as_member, three, path, data):
    alice, bob, thread_id = three
    post_id = forum.first_post(thread_id)
    as_member("carol")
    response = client.post(path.format(post=post_id), data=data)
    assert response.status_code == 400
    assert count(app, Flag) == count(app, Block) == count(app, MutedWord) == 0
