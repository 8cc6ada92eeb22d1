"""Times as a tired reader takes them in: "2 hours ago", with the exact time on their own
clock beside it on hover and focus. The clock is the zone the member chose in settings; with
none chosen the server writes UTC and static/js/local-time.js rewrites it on the browser's
clock, so a reader never has to do sums from UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask import has_request_context
from flask_login import current_user
from markupsafe import Markup, escape

from community.database import utcnow

# Where zones live: "Europe/London", not the old aliases ("GB", "US/Eastern") or "Etc/GMT+5".
_REGIONS = tuple(
    f"{name}/" for name in "Africa America Antarctica Asia Atlantic Australia Europe Indian Pacific".split()
)
# "N units ago" up to the first bound at or past the gap: (bound in seconds, unit, its size).
_SCALE = (
    (3600, "minute", 60),
    (86400, "hour", 3600),
    (7 * 86400, "day", 86400),
    (35 * 86400, "week", 7 * 86400),  # "4 weeks ago" reads better than "1 month ago"
    (365 * 86400, "month", 30 * 86400),
    (None, "year", 365 * 86400),
)


@cache
def time_zone_names() -> tuple[str, ...]:
    return ("UTC", *sorted(z for z in available_timezones() if z.startswith(_REGIONS)))


def zone_label(name: str) -> str:
    """ "America/New_York" -> "New York time": the words people use for a zone."""
    return "UTC" if name == "UTC" else f"{name.rsplit('/', 1)[-1].replace('_', ' ')} time"


def reader_zone() -> str:
    """The zone the signed-in reader chose, or "" to follow their browser."""
    if not has_request_context() or not current_user.is_authenticated:
        return ""
    zone = getattr(current_user, "time_zone", "") or ""
    return zone if zone in time_zone_names() else ""


def ago(value: datetime, now: datetime | None = None) -> str:
    """ "just now", "5 minutes ago", "2 hours ago", "3 days ago"; "in 2 days" for a time ahead."""
    seconds = int(((now or utcnow()) - value).total_seconds())
    ahead, seconds = seconds < 0, abs(seconds)
    if seconds < 60:
        return "in a moment" if ahead else "just now"
    unit, size = next((unit, size) for bound, unit, size in _SCALE if bound is None or seconds < bound)
    count = seconds // size
    words = f"{count} {unit}{'' if count == 1 else 's'}"
    return f"in {words}" if ahead else f"{words} ago"


def ago_changes_at(value: datetime, now: datetime) -> datetime:
    """The first moment after `now` at which ago(value) may read differently: until then a
    page showing it can be kept as it is. A time ahead reads differently at once."""
    seconds = int((now - value).total_seconds())
    if seconds < 0:
        return now
    if seconds < 60:
        return value + timedelta(seconds=60)
    bound, _, size = next(scale for scale in _SCALE if scale[0] is None or seconds < scale[0])
    step = (seconds // size + 1) * size
    return value + timedelta(seconds=step if bound is None else min(step, bound))


def exact(value: datetime, zone: str, now: datetime | None = None) -> str:
    """ "Wednesday 3 June, 14:05 London time", the year only when it is not this one."""
    local = value.astimezone(ZoneInfo(zone))
    this_year = (now or utcnow()).astimezone(ZoneInfo(zone)).year
    day = local.strftime("%A %-d %B") + ("" if local.year == this_year else local.strftime(" %Y"))
    return f"{day}, {local:%H:%M} {zone_label(zone)}"


def when(value: datetime | None, now: datetime | None = None) -> Markup:
    """A <time> that reads "2 hours ago" and holds the exact local time, shown on hover and
    when its line has the keyboard focus, and read out by screen readers."""
    if value is None:
        return Markup("")
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    zone = reader_zone()
    browser = "" if zone else " data-browser-zone"  # local-time.js puts the browser's clock in
    return Markup(
        '<time class="when" datetime="{iso}"{browser}>{ago}<span class="when-exact"> ({exact})</span></time>'
    ).format(
        iso=value.astimezone(UTC).isoformat(),
        browser=Markup(browser),
        ago=ago(value, now),
        exact=exact(value, zone or "UTC", now),
    )


def clock(value: datetime | None) -> Markup:
    """Just the clock time ("14:05"), for chat, where messages come minutes apart."""
    if value is None:
        return Markup("")
    zone = reader_zone()
    local = value.astimezone(ZoneInfo(zone or "UTC"))
    words = f"{local:%H:%M}" if zone else f"{local:%H:%M} UTC"
    return Markup('<time datetime="{}">{}</time>').format(value.astimezone(UTC).isoformat(), escape(words))
