"""Search: ranked, highlighted, filtered to what the viewer may read, safe for any input."""

import re

import pytest

from tests.helpers import corpus_lines

pytestmark = pytest.mark.both_databases


@pytest.fixture
def corpus(forum):
    forum.thread(slug="crps", title="Mirror therapy for CRPS", body="Mirror therapy eased my burning hand.")
    forum.thread(slug="sleep-fatigue", title="Nights are long", body="Sleep comes late; mirror on the wall.")
    forum.thread(
        slug="work-advocacy",
        title="Writing to my representative",
        body="Asking for better pain care <script>alert(1)</script> mirror",
    )
    removed = forum.thread(slug="crps", title="Something I took back", body="mirror mirror")
    return removed


def results(client, query, **params):
    return client.get("/search", query_string={"q": query, **params}).get_data(as_text=True)


def test_members_find_threads_ranked_with_highlights(client, auth, corpus):
    auth.login()
    page = results(client, "mirror therapy")
    assert _RESULTS_TITLE.search(page).group(1) == "1 result"
    assert "Mirror therapy for CRPS" in page
    assert "<mark>" in page
    many = results(client, "mirror")
    assert many.index("Mirror therapy for CRPS") < many.index("Nights are long")


def test_stemming_finds_other_word_forms(client, auth, corpus):
    auth.login()
    assert "Mirror therapy for CRPS" in results(client, "burn")


def test_visitors_search_public_groups_only(client, corpus):
    page = results(client, "mirror")
    assert "Writing to my representative" in page
    assert "Mirror therapy for CRPS" not in page and "Nights are long" not in page


def test_filter_by_group(client, auth, corpus):
    auth.login()
    page = results(client, "mirror", group="sleep-fatigue")
    assert "Nights are long" in page and "Mirror therapy for CRPS" not in page


def test_removed_posts_and_edits_update_the_index(client, auth, forum, corpus):
    auth.login()
    post_id = forum.first_post(corpus)
    client.post_form(f"/posts/{post_id}/delete", page=f"/threads/{corpus}")
    assert "Something I took back" not in results(client, "mirror")
    thread_id = forum.thread(title="Editable thread", body="original wording")
    post_id = forum.first_post(thread_id)
    client.post_form(f"/posts/{post_id}/edit", {"title": "Editable thread", "body": "completely different"})
    assert "Nothing found" in results(client, "original wording")
    assert "Editable thread" in results(client, "different")


def test_highlighting_cannot_inject_markup(client, auth, corpus):
    auth.login()
    page = results(client, "pain care")
    assert "<mark>pain</mark>" in page
    assert "<script>alert(1)</script>" not in page


def test_snippets_are_escaped_before_marks_are_added():
    from community.forums.search import _START, _STOP, _highlight

    snippet = _highlight(f"<img src=x onerror=alert(1)> {_START}pain{_STOP} </mark><script>")
    assert str(snippet) == "&lt;img src=x onerror=alert(1)&gt; <mark>pain</mark> &lt;/mark&gt;&lt;script&gt;"


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unbalanced',
        "mirror AND",
        "OR",
        "NEAR(a b)",
        "*",
        "-mirror",
        "^",
        "col:mirror",
        "'; DROP TABLE posts; --",
        "(((",
        "a" * 500,
    ],
)
def test_awkward_queries_never_error(client, auth, corpus, query):
    auth.login()
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "result" in page or "Nothing found" in page


def test_a_nul_byte_in_a_query_gets_400_on_both_databases(client, auth, corpus):
    """Nobody types one; PostgreSQL refuses it, so the request is refused before it gets there."""
    auth.login()
    assert client.get("/search", query_string={"q": "mirror\x00"}).status_code == 400


_RESULTS_TITLE = re.compile(r'<h2 id="results-title">(.*?)</h2>', re.S)


def test_every_blns_line_gives_results_or_nothing_found(client, auth, corpus):
    auth.login()
    # corpus_lines drops blank lines, so the blank and whitespace-only queries are added here.
    blanks = ["", " ", "   ", "\t", "\n", "\u00a0", "\u3000", " \u2003 \t "]
    for line in blanks + corpus_lines("blns.txt"):
        response = client.get("/search", query_string={"q": line})
        assert response.status_code == 200, repr(line)
        page = response.get_data(as_text=True)
        titles = _RESULTS_TITLE.findall(page)
        if not line.strip():
            # Nothing to look for: the search form only, no results section and no "Nothing found".
            assert titles == [] and 'aria-labelledby="results-title"' not in page, repr(line)
            assert "Nothing found" not in page, repr(line)
            continue
        assert len(titles) == 1, f"{line!r}: expected one results heading, found {titles}"
        heading = titles[0].strip()
        assert re.fullmatch(r"[1-9]\d* results?|Nothing found", heading), f"{line!r}: heading {heading!r}"


def test_results_are_paged(client, auth, forum):
    thread_id = forum.thread(title="Many replies thread", body="pacing")
    for i in range(25):
        forum.reply(thread_id, body=f"pacing tip {i}")
    auth.login()
    first = results(client, "pacing")
    assert "26 results" in first and first.count('<li class="card">') == 20 and 'rel="next"' in first
    second = client.get("/search", query_string={"q": "pacing", "page": 2}).get_data(as_text=True)
    assert second.count('<li class="card">') == 6


def test_the_last_word_is_a_prefix_on_both_databases(client, auth, corpus):
    auth.login()
    assert "Mirror therapy for CRPS" in results(client, "therapy mirr")


def test_a_removed_opening_post_leaves_its_title_findable(client, auth, forum):
    thread_id = forum.thread(title="Findable by its title", body="zebra crossing")
    auth.login()
    client.post_form(f"/posts/{forum.first_post(thread_id)}/delete", page=f"/threads/{thread_id}")
    assert "Findable by its title" in results(client, "findable")
    assert "Nothing found" in results(client, "zebra")


def test_a_visitor_filtering_by_a_members_only_group_finds_nothing(client, corpus):
    page = results(client, "mirror", group="crps")
    assert "Nothing found" in page and "Writing to my representative" not in page


@pytest.mark.parametrize("page_number", ["0", "-3", "abc", str(10**20)])
def test_any_page_number_is_answered(client, auth, corpus, page_number):
    auth.login()
    for path in ["/search?q=mirror", "/groups/crps/", "/notifications"]:
        response = client.get(f"{path}{'&' if '?' in path else '?'}page={page_number}")
        assert response.status_code == 200, path


def test_a_post_behind_a_content_warning_shows_the_warning_not_its_words(client, forum):
    """A visitor's snippet must not show what the author hid behind a warning."""
    forum.thread(
        slug="work-advocacy", title="Hard week at work", body="The darkest details of my week", cw="self-harm"
    )
    page = client.get("/search?q=darkest").get_data(as_text=True)
    assert "1 result" in page
    assert "Content warning: self-harm" in page
    assert "darkest details" not in page
