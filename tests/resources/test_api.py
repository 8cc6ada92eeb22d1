"""/api/v1/resources: the directory as JSON with the page's parameters; every odd request is
a 400 with words a person can read, never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.both_databases

ENTRY_KEYS = {"id", "name", "description", "url", "website", "kinds", "conditions", "phones"}


def _json(client, query, status=200):
    response = client.get(f"/api/v1/resources?{query}")
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    return response.get_json()


def test_near_a_zip_results_have_distances_nearest_first(client, directory):
    body = _json(client, "near=10001&radius_km=50")
    assert body["ok"] is True and body["total"] == 3
    names = [entry["name"] for entry in body["results"]]
    assert names == ["Midtown Pain Circle", "Brooklyn CRPS Friends", "Newark Caregivers Network"]
    distances = [entry["distance_km"] for entry in body["results"]]
    assert distances == sorted(distances) and all(isinstance(km, float) for km in distances)
    assert body["place"]["label"] == "New York, NY 10001"
    assert body["place"]["latitude"] == pytest.approx(40.75, abs=0.05)
    assert [entry["name"] for entry in body["nationwide"]] == ["National Pain Line", "World Pain Forum"]
    assert all("distance_km" not in entry for entry in body["nationwide"])
    assert body["facets"]["category"]["support-groups"] == 2


def test_an_entry_has_the_documented_shape(client, directory):
    body = _json(client, "near=10001&radius_km=10")
    midtown = body["results"][0]
    assert set(midtown) == ENTRY_KEYS | {"distance_km"}
    assert midtown["id"] == str(directory["Midtown Pain Circle"])
    assert midtown["url"] == f"/resources/{directory['Midtown Pain Circle']}"
    assert midtown["description"] == "A peer group that meets on Tuesdays in Midtown."  # text, not HTML
    assert midtown["website"] == "https://midtown.example.org"
    assert midtown["kinds"] == ["support-groups"]
    assert sorted(midtown["conditions"]) == ["chronic-pain", "crps"]
    assert midtown["phones"] == [{"number": "(212) 555-0100", "type": "voice", "description": ""}]
    line = body["nationwide"][0]
    assert {"number": "741741", "type": "text", "description": ""} in line["phones"]


def test_without_a_place_there_are_no_distances(client, directory):
    body = _json(client, "q=pain&category=support-groups")
    assert body["place"] is None
    assert [entry["name"] for entry in body["results"]] == ["Brooklyn CRPS Friends", "Midtown Pain Circle"]
    assert all(set(entry) == ENTRY_KEYS for entry in body["results"])
    assert body["nationwide"] == []


def test_unpublished_entries_are_not_in_the_api(client, auth, directory):
    auth.login("member")  # even for the member who suggested one
    body = _json(client, "near=10001&radius_km=100")
    names = {entry["name"] for entry in body["results"] + body["nationwide"]}
    assert not {"Waiting Suggestion", "Draft Entry", "Declined Suggestion"} & names


def test_an_unknown_place_is_a_400_with_words(client, directory):
    body = _json(client, "near=nowhere-at-all", status=400)
    assert body["ok"] is False and body["suggestions"] == []
    assert body["error"].startswith("We couldn't find a place called “nowhere-at-all”")
    body = _json(client, "near=Springfield", status=400)
    assert "Springfield, IL" in body["suggestions"]


@pytest.mark.parametrize(
    "query",
    [
        "radius_km=30",
        "radius_km=abc",
        "radius_km=1e3",
        "radius_km=%EF%BC%95%EF%BC%90",  # fullwidth "50"
        "category=nope",
        "condition=advocacy",
        "page=0",
        "page=-3",
        "page=1.5",
        "page=" + "9" * 30,
        "q=" + "a" * 201,
        "near=" + "b" * 101,
    ],
)
def test_bad_parameters_are_a_readable_400(client, directory, query):
    body = _json(client, query, status=400)
    assert body["ok"] is False and len(body["error"]) > 15 and "Traceback" not in body["error"]


@pytest.mark.parametrize("query", ["q=%00", "near=100%0001"])
def test_nul_bytes_are_refused_before_the_search(client, query):
    # the app refuses NUL in any parameter before a view runs (community/security.py)
    response = client.get(f"/api/v1/resources?{query}", headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.get_json()["message"]


@pytest.mark.parametrize(
    "query",
    ["q=%25", "q=_", "q=%E2%80%AE%F0%9F%98%80", "near=%F0%9F%98%80", "near=%2C", "near=+,+IL", "category="],
)
def test_odd_but_harmless_input_answers(client, directory, query):
    response = client.get(f"/api/v1/resources?{query}")
    assert response.status_code in (200, 400)
    assert response.get_json()["ok"] is (response.status_code == 200)


@pytest.mark.parametrize(
    "path", ["/api/v1/resources?q=pain%00", "/api/v1/resources?near=%00", "/api/v1/no-such-thing"]
)
def test_every_refusal_is_json_a_client_can_read(client, path):
    """A NUL byte (refused before any view) and an unknown address answer as the API does."""
    response = client.get(path)
    assert response.status_code in {400, 404}
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["ok"] is False and body["error"] and body["message"]
