"""Searching the directory: the one function /resources/ and /api/v1/resources both call, so
the page and the API cannot disagree about what matches.

Keywords match Organization.search_text (every word, anywhere); a kind and a condition narrow
it; a place keeps what is within the radius, nearest first, each organisation once at its
nearest location, and lists nationwide, worldwide and online help in a section of its own.
A bounding box on the indexed latitude and longitude picks the candidates in SQL, and the
exact (great-circle) distance is worked out here for those few: no database functions, so
SQLite and PostgreSQL give the same answer."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from community.extensions import db
from community.paging import MAX_PAGE
from community.resources import places, taxonomy
from community.resources.models import Location, Organization, organization_terms
from community.resources.permissions import listed_organizations

RADII_KM = (10, 25, 50, 100)
DEFAULT_RADIUS_KM = 50
PAGE_SIZE = 20
PARAMETERS = ("q", "category", "condition", "near", "radius_km", "page")
QUERY_MAX, NEAR_MAX, MAX_WORDS = 200, 100, 12
WIDE_REACH = ("national", "international", "online")  # help that does not depend on where you are
EARTH_RADIUS_KM = 6371.0088
_KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180
_CHUNK = 5_000  # ids per IN (...), well under SQLite's limit on bound parameters


class SearchError(ValueError):
    """A search we can't run, in words for the person who asked; `field` is the parameter."""

    def __init__(self, message: str, field: str = "", suggestions: list[str] | None = None):
        super().__init__(message)
        self.field = field
        self.suggestions = suggestions or []


@dataclass(frozen=True)
class Query:
    q: str = ""
    category: str = ""  # a kind's code
    condition: str = ""
    near: str = ""
    radius_km: int = DEFAULT_RADIUS_KM
    page: int = 1

    @property
    def words(self) -> list[str]:
        return self.q.casefold().split()[:MAX_WORDS]


@dataclass
class Hit:
    organization: Organization
    distance_km: float | None = None
    location: Location | None = None  # the nearest, when searching near a place


@dataclass
class Results:
    query: Query
    hits: list[Hit]  # this page's
    nationwide: list[Hit] = field(default_factory=list)
    total: int = 0  # hits on every page
    pages: int = 1
    place: places.Place | None = None
    # {"category": {code: organisations}, "condition": {...}} for the words and place alone
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


def _term_code(value: str, vocabulary: str, field_name: str, words: str) -> str:
    value = value.strip()
    if not value:
        return ""
    term = taxonomy.term_for(value)
    if term is None or term.vocabulary != vocabulary:
        raise SearchError(
            f"We don't have a {words} called “{value[:40]}”. Please choose one from the list.", field_name
        )
    return term.code


def _whole_number(value: str, default: int) -> int | None:
    value = value.strip()
    if not value:
        return default
    return int(value) if value.isascii() and value.isdigit() and len(value) < 9 else None


def parse_query(args: Mapping[str, str]) -> Query:
    """A Query from request parameters, or a SearchError saying what to put right."""
    values = {name: str(args.get(name) or "") for name in PARAMETERS}
    if any("\x00" in value for value in values.values()):
        raise SearchError("That search has characters we can't read. Please type it again.", "q")
    q, near = " ".join(values["q"].split()), " ".join(values["near"].split())
    if len(q) > QUERY_MAX:
        raise SearchError(f"Please use at most {QUERY_MAX} characters of search words.", "q")
    if len(near) > NEAR_MAX:
        raise SearchError(f"Please give a place in at most {NEAR_MAX} characters.", "near")
    radius = _whole_number(values["radius_km"], DEFAULT_RADIUS_KM)
    if radius not in RADII_KM:
        choices = ", ".join(str(r) for r in RADII_KM[:-1]) + f" or {RADII_KM[-1]}"
        raise SearchError(f"Please choose a distance of {choices} km.", "radius_km")
    page = _whole_number(values["page"], 1)
    if page is None or not 1 <= page <= MAX_PAGE:
        raise SearchError("Please give a page number from 1 up.", "page")
    return Query(
        q=q,
        category=_term_code(values["category"], taxonomy.KIND, "category", "kind of help"),
        condition=_term_code(values["condition"], taxonomy.CONDITION, "condition", "condition"),
        near=near,
        radius_km=radius,
        page=page,
    )


# The SQL ------------------------------------------------------------------------------------


def _word_filter(query: Query) -> list:
    return [listed_organizations()] + [
        Organization.search_text.contains(word, autoescape=True) for word in query.words
    ]


def _has_term(code: str):
    return exists().where(
        organization_terms.c.organization_id == Organization.id,
        organization_terms.c.term_id == taxonomy.BY_CODE[code].id,
    )


def _chosen_terms(query: Query) -> list:
    return [taxonomy.BY_CODE[code].id for code in (query.category, query.condition) if code]


def _with_details(ids) -> dict:
    """Organisations by id with what a result shows, in a fixed number of queries."""
    if not ids:
        return {}
    statement = (
        select(Organization)
        .where(Organization.id.in_(list(ids)))
        .options(
            selectinload(Organization.terms),
            selectinload(Organization.phones),
            selectinload(Organization.locations),
        )
    )
    return {organization.id: organization for organization in db.session.scalars(statement)}


