"""Forms for the directory: a member's suggestion and report, a moderator's edit and decline.

The forms check shape (required, lengths, choices); what an address or a number may be is
the services' rule (services.clean_url, clean_phone, describe), so a refusal there comes
back on the field it is about."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from community.accounts.forms import choices
from community.content import normalise_text
from community.names import strip_invisible
from community.resources import review, taxonomy
from community.resources.models import (
    DESCRIPTION_MAX,
    EMAIL_MAX,
    LOCATION_TYPES,
    NAME_MAX,
    PHONE_TYPES,
    SCOPES,
    SERVICE_STATUSES,
    URL_MAX,
)


def _text(value):
    return normalise_text(value) if isinstance(value, str) else value


def _line(value):
    return strip_invisible(value).strip() if isinstance(value, str) else value


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes in a list (a fieldset in the page)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        # Unknown codes are an error, not silently dropped, so a tampered form says so.
        known = {choice.value for choice in self.choices}
        if any(value not in known for value in self.data or []):
            raise ValidationError("Please choose from the list.")


def _email():
    return [
        Optional(),
        Length(max=EMAIL_MAX),
        Email(message="Please give an email address like name@example.org."),
    ]


KIND_CHOICES = choices((term.code, term.name) for term in taxonomy.KINDS)
CONDITION_CHOICES = choices((term.code, term.name) for term in taxonomy.CONDITIONS)


class SuggestForm(FlaskForm):
    name = StringField(
        "Name of the organisation or service",
        filters=[_line],
        validators=[InputRequired(message="Please give its name."), Length(max=NAME_MAX)],
    )
    website = StringField(
        "Website",
        filters=[_line],
        validators=[Optional(), Length(max=URL_MAX)],
        description="Starting with https:// or http://.",
    )
    phone = StringField("Phone number", filters=[_line], validators=[Optional(), Length(max=40)])
    phone_type = SelectField(
        "Is the number for calls or texts?", choices=choices([("voice", "Call"), ("text", "Text")])
    )
    email = StringField("Email address", filters=[_line], validators=_email())
    description = TextAreaField(
        "What do they do?",
        filters=[_text],
        validators=[InputRequired(message="Please say what they do."), Length(max=DESCRIPTION_MAX)],
        description="A few sentences: who it is for and how it helps. Plain text or Markdown.",
    )
    kind = SelectField("Kind of help", choices=KIND_CHOICES)
    conditions = CheckboxesField("Conditions it helps with", choices=CONDITION_CHOICES)
    reach = SelectField("Who can use it", choices=choices(review.REACHES.items()))
    country = SelectField("Country", choices=choices(review.COUNTRIES.items()))
    region = StringField(
        "State, province or region",
        filters=[_line],
        validators=[Optional(), Length(max=100)],
        description="Needed when it serves one state or one city.",
    )
    city = StringField(
        "City or area",
        filters=[_line],
        validators=[Optional(), Length(max=100)],
        description="Needed when it serves one city.",
    )
    note = TextAreaField(
        "Anything the moderators should know (optional)",
        filters=[_text],
        validators=[Optional(), Length(max=review.NOTE_MAX)],
        description="Only moderators see this. For example how you know them.",
    )


class ReportForm(FlaskForm):
    note = TextAreaField(
        "What has changed?",
        filters=[_text],
        validators=[
            InputRequired(message="Please say what has changed."),
            Length(max=review.NOTE_MAX, message=f"Please keep it to {review.NOTE_MAX:,} characters."),
        ],
        description="For example a new phone number, new opening hours, or that it has closed. Plain text.",
    )


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        "Reason the member will see",
        filters=[_text],
        validators=[InputRequired(message="Please give the reason the member will see."), Length(max=1000)],
    )


class UnpublishForm(FlaskForm):
    reason = StringField("Why (for the audit log)", filters=[_line], validators=[Optional(), Length(max=300)])


# The moderators' edit: every field of an entry ----------------------------------------------


class ServiceFields(Form):
    id = HiddenField()
    name = StringField("Service name", filters=[_line], validators=[Optional(), Length(max=NAME_MAX)])
    description = TextAreaField(
        "Service description", filters=[_text], validators=[Length(max=DESCRIPTION_MAX)]
    )
    status = SelectField("Status", choices=choices(SERVICE_STATUSES.items()))
    url = StringField("Service web address", filters=[_line], validators=[Optional(), Length(max=URL_MAX)])
    email = StringField("Service email", filters=[_line], validators=_email())
    languages = StringField(
        "Languages",
        filters=[_line],
        validators=[Length(max=200)],
        description="Codes, comma-separated: en,es.",
    )
    fees_description = StringField("Fees", filters=[_line], validators=[Length(max=500)])
    remove = BooleanField("Remove this service")


class PhoneFields(Form):
    id = HiddenField()
    number = StringField("Number", filters=[_line], validators=[Optional(), Length(max=40)])
    extension = StringField("Extension", filters=[_line], validators=[Length(max=20)])
    type = SelectField("Type", choices=choices(PHONE_TYPES.items()))
    description = StringField(
        "What to do", filters=[_line], validators=[Length(max=200)], description="For example “then press 1”."
    )
    text_keyword = StringField("Word to text first", filters=[_line], validators=[Length(max=40)])
    remove = BooleanField("Remove this number")


class EditForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[_line],
        validators=[InputRequired(message="Please give its name."), Length(max=NAME_MAX)],
    )
    alternate_name = StringField("Other name", filters=[_line], validators=[Length(max=NAME_MAX)])
    description = TextAreaField("Description", filters=[_text], validators=[Length(max=DESCRIPTION_MAX)])
    website = StringField("Website", filters=[_line], validators=[Optional(), Length(max=URL_MAX)])
    email = StringField("Email address", filters=[_line], validators=_email())
    country = SelectField("Country it mainly serves", choices=choices(review.COUNTRIES.items()))
    sources = TextAreaField(
        "Sources",
        filters=[_text],
        validators=[Length(max=2000)],
        description="Where these facts come from (links).",
    )
    kinds = CheckboxesField("Kinds of help", choices=KIND_CHOICES)
    conditions = CheckboxesField("Conditions", choices=CONDITION_CHOICES)

    services = FieldList(FormField(ServiceFields), min_entries=1)
    phones = FieldList(FormField(PhoneFields), min_entries=1)

    location_type = SelectField(
        "Kind of place", choices=choices((value, value.capitalize()) for value in LOCATION_TYPES)
    )
    location_name = StringField("Place name", filters=[_line], validators=[Length(max=NAME_MAX)])
    address_1 = StringField("Street address", filters=[_line], validators=[Length(max=200)])
    city = StringField("City", filters=[_line], validators=[Length(max=100)])
    state_province = StringField("State or province", filters=[_line], validators=[Length(max=100)])
    postal_code = StringField("Postal code", filters=[_line], validators=[Length(max=20)])
    location_country = SelectField("Country", choices=choices(review.COUNTRIES.items()))
    latitude = StringField("Latitude", filters=[_line], description="From -90 to 90, for example 40.7128.")
    longitude = StringField(
        "Longitude", filters=[_line], description="From -180 to 180, for example -74.006."
    )

    area_scope = SelectField("Who can use it", choices=choices([("", "Not said"), *SCOPES.items()]))
    area_name = StringField(
        "Area name",
        filters=[_line],
        validators=[Length(max=NAME_MAX)],
        description="“United States”, “New York”.",
    )
    area_country = SelectField("Area country", choices=choices(review.COUNTRIES.items()))

    verified = BooleanField("Mark as verified today")
