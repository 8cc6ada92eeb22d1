"""The directory search (search.py), as the page and the API both use it: words, kind and
condition, places and radii, nearest first, the nationwide section, facets, refusals."""

from __future__ import annotations

import pytest

from community.resources import search
from community.resources.search import Query, SearchError, parse_query

pytestmark = pytest.mark.both_databases


def _names(hits):
    return [hit.organization.name for hit in hits]


def _run(app, **params):
    with app.app_context():
        results = search.search(parse_query(params))
        return results, _names(results.hits), _names(results.nationwide)


def test_near_a_zip_lists_what_is_within_the_radius_nearest_first(app, directory):
    results, names, _ = _run(app, near="10001", radius_km="50")
    assert names == ["Midtown Pain Circle", "Brooklyn CRPS Friends", "Newark Caregivers Network"]
    distances = [hit.distance_km for hit in results.hits]
    assert distances == sorted(distances) and distances[0] < 2 and 7 < distances[1] < 11
    assert all(round(km, 1) == km for km in distances)
    assert results.place.label == "New York, NY 10001" and results.total == 3


def test_the_radius_narrows_and_widens(app, directory):
    assert _run(app, near="10001", radius_km="10")[1] == ["Midtown Pain Circle", "Brooklyn CRPS Friends"]
    wide, names, _ = _run(app, near="10001", radius_km="100")
    assert "Philadelphia Pain Advocates" not in names  # about 130 km away
    assert wide.total == 3
    # two at the same spot: by name
    assert _run(app, near="Philadelphia, PA", radius_km="10")[1] == [
        "Midtown Pain Circle",
        "Philadelphia Pain Advocates",
    ]


def test_an_organisation_appears_once_at_its_nearest_location(app, directory):
    results, names, _ = _run(app, near="Philadelphia, PA", radius_km="25")
    assert names.count("Midtown Pain Circle") == 1
    midtown = next(hit for hit in results.hits if hit.organization.name == "Midtown Pain Circle")
    assert midtown.distance_km < 2 and midtown.location.name == "Midtown Pain Circle place 2"


def test_nationwide_and_online_help_is_a_section_of_its_own(app, directory):
    _, names, wide = _run(app, near="10001")
    assert wide == ["National Pain Line", "World Pain Forum"]  # not the UK-only line
    assert not set(wide) & set(names)
    _, _, wide = _run(app, near="London, UK")
    assert wide == ["Britain Pain Line", "World Pain Forum"]
    without_place, names, wide = _run(app)
    assert wide == [] and "National Pain Line" in names


def test_without_a_place_every_match_is_listed_alphabetically(app, directory):
    results, names, _ = _run(app)
    assert names == sorted(names, key=str.casefold) and len(names) == 7
    assert results.total == 7 and results.pages == 1
    assert all(hit.distance_km is None for hit in results.hits)


def test_unpublished_entries_are_never_listed(app, directory):
    for params in ({}, {"near": "10001"}, {"q": "suggestion"}, {"q": "draft"}):
        _, names, wide = _run(app, **params)
        assert not {"Waiting Suggestion", "Draft Entry", "Declined Suggestion"} & set(names + wide)


def test_words_kind_and_condition_narrow_the_search(app, directory):
    assert _run(app, q="peer TUESDAYS")[1] == ["Midtown Pain Circle"]  # every word, any case
    assert _run(app, q="peer nothing-like-this")[1] == []
    assert _run(app, category="support-groups")[1] == ["Brooklyn CRPS Friends", "Midtown Pain Circle"]
    assert _run(app, category="support-groups", condition="chronic-pain")[1] == ["Midtown Pain Circle"]
    assert _run(app, condition="neuropathy")[1] == []  # an alias of neuropathic-pain
    _, names, wide = _run(app, near="10001", condition="chronic-pain")
    assert names == ["Midtown Pain Circle", "Newark Caregivers Network"]
    assert wide == ["National Pain Line", "World Pain Forum"]
    assert _run(app, near="10001", category="crisis-line")[1:] == ([], ["National Pain Line"])


