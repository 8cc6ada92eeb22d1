"""HSDS 3 JSON into our directory, trusting nothing (see __init__.py)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import time

from community.extensions import db
from community.resources import services, taxonomy
from community.resources.hsds.values import (
    IMPORT_NAMESPACE,
    _country,
    _date,
    _get,
    _list,
    _number,
    foreign_id,
    intake_html,
    plain,
)
from community.resources.models import (
    DRAFT,
    EMAIL_MAX,
    LOCATION_TYPES,
    NAME_MAX,
    PHONE_TYPES,
    PUBLISHED,
    SCOPES,
    SERVICE_STATUSES,
    WEEKDAYS,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from community.resources.services import ResourceError

_TERMS_BY_ID = {term.id: term for term in taxonomy.TERMS}


# Import ------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: list[str] = field(default_factory=list)  # "where: why", one per entry or row left out
    notes: list[str] = field(default_factory=list)  # "where: why", one per value dropped

    def lines(self) -> list[str]:
        lines = [f"created {self.created}, updated {self.updated}, skipped {len(self.skipped)}"]
        lines += [f"skipped {item}" for item in self.skipped]
        lines += [f"note {item}" for item in self.notes]
        return lines


def organizations_in(data) -> list:
    """The organisation objects in an HSDS document: one object, a list, or an API page."""
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return data["contents"]
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise ResourceError("An HSDS file holds an organization object, a list of them or a page of them.")


def import_organizations(items: list, report: ImportReport, publish: bool = False, source: str = "") -> None:
    """Create or update each organisation by id. New entries are drafts unless `publish`; an
    existing entry keeps its state unless `publish`."""
    services.ensure_terms()
    for index, item in enumerate(items, start=1):
        where = f"{source} organization {index}".strip()
        if not isinstance(item, dict):
            report.skipped.append(f"{where}: not an organization object")
            continue
        if item.get("id") not in (None, ""):
            where += f" (id {str(item['id'])[:60]})"
        try:
            parsed = _Intake(where, report).organization(item)
        except ResourceError as error:
            report.skipped.append(f"{where}: {error}")
            continue
        _store(parsed, report, publish)


class _Intake:
    """Reads one organisation object into unsaved model objects, noting what it drops."""

    def __init__(self, where: str, report: ImportReport):
        self.where, self.report, self.seen = where, report, set()

    def note(self, message: str) -> None:
        self.report.notes.append(f"{self.where}: {message}")

    def organization(self, item: dict) -> dict:
        name = services.clean_name(plain(item.get("name")))
        org_id = foreign_id(item.get("id"), "organization") or uuid.uuid5(IMPORT_NAMESPACE, f"name:{name}")
        description, description_html = services.describe(intake_html(item.get("description")))
        self.locations: dict[uuid.UUID, Location] = {}
        for index, raw in enumerate(_list(item.get("locations")), 1):
            self.location(raw, org_id, index)
        # Its own numbers and its places' (we keep no link from a number to a place).
        phones = self.phones(item.get("phones"), org_id)
        for index, location in enumerate(_list(item.get("locations")), 1):
            phones += self.phones(_get(location, "phones"), uuid.uuid5(org_id, f"location:{index}"))
        service_list = [
            s for i, raw in enumerate(_list(item.get("services")), 1) if (s := self.service(raw, org_id, i))
        ]
        codes = self.term_codes(item.get("attributes"))
        for raw in _list(item.get("services")):
            codes += self.term_codes(_get(raw, "attributes"))
        dates = [d for raw in _list(item.get("services")) if (d := _date(_get(raw, "assured_date")))]
        return {
            "id": org_id,
            "fields": {
                "name": name,
                "alternate_name": plain(item.get("alternate_name"), NAME_MAX),
                "description": description,
                "description_html": description_html,
                "email": self.email(item.get("email")),
                "website": self.url(item.get("website"), "website"),
                "country": _country(item.get("x_country")),
                "sources": " ".join(
                    u for raw in plain(item.get("x_sources")).split() if (u := self.url(raw, "source"))
                ),
                "assured_date": max(dates) if dates else None,
            },
            "services": service_list,
            "locations": list(self.locations.values()),
            "phones": phones,
            "codes": codes,
        }

    def new_id(self, value, kind: str, parent: uuid.UUID, index: int) -> uuid.UUID | None:
        """The child's id, or None (with a note) when this object already used it."""
        child_id = foreign_id(value, kind) or uuid.uuid5(parent, f"{kind}:{index}")
        if (kind, child_id) in self.seen:
            self.note(f"a second {kind} with id {value} was left out")
            return None
        self.seen.add((kind, child_id))
        return child_id

    def service(self, raw, org_id: uuid.UUID, index: int) -> Service | None:
        if not isinstance(raw, dict) or not (
            service_id := self.new_id(raw.get("id"), "service", org_id, index)
        ):
            return None
        name = plain(raw.get("name"), NAME_MAX)
        if not name:
            self.note(f"service {index} has no name and was left out")
            return None
        description, description_html = services.describe(intake_html(raw.get("description")))
        status = plain(raw.get("status")).lower() or "active"
        if status not in SERVICE_STATUSES:
            self.note(f"service status {status[:40]!r} is not an HSDS status; kept as active")
            status = "active"
        service = Service(
            id=service_id,
            name=name,
            description=description,
            description_html=description_html,
            status=status,
            url=self.url(raw.get("url"), "service url"),
            email=self.email(raw.get("email")),
            languages=",".join(self.languages(raw.get("languages")))[:200],
            fees_description=plain(raw.get("fees_description"), 2000),
        )
        service.phones = self.phones(raw.get("phones"), service_id)
        for index, link in enumerate(_list(raw.get("service_at_locations")), 1):
            service.phones += self.phones(_get(link, "phones"), uuid.uuid5(service_id, f"link:{index}"))
        for i, r in enumerate(_list(raw.get("schedules")), 1):
            service.schedules += self.schedules(r, service_id, i)
        service.areas = [
            a for i, r in enumerate(_list(raw.get("service_areas")), 1) if (a := self.area(r, service_id, i))
        ]
        for i, link in enumerate(_list(raw.get("service_at_locations")), 1):
            if not isinstance(link, dict):
                continue
            location_id = foreign_id(link.get("location_id") or _get(link.get("location"), "id"), "location")
            if location_id not in self.locations and isinstance(link.get("location"), dict):
                self.location(link["location"], service.id, i)
            if location_id not in self.locations:
                self.note(f"service {name[:60]!r} names a location that is not in this organization")
                continue
            if any(have.location.id == location_id for have in service.at_locations):
                continue
            if link_id := self.new_id(link.get("id"), "service_at_location", service_id, i):
                service.at_locations.append(
                    ServiceAtLocation(id=link_id, location=self.locations[location_id])
                )
        return service

    def location(self, raw, parent: uuid.UUID, index: int) -> None:
        if not isinstance(raw, dict) or not (
            location_id := self.new_id(raw.get("id"), "location", parent, index)
        ):
            return
        kind = plain(raw.get("location_type")).lower() or "physical"
        if kind not in LOCATION_TYPES:
            self.note(f"location type {kind[:40]!r} is not an HSDS type; kept as physical")
            kind = "physical"
        addresses = [a for a in _list(raw.get("addresses")) if isinstance(a, dict)]
        address = next(
            (a for a in addresses if a.get("address_type") == kind), addresses[0] if addresses else {}
        )
        latitude, longitude = _number(raw.get("latitude")), _number(raw.get("longitude"))
        if latitude is None or longitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            if latitude is not None or longitude is not None:
                self.note("a location's latitude and longitude were not a place on Earth; left out")
            latitude = longitude = None
        location = Location(
            id=location_id,
            location_type=kind,
            name=plain(raw.get("name"), NAME_MAX),
            url=self.url(raw.get("url"), "location url"),
            address_1=plain(address.get("address_1"), 200),
            city=plain(address.get("city"), 100),
            state_province=plain(address.get("state_province"), 100),
            postal_code=plain(address.get("postal_code"), 20),
            country=_country(address.get("country")),
            latitude=latitude,
            longitude=longitude,
        )
        for i, r in enumerate(_list(raw.get("schedules")), 1):
            location.schedules += self.schedules(r, location_id, i)
        self.locations[location_id] = location

    def phones(self, raws, parent: uuid.UUID) -> list[Phone]:
        return [
            phone for index, raw in enumerate(_list(raws), 1) if (phone := self.phone(raw, parent, index))
        ]

    def phone(self, raw, parent: uuid.UUID, index: int) -> Phone | None:
        if not isinstance(raw, dict) or not (phone_id := self.new_id(raw.get("id"), "phone", parent, index)):
            return None
        try:
            number = services.clean_phone(plain(raw.get("number")))
        except ResourceError as error:
            self.note(f"phone {plain(raw.get('number'))[:40]!r} was left out: {error}")
            return None
        if not number:
            return None
        kind = plain(raw.get("type")).lower() or "voice"
        kind = {"sms": "text", "tty": "textphone", "cell": "voice", "mobile": "voice"}.get(kind, kind)
        extension = raw.get("extension")
        extension = str(int(extension)) if isinstance(extension, int | float) else plain(extension, 20)
        return Phone(
            id=phone_id,
            number=number,
            extension=extension,
            type=kind if kind in PHONE_TYPES else "voice",
            description=plain(raw.get("description"), 200),
            text_keyword=plain(raw.get("x_text_keyword"), 40),
        )

    def schedules(self, raw, parent: uuid.UUID, index: int) -> list[Schedule]:
        """One row a weekday (HSDS may list several in byday), or one with only words."""
        if not isinstance(raw, dict) or not (
            schedule_id := self.new_id(raw.get("id"), "schedule", parent, index)
        ):
            return []
        days = [day.strip().upper()[-2:] for day in plain(raw.get("byday")).split(",") if day.strip()]
        days = [day for day in days if day in WEEKDAYS]
        opens_at, closes_at = self.time(raw.get("opens_at")), self.time(raw.get("closes_at"))
        description = plain(raw.get("description"), 1000)
        if not days and not description:
            self.note("a schedule with neither weekdays nor a description was left out")
            return []
        location_id = foreign_id(raw.get("location_id"), "location")
        location = self.locations.get(location_id) if location_id else None
        made = []
        for position, day in enumerate(days or [""]):
            made.append(
                Schedule(
                    id=schedule_id if position == 0 else uuid.uuid5(schedule_id, day),
                    byday=day,
                    opens_at=opens_at,
                    closes_at=closes_at,
                    description=description,
                    location=location,
                )
            )
        return made

    def area(self, raw, parent: uuid.UUID, index: int) -> ServiceArea | None:
        if not isinstance(raw, dict) or not (
            area_id := self.new_id(raw.get("id"), "service_area", parent, index)
        ):
            return None
        name = plain(raw.get("name"), NAME_MAX)
        scope = plain(raw.get("x_scope")).lower()
        if scope not in SCOPES:
            lowered = name.lower()
            if lowered in ("worldwide", "international", "global", "world"):
                scope = "international"
            elif "online" in lowered:
                scope = "online"
            else:
                scope = "city"
        return ServiceArea(
            id=area_id,
            scope=scope,
            name=name,
            country=_country(raw.get("x_country")),
            description=plain(raw.get("description"), 1000),
        )

    def term_codes(self, attributes) -> list[str]:
        codes = []
        for attribute in _list(attributes):
            term_id = foreign_id(_get(attribute, "taxonomy_term_id"), "taxonomy_term")
            if term_id in _TERMS_BY_ID:
                codes.append(_TERMS_BY_ID[term_id].code)
            elif code := plain(_get(_get(attribute, "taxonomy_term"), "code")):
                codes.append(code)
        return codes

    def languages(self, languages) -> list[str]:
        codes = []
        for language in _list(languages):
            code = plain(_get(language, "code"))
            if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", code) and code not in codes:
                codes.append(code)
        return codes

    def url(self, value, what: str) -> str:
        try:
            return services.clean_url(plain(value), what)
        except ResourceError as error:
            self.note(f"{what} {plain(value)[:80]!r} was left out: {error}")
            return ""

    def email(self, value) -> str:
        email = plain(value)
        if email and (len(email) > EMAIL_MAX or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email)):
            self.note(f"email {email[:80]!r} was left out: not an email address")
            return ""
        return email

    def time(self, value) -> time | None:
        text = plain(value)
        if not text:
            return None
        try:
            return time.fromisoformat(text if len(text) != 4 else "0" + text).replace(tzinfo=None)
        except ValueError:
            self.note(f"time {text[:20]!r} was left out: not a time of day")
            return None


