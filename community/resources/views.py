"""The directory as members browse it: /resources/ (search by words, kind, condition and
place) and /resources/<id> (one entry, with everything under it)."""

from __future__ import annotations

from datetime import date

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from community.extensions import db
from community.resources import bp, search, taxonomy
from community.resources.models import (
    PHONE_TYPES,
    SCOPES,
    SERVICE_STATUSES,
    WEEKDAYS,
    Location,
    Organization,
    Service,
)
from community.resources.permissions import can_view_resource
from community.resources.services import dial

# Where people read distances in miles (their browser's language region says so).
MILES_REGIONS = {"US", "GB", "LR", "MM"}
KM_PER_MILE = 1.609344
DAY_NAMES = dict(
    zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True)
)


def uses_miles() -> bool:
    """From the first language the browser asks for that names a region (en-US, en-GB)."""
    for language, _quality in request.accept_languages:
        parts = language.replace("_", "-").split("-")
        if len(parts) > 1 and len(parts[-1]) == 2:
            return parts[-1].upper() in MILES_REGIONS
    return False


def distance_words(km: float, miles: bool) -> str:
    """ "3.2 km" or "2.0 miles (3.2 km)"."""
    if not miles:
        return f"{km:.1f} km"
    mi = km / KM_PER_MILE
    return f"{mi:.1f} {'mile' if f'{mi:.1f}' == '1.0' else 'miles'} ({km:.1f} km)"


@bp.app_template_filter("verified_date")
def verified_date(value: date | None) -> str:
    return value.strftime("%-d %B %Y") if value else ""


@bp.app_template_filter("dial")
def dial_filter(number: str) -> str:
    return dial(number)


def _linker(query: search.Query | None):
    """link(**changes): this search's address with some parameters changed (None drops one)."""
    current = {name: request.args.get(name, "") for name in search.PARAMETERS}
    if query is not None:
        current = {name: str(getattr(query, name)) for name in search.PARAMETERS}
        if not query.near:
            current["radius_km"] = ""  # a radius means nothing without a place
    current.pop("page", None)

    def link(**changes) -> str:
        params = {**current, **changes}
        return url_for("resources.index", **{k: v for k, v in params.items() if v not in (None, "", 1)})

    return link


@bp.get("/resources/")
def index():
    error = results = None
    try:
        query = search.parse_query(request.args)
        results = search.search(query)
    except search.SearchError as refused:
        error, query = refused, None
    miles = uses_miles()
    # A place we couldn't pin down is an answer, not a mistake in the request.
    status = 400 if error is not None and error.field != "near" else 200
    return render_template(
        "resources/index.html",
        args=request.args,
        query=query,
        results=results,
        error=error,
        kinds=taxonomy.KINDS,
        conditions=taxonomy.CONDITIONS,
        radii=search.RADII_KM,
        default_radius=search.DEFAULT_RADIUS_KM,
        miles=miles,
        distance=lambda km: distance_words(km, miles),
        terms=taxonomy.BY_CODE,
        link=_linker(query),
    ), status


def _entry_or_404(resource_id) -> Organization:
    organization = db.session.get(
        Organization,
        resource_id,
        options=[
            selectinload(Organization.terms),
            selectinload(Organization.phones),
            selectinload(Organization.services).options(
                selectinload(Service.phones),
                selectinload(Service.schedules),
                selectinload(Service.areas),
            ),
            selectinload(Organization.locations).selectinload(Location.schedules),
        ],
    )
    if organization is None or not can_view_resource(current_user, organization):
        abort(404)  # a suggestion does not exist for anyone but its member and the moderators
    return organization


def _weekly(schedules) -> tuple[list, list[str]]:
    """(weekly rows in weekday order as (day name, opens, closes), free-text hours)."""
    rows = sorted((s for s in schedules if s.byday in DAY_NAMES), key=lambda s: WEEKDAYS.index(s.byday))
    weekly = [(DAY_NAMES[s.byday], s.opens_at, s.closes_at, s.description) for s in rows]
    return weekly, [s.description for s in schedules if not s.byday and s.description]


@bp.get("/resources/<uuid:resource_id>")
def detail(resource_id):
    organization = _entry_or_404(resource_id)
    sources = [part for part in organization.sources.split() if part.startswith(("https://", "http://"))]
    return render_template(
        "resources/detail.html",
        org=organization,
        kinds=[term for term in organization.terms if term.vocabulary == taxonomy.KIND],
        conditions=[term for term in organization.terms if term.vocabulary == taxonomy.CONDITION],
        hours=_weekly,
        statuses=SERVICE_STATUSES,
        scopes=SCOPES,
        phone_types=PHONE_TYPES,
        sources=sources,
        is_own=current_user.is_authenticated and organization.suggested_by_id == current_user.id,
    )
