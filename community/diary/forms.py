"""The diary's forms: the quick "How is today?", the full entry, a flare note and reminders.

Every scale is a set of radio buttons (big targets, one choice, the keyboard's arrow keys); a
scale left alone is "not noted", never zero. Limits come from scales, models and services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from community.content import normalise_text
from community.diary import services
from community.diary.models import TAG_MAX
from community.diary.scales import BODY_AREAS, BY_FIELD, PEG, SLEEP_HOURS_MAX, Scale
from community.text import DIARY_NOTE, TextRules

NOT_NOTED = ""
_WORDS = {"maxlength": TAG_MAX * 10, "autocomplete": "off"}  # a few of the member's own words


def _number_or_none(value):
    if value in (None, NOT_NOTED):
        return None
    return int(value)


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _text(value):
    return normalise_text(value) if isinstance(value, str) else value


def scale_field(scale: Scale, clearable: bool = False) -> RadioField:
    """A scale's radio buttons; `clearable` adds "Not noted", so a value can be taken back."""
    choices = [SelectChoice(n, str(n)) for n in range(scale.low, scale.high + 1)]
    if clearable:
        choices.append(SelectChoice(NOT_NOTED, "Not noted"))
    return RadioField(
        scale.name,
        choices=choices,
        coerce=_number_or_none,
        validate_choice=False,  # the service checks the range, in words
        validators=[Optional()],
        description=f"{scale.low} is “{scale.low_words}”, {scale.high} is “{scale.high_words}”.",
    )


HOURS_WORDS = f"Give the hours slept as a number from 0 to {SLEEP_HOURS_MAX}, like 7 or 6.5."


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ZoneForm(FlaskForm):
    # Filled by static/js/diary.js with the browser's time zone; empty without JavaScript (UTC).
    time_zone = HiddenField(render_kw={"data-diary-zone": ""})


class QuickEntryForm(ZoneForm):
    pain_average = scale_field(BY_FIELD["pain_average"])
    mood = scale_field(BY_FIELD["mood"])
    sleep_quality = scale_field(BY_FIELD["sleep_quality"])


class EntryForm(ZoneForm):
    pain_average = scale_field(PEG[0], clearable=True)
    enjoyment_interference = scale_field(PEG[1], clearable=True)
    activity_interference = scale_field(PEG[2], clearable=True)
    pain_now = scale_field(BY_FIELD["pain_now"], clearable=True)
    pain_worst = scale_field(BY_FIELD["pain_worst"], clearable=True)
    body_areas = MultiCheckboxField("Where it hurts", choices=choices(BODY_AREAS.items()))
    qualities = MultiCheckboxField("What the pain feels like", validate_choice=False)
    qualities_other = StringField(
        "Other words for it", description="Your own words, separated by commas.", render_kw=_WORDS
    )
    triggers = MultiCheckboxField("What may have made it worse", validate_choice=False)
    triggers_other = StringField(
        "Other triggers", description="Your own words, separated by commas.", render_kw=_WORDS
    )
    helpers = MultiCheckboxField("What helped", validate_choice=False)
    helpers_other = StringField(
        "Other things that helped", description="Your own words, separated by commas.", render_kw=_WORDS
    )
    treatments = MultiCheckboxField("Treatments taken", validate_choice=False)
    treatments_other = StringField(
        "Other treatments",
        description="Medicines, therapies, anything you took or did, separated by commas.",
        render_kw=_WORDS,
    )
    sleep_hours = StringField(
        "Hours slept",
        description=f"A number from 0 to {SLEEP_HOURS_MAX}, like 7 or 6.5.",
        render_kw={"inputmode": "decimal", "autocomplete": "off", "size": 5},
    )
    sleep_quality = scale_field(BY_FIELD["sleep_quality"], clearable=True)
    mood = scale_field(BY_FIELD["mood"], clearable=True)
    notes = TextAreaField(
        "Notes",
        filters=[_text],
        validators=[TextRules(DIARY_NOTE)],
        description="Only you can read these. Markdown works: **bold**, *italic*, - lists.",
        render_kw={"rows": 6},
    )

    def validate_sleep_hours(self, field):
        self.hours = None
        text = (field.data or "").strip().replace(",", ".")
        if not text:
            return
        try:
            hours = float(text)
        except ValueError:
            hours = -1.0
        if not 0 <= hours <= SLEEP_HOURS_MAX or hours != hours:
            raise ValidationError(HOURS_WORDS)
        self.hours = hours

    def tag_words(self, name: str) -> list[str]:
        """The ticked suggestions and the typed words of one kind, together."""
        return list(self[name].data or []) + services.split_words(self[f"{name}_other"].data)


class FlareForm(ZoneForm):
    at = DateTimeLocalField(
        "When",
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
        description="Leave it as it is for now.",
    )
    pain = scale_field(BY_FIELD["pain_now"])
    note = TextAreaField(
        "A few words",
        filters=[_text],
        validators=[TextRules(services.FLARE_NOTE)],
        render_kw={"rows": 2},
    )


REMINDER_HOURS = [("", "Any time of day")] + [(str(h), f"From {h:02d}:00") for h in range(24)]


class ReminderForm(ZoneForm):
    reminders = BooleanField("Remind me on the home page when a day has no entry yet")
    reminder_hour = SelectField("When", choices=choices(REMINDER_HOURS))
