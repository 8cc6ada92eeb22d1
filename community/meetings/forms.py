"""Forms for planning a meeting and for the host's pinned message."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, NumberRange, Optional

from community.content import normalise_text
from community.meetings.models import (
    DESCRIPTION,
    DURATION_MAX,
    DURATION_MIN,
    DURATION_WORDS,
    GUIDELINES,
    PINNED,
)
from community.names import strip_invisible
from community.text import TITLE, TextRules


def _text(value):
    return normalise_text(value) if isinstance(value, str) else value


def _one_line(value):
    return strip_invisible(value) if isinstance(value, str) else value


class MeetingForm(FlaskForm):
    title = StringField("Title", filters=[_one_line], validators=[TextRules(TITLE)])
    description = TextAreaField(
        "What the meeting is for",
        filters=[_text],
        validators=[TextRules(DESCRIPTION)],
        description="Who it suits and what happens in it. Markdown works: **bold**, *italic*, - lists.",
    )
    room_id = SelectField("Chat room", coerce=int, validators=[InputRequired(message="Choose a room.")])
    host = StringField(
        "Host",
        filters=[_one_line],
        description="The username of the member who hosts it. Leave it empty to host it yourself.",
    )
    starts_on = DateField("First date", validators=[InputRequired(message="Please give the first date.")])
    starts_at_local = TimeField("Start time", validators=[InputRequired(message="Please give a start time.")])
    # The service checks the zone is one of the list, in words ("Not a valid choice" is not).
    time_zone = SelectField(
        "Time zone",
        validate_choice=False,
        validators=[InputRequired(message="Please choose a time zone.")],
        description="The clocks the meeting keeps to: 19:00 stays 19:00 there when its clocks change.",
    )
    duration_minutes = IntegerField(
        "How long, in minutes",
        default=60,
        validators=[
            InputRequired(message="Please say how long it lasts."),
            NumberRange(min=DURATION_MIN, max=DURATION_MAX, message=DURATION_WORDS),
        ],
    )
    weekly = BooleanField("Repeat every week")
    repeat_until = DateField(
        "Last date (optional)",
        validators=[Optional()],
        description="For a weekly meeting: the last day it may fall on. Leave it empty to go on repeating.",
    )
    guidelines = TextAreaField(
        "Guidelines for the meeting",
        filters=[_text],
        validators=[TextRules(GUIDELINES)],
        description="Shown at the top of the chat room while the meeting is on.",
    )


class PinForm(FlaskForm):
    pinned = StringField(
        "Pinned message",
        filters=[_one_line],
        validators=[TextRules(PINNED)],
        description="Shown under the meeting's banner in the room. Leave it empty to take it down.",
    )
