"""The resource directory's place search at 10,000 locations, on SQLite and PostgreSQL.

The schema comes from the real migrations and the taxonomy from the services; then 10,000
published organisations with one location each are written with SQLAlchemy Core in batches:
most at real US ZIP code centres (so they are spread as people are), a few hundred within
100 km of New York City, each with a kind and one or two conditions, plus 50 nationwide ones.

Each query is a random US ZIP code (one in five in New York City) with a random radius
(10, 25, 50 or 100 km), run through community.resources.search, the function the page and the
API call: the place's resolution, the bounding box in SQL, the exact distances, the
nationwide section, the facets and the first page loaded with its terms, phones and
locations, in a fresh session each time as a request would. The baseline is the same search
with no place (the first alphabetical page and the facets), timed in the same run.
PostgreSQL runs when TEST_DATABASE_URL is set (in a schema of its own, dropped afterwards).
"""

from __future__ import annotations

import random
import time
import uuid

from sqlalchemy import insert, text

from bench import Note, Options, Row, Target, percentile
from bench.data import create_schema, database_url, dispose, make_app, postgres_url

TARGET_MS = 50.0
NATIONWIDE = 50
BATCH = 2_000
NYC = (40.7128, -74.0060)


def _zip_places(rng: random.Random):
    from community.resources import places

    index = places._zip_index()
    mainland = [
        (code, place)
        for code, place in index.items()
        if place.country == "US" and 24 < place.latitude < 50 and -125 < place.longitude < -66
    ]
    rng.shuffle(mainland)
    return mainland


def load_directory(app, locations: int, seed: int = 18) -> list[str]:
    """`locations` published organisations with a location each, and NATIONWIDE more with
    none; the ZIP codes the queries use."""
    from community.extensions import db
    from community.resources import services, taxonomy
    from community.resources.models import Location, Organization, organization_terms
    from community.unit_of_work import commit

    rng = random.Random(seed)
    zips = _zip_places(rng)
    near_nyc = max(1, locations * 3 // 100)  # 300 of 10,000
    with app.app_context():
        services.ensure_terms()
        commit()
        organizations, spots, terms = [], [], []
        for number in range(locations + NATIONWIDE):
            org_id = uuid.uuid4()
            kind = rng.choice(taxonomy.KINDS)
            conditions = rng.sample(taxonomy.CONDITIONS, rng.randint(1, 2))
            wide = number >= locations
            name = f"{'National' if wide else 'Local'} {kind.name} {number:05}"
            description = f"{kind.description} For people with {', '.join(c.name for c in conditions)}."
            organizations.append(
                {
                    "id": org_id,
                    "name": name,
                    "description": description,
                    "description_html": f"<p>{description}</p>",
                    "search_text": f"{name} {description}".casefold(),
                    "state": "published",
                    "country": "US",
                    "reach": "national" if wide else "city",
                }
            )
            terms += [{"organization_id": org_id, "term_id": term.id} for term in (kind, *conditions)]
            if not wide:
                if number < near_nyc:  # within about 100 km of New York City
                    latitude = NYC[0] + rng.uniform(-0.8, 0.8)
                    longitude = NYC[1] + rng.uniform(-1.0, 1.0)
                else:
                    place = zips[number % len(zips)][1]
                    latitude = place.latitude + rng.uniform(-0.05, 0.05)
                    longitude = place.longitude + rng.uniform(-0.05, 0.05)
                spots.append(
                    {
                        "id": uuid.uuid4(),
                        "organization_id": org_id,
                        "name": f"{name} office",
                        "city": "Somewhere",
                        "latitude": latitude,
                        "longitude": longitude,
                    }
                )
        with db.engine.begin() as connection:
            for start in range(0, len(organizations), BATCH):
                connection.execute(insert(Organization.__table__), organizations[start : start + BATCH])
            for start in range(0, len(spots), BATCH):
                connection.execute(insert(Location.__table__), spots[start : start + BATCH])
            for start in range(0, len(terms), BATCH):
                connection.execute(insert(organization_terms), terms[start : start + BATCH])
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as connection:
                connection.execute(text("ANALYZE"))
    nyc = [code for code, _ in zips if code.startswith("100")]
    return [rng.choice(nyc) if rng.random() < 0.2 else rng.choice(zips)[0] for _ in range(2_000)]


def time_searches(app, queries: list[tuple[str, int]]):
    """([ms per place search], [ms per the same search without a place], [hits per search])."""
    from community.extensions import db
    from community.resources import search

    placed, plain, hits = [], [], []
    with app.app_context():
        for near, radius in queries[:3]:  # warm the caches, untimed
            search.search(search.Query(near=near, radius_km=radius))
        for near, radius in queries:
            db.session.remove()
            started = time.perf_counter()
            results = search.search(search.Query(near=near, radius_km=radius))
            placed.append((time.perf_counter() - started) * 1000)
            hits.append(results.total)
            db.session.remove()
            started = time.perf_counter()
            search.search(search.Query())
            plain.append((time.perf_counter() - started) * 1000)
        db.session.remove()
    return placed, plain, hits


def run(options: Options):
    from community.resources import places

    locations, count = (500, 20) if options.quick else (10_000, 400)
    began = time.monotonic()
    places.resolve("10001")
    places.resolve("Springfield")  # the place data loads once per process: not part of a search
    place_data = time.monotonic() - began
    for kind in ("sqlite", "postgresql"):
        label = f"resources: place search p95 at {locations:,} locations, {kind}"
        if kind == "postgresql" and postgres_url() is None:
            yield Row(label, None, "", error="TEST_DATABASE_URL is not set")
            continue
        url = database_url(kind, options.workdir, "resources")
        app = make_app(url, options.workdir)
        create_schema(app)
        began = time.monotonic()
        zips = load_directory(app, locations)
        loaded = time.monotonic() - began
        rng = random.Random(7)
        queries = [(rng.choice(zips), rng.choice((10, 25, 50, 100))) for _ in range(count)]
        placed, plain, hits = time_searches(app, queries)
        dispose(app)
        yield Row(
            label,
            percentile(placed, 0.95),
            "ms",
            baseline=percentile(plain, 0.95),
            target=Target(TARGET_MS, at_least=False, on="figure"),
        )
        yield Row(
            f"resources: place search p50 at {locations:,} locations, {kind}",
            percentile(placed, 0.5),
            "ms",
            baseline=percentile(plain, 0.5),
        )
        yield Note(
            f"Resources on {kind}: {locations:,} locations loaded in {loaded:.1f} s (the place data "
            f"in {place_data:.1f} s, once per process); {count} searches at random US ZIP codes",
            [
                f"place search: p50 {percentile(placed, 0.5):.1f} ms, p95 {percentile(placed, 0.95):.1f} ms, "
                f"max {max(placed):.1f} ms; hits p50 {percentile(hits, 0.5):.0f}, max {max(hits)}",
                f"baseline, the same search with no place: p50 {percentile(plain, 0.5):.1f} ms, "
                f"p95 {percentile(plain, 0.95):.1f} ms",
            ],
        )