def _facets(counts: Mapping) -> dict[str, dict[str, int]]:
    """{"category": {...}, "condition": {...}} from {term id: organisations}, in taxonomy order."""
    return {
        "category": {term.code: counts[term.id] for term in taxonomy.KINDS if counts.get(term.id)},
        "condition": {term.code: counts[term.id] for term in taxonomy.CONDITIONS if counts.get(term.id)},
    }


def _pages(total: int) -> int:
    return max(1, math.ceil(total / PAGE_SIZE))


def search(query: Query) -> Results:
    """Run a search; a SearchError (with suggestions) when `near` is no one place."""
    if not query.near:
        return _everywhere(query)
    resolution = places.resolve(query.near)
    if not resolution.found:
        raise SearchError(resolution.message, "near", resolution.suggestions)
    return _near(query, resolution.place)


def _everywhere(query: Query) -> Results:
    words = _word_filter(query)
    chosen = words + [_has_term(code) for code in (query.category, query.condition) if code]
    total = db.session.scalar(select(func.count()).select_from(Organization).where(*chosen))
    ids = db.session.scalars(
        select(Organization.id)
        .where(*chosen)
        .order_by(func.lower(Organization.name), Organization.id)
        .limit(PAGE_SIZE)
        .offset((query.page - 1) * PAGE_SIZE)
    ).all()
    loaded = _with_details(ids)
    counts = db.session.execute(
        select(organization_terms.c.term_id, func.count())
        .join(Organization, Organization.id == organization_terms.c.organization_id)
        .where(*words)
        .group_by(organization_terms.c.term_id)
    ).all()
    return Results(
        query,
        [Hit(loaded[i]) for i in ids if i in loaded],
        total=total,
        pages=_pages(total),
        facets=_facets(dict(counts)),
    )


# Near a place -------------------------------------------------------------------------------


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(latitude: float, longitude: float, radius_km: float):
    """A WHERE clause for the locations in the box around the circle (a little more than it)."""
    dlat = radius_km / _KM_PER_DEGREE
    south, north = max(-90.0, latitude - dlat), min(90.0, latitude + dlat)
    clauses = [Location.latitude.between(south, north)]
    cos_lat = math.cos(math.radians(latitude))
    dlon = dlat / cos_lat if cos_lat > 1e-9 else 360.0
    if north >= 90.0 or south <= -90.0 or dlon >= 180.0:
        clauses.append(Location.longitude.is_not(None))  # the circle takes in a pole: every longitude
    else:
        west, east = longitude - dlon, longitude + dlon
        if west < -180.0:  # across the antimeridian: two ranges
            clauses.append(or_(Location.longitude >= west + 360.0, Location.longitude <= east))
        elif east > 180.0:
            clauses.append(or_(Location.longitude >= west, Location.longitude <= east - 360.0))
        else:
            clauses.append(Location.longitude.between(west, east))
    return and_(*clauses)


def _terms_of(ids: list) -> dict:
    """{organisation id: {term ids}} for every organisation in `ids`."""
    found: dict = defaultdict(set)
    for start in range(0, len(ids), _CHUNK):
        rows = db.session.execute(
            select(organization_terms.c.organization_id, organization_terms.c.term_id).where(
                organization_terms.c.organization_id.in_(ids[start : start + _CHUNK])
            )
        )
        for organization_id, term_id in rows:
            found[organization_id].add(term_id)
    return found


def _near(query: Query, place: places.Place) -> Results:
    words = _word_filter(query)
    nearest: dict = {}  # organisation id -> (km, lower-case name, location id)
    rows = db.session.execute(
        select(Location.organization_id, Organization.name, Location.id, Location.latitude)
        .add_columns(Location.longitude)
        .join(Organization, Organization.id == Location.organization_id)
        .where(*words, bounding_box(place.latitude, place.longitude, query.radius_km))
    )
    for organization_id, name, location_id, latitude, longitude in rows:
        km = distance_km(place.latitude, place.longitude, latitude, longitude)
        if km <= query.radius_km and (organization_id not in nearest or km < nearest[organization_id][0]):
            nearest[organization_id] = (km, name.casefold(), location_id)
    wide = {
        organization_id: name.casefold()
        for organization_id, name in db.session.execute(
            select(Organization.id, Organization.name).where(
                *words,
                Organization.reach.in_(WIDE_REACH),
                or_(Organization.reach != "national", Organization.country == place.country),
            )
        )
        if organization_id not in nearest
    }
    terms = _terms_of(list(nearest) + list(wide))
    counts: dict = defaultdict(int)
    for term_ids in terms.values():
        for term_id in term_ids:
            counts[term_id] += 1
    chosen = set(_chosen_terms(query))
    local = [key for key in nearest if chosen <= terms.get(key, set())]
    local.sort(key=lambda key: (*nearest[key][:2], str(key)))
    wide_ids = [key for key in wide if chosen <= terms.get(key, set())]
    wide_ids.sort(key=lambda key: (wide[key], str(key)))
    page_ids = local[(query.page - 1) * PAGE_SIZE : query.page * PAGE_SIZE]
    loaded = _with_details(page_ids + wide_ids)
    hits = []
    for key in page_ids:
        km, _, location_id = nearest[key]
        organization = loaded[key]
        location = next((loc for loc in organization.locations if loc.id == location_id), None)
        hits.append(Hit(organization, round(km, 1), location))
    return Results(
        query,
        hits,
        nationwide=[Hit(loaded[key]) for key in wide_ids],
        total=len(local),
        pages=_pages(len(local)),
        place=place,
        facets=_facets(counts),
    )
