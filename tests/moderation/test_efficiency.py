"""Moderators' pages run a fixed number of queries however many items they show, and the
thread page stays fixed with blocked members, muted words and held posts."""

import pytest

from community.extensions import db
from community.forums.models import Post
from community.moderation import blocking, flags, queue, sanctions

pytestmark = pytest.mark.both_databases


def _fill(app, forum, items: int):
    """`items` posts by different members, each flagged (an item with a flag), and sanctions."""
    with app.app_context():
        from community.accounts.services import create_user
        from community.forums import services

        flagger = forum.user("other")
        moderator = forum.user("moderator")
        member = forum.user("member")
        group = forum.group("crps")
        for number in range(items):
            author = create_user(
                f"author{items}_{number}", f"a{items}_{number}@example.org", "x" * 20, trusted=True
            )
            thread = services.create_thread(author, group, f"Thread {items} {number}", "Some words")
            db.session.flush()
            post_id = db.session.scalar(db.select(Post.id).where(Post.thread_id == thread.id))
            flags.flag(flagger, "post", post_id, "unkind" if number % 2 else "worried")
            sanctions.warn(moderator, author, "Please be gentle")
            # "member" gathers items, flags and notices too, for their page at /mod/users/member.
            own = services.create_thread(member, group, f"Member thread {items} {number}", "Words")
            db.session.flush()
            own_post = db.session.scalar(db.select(Post.id).where(Post.thread_id == own.id))
            flags.flag(flagger, "post", own_post, "spam")
            sanctions.warn(moderator, member, "A reminder")
            if number % 3 == 0:
                item = queue.queue_item("post", post_id, "watched_word")
                queue.escalate(item, moderator, "Needs a second look")
        db.session.commit()


@pytest.mark.parametrize("path", ["/mod/", "/mod/?view=resolved", "/mod/log", "/mod/users/member"])
def test_moderation_pages_query_count_does_not_grow(app, client, auth, forum, count_queries, path):
    _fill(app, forum, 5)
    auth.login("moderator")
    client.get(path)
    small = count_queries(lambda: client.get(path))
    _fill(app, forum, 40)
    client.get(path)
    big = count_queries(lambda: client.get(path))
    assert big == small, f"{path}: {small} queries for few items, {big} for many"


def test_the_thread_page_stays_fixed_with_blocks_mutes_and_held_posts(
    app, client, auth, forum, count_queries
):
    thread_id = forum.thread("other")

    def more(count):
        for number in range(count):
            forum.reply(
                thread_id, who=["other", "newcomer", "admin"][number % 3], body=f"reply {number} weather"
            )

    with app.app_context():
        blocking.block(forum.user("member"), forum.user("other"))
        blocking.set_muted_words(forum.user("member"), "weather")
        db.session.commit()
    more(4)
    auth.login()
    path = f"/threads/{thread_id}"
    client.get(path)
    small = count_queries(lambda: client.get(path))
    more(15)
    client.get(path)
    big = count_queries(lambda: client.get(path))
    assert big == small, f"{small} queries for few posts, {big} for many"
