"""The crisis lines: the rows of the directory's checked seed list (data/resources.csv) whose
category is crisis-line, read once per process. /crisis, the support panel shown to a member
who may be in danger, and the directory's entries all come from that one file, so a number is
corrected in one place. The file, not the database, is read here so that the page people
reach in a crisis needs no query, works before `flask seed`, and cannot lose a line because
an entry was unpublished while being edited."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

from community.resources.seed import COUNTRY_NAMES, SEED_FILE, phones_from_row, seed_rows
from community.resources.services import dial

CATEGORY = "crisis-line"


@dataclass(frozen=True)
class Line:
    name: str
    country: str  # "US", "GB", ... ("" when it serves everywhere)
    website: str = ""
    call: str = ""  # as people read it: "116 123"
    call_note: str = ""  # what to do after dialling: "then press 1"
    text: str = ""  # the number that takes texts: "85258"
    text_keyword: str = ""  # the word to send first: "SHOUT"
    evidence: tuple[str, ...] = ()  # where the numbers were checked

    @property
    def call_href(self) -> str:
        return f"tel:{dial(self.call)}"

    @property
    def text_href(self) -> str:
        """An sms: link that opens a message to the line, with its word already typed."""
        body = f"?body={quote(self.text_keyword)}" if self.text_keyword else ""
        return f"sms:{dial(self.text)}{body}"


def line_from_row(row: dict[str, str]) -> Line:
    numbers = {phone.type: phone for phone in phones_from_row(row)}
    voice, text = numbers.get("voice"), numbers.get("text")
    return Line(
        name=row["name"].strip(),
        country=(row.get("country") or "").strip().upper(),
        website=(row.get("website") or "").strip(),
        call=voice.number if voice else "",
        call_note=voice.description if voice else "",
        text=text.number if text else "",
        text_keyword=text.text_keyword if text else "",
        evidence=tuple((row.get("evidence") or "").split()),
    )


@cache
def crisis_lines(path: Path = SEED_FILE) -> tuple[Line, ...]:
    """Every crisis line in the file, in its order (each country's main line first)."""
    return tuple(
        line_from_row(row) for row in seed_rows(path) if (row.get("category") or "").strip() == CATEGORY
    )


def country_name(code: str) -> str:
    return COUNTRY_NAMES.get(code, code)
