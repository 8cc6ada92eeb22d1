"""/resources/ and /resources/<id> as people use them: the search form without JavaScript,
results with distances in the member's own units, the nationwide section, facets as links,
messages for places we can't pin down, and who may see which entry."""

from __future__ import annotations

import re
import uuid

import pytest

from community.resources.search import PAGE_SIZE

pytestmark = pytest.mark.both_databases


def _page(client, path, status=200, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_the_search_form_is_labelled_and_works_without_javascript(client, directory):
    page = _page(client, "/resources/")
    assert '<form method="get" action="/resources/" role="search"' in page
    for name in ("q", "category", "condition", "near", "radius_km"):
        assert f'<label for="{name}">' in page and f'id="{name}" ' in page
    assert '<option value="50" selected>' in page
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "7 entries" in page and "Midtown Pain Circle" in page
    assert "Waiting Suggestion" not in page and "Draft Entry" not in page


def test_results_near_a_zip_show_distances_in_km(client, directory):
    page = _page(client, "/resources/?near=10001&radius_km=25", **{"Accept-Language": "fr-FR,fr"})
    assert "3 places within 25 km of New York, NY 10001" in page
    assert page.index("Midtown Pain Circle") < page.index("Brooklyn CRPS Friends") < page.index("Newark")
    assert re.search(r"\d\.\d km away", page) and "miles" not in page
    assert '<h2 id="nationwide-title">Nationwide and online</h2>' in page
    assert page.index("nationwide-title") < page.index("National Pain Line")


def test_members_in_mile_countries_see_miles_first(client, directory):
    page = _page(client, "/resources/?near=10001", **{"Accept-Language": "en-US,en;q=0.8"})
    assert re.search(r"\d+\.\d miles \(\d+\.\d km\) away", page)
    assert "31 miles (50 km)" in page
    assert "miles" in _page(client, "/resources/?near=10001", **{"Accept-Language": "en-GB"})


def test_facets_are_links_that_narrow_the_search(client, directory):
    page = _page(client, "/resources/?near=10001&radius_km=10")
    assert 'aria-label="Narrow the results"' in page
    facet = r'href="([^"]*category=support-groups[^"]*)">Support groups <span class="meta">\(2\)'
    link = re.search(facet, page)
    assert link, page
    narrowed = _page(client, link.group(1).replace("&amp;", "&"))
    assert "near=10001" in link.group(1) and "Midtown Pain Circle" in narrowed
    assert "National Pain Line" not in narrowed  # a crisis line, not a support group
    assert 'aria-current="true"' in narrowed


def test_an_unknown_place_is_a_message_not_an_error(client, directory):
    page = _page(client, "/resources/?near=nowhere-at-all")
    assert "We couldn&#39;t find a place called “nowhere-at-all”" in page or "couldn't find" in page
    assert 'role="alert"' in page


def test_an_ambiguous_place_offers_each_as_a_link(client, directory):
    page = _page(client, "/resources/?near=Springfield&q=pain")
    assert "more than one place called “Springfield”" in page
    assert 'href="/resources/?q=pain&amp;near=Springfield,+IL">Springfield, IL</a>' in page


@pytest.mark.parametrize("query", ["radius_km=7", "category=nope", "page=-1", "q=" + "x" * 201])
def test_odd_parameters_are_a_readable_400(client, directory, query):
    page = _page(client, f"/resources/?{query}", status=400)
    assert 'role="alert"' in page and "Please" in page


def test_a_published_entry_shows_everything_under_it(client, directory):
    page = _page(client, f"/resources/{directory['Midtown Pain Circle']}")
    assert '<h1 id="resource-title">Midtown Pain Circle</h1>' in page
    assert "<strong>peer</strong>" in page  # the stored safe HTML
    assert 'href="tel:2125550100"' in page and 'href="https://midtown.example.org"' in page
    assert "Last verified" in page and "12 March 2026" in page
    assert "Tuesday" in page and "18:00 to 20:00" in page and "Closed on public holidays" in page
    assert "Support groups" in page and "CRPS" in page and "Open" in page
    assert 'href="https://example.org/list"' in page
    assert "Report outdated information" not in page and ">Edit<" not in page  # a visitor


def test_text_lines_are_sms_links_with_their_keyword(client, directory):
    page = _page(client, f"/resources/{directory['National Pain Line']}")
    assert 'href="sms:741741?body=HOME"' in page and 'href="tel:988"' in page
    assert "Not yet verified" in page
    assert "Nationwide" in page


def test_nothing_on_the_pages_loads_from_another_host(client, directory):
    for path in ("/resources/?near=10001", f"/resources/{directory['Midtown Pain Circle']}"):
        page = _page(client, path)
        assert not re.search(r'(src|srcset)="(https?:)?//', page)
        assert not re.search(r'<link[^>]+href="(https?:)?//', page)


def test_members_may_report_and_moderators_edit(client, auth, directory):
    entry = directory["Midtown Pain Circle"]
    assert 'href="/resources/suggest"' not in _page(client, "/resources/")  # a visitor
    auth.login("member")
    page = _page(client, f"/resources/{entry}")
    assert f'href="/resources/{entry}/report">Report outdated information</a>' in page
    assert f'href="/resources/{entry}/edit"' not in page
    assert 'href="/resources/suggest">Suggest a resource</a>' in _page(client, "/resources/")
    auth.logout()
    auth.login("moderator")
    assert f'href="/resources/{entry}/edit">Edit<span' in _page(client, f"/resources/{entry}")


@pytest.mark.parametrize("name", ["Waiting Suggestion", "Draft Entry", "Declined Suggestion"])
def test_unpublished_entries_are_404_for_visitors_and_other_members(client, auth, directory, name):
    _page(client, f"/resources/{directory[name]}", status=404)
    auth.login("other_member")
    _page(client, f"/resources/{directory[name]}", status=404)


def test_a_member_sees_their_own_suggestion_and_why_it_was_declined(client, auth, directory):
    auth.login("member")
    page = _page(client, f"/resources/{directory['Waiting Suggestion']}")
    assert "Your suggestion is waiting for review" in page
    page = _page(client, f"/resources/{directory['Declined Suggestion']}")
    assert "We could not find this group anywhere." in page
    _page(client, f"/resources/{directory['Draft Entry']}", status=404)


def test_an_unknown_id_is_404(client, directory):
    _page(client, f"/resources/{uuid.uuid4()}", status=404)
    _page(client, "/resources/not-a-uuid", status=404)


@pytest.mark.parametrize("path", ["/resources/?near=10001", "/resources/?q=place", "/resources/"])
def test_the_search_page_runs_a_fixed_number_of_queries(client, add_resource, count_statements, path):
    def fill(start, count):
        for number in range(start, start + count):
            add_resource(
                f"Place {number:03}",
                kinds=["support-groups"],
                conditions=["crps", "chronic-pain"],
                at=[(40.75, -73.99), (40.70, -73.95)],
                phones=[("(212) 555-0100", "voice", "")],
            )
            add_resource(f"Line {number:03}", kinds=["crisis-line"], reach="national")

    fill(0, 2)
    client.get(path)
    few = count_statements(lambda: client.get(path))
    fill(2, PAGE_SIZE + 3)
    many = count_statements(lambda: client.get(path))
    assert many == few, f"{path}: {few} statements for few entries, {many} for many"


@pytest.fixture
def count_statements(app):
    """count_statements(fn) -> how many SQL statements fn ran."""
    from sqlalchemy import event

    from community.extensions import db

    def run(function):
        with app.app_context():
            engine = db.engine
        seen = []
        listener = lambda *args, **kwargs: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            function()
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    return run
