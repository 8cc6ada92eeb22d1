"""Directory fixtures: `add_resource` writes one entry the way the services do (through the
models and services.refresh), and `directory` is a small sample of TEST entries around ZIP
10001 (New York, NY), nationwide and worldwide ones, and some nobody may list. None of it is
seed data."""

from __future__ import annotations

from datetime import date, time

import pytest

from community.extensions import db
from community.resources import services
from community.resources.models import (
    DRAFT,
    PUBLISHED,
    SUGGESTED,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
)

# Where each sample entry is (latitude, longitude), and roughly how far from ZIP 10001.
MANHATTAN = (40.7549, -73.9840)  # about 1.3 km
BROOKLYN = (40.6782, -73.9442)  # about 9 km
NEWARK = (40.7357, -74.1724)  # about 15 km
PHILADELPHIA = (39.9526, -75.1652)  # about 130 km


def _write(
    name: str,
    *,
    kinds=(),
    conditions=(),
    at=(),
    reach: str = "",
    country: str = "US",
    state: str = PUBLISHED,
    description: str = "",
    phones=(),
    suggested_by: int | None = None,
    **fields,
) -> Organization:
    services.ensure_terms()
    source, html = services.describe(description or f"{name} helps people who live with pain.")
    organization = Organization(
        name=name,
        description=source,
        description_html=html,
        country=country,
        state=state,
        suggested_by_id=suggested_by,
        terms=services.terms_for([*kinds, *conditions]),
        **fields,
    )
    service = Service(name=f"{name} help", description="Someone to talk to.")
    if reach:
        service.areas.append(ServiceArea(scope=reach, name=country or "Worldwide", country=country))
    organization.services.append(service)
    for number, kind, keyword in phones:
        organization.phones.append(Phone(number=number, type=kind, text_keyword=keyword))
    for index, (latitude, longitude) in enumerate(at):
        organization.locations.append(
            Location(
                name=f"{name} place {index + 1}", city="Test city", latitude=latitude, longitude=longitude
            )
        )
    services.refresh(organization)
    db.session.add(organization)
    db.session.flush()
    return organization


@pytest.fixture
def add_resource(app):
    """add_resource(name, kinds=(), conditions=(), at=[(lat, lon)], reach="", country="US",
    state=PUBLISHED, description="", phones=[(number, type, keyword)], suggested_by=user id,
    **Organization fields) -> its id (committed)."""

    def add(name: str, **options):
        with app.app_context():
            organization = _write(name, **options)
            db.session.commit()
            return organization.id

    return add


@pytest.fixture
def directory(app, users) -> dict[str, object]:
    """Sample entries, {name: id}: four near ZIP 10001 and one in Philadelphia, national and
    worldwide help, one UK-only line, and a member's suggestion, a draft and a declined
    suggestion, all at Manhattan's coordinates, which are never listed."""
    with app.app_context():
        entries = [
            _write(
                "Midtown Pain Circle",
                kinds=["support-groups"],
                conditions=["crps", "chronic-pain"],
                at=[MANHATTAN, PHILADELPHIA],  # listed once, at its nearest
                description="A **peer** group that meets on Tuesdays in Midtown.",
                phones=[("(212) 555-0100", "voice", "")],
                website="https://midtown.example.org",
                assured_date=date(2026, 3, 12),
                sources="https://midtown.example.org/about https://example.org/list",
            ),
            _write(
                "Brooklyn CRPS Friends",
                kinds=["support-groups"],
                conditions=["crps"],
                at=[BROOKLYN],
            ),
            _write(
                "Newark Caregivers Network",
                kinds=["caregivers"],
                conditions=["chronic-pain"],
                at=[NEWARK],
            ),
            _write(
                "Philadelphia Pain Advocates",
                kinds=["advocacy"],
                conditions=["chronic-pain"],
                at=[PHILADELPHIA],
            ),
            _write(
                "National Pain Line",
                kinds=["crisis-line"],
                conditions=["mental-health", "chronic-pain"],
                reach="national",
                phones=[("988", "voice", ""), ("741741", "text", "HOME")],
            ),
            _write(
                "World Pain Forum",
                kinds=["education-research"],
                conditions=["chronic-pain"],
                reach="international",
                country="",
            ),
            _write("Britain Pain Line", kinds=["crisis-line"], reach="national", country="GB"),
            _write(
                "Waiting Suggestion",
                kinds=["support-groups"],
                at=[MANHATTAN],
                state=SUGGESTED,
                suggested_by=users["member"],
            ),
            _write("Draft Entry", kinds=["support-groups"], at=[MANHATTAN], state=DRAFT),
            _write(
                "Declined Suggestion",
                kinds=["support-groups"],
                at=[MANHATTAN],
                state="declined",
                suggested_by=users["member"],
                decline_reason="We could not find this group anywhere.",
            ),
        ]
        midtown = entries[0]
        midtown.services[0].schedules.append(Schedule(byday="TU", opens_at=time(18), closes_at=time(20)))
        midtown.services[0].schedules.append(Schedule(description="Closed on public holidays"))
        db.session.commit()
        return {organization.name: organization.id for organization in entries}
