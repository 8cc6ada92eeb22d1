"""/api/v1/resources: the directory as JSON, with the same parameters and the same search as
/resources/ (INTERFACES.md). Anything we can't search for is a 400 with words a person can
read, never a 500."""

from __future__ import annotations

from flask import request, url_for
from markupsafe import Markup

from community.resources import bp, search
from community.resources.models import Organization


def _entry(hit: search.Hit, with_distance: bool) -> dict:
    organization: Organization = hit.organization
    entry = {
        "id": str(organization.id),
        "name": organization.name,
        "description": Markup(organization.description_html).striptags(),
        "url": url_for("resources.detail", resource_id=organization.id),
        "website": organization.website,
        "kinds": [term.code for term in organization.terms if term.vocabulary == "kind"],
        "conditions": [term.code for term in organization.terms if term.vocabulary == "condition"],
        "phones": [
            {"number": phone.number, "type": phone.type, "description": phone.description}
            for phone in organization.phones
        ],
    }
    if with_distance:
        entry["distance_km"] = hit.distance_km
    return entry


def _refused(error: search.SearchError):
    return {"ok": False, "error": str(error), "field": error.field, "suggestions": error.suggestions}, 400


@bp.get("/api/v1/resources")
def api_resources():
    try:
        query = search.parse_query(request.args)
        results = search.search(query)
    except search.SearchError as error:
        return _refused(error)
    near = results.place is not None
    place = results.place
    return {
        "ok": True,
        "results": [_entry(hit, near) for hit in results.hits],
        "nationwide": [_entry(hit, False) for hit in results.nationwide],
        "place": (
            {"label": place.label, "latitude": place.latitude, "longitude": place.longitude} if near else None
        ),
        "facets": results.facets,
        "total": results.total,
        "page": query.page,
        "pages": results.pages,
    }
