"""The resource directory in the shape of Open Referral's Human Services Data Specification
(HSDS 3): an organisation, its services, where they are (locations, or none for phone-only
and online help), phones, weekly hours, service areas, and terms from our own small taxonomy
(a kind and the conditions it serves). Ids are UUIDs, as HSDS asks, so an exported package
can be imported elsewhere and back without clashing.

A directory entry as members see it is an organisation with everything under it; its
`state` says whether members see it (published) or it waits (a draft from an import, a
member's suggestion in the review queue) or was declined (with the reason its member sees).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import (
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.database import UTCDateTime, utcnow
from community.extensions import db

# What members see.
DRAFT, SUGGESTED, PUBLISHED, DECLINED = "draft", "suggested", "published", "declined"
STATES = (DRAFT, SUGGESTED, PUBLISHED, DECLINED)

# HSDS 3 service.status.
SERVICE_STATUSES = {
    "active": "Open",
    "temporarily closed": "Temporarily closed",
    "inactive": "Not running now",
    "defunct": "Closed for good",
}
LOCATION_TYPES = ("physical", "virtual", "postal")
PHONE_TYPES = {"voice": "Call", "text": "Text", "textphone": "Textphone", "fax": "Fax"}
# Who a service reaches, broadest first. "international" is ours (IASP serves the world).
SCOPES = {
    "international": "Worldwide",
    "national": "Nationwide",
    "state": "State or region",
    "city": "City or area",
    "online": "Online",
}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # iCalendar BYDAY, as HSDS schedule uses

NAME_MAX, URL_MAX, EMAIL_MAX = 200, 500, 254
DESCRIPTION_MAX = 5_000


def new_id() -> uuid.UUID:
    return uuid.uuid4()


organization_terms = Table(
    "resource_organization_terms",
    db.metadata,
    Column(
        "organization_id",
        Uuid,
        ForeignKey("resource_organizations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "term_id", Uuid, ForeignKey("resource_terms.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class TaxonomyTerm(db.Model):
    """A term of our taxonomy: a kind of help or a condition. Ids and codes never change
    (taxonomy.py holds them), so links from exported packages keep working."""

    __tablename__ = "resource_terms"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    vocabulary: Mapped[str] = mapped_column(String(20), index=True)  # "kind" or "condition"
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")


class Organization(db.Model):
    __tablename__ = "resource_organizations"
    __table_args__ = (Index("ix_resource_organizations_state_name", "state", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    alternate_name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    description: Mapped[str] = mapped_column(Text, default="")  # as written (Markdown)
    description_html: Mapped[str] = mapped_column(Text, default="")  # from the text intake
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), default="")
    website: Mapped[str] = mapped_column(String(URL_MAX), default="")
    # ISO 3166-1 alpha-2 of the country it mainly serves; "" for worldwide.
    country: Mapped[str] = mapped_column(String(2), default="")
    # The broadest scope of its services' areas (SCOPES), kept by services.py for the search's
    # "nationwide and online" section.
    reach: Mapped[str] = mapped_column(String(20), default="", index=True)
    # Lower-cased name, alternate name, description and services, for keyword search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Where its facts came from (links), as the seed's evidence column.
    sources: Mapped[str] = mapped_column(Text, default="")

    state: Mapped[str] = mapped_column(String(12), default=DRAFT)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    suggested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Last verified (HSDS assured_date), and by whom.
    assured_date: Mapped[date | None] = mapped_column(Date)
    assured_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    services: Mapped[list[Service]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", order_by="Service.name"
    )
    locations: Mapped[list[Location]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", order_by="Location.name"
    )
    # Every number it has, its services' too (`Phone.service_id` says whose).
    phones: Mapped[list[Phone]] = relationship(back_populates="organization", cascade="all, delete-orphan")
    terms: Mapped[list[TaxonomyTerm]] = relationship(secondary=organization_terms, order_by=TaxonomyTerm.code)
    suggested_by: Mapped[User | None] = relationship(foreign_keys=[suggested_by_id])
    assured_by: Mapped[User | None] = relationship(foreign_keys=[assured_by_id])

    @property
    def is_published(self) -> bool:
        return self.state == PUBLISHED

    @property
    def own_phones(self) -> list[Phone]:
        """Its numbers that belong to no one service."""
        return [phone for phone in self.phones if phone.service_id is None]


class Service(db.Model):
    __tablename__ = "resource_services"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("resource_organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="active")
    url: Mapped[str] = mapped_column(String(URL_MAX), default="")
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), default="")
    # Languages it is offered in: BCP 47 codes, comma-separated ("en,es").
    languages: Mapped[str] = mapped_column(String(200), default="")
    fees_description: Mapped[str] = mapped_column(Text, default="")

    organization: Mapped[Organization] = relationship(back_populates="services")
    phones: Mapped[list[Phone]] = relationship(back_populates="service", cascade="all, delete-orphan")
    schedules: Mapped[list[Schedule]] = relationship(back_populates="service", cascade="all, delete-orphan")
    areas: Mapped[list[ServiceArea]] = relationship(back_populates="service", cascade="all, delete-orphan")
    at_locations: Mapped[list[ServiceAtLocation]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )


class Location(db.Model):
    """A place (physical), a website or call centre (virtual), or a postal address. Latitude
    and longitude are both there or both absent; place search uses only those with both."""

    __tablename__ = "resource_locations"
    __table_args__ = (Index("ix_resource_locations_lat_lon", "latitude", "longitude"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("resource_organizations.id", ondelete="CASCADE"), index=True
    )
    location_type: Mapped[str] = mapped_column(String(10), default="physical")
    name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    url: Mapped[str] = mapped_column(String(URL_MAX), default="")
    address_1: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    state_province: Mapped[str] = mapped_column(String(100), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    organization: Mapped[Organization] = relationship(back_populates="locations")
    schedules: Mapped[list[Schedule]] = relationship(back_populates="location", cascade="all, delete-orphan")


class ServiceAtLocation(db.Model):
    __tablename__ = "resource_service_at_location"
    __table_args__ = (UniqueConstraint("service_id", "location_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resource_services.id", ondelete="CASCADE"))
    location_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("resource_locations.id", ondelete="CASCADE"), index=True
    )

    service: Mapped[Service] = relationship(back_populates="at_locations")
    location: Mapped[Location] = relationship()


class Phone(db.Model):
    """A number for the organisation (service_id empty) or for one of its services."""

    __tablename__ = "resource_phones"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("resource_organizations.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("resource_services.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(40))  # as people write it: "(877) 883-9942", "988"
    extension: Mapped[str] = mapped_column(String(20), default="")
    type: Mapped[str] = mapped_column(String(12), default="voice")
    # What to do: "then press 1", "text HOME".
    description: Mapped[str] = mapped_column(String(200), default="")
    # For text lines, the word to send first ("HOME"), put in the sms: link's body.
    text_keyword: Mapped[str] = mapped_column(String(40), default="")

    organization: Mapped[Organization] = relationship(back_populates="phones")
    service: Mapped[Service | None] = relationship(back_populates="phones")


class Schedule(db.Model):
    """Weekly hours (one row a day it opens: byday, opens_at, closes_at, in the place's own
    time) or, with no day, free text ("24 hours, every day", "Tuesday evenings")."""

    __tablename__ = "resource_schedules"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    service_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("resource_services.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("resource_locations.id", ondelete="CASCADE"), index=True
    )
    byday: Mapped[str] = mapped_column(String(2), default="")
    opens_at: Mapped[time | None] = mapped_column(Time)
    closes_at: Mapped[time | None] = mapped_column(Time)
    description: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[Service | None] = relationship(back_populates="schedules")
    location: Mapped[Location | None] = relationship(back_populates="schedules")


class ServiceArea(db.Model):
    __tablename__ = "resource_service_areas"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    service_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("resource_services.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(20))  # SCOPES
    name: Mapped[str] = mapped_column(String(NAME_MAX), default="")  # "United States", "New York"
    country: Mapped[str] = mapped_column(String(2), default="")
    description: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[Service] = relationship(back_populates="areas")


class ResourceReport(db.Model):
    """A member's word about an entry, as the review queue sees it (its items point at
    integer ids, and entries have UUIDs): a new suggestion, or a report that an entry is out
    of date with what the member noticed."""

    __tablename__ = "resource_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("resource_organizations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))  # "suggestion" or "outdated"
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")  # as written, plain text
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization] = relationship()
    member: Mapped[User | None] = relationship()