@pytest.mark.parametrize("q", ["%", "_", "100%", "a_b", "\\", "'; drop table x; --"])
def test_wildcards_in_words_match_only_themselves(app, directory, q):
    assert _run(app, q=q)[1] == []


def test_facets_count_organisations_for_the_words_and_place(app, directory):
    results, _, _ = _run(app)
    assert results.facets["category"] == {
        "advocacy": 1,
        "support-groups": 2,
        "crisis-line": 2,
        "caregivers": 1,
        "education-research": 1,
    }
    assert results.facets["condition"]["chronic-pain"] == 5 and results.facets["condition"]["crps"] == 2
    near, _, _ = _run(app, near="10001", radius_km="10", category="crisis-line")
    # the chosen kind narrows the hits, not the facets: they count the words and place alone
    assert near.facets["category"] == {
        "support-groups": 2,
        "crisis-line": 1,
        "education-research": 1,
    }
    assert near.facets["condition"] == {"chronic-pain": 3, "crps": 2, "mental-health": 1}
    words, _, _ = _run(app, q="brooklyn")
    assert words.facets == {"category": {"support-groups": 1}, "condition": {"crps": 1}}


def test_results_are_paged_at_twenty(app, add_resource):
    for number in range(23):
        add_resource(f"Group {number:02}", kinds=["support-groups"], at=[(40.75, -73.99)])
    first, names, _ = _run(app, near="10001")
    assert len(names) == 20 and first.total == 23 and first.pages == 2
    assert _run(app, near="10001", page="2")[1] == ["Group 20", "Group 21", "Group 22"]  # one spot: by name
    assert _run(app, page="2")[1] == ["Group 20", "Group 21", "Group 22"]
    assert _run(app, page="9")[1] == []


def test_the_bounding_box_handles_the_antimeridian(app, add_resource):
    add_resource("Fiji East", at=[(-17.8, 179.9)])
    add_resource("Fiji West", at=[(-17.8, -179.9)])
    add_resource("Far away", at=[(-17.8, 170.0)])
    with app.app_context():
        from community.resources import places

        for longitude in (179.95, -179.95):
            place = places.Place("Test", -17.8, longitude, "FJ")
            results = search._near(Query(near="x", radius_km=50), place)
            assert sorted(_names(results.hits)) == ["Fiji East", "Fiji West"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"radius_km": "30"}, "radius_km"),
        ({"radius_km": "fifty"}, "radius_km"),
        ({"radius_km": "-10"}, "radius_km"),
        ({"category": "crps"}, "category"),  # a condition, not a kind
        ({"category": "nonsense"}, "category"),
        ({"condition": "support-groups"}, "condition"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"page": "99999999999"}, "page"),
        ({"q": "x" * 201}, "q"),
        ({"q": "pain\x00"}, "q"),
        ({"near": "y" * 101}, "near"),
    ],
)
def test_odd_parameters_are_refused_in_words(params, field):
    with pytest.raises(SearchError) as refused:
        parse_query(params)
    assert refused.value.field == field and len(str(refused.value)) > 15


def test_a_place_we_cannot_find_is_refused_with_suggestions(app, directory):
    with app.app_context():
        with pytest.raises(SearchError) as unknown:
            search.search(parse_query({"near": "nowhere-at-all"}))
        assert unknown.value.field == "near" and "nowhere-at-all" in str(unknown.value)
        with pytest.raises(SearchError) as ambiguous:
            search.search(parse_query({"near": "Springfield"}))
        assert "Springfield, IL" in ambiguous.value.suggestions


def test_distance_is_the_great_circle():
    assert search.distance_km(40.7484, -73.9967, 39.9526, -75.1652) == pytest.approx(130, abs=3)
    assert search.distance_km(0, 179.9, 0, -179.9) == pytest.approx(22.2, abs=0.2)
