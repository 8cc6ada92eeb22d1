"""A moderator's edit of a directory entry: every field of the organisation, its services,
phones, its first place (coordinates both or neither, in range), its first service area,
kinds and conditions, checked as a whole before anything changes, and recorded in the audit
log as what changed. Services flush; the view commits once."""

from __future__ import annotations

from community.extensions import db
from community.resources import services
from community.resources.models import Location, Organization, Phone, Service, ServiceArea
from community.resources.review import audit_change, verify
from community.resources.services import ResourceError


def _coordinate(value: str, low: float, high: float, field_name: str, words: str) -> float | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is None or number != number or not low <= number <= high:
        raise ResourceError(f"Please give the {words} as a number from {low:g} to {high:g}.", field_name)
    return number


def _set(thing, changed: list[str], label: str, **values) -> None:
    for attr, value in values.items():
        if getattr(thing, attr) != value:
            setattr(thing, attr, value)
            if label not in changed:
                changed.append(label)


def _edit_services(organization: Organization, rows: list[dict], changed: list[str]) -> None:
    by_id = {str(service.id): service for service in organization.services}
    for number, row in enumerate(rows):
        service = by_id.get(row.get("id") or "")
        if service is not None and row.get("remove"):
            organization.services.remove(service)
            changed.append("services")
            continue
        if service is None and not row.get("name"):
            continue  # the blank row for a new service, left blank
        name = services.clean_name(row.get("name"), f"services-{number}-name")
        url = services.clean_url(row.get("url"), f"services-{number}-url")
        source, html = services.describe(row.get("description"))
        if service is None:
            service = Service(name=name)
            organization.services.append(service)
            changed.append("services")
        _set(
            service,
            changed,
            "services",
            name=name,
            url=url,
            description=source,
            description_html=html,
            status=row.get("status") or "active",
            email=row.get("email") or "",
            languages=(row.get("languages") or "").replace(" ", ""),
            fees_description=row.get("fees_description") or "",
        )


def _edit_phones(organization: Organization, rows: list[dict], changed: list[str]) -> None:
    by_id = {str(phone.id): phone for phone in organization.phones}
    for number, row in enumerate(rows):
        phone = by_id.get(row.get("id") or "")
        if phone is not None and (row.get("remove") or not row.get("number")):
            organization.phones.remove(phone)
            changed.append("phones")
            continue
        if phone is None and not row.get("number"):
            continue
        cleaned = services.clean_phone(row.get("number"), f"phones-{number}-number")
        if phone is None:
            phone = Phone(number=cleaned)
            organization.phones.append(phone)
            changed.append("phones")
        _set(
            phone,
            changed,
            "phones",
            number=cleaned,
            extension=row.get("extension") or "",
            type=row.get("type") or "voice",
            description=row.get("description") or "",
            text_keyword=row.get("text_keyword") or "",
        )


def _edit_location(organization: Organization, data: dict, changed: list[str]) -> None:
    latitude = _coordinate(data.get("latitude") or "", -90, 90, "latitude", "latitude")
    longitude = _coordinate(data.get("longitude") or "", -180, 180, "longitude", "longitude")
    if (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        raise ResourceError("Please give both latitude and longitude, or neither.", missing)
    fields = {
        "location_type": data.get("location_type") or "physical",
        "name": data.get("location_name") or "",
        "address_1": data.get("address_1") or "",
        "city": data.get("city") or "",
        "state_province": data.get("state_province") or "",
        "postal_code": data.get("postal_code") or "",
        "country": data.get("location_country") or "",
        "latitude": latitude,
        "longitude": longitude,
    }
    location = organization.locations[0] if organization.locations else None
    blank = not any(value for key, value in fields.items() if key not in ("location_type", "country"))
    if blank:
        if location is not None:
            organization.locations.remove(location)
            changed.append("location")
        return
    if location is None:
        location = Location(**fields)
        organization.locations.append(location)
        changed.append("location")
    _set(location, changed, "location", **fields)


def _edit_area(organization: Organization, data: dict, changed: list[str]) -> None:
    scope = data.get("area_scope") or ""
    if not scope:
        return
    if not organization.services:
        organization.services.append(Service(name=organization.name))
    service = organization.services[0]
    area = service.areas[0] if service.areas else None
    if area is None:
        area = ServiceArea(scope=scope)
        service.areas.append(area)
        changed.append("service area")
    _set(
        area,
        changed,
        "service area",
        scope=scope,
        name=data.get("area_name") or "",
        country=data.get("area_country") or "",
    )


def edit_entry(organization: Organization, moderator, data: dict) -> list[str]:
    """Change every field of an entry from the edit form's data (EditForm.data), checked
    the same way as everything else written to the directory. Returns what changed, in words,
    for the moderator and the audit log. Nothing is left half-done: the view rolls back on a
    ResourceError."""
    changed: list[str] = []
    source, html = services.describe(data.get("description"))
    _set(
        organization,
        changed,
        "details",
        name=services.clean_name(data.get("name")),
        alternate_name=data.get("alternate_name") or "",
        description=source,
        description_html=html,
        website=services.clean_url(data.get("website")),
        email=data.get("email") or "",
        country=data.get("country") or "",
        sources=data.get("sources") or "",
    )
    services.ensure_terms()
    terms = services.terms_for([*(data.get("kinds") or []), *(data.get("conditions") or [])])
    if {term.id for term in terms} != {term.id for term in organization.terms}:
        organization.terms = terms
        changed.append("kinds and conditions")
    _edit_services(organization, data.get("services") or [], changed)
    _edit_phones(organization, data.get("phones") or [], changed)
    _edit_location(organization, data, changed)
    _edit_area(organization, data, changed)
    if data.get("verified"):
        verify(organization, moderator)
        changed.append("verified today")
    services.refresh(organization)
    db.session.flush()
    if changed:
        audit_change(moderator, "edit", organization, "Changed " + ", ".join(changed))
    return changed
