"""The diary's insights, the report for a clinician and the CSV export: the signed-in member's
own rows only (privacy.owned), never stored by a cache on the way."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import make_response, render_template, request, session
from flask_login import login_required
from sqlalchemy.orm import selectinload

from community.diary import bp, charts, csv_export, insights, privacy, services
from community.diary.models import DiaryEntry, FlareNote
from community.extensions import db

REPORT_DAYS = 30  # the report's period when none is asked for
REPORT_MAX_YEARS = 3
REPORT_YEARS = (1900, 2999)  # beyond these a date is a typing slip, and date arithmetic overflows
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only


def _zone() -> str | None:
    return services.zone_named(session.get(services.ZONE_KEY))


def _today() -> date:
    """The member's today, as the diary's own pages reckon it (UTC until the browser said)."""
    return services.today(_zone())


def _local_midnight(day: date) -> datetime:
    zone = _zone()
    return datetime.combine(day, datetime.min.time(), ZoneInfo(zone) if zone else UTC)


def _entries(user, start: date | None = None, end: date | None = None) -> list[DiaryEntry]:
    query = privacy.owned(DiaryEntry, user).options(selectinload(DiaryEntry.tags)).order_by(DiaryEntry.day)
    if start is not None:
        query = query.where(DiaryEntry.day >= start)
    if end is not None:
        query = query.where(DiaryEntry.day <= end)
    return list(db.session.scalars(query))


@bp.app_template_filter("diary_number")
def diary_number(value, whole: bool = False) -> str:
    """A value as people read it: recorded whole numbers as they are, the rest to one decimal
    (insights.one_decimal, half up); nothing for a missing value."""
    if value is None:
        return ""
    if whole:
        return str(int(value))
    return str(insights.one_decimal(value))


def _private(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/diary/insights", endpoint="insights")
@login_required
def insights_page():
    user = privacy.diary_owner()
    chosen = request.args.get("range", "30")
    if chosen not in insights.RANGES:
        chosen = "30"
    end = _today()
    days = insights.RANGES[chosen]
    entries = _entries(user, end - timedelta(days=days - 1) if days else None, end)
    start = end - timedelta(days=days - 1) if days else (entries[0].day if entries else end)
    found = insights.insights(entries, start, end)
    pain_chart = charts.line_chart(
        "pain-chart", "Average pain each day", found.pain, 0, 10, "Pain (0 to 10)", "average pain"
    )
    peg_chart = charts.line_chart(
        "peg-chart", "PEG score each day", found.peg, 0, 10, "PEG score (0 to 10)", "PEG score"
    )
    page = render_template(
        "diary/insights.html",
        found=found,
        chosen=chosen,
        pain_chart=pain_chart,
        peg_chart=peg_chart,
        period=charts.period_words(start, end),
    )
    return _private(make_response(page))


class PeriodError(ValueError):
    """A report period that can't be shown; its message is for the member."""


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year without one
        return day.replace(year=day.year + years, day=28)


def report_period(asked_from: str | None, asked_to: str | None, today: date) -> tuple[date, date]:
    """The report's first and last day from ?from= and ?to= (YYYY-MM-DD), by default the last
    REPORT_DAYS days; PeriodError with words to show when they can't be used."""
    days = []
    for name, value, default in (
        ("start", asked_from, today - timedelta(days=REPORT_DAYS - 1)),
        ("end", asked_to, today),
    ):
        value = (value or "").strip()
        if not value:
            days.append(default)
            continue
        try:
            if not _ISO_DAY.fullmatch(value):
                raise ValueError
            days.append(date.fromisoformat(value))
        except ValueError:
            raise PeriodError(
                f"The {name} date should be a day written as year-month-day, for example {today.isoformat()}."
            ) from None
    start, end = days
    if not all(REPORT_YEARS[0] <= day.year <= REPORT_YEARS[1] for day in days):
        raise PeriodError(f"Please choose dates between the years {REPORT_YEARS[0]} and {REPORT_YEARS[1]}.")
    if start > end:
        raise PeriodError("The start date is after the end date. Please swap them or choose again.")
    if end > _add_years(start, REPORT_MAX_YEARS):
        raise PeriodError(
            f"A report can cover up to {REPORT_MAX_YEARS} years. Please choose a shorter period."
        )
    return start, end


def _flare_time(at: datetime) -> str:
    zone = _zone()
    local = at.astimezone(ZoneInfo(zone) if zone else UTC)
    return local.strftime("%A %-d %B %Y, %H:%M") + ("" if zone else " UTC")


@bp.get("/diary/report")
@login_required
def report():
    user = privacy.diary_owner()
    today = _today()
    try:
        start, end = report_period(request.args.get("from"), request.args.get("to"), today)
    except PeriodError as error:
        page = render_template(
            "diary/report.html",
            error=str(error),
            asked_from=request.args.get("from", ""),
            asked_to=request.args.get("to", ""),
        )
        return _private(make_response(page, 400))
    summary = insights.report(_entries(user, start, end), start, end)
    flares = db.session.scalars(
        privacy.owned(FlareNote, user)
        .where(FlareNote.at >= _local_midnight(start))
        .where(FlareNote.at < _local_midnight(end + timedelta(days=1)))
        .order_by(FlareNote.at)
    ).all()
    peg_chart = charts.line_chart(
        "report-peg-chart", "PEG score each day", summary.peg, 0, 10, "PEG score (0 to 10)", "PEG score"
    )
    page = render_template(
        "diary/report.html",
        report=summary,
        flares=[(_flare_time(flare.at), flare) for flare in flares],
        peg_chart=peg_chart,
        period=charts.period_words(start, end),
        asked_from=start.isoformat(),
        asked_to=end.isoformat(),
        made_on=today,
    )
    return _private(make_response(page))


@bp.get("/diary/export.csv")
@login_required
def export_csv():
    user = privacy.diary_owner()
    response = make_response(csv_export.entries_csv(_entries(user)))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="diary-{_today().isoformat()}.csv"'
    return _private(response)
