"""Places resolve offline: US ZIP codes, city names in any case and without accents, "City, ST"
and "City, Country", several places of one name to choose from, and none with close names."""

from __future__ import annotations

import time

import pytest

from community.resources import places


@pytest.mark.parametrize("text", ["10001", "10001-2345", " 100012345 "])
def test_a_zip_code_is_a_place_with_its_city_and_state(text):
    found = places.resolve(text)
    assert found.found and found.place.label == "New York, NY 10001"
    assert found.place.country == "US"
    assert found.place.latitude == pytest.approx(40.75, abs=0.05)
    assert found.place.longitude == pytest.approx(-74.0, abs=0.05)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Philadelphia", "Philadelphia, PA, United States"),
        ("PHILADELPHIA, pa", "Philadelphia, PA, United States"),
        ("springfield, Illinois", "Springfield, IL, United States"),
        ("Zurich", "Zürich, Switzerland"),
        ("zürich", "Zürich, Switzerland"),
        ("London, UK", "London, United Kingdom"),
        ("London, Canada", "London, Canada"),
        ("Sao Paulo", "São Paulo, Brazil"),
    ],
)
def test_a_city_is_found_whatever_its_case_and_accents(text, label):
    found = places.resolve(text)
    assert found.found, found.message
    assert found.place.label == label


def test_several_places_of_one_name_are_offered_most_populous_first():
    springfield = places.resolve("Springfield")
    assert springfield.status == places.AMBIGUOUS and not springfield.found
    assert 2 <= len(springfield.suggestions) <= places.MAX_SUGGESTIONS
    assert springfield.suggestions[0] == "Springfield, MO"
    assert "Springfield, IL" in springfield.suggestions
    assert "more than one place called “Springfield”" in springfield.message
    # each suggestion is itself one place
    assert all(places.resolve(text).found for text in springfield.suggestions)
    assert places.resolve("London").suggestions[:2] == ["London, GB", "London, CA"]


def test_an_unknown_place_says_so_and_offers_close_names():
    nowhere = places.resolve("nowhere-at-all")
    assert nowhere.status == places.UNKNOWN and nowhere.suggestions == []
    assert nowhere.message == (
        "We couldn't find a place called “nowhere-at-all”. Try a US ZIP code or a city name."
    )
    typo = places.resolve("Philadelpia")
    assert typo.status == places.UNKNOWN
    assert "Philadelphia, PA" in typo.suggestions and "Did you mean" in typo.message
    assert places.resolve("00000").status == places.UNKNOWN


def test_lookups_are_fast_once_the_data_is_loaded():
    places.resolve("Boston")
    started = time.perf_counter()
    for text in ["10001", "Boston", "Springfield", "94110", "Paris, France"] * 100:
        places.resolve(text)
    assert (time.perf_counter() - started) / 500 < 0.005


def test_warm_reads_both_tables_so_the_first_search_does_not_wait():
    places.warm()
    assert places._zip_index.cache_info().currsize == 1
    assert places._cities.cache_info().currsize == 1
