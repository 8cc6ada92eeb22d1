"""Notifications say what happened: the reaction by name, read one at a time as each is
opened, and a count of replies that forgets the ones removed since."""

import re

import pytest

from community.extensions import db
from community.forums import moderation
from community.forums.models import Post

pytestmark = pytest.mark.both_databases

SAME_SITE = {"Sec-Fetch-Site": "same-origin"}


def links(client) -> list[str]:
    return re.findall(r'href="(/notifications/\d+)"', client.get("/notifications").get_data(as_text=True))


def unread(client) -> int:
    return client.get("/notifications").get_data(as_text=True).count('<span class="badge">New</span>')


def react(client, auth, who, post_id, thread_id, kind="support"):
    auth.login(who)
    client.post_form(f"/posts/{post_id}/react", {"reaction": f"{kind}:on"}, page=f"/threads/{thread_id}")
    auth.logout()


@pytest.mark.parametrize(
    "kind, words",
    [
        ("support", "other_member sent you support in “A thread about flares”"),
        ("metoo", "other_member said “me too” to your post in “A thread about flares”"),
        ("helpful", "other_member found your post helpful in “A thread about flares”"),
        ("thanks", "other_member thanked you for your post in “A thread about flares”"),
    ],
)
def test_a_reaction_is_named(client, auth, forum, kind, words):
    thread_id = forum.thread(who="member")
    react(client, auth, "other_member", forum.first_post(thread_id), thread_id, kind)
    auth.login("member")
    assert words in client.get("/notifications").get_data(as_text=True)


def test_several_people_and_reactions_are_all_named(client, auth, forum):
    thread_id = forum.thread(who="member")
    post_id = forum.first_post(thread_id)
    react(client, auth, "other_member", post_id, thread_id, "support")
    react(client, auth, "moderator", post_id, thread_id, "thanks")
    auth.login("member")
    page = client.get("/notifications").get_data(as_text=True)
    assert "and 1 other reacted to your post in “A thread about flares”: Sending support, Thank you" in page


def test_opening_one_notification_reads_that_one_only(client, auth, forum):
    first = forum.thread(who="member", title="The first thread")
    second = forum.thread(who="member", title="The second thread")
    forum.reply(first, who="other")
    forum.reply(second, who="other")
    auth.login("member")
    assert unread(client) == 2  # showing the list reads nothing
    assert unread(client) == 2
    newest = links(client)[0]
    response = client.get(newest, headers=SAME_SITE)
    assert response.status_code == 302 and re.search(r"/posts/\d+$", response.headers["Location"])
    assert unread(client) == 1
    assert (
        links(client)[0] == newest
        and "unread"
        not in client.get("/notifications").get_data(as_text=True).split(newest)[0].rsplit("<li", 1)[1]
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {},
        {"Referer": "https://evil.example/"},
    ],
)
def test_another_site_cannot_mark_a_notification_read(client, auth, forum, headers):
    thread_id = forum.thread(who="member")
    forum.reply(thread_id, who="other")
    auth.login("member")
    response = client.get(links(client)[0], headers=headers)
    assert response.status_code == 302  # still taken where it points
    assert unread(client) == 1


def test_a_typed_address_or_an_old_browser_on_this_site_marks_it_read(client, auth, forum):
    thread_id = forum.thread(who="member")
    forum.reply(thread_id, who="other")
    forum.reply(forum.thread(who="member", title="Another thread"), who="other")
    auth.login("member")
    first, second = links(client)
    client.get(first, headers={"Sec-Fetch-Site": "none"})
    client.get(second, headers={"Referer": "http://localhost/notifications"})
    assert unread(client) == 0


def test_nobody_opens_another_members_notification(client, auth, forum):
    thread_id = forum.thread(who="member")
    forum.reply(thread_id, who="other")
    auth.login("member")
    link = links(client)[0]
    auth.logout()
    auth.login("other_member")
    assert client.get(link, headers=SAME_SITE).status_code == 404


def test_a_removed_reply_is_no_longer_counted(app, client, auth, forum):
    thread_id = forum.thread(who="member")
    forum.reply(thread_id, who="other", body="first reply")
    taken_back = forum.reply(thread_id, who="other", body="second reply")
    hidden = forum.reply(thread_id, who="moderator", body="third reply")
    auth.login("member")
    assert "3 replies in “A thread about flares”" in client.get("/notifications").get_data(as_text=True)
    auth.logout()
    auth.login("other_member")
    client.post_form(f"/posts/{taken_back}/delete", page=f"/threads/{thread_id}")
    auth.logout()
    auth.login("member")
    assert "2 replies in “A thread about flares”" in client.get("/notifications").get_data(as_text=True)
    with app.app_context():
        moderation.hide(db.session.get(Post, hidden), "Off topic")
        db.session.commit()
    page = client.get("/notifications").get_data(as_text=True)
    assert "replied in “A thread about flares”" in page and "replies in" not in page


def test_the_list_counts_replies_in_a_fixed_number_of_statements(client, auth, forum, count_queries):
    for number in range(2):
        forum.reply(forum.thread(who="member", title=f"Thread number {number}"), who="other")
    auth.login("member")
    few = count_queries(lambda: client.get("/notifications"))
    for number in range(2, 6):
        thread_id = forum.thread(who="member", title=f"Thread number {number}")
        forum.reply(thread_id, who="other")
        forum.reply(thread_id, who="moderator")
    assert count_queries(lambda: client.get("/notifications")) == few
