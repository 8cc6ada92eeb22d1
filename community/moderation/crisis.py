"""Crisis lines by country, for /crisis and for the panel an author sees at once when what
they wrote suggests they may be in danger. Nothing is ever sent outside the site."""

from __future__ import annotations

from dataclasses import dataclass

from flask import has_request_context, request


@dataclass(frozen=True)
class Line:
    name: str
    how: str  # "Call or text", "Call"
    number: str  # as shown
    dial: str  # for tel: and sms:
    text: bool = False  # may also be texted


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    lines: tuple[Line, ...]


COUNTRIES = (
    Country(
        "US", "United States", (Line("988 Suicide & Crisis Lifeline", "Call or text", "988", "988", True),)
    ),
    Country("GB", "United Kingdom and Ireland", (Line("Samaritans", "Call", "116 123", "116123"),)),
    Country("CA", "Canada", (Line("9-8-8 Suicide Crisis Helpline", "Call or text", "9-8-8", "988", True),)),
    Country("AU", "Australia", (Line("Lifeline", "Call", "13 11 14", "131114"),)),
)
# Region subtags that share a country's lines.
_ALIASES = {"IE": "GB", "UK": "GB"}


def country_code() -> str | None:
    """The member's country, from the language their browser asks for (en-GB -> GB)."""
    if not has_request_context():
        return None
    for language, _quality in request.accept_languages:
        parts = language.replace("_", "-").split("-")
        if len(parts) > 1:
            code = _ALIASES.get(parts[-1].upper(), parts[-1].upper())
            if any(country.code == code for country in COUNTRIES):
                return code
    return None


def countries_for_member() -> list[Country]:
    """Every country's lines, the member's own first."""
    code = country_code()
    return sorted(COUNTRIES, key=lambda country: country.code != code)