def _store(parsed: dict, report: ImportReport, publish: bool) -> None:
    organization = db.session.get(Organization, parsed["id"])
    if organization is None:
        organization = Organization(id=parsed["id"], state=PUBLISHED if publish else DRAFT)
        db.session.add(organization)
        report.created += 1
    else:
        # Its old services, places and numbers make way for the package's (same ids back).
        organization.services.clear()
        organization.locations.clear()
        organization.phones.clear()
        db.session.flush()
        if publish:
            organization.state = PUBLISHED
        report.updated += 1
    where = parsed["fields"]["name"][:60]
    # Nothing is flushed half-attached: the objects are checked first, then joined up.
    with db.session.no_autoflush:
        for name, value in parsed["fields"].items():
            setattr(organization, name, value)
        locations = _unclaimed(parsed["locations"], report, where)
        kept_services = _unclaimed(parsed["services"], report, where)
        for service in kept_services:
            _keep(service.phones, _unclaimed(service.phones, report, where))
            _keep(service.areas, _unclaimed(service.areas, report, where))
            _keep(service.schedules, _unclaimed(service.schedules, report, where))
            links = _unclaimed(service.at_locations, report, where)
            _keep(service.at_locations, [link for link in links if link.location in locations])
            for schedule in service.schedules:
                if schedule.location is not None and schedule.location not in locations:
                    schedule.location = None
        for location in locations:
            schedules = _unclaimed(location.schedules, report, where)
            _keep(
                location.schedules, [s for s in schedules if s.service is None or s.service in kept_services]
            )
        organization.locations = locations
        organization.services = kept_services
        organization.phones = _unclaimed(parsed["phones"], report, where) + [
            phone for service in kept_services for phone in service.phones
        ]
        organization.terms = services.terms_for(parsed["codes"])
    services.refresh(organization)
    db.session.flush()


def _keep(collection: list, kept: list) -> None:
    """Take out of a collection what is not in `kept` (in place: reassigning would re-add all)."""
    for item in list(collection):
        if item not in kept:
            collection.remove(item)


def _unclaimed(objects: list, report: ImportReport, where: str) -> list:
    """Objects whose id no other entry already uses (ids are unique across the directory)."""
    kept = []
    for item in objects:
        if db.session.get(type(item), item.id) is None:
            kept.append(item)
        else:
            report.notes.append(
                f"{where}: {type(item).__name__.lower()} {item.id} belongs to another entry; left out"
            )
    return kept
