"""Line charts drawn on the server as SVG geometry, for templates/diary/_chart.html to print.

No script and no other host: the numbers become coordinates here, and the template writes
them into an <svg> that the stylesheet colours for the light and dark themes. A missing day
breaks the line (a gap), it is never drawn as zero; a day alone between gaps is a dot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 36, 16, 48  # room for the axes' numbers and names
MAX_DATE_LABELS = 6
DOTS_UP_TO = 31  # with more days than this, only days alone between gaps get a dot


def day_label(day: date) -> str:
    return day.strftime("%-d %b")


def period_words(start: date, end: date) -> str:
    return f"{start.strftime('%-d %B %Y')} to {end.strftime('%-d %B %Y')}"


@dataclass(frozen=True)
class LineChart:
    id: str  # unique on the page: the <title> and <desc> ids start with it
    title: str
    description: str
    y_label: str
    x_label: str = "Day"
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)  # path data, one per unbroken run of days
    dots: list[tuple[float, float]] = field(default_factory=list)


def _label_indexes(count: int) -> list[int]:
    if count <= MAX_DATE_LABELS:
        return list(range(count))
    step = (count - 1) / (MAX_DATE_LABELS - 1)
    return sorted({round(n * step) for n in range(MAX_DATE_LABELS)})


def line_chart(
    chart_id: str,
    title: str,
    points: list[tuple[date, Fraction | None]],
    low: int,
    high: int,
    y_label: str,
    what: str,
) -> LineChart:
    """A chart of one value a day. `what` names the value in the description ("average pain")."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = len(points)

    def x(index: int) -> float:
        return round(LEFT + (plot_width / 2 if count == 1 else index * plot_width / (count - 1)), 1)

    def y(value) -> float:
        return round(TOP + float(Fraction(high) - value) * plot_height / (high - low), 1)

    step = 2 if high - low > 5 else 1
    y_ticks = [(y(value), str(value)) for value in range(low, high + 1, step)]
    x_ticks = [(x(i), day_label(points[i][0])) for i in _label_indexes(count)]

    runs: list[list[tuple[float, float]]] = [[]]
    for index, (_, value) in enumerate(points):
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((x(index), y(value)))
    runs = [run for run in runs if run]
    segments = ["M" + " L".join(f"{px} {py}" for px, py in run) for run in runs if len(run) > 1]
    if count <= DOTS_UP_TO:
        dots = [point for run in runs for point in run]
    else:
        dots = [run[0] for run in runs if len(run) == 1]

    recorded = sum(1 for _, value in points if value is not None)
    if points:
        period = period_words(points[0][0], points[-1][0])
        description = (
            f"{what.capitalize()} each day from {period}, on a scale from {low} to {high}. "
            f"{recorded} of {count} days have a value; days without one are gaps in the line. "
            "The table that follows gives every value."
        )
    else:
        description = f"No {what} to show."
    return LineChart(
        chart_id, title, description, y_label, y_ticks=y_ticks, x_ticks=x_ticks, segments=segments, dots=dots
    )
