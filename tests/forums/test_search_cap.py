"""Search at scale: a very common word is counted and ranked only up to a cap, and says so."""

import re

import pytest

from community import kept_pages
from community.forums import search

pytestmark = pytest.mark.both_databases

_HEADING = re.compile(r'<h2 id="results-title">(.*?)</h2>', re.S)
_POST_LINK = re.compile(r'<li class="card">\s*<h3><a href="/posts/(\d+)"')


@pytest.fixture
def small_cap(monkeypatch):
    """A cap of 5 and pages of 2, so a handful of posts stands for a word in half the forum."""
    monkeypatch.setattr(search, "RESULTS_CAP", 5)
    monkeypatch.setattr(search, "PER_PAGE", 2)


def page_of(client, query, page=1) -> tuple[str, list[int]]:
    html = client.get("/search", query_string={"q": query, "page": page}).get_data(as_text=True)
    return html, [int(post_id) for post_id in _POST_LINK.findall(html)]


def test_a_common_word_says_more_than_the_cap_and_pages_through_the_newest(client, auth, forum, small_cap):
    thread_id = forum.thread(title="Pacing plans", body="pacing")
    post_ids = [forum.first_post(thread_id)] + [forum.reply(thread_id, body=f"pacing {n}") for n in range(7)]
    auth.login()
    first, shown = page_of(client, "pacing")
    assert _HEADING.search(first).group(1) == "More than 5 results"
    assert 'id="capped-note"' in first and "the newest 5" in first
    assert len(shown) == 2 and 'rel="next"' in first
    for page in (2, 3):
        html, more = page_of(client, "pacing", page)
        shown += more
    assert sorted(shown) == sorted(post_ids[-5:])  # the newest five, each once
    assert 'rel="next"' not in html  # page 3 ends the range


def test_a_page_past_the_cap_says_so_and_leads_back(client, auth, forum, small_cap):
    thread_id = forum.thread(title="Pacing plans", body="pacing")
    for n in range(7):
        forum.reply(thread_id, body=f"pacing {n}")
    auth.login()
    for page in (4, 10**6):
        html, shown = page_of(client, "pacing", page)
        assert shown == [] and "More than 5 results" in html
        assert "There are no results past page 3." in html
        assert 'rel="prev" href="/search?q=pacing&amp;page=3"' in html and 'rel="next"' not in html


def test_a_query_within_the_cap_is_counted_exactly(client, auth, forum, small_cap):
    thread_id = forum.thread(title="Pacing plans", body="pacing")
    for n in range(4):
        forum.reply(thread_id, body=f"pacing {n}")
    auth.login()
    html, _ = page_of(client, "pacing")
    assert _HEADING.search(html).group(1) == "5 results" and 'id="capped-note"' not in html


def test_relevance_orders_the_newest_hits_when_there_are_too_many(app, client, auth, forum, monkeypatch):
    old = forum.thread(title="Heat or ice", body="heat heat heat: heat pads, heat wraps")
    newer = forum.thread(title="Another thread", body="Some heat helps")
    forum.reply(newer, body="A little heat")
    newest = forum.reply(newer, body="Heat, then heat again")
    auth.login()
    _, ranked = page_of(client, "heat")
    assert ranked[:2] == [forum.first_post(old), newest]  # every hit ranked: the most relevant first
    monkeypatch.setattr(search, "RESULTS_CAP", 3)
    with app.app_context():
        kept_pages.forget_all()  # the page kept from before: a new cap comes with a restart
    html, capped = page_of(client, "heat")
    assert "More than 3 results" in html
    assert capped[0] == newest and forum.first_post(old) not in capped  # the best of the newest three


def test_a_capped_search_runs_as_many_statements_as_a_small_one(app, forum, users, count_queries, small_cap):
    from community.accounts.models import User
    from community.extensions import db
    from community.forums.services import search_posts

    def run():
        with app.test_request_context():
            results, total = search_posts("pacing", db.session.get(User, users["member"]))
            return len(results), total, total.more

    thread_id = forum.thread(title="Pacing plans", body="pacing")
    few = count_queries(run)
    assert run() == (1, 1, False)
    for n in range(8):
        forum.reply(thread_id, body=f"pacing {n}")
    assert count_queries(run) == few
    assert run() == (2, 5, True)


def test_the_forgiving_search_is_capped_and_marked_too(client, auth, forum, small_cap):
    """No post has both words: the newest posts with either, still marked as partial matches."""
    thread_id = forum.thread(title="Pacing plans", body="pacing")
    for n in range(7):
        forum.reply(thread_id, body=f"pacing {n}")
    auth.login()
    html, shown = page_of(client, "pacing zebra")
    assert _HEADING.search(html).group(1) == "More than 5 results"
    assert 'id="partial-note"' in html and html.count("Partial match") == len(shown) == 2
    html, shown = page_of(client, "pacing zebra", 4)
    assert shown == [] and "There are no results past page 3." in html
