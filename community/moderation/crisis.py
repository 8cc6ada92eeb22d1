"""Crisis lines by country, for /crisis and for the panel an author sees at once when what
they wrote suggests they may be in danger. The lines are the directory's checked list
(community.resources.crisis_lines); this module only puts the reader's country first.
Nothing is ever sent outside the site."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import has_request_context, request

if TYPE_CHECKING:
    from community.resources.crisis_lines import Line

# Region subtags that share a country's lines: Samaritans answer in Ireland too.
_ALIASES = {"IE": "GB", "UK": "GB"}


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    lines: tuple[Line, ...]


def all_countries() -> list[Country]:
    """Each country with lines, in the list's order, its lines in the list's order."""
    # Asked for here, not at import: chat and accounts import this module while the
    # directory's models are still loading.
    from community.resources.crisis_lines import country_name, crisis_lines

    codes = list(dict.fromkeys(line.country for line in crisis_lines()))
    return [
        Country(code, country_name(code), tuple(line for line in crisis_lines() if line.country == code))
        for code in codes
    ]


def country_code() -> str | None:
    """The member's country, from the language their browser asks for (en-GB -> GB)."""
    if not has_request_context():
        return None
    known = {country.code for country in all_countries()}
    for language, _quality in request.accept_languages:
        parts = language.replace("_", "-").split("-")
        if len(parts) > 1:
            code = _ALIASES.get(parts[-1].upper(), parts[-1].upper())
            if code in known:
                return code
    return None


def countries_for_member() -> list[Country]:
    """Every country's lines, the member's own first."""
    code = country_code()
    return sorted(all_countries(), key=lambda country: country.code != code)
