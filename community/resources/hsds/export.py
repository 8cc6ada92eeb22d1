"""Our directory as HSDS 3 JSON: the compiled `organization` object with services,
locations and phones nested inside (see __init__.py for what is kept where)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import selectinload

from community.extensions import db
from community.resources import taxonomy
from community.resources.models import (
    PUBLISHED,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
)

TAXONOMY_DESCRIPTION = (
    "The kinds of help and the conditions a resource in the Common Ground directory serves."
)
LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "fr": "French", "mi": "Māori", "cy": "Welsh"}


# Export ------------------------------------------------------------------------------------


def exported_organizations() -> list[Organization]:
    """Published entries, everything under them loaded in a fixed number of queries."""
    query = (
        db.select(Organization)
        .where(Organization.state == PUBLISHED)
        .options(
            selectinload(Organization.terms),
            selectinload(Organization.phones),
            selectinload(Organization.locations).selectinload(Location.schedules),
            selectinload(Organization.services).selectinload(Service.phones),
            selectinload(Organization.services).selectinload(Service.schedules),
            selectinload(Organization.services).selectinload(Service.areas),
            selectinload(Organization.services).selectinload(Service.at_locations),
        )
        .order_by(Organization.name, Organization.id)
    )
    return list(db.session.scalars(query))


def organization_to_hsds(org: Organization) -> dict:
    return _compact(
        {
            "id": str(org.id),
            "name": org.name,
            "alternate_name": org.alternate_name,
            "description": org.description,
            "email": org.email,
            "website": org.website,
            "phones": [_phone(phone) for phone in _by_id(org.own_phones)],
            "locations": [_location(location) for location in _by_name(org.locations)],
            "services": [_service(service, org) for service in _by_name(org.services)],
            "attributes": [_attribute(term, org.id, "organization") for term in org.terms],
            "x_country": org.country,
            "x_sources": org.sources,
        },
        keep=("description",),
    )


def _service(service: Service, org: Organization) -> dict:
    return _compact(
        {
            "id": str(service.id),
            "organization_id": str(org.id),
            "name": service.name,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "fees_description": service.fees_description,
            "assured_date": org.assured_date.isoformat() if org.assured_date else None,
            "languages": [_language(service, code) for code in _codes(service.languages)],
            "phones": [_phone(phone) for phone in _by_id(service.phones)],
            "schedules": [_schedule(schedule) for schedule in _by_id(service.schedules)],
            "service_areas": [_area(area) for area in _by_id(service.areas)],
            "service_at_locations": [
                {"id": str(link.id), "service_id": str(service.id), "location_id": str(link.location_id)}
                for link in _by_id(service.at_locations)
            ],
            "attributes": [_attribute(term, service.id, "service") for term in org.terms],
        }
    )


def _location(location: Location) -> dict:
    address = [location.address_1, location.city, location.state_province, location.postal_code]
    return _compact(
        {
            "id": str(location.id),
            "location_type": location.location_type,
            "url": location.url,
            "organization_id": str(location.organization_id),
            "name": location.name,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "addresses": [
                {
                    "id": str(uuid.uuid5(location.id, "address")),
                    "location_id": str(location.id),
                    "address_1": location.address_1,
                    "city": location.city,
                    "state_province": location.state_province,
                    "postal_code": location.postal_code,
                    "country": location.country,
                    "address_type": location.location_type,
                }
            ]
            if any(address) or location.country
            else [],
            "schedules": [_schedule(s) for s in _by_id(location.schedules) if s.service_id is None],
        }
    )


def _phone(phone: Phone) -> dict:
    return _compact(
        {
            "id": str(phone.id),
            "organization_id": str(phone.organization_id),
            "service_id": str(phone.service_id) if phone.service_id else None,
            "number": phone.number,
            "extension": int(phone.extension) if phone.extension.isdigit() else None,
            "type": phone.type,
            "description": phone.description,
            "x_text_keyword": phone.text_keyword,
        }
    )


def _schedule(schedule: Schedule) -> dict:
    return _compact(
        {
            "id": str(schedule.id),
            "service_id": str(schedule.service_id) if schedule.service_id else None,
            "location_id": str(schedule.location_id) if schedule.location_id else None,
            "freq": "WEEKLY" if schedule.byday else None,
            "byday": schedule.byday,
            "opens_at": schedule.opens_at.isoformat(timespec="minutes") if schedule.opens_at else None,
            "closes_at": schedule.closes_at.isoformat(timespec="minutes") if schedule.closes_at else None,
            "description": schedule.description,
        }
    )


def _area(area: ServiceArea) -> dict:
    return _compact(
        {
            "id": str(area.id),
            "service_id": str(area.service_id),
            "name": area.name,
            "description": area.description,
            "x_scope": area.scope,
            "x_country": area.country,
        }
    )


def _language(service: Service, code: str) -> dict:
    return _compact(
        {
            "id": str(uuid.uuid5(service.id, f"language:{code}")),
            "service_id": str(service.id),
            "name": LANGUAGE_NAMES.get(code.split("-")[0].lower()),
            "code": code,
        }
    )


def _attribute(term, link_id: uuid.UUID, link_entity: str) -> dict:
    return {
        "id": str(uuid.uuid5(link_id, f"attribute:{term.id}")),
        "link_id": str(link_id),
        "link_type": term.vocabulary,
        "link_entity": link_entity,
        "taxonomy_term_id": str(term.id),
        "taxonomy_term": {
            "id": str(term.id),
            "code": term.code,
            "name": term.name,
            "description": term.description,
            "taxonomy": taxonomy.TAXONOMY_NAME,
            "taxonomy_id": str(taxonomy.TAXONOMY_ID),
            "taxonomy_detail": {
                "id": str(taxonomy.TAXONOMY_ID),
                "name": taxonomy.TAXONOMY_NAME,
                "description": TAXONOMY_DESCRIPTION,
            },
        },
    }


def _compact(values: dict, keep=()) -> dict:
    """Without empty values (HSDS checks the format of any email or url that is present)."""
    return {key: value for key, value in values.items() if key in keep or value not in (None, "")}


def _by_id(items) -> list:
    return sorted(items, key=lambda item: str(item.id))


def _by_name(items) -> list:
    return sorted(items, key=lambda item: (item.name, str(item.id)))


def _codes(languages: str) -> list[str]:
    return [code.strip() for code in languages.split(",") if code.strip()]
