"""What a member's diary says over a stretch of days, computed from a list of entries and
nothing else (no Flask, no database): trends with a gap wherever a day is missing, the average
by weekday, pain on days with and without each of the member's tags, and a clinician's summary.

Means stay exact fractions until they are shown. What people read is rounded to one decimal,
half up (7.05 shows as 7.1, 7.04 as 7.0), by `one_decimal`: the rule people learn at school,
not Python's round(), which rounds halves to even and would show 7.25 as 7.2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from community.diary import scales
from community.diary.models import HELPER, TREATMENT, TRIGGER

MIN_DAYS = 3  # a tag is compared only with at least this many days with it, and without it
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
RANGES = {"7": 7, "30": 30, "90": 90, "all": None}  # ?range= and how many days it covers


def exact(value) -> Fraction:
    """A stored value as an exact number (a float such as 6.5 sleep hours as written)."""
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def mean(values) -> Fraction | None:
    values = [exact(value) for value in values]
    return sum(values, Fraction(0)) / len(values) if values else None


def one_decimal(value) -> Decimal | None:
    """`value` rounded to one decimal, halves away from zero (Decimal's ROUND_HALF_UP), done on
    the exact fraction so that no float error can move a half either way."""
    if value is None:
        return None
    value = exact(value)
    tenths = math.floor(abs(value) * 10 + Fraction(1, 2))
    return Decimal(-tenths if value < 0 else tenths).scaleb(-1)


def peg(entry) -> Fraction | None:
    """The exact PEG score: the mean of its three items, only when all three are there."""
    if scales.peg_score(entry) is None:
        return None
    return Fraction(sum(getattr(entry, scale.field) for scale in scales.PEG), 3)


def pain(entry) -> Fraction | None:
    return None if entry.pain_average is None else Fraction(entry.pain_average)


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def series(entries, start: date, end: date, value_of) -> list[tuple[date, Fraction | None]]:
    """One (day, value) a day from start to end; None where there is no entry or no value
    (a gap, never a zero)."""
    by_day = {entry.day: value_of(entry) for entry in entries}
    return [(day, by_day.get(day)) for day in days_between(start, end)]


@dataclass(frozen=True)
class WeekdayAverage:
    name: str
    days: int
    mean: Decimal | None


def by_weekday(entries) -> list[WeekdayAverage]:
    """Average pain on each weekday, Monday first; a weekday with no pain recorded has none."""
    values: list[list[int]] = [[] for _ in WEEKDAYS]
    for entry in entries:
        if entry.pain_average is not None:
            values[entry.day.weekday()].append(entry.pain_average)
    return [
        WeekdayAverage(name, len(days), one_decimal(mean(days)))
        for name, days in zip(WEEKDAYS, values, strict=True)
    ]


@dataclass(frozen=True)
class TagComparison:
    name: str
    kind: str  # models.TRIGGER, HELPER or TREATMENT
    days_with: int
    mean_with: Decimal
    days_without: int
    mean_without: Decimal
    # The difference of the two means as shown, so the page's own arithmetic checks out.
    difference: Decimal


def compare_tags(entries) -> tuple[list[TagComparison], int]:
    """For each tag on the days that have average pain: mean pain with it against without it,
    largest difference first. Tags with fewer than MIN_DAYS days either way are held back;
    the second value says how many were."""
    days = [entry for entry in entries if entry.pain_average is not None]
    tags = {(tag.kind, tag.key): tag for entry in days for tag in entry.tags}
    compared, held_back = [], 0
    for (kind, key), tag in tags.items():
        with_tag = [e.pain_average for e in days if any((t.kind, t.key) == (kind, key) for t in e.tags)]
        without = [e.pain_average for e in days if not any((t.kind, t.key) == (kind, key) for t in e.tags)]
        if len(with_tag) < MIN_DAYS or len(without) < MIN_DAYS:
            held_back += 1
            continue
        shown_with, shown_without = one_decimal(mean(with_tag)), one_decimal(mean(without))
        difference = shown_with - shown_without
        compared.append(
            TagComparison(tag.name, kind, len(with_tag), shown_with, len(without), shown_without, difference)
        )
    compared.sort(key=lambda c: (-abs(c.difference), c.name.casefold(), c.kind))
    return compared, held_back


@dataclass(frozen=True)
class Insights:
    start: date
    end: date
    days_recorded: int
    pain: list[tuple[date, Fraction | None]]
    peg: list[tuple[date, Fraction | None]]
    weekdays: list[WeekdayAverage]
    comparisons: list[TagComparison]
    held_back: int


def insights(entries, start: date, end: date) -> Insights:
    entries = [entry for entry in entries if start <= entry.day <= end]
    comparisons, held_back = compare_tags(entries)
    return Insights(
        start,
        end,
        len(entries),
        series(entries, start, end, pain),
        series(entries, start, end, peg),
        by_weekday(entries),
        comparisons,
        held_back,
    )


# The clinician's report.


@dataclass(frozen=True)
class Statistic:
    label: str
    scale: str  # its range in words, "0–10"
    days: int
    mean: Decimal | None
    low: str
    high: str


def _statistic(label: str, scale: str, values: list, whole: bool) -> Statistic:
    """Mean, lowest and highest; recorded whole numbers show as recorded, others to one decimal."""
    values = [exact(value) for value in values if value is not None]
    if not values:
        return Statistic(label, scale, 0, None, "", "")
    shown = (lambda v: str(v.numerator)) if whole else (lambda v: str(one_decimal(v)))
    low, high = shown(min(values)), shown(max(values))
    return Statistic(label, scale, len(values), one_decimal(mean(values)), low, high)


def _scale_statistic(scale, entries) -> Statistic:
    values = [getattr(entry, scale.field) for entry in entries]
    return _statistic(scale.name, f"{scale.low}–{scale.high}", values, whole=True)


def statistics(entries) -> list[Statistic]:
    """The report's summary: the PEG items, the PEG score, then the rest of what is recorded."""
    return [
        *(_scale_statistic(scale, entries) for scale in scales.PEG),
        _statistic("PEG score (mean of the three above)", "0–10", [peg(e) for e in entries], whole=False),
        _scale_statistic(scales.PAIN_NOW, entries),
        _scale_statistic(scales.PAIN_WORST, entries),
        _statistic("Sleep", "hours", [e.sleep_hours for e in entries], whole=False),
        _scale_statistic(scales.SLEEP_QUALITY, entries),
        _scale_statistic(scales.MOOD, entries),
    ]


def tag_days(entries, kind: str) -> list[tuple[str, int]]:
    """Each of the member's tags of a kind with the number of days it was noted, most first."""
    counts: dict[str, list] = {}
    for entry in entries:
        for tag in entry.tags_of(kind):
            counts.setdefault(tag.key, [tag.name, 0])[1] += 1
    return sorted(((name, days) for name, days in counts.values()), key=lambda t: (-t[1], t[0].casefold()))


@dataclass(frozen=True)
class Report:
    start: date
    end: date
    days_in_period: int
    days_recorded: int
    statistics: list[Statistic]
    peg: list[tuple[date, Fraction | None]]
    treatments: list[tuple[str, int]]
    triggers: list[tuple[str, int]]
    helpers: list[tuple[str, int]]
    notes: list  # the entries that have notes, oldest first


def report(entries, start: date, end: date) -> Report:
    entries = sorted((e for e in entries if start <= e.day <= end), key=lambda e: e.day)
    return Report(
        start,
        end,
        (end - start).days + 1,
        len(entries),
        statistics(entries),
        series(entries, start, end, peg),
        tag_days(entries, TREATMENT),
        tag_days(entries, TRIGGER),
        tag_days(entries, HELPER),
        [entry for entry in entries if entry.notes_html.strip()],
    )
