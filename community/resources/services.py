"""Writing directory entries: the one path the seed, imports, members' suggestions and
moderators' edits all take, so every description goes through the text intake once, every
web address is http(s), every phone number is tidied the same way, and an organisation's
`reach` and `search_text` are always up to date. Services flush; the caller commits.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

from sqlalchemy import select

from community.extensions import db
from community.resources import taxonomy
from community.resources.models import (
    DESCRIPTION_MAX,
    NAME_MAX,
    SCOPES,
    URL_MAX,
    Organization,
    TaxonomyTerm,
)
from community.text import TextKind, TextRefused, accept_text


class ResourceError(ValueError):
    """Something about an entry to put right, in words for the person who wrote it; `field`
    names the form field (or import column) it is about."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


RESOURCE_DESCRIPTION = TextKind(
    "resource_description",
    "Description",
    0,
    DESCRIPTION_MAX,
    markdown=True,
    too_long="A description can be at most {max:,} characters.",
)


def describe(text: str | None) -> tuple[str, str]:
    """(source, safe HTML) of a description, through the text intake (HTML in it is shown as
    text or dropped, never run)."""
    try:
        accepted = accept_text(text or "", RESOURCE_DESCRIPTION)
    except TextRefused as error:
        raise ResourceError(str(error), "description") from error
    return accepted.source, accepted.html


def clean_url(value: str | None, field: str = "website") -> str:
    """An http or https address ("" when none); anything else (javascript:, data:, ftp:) is
    refused. A bare "example.org" gets https:// in front."""
    value = (value or "").strip()
    if not value:
        return ""
    if "://" not in value and not value.lower().startswith(("javascript:", "data:", "vbscript:", "mailto:")):
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
        raise ResourceError("Please give a web address starting with https:// or http://.", field)
    if len(value) > URL_MAX or any(ch.isspace() for ch in value):
        raise ResourceError("That web address is not one we can link to.", field)
    return value


_PHONE_ALLOWED = re.compile(r"^\+?[0-9 ()./-]{2,30}$")


def clean_phone(value: str | None, field: str = "phone") -> str:
    """A phone number as people read it, tidied: spaces collapsed, at least 3 digits, only
    digits, spaces, + ( ) - . /. Short codes (988, 116 123) are numbers too."""
    value = re.sub(r"\s+", " ", (value or "").strip())
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    if not _PHONE_ALLOWED.match(value) or not 3 <= len(digits) <= 15:
        raise ResourceError("Please give a phone number with its digits, for example (877) 883-9942.", field)
    return value


def dial(number: str) -> str:
    """The digits (and a leading +) for a tel: or sms: link."""
    return ("+" if number.strip().startswith("+") else "") + re.sub(r"\D", "", number)


def clean_name(value: str | None, field: str = "name") -> str:
    value = re.sub(r"\s+", " ", (value or "").strip())
    if not value:
        raise ResourceError("Please give its name.", field)
    if len(value) > NAME_MAX:
        raise ResourceError(f"A name can be at most {NAME_MAX} characters.", field)
    return value


def ensure_terms() -> int:
    """Our taxonomy's terms in the database (idempotent); how many were added."""
    have = set(db.session.scalars(select(TaxonomyTerm.id)))
    added = 0
    for term in taxonomy.TERMS:
        if term.id not in have:
            db.session.add(
                TaxonomyTerm(
                    id=term.id,
                    vocabulary=term.vocabulary,
                    code=term.code,
                    name=term.name,
                    description=term.description,
                )
            )
            added += 1
    db.session.flush()
    return added


def terms_for(codes) -> list[TaxonomyTerm]:
    """Database terms for codes (aliases understood; unknown codes ignored)."""
    ids = {term.id for code in codes if (term := taxonomy.term_for(code))}
    if not ids:
        return []
    return list(db.session.scalars(select(TaxonomyTerm).where(TaxonomyTerm.id.in_(ids))))


def refresh(organization: Organization) -> None:
    """Recompute what is derived from an entry: its reach (broadest service area) and the
    lower-cased text keyword search looks in. Call after any change, before the flush."""
    scopes = {area.scope for service in organization.services for area in service.areas}
    organization.reach = next((scope for scope in SCOPES if scope in scopes), "")
    parts = [organization.name, organization.alternate_name, organization.description]
    for service in organization.services:
        parts += [service.name, service.description]
    parts += [term.name for term in organization.terms]
    organization.search_text = " ".join(part for part in parts if part).casefold()


def organization(organization_id) -> Organization | None:
    """An entry by id (a UUID or its text); None for anything else."""
    if not isinstance(organization_id, uuid.UUID):
        try:
            organization_id = uuid.UUID(str(organization_id))
        except ValueError:
            return None
    return db.session.get(Organization, organization_id)
