"""Pages run a fixed number of queries however many items they show; reading never re-renders."""

import pytest

from community.extensions import db

pytestmark = pytest.mark.both_databases


def _fill(forum, threads: int, replies: int):
    ids = [
        forum.thread(who="member" if i % 2 else "other", title=f"Thread number {i}") for i in range(threads)
    ]
    for i in range(replies):
        forum.reply(ids[0], who=["member", "other", "moderator", "admin"][i % 4], body=f"reply {i}")
    return ids[0]


@pytest.mark.parametrize(
    "path", ["/groups/crps/", "/threads/{thread}", "/", "/search?q=thread", "/notifications"]
)
def test_query_count_does_not_grow_with_items(app, client, auth, forum, count_queries, path):
    from community.forums import groups

    with app.app_context():
        groups.join_group(forum.user("member"), groups.group_by_slug("crps"))
        db.session.commit()
    small_thread = _fill(forum, threads=5, replies=4)
    auth.login()
    client.get(path.format(thread=small_thread))  # the first view writes read state once
    small = count_queries(lambda: client.get(path.format(thread=small_thread)))

    big_thread = _fill(forum, threads=45, replies=45)
    for thread_id in (small_thread, big_thread):
        client.get(path.format(thread=thread_id))
    big = count_queries(lambda: client.get(path.format(thread=big_thread)))
    assert big == small, f"{path}: {small} queries for few items, {big} for many"


def test_reading_a_thread_never_renders_markdown(app, client, auth, forum, monkeypatch):
    thread_id = forum.thread(body="**stored**")
    auth.login()
    from bleach.sanitizer import Cleaner

    import community.content

    calls = []
    # parse and Cleaner.clean: what every rendering runs, however it is reached.
    monkeypatch.setattr(community.content._markdown, "parse", lambda *a, **k: calls.append(a))
    monkeypatch.setattr(Cleaner, "clean", lambda *a, **k: calls.append(a))
    page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "<strong>stored</strong>" in page and calls == []
