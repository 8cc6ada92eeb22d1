"""The resource directory's seed: the organisations in data/resources.csv, published, each with
one service, its service area and its numbers. Entries already there are left alone, so a
moderator's edits survive every later `flask seed`; the caller commits."""

from __future__ import annotations

import csv
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

from community.extensions import db
from community.resources import services
from community.resources.models import PUBLISHED, Organization, Phone, Service, ServiceArea

SEED_FILE = Path(__file__).parent / "data" / "resources.csv"
# Seeded ids are uuid5(SEED_NAMESPACE, name): the same entry has the same id on every site.
SEED_NAMESPACE = uuid.UUID("4f0c5c3e-7a52-4b0e-9d0a-3c1c8a6f2e11")
COUNTRY_NAMES = {
    "US": "United States",
    "GB": "United Kingdom",
    "CA": "Canada",
    "AU": "Australia",
    "NZ": "New Zealand",
}
# "HOME to 741741": the word to send, then the number.
_TEXT_KEYWORD = re.compile(r"^\s*([A-Za-z]+)\s+to\s+(.+)$")
# "988 then press 1": the number, then what to do.
_PHONE_THEN = re.compile(r"^\s*([+0-9 ()./-]+?)\s+(then .+)$")


def seed_id(name: str) -> uuid.UUID:
    return uuid.uuid5(SEED_NAMESPACE, name.strip())


def seed_rows(path: Path = SEED_FILE) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as file:
        return [row for row in csv.DictReader(file) if (row.get("name") or "").strip()]


def seed_resources(path: Path = SEED_FILE) -> Iterator[str]:
    """Add the seed file's organisations that are missing; never change one that is there."""
    services.ensure_terms()
    rows = seed_rows(path)
    have = set(
        db.session.scalars(
            db.select(Organization.id).where(Organization.id.in_([seed_id(r["name"]) for r in rows]))
        )
    )
    added = 0
    for row in rows:
        if seed_id(row["name"]) not in have:
            db.session.add(organization_from_row(row))
            added += 1
    db.session.flush()
    kept = len(rows) - added
    if added:
        yield f"Resource directory: {added} organisations added" + (
            f" ({kept} already there)." if kept else "."
        )
    else:
        yield f"Resource directory: up to date ({kept} organisations already there)."


def organization_from_row(row: dict[str, str]) -> Organization:
    org_id = seed_id(row["name"])
    country = (row.get("country") or "").strip().upper()
    country = country if country in COUNTRY_NAMES else ""  # "INT" (worldwide) has no code
    description, description_html = services.describe(row.get("description"))
    organization = Organization(
        id=org_id,
        name=services.clean_name(row["name"]),
        description=description,
        description_html=description_html,
        website=services.clean_url(row.get("website")),
        country=country,
        sources=" ".join((row.get("evidence") or "").split()),
        state=PUBLISHED,
    )
    service = Service(
        id=uuid.uuid5(org_id, "service"),
        name=organization.name,
        status="active",
        url=organization.website,
    )
    service.areas.append(_area(org_id, (row.get("coverage") or "").strip().lower(), country))
    organization.services.append(service)
    for phone in phones_from_row(row):
        phone.id = uuid.uuid5(org_id, f"phone:{phone.type}:{phone.number}")
        service.phones.append(phone)
        organization.phones.append(phone)
    organization.terms = services.terms_for(
        [row.get("category") or ""] + (row.get("conditions") or "").split(";")
    )
    services.refresh(organization)
    return organization


def _area(org_id: uuid.UUID, coverage: str, country: str) -> ServiceArea:
    place = COUNTRY_NAMES.get(country, "")
    if coverage == "international" or not place:
        scope, name = "international", "Worldwide"
    elif coverage == "online":
        scope, name = "online", f"Online ({place})"
    else:
        scope, name = "national", place
    return ServiceArea(id=uuid.uuid5(org_id, "area"), scope=scope, name=name, country=country)


def phones_from_row(row: dict[str, str]) -> list[Phone]:
    """The row's voice and text numbers; the crisis lines read them this way too."""
    phones = []
    if voice := (row.get("phone") or "").strip():
        number, description = voice, ""
        if match := _PHONE_THEN.match(voice):
            number, description = match.group(1), match.group(2)
        phones.append(Phone(number=services.clean_phone(number), type="voice", description=description))
    if text := (row.get("text") or "").strip():
        number, keyword = text, ""
        if match := _TEXT_KEYWORD.match(text):
            keyword, number = match.group(1).upper(), match.group(2)
        phones.append(Phone(number=services.clean_phone(number), type="text", text_keyword=keyword))
    return phones
