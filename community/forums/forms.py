"""Forms for threads, replies, edits, groups and notification settings."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NoneOf, NumberRange, Optional, Regexp

from community.accounts.forms import choices
from community.content import normalise_text
from community.forums.models import VISIBILITIES
from community.names import strip_invisible
from community.text import CONTENT_WARNING, POST_BODY, TITLE, TextRules


def _text(value):
    return normalise_text(value) if isinstance(value, str) else value


def _one_line(value):
    return strip_invisible(value) if isinstance(value, str) else value


# Shown before the title is ever wrong (TITLE holds the limits the validator uses).
TITLE_HINT = (
    f"{TITLE.min_length} to {TITLE.max_length} characters: a few words saying what the thread is about."
)
CW_HINT = "Optional. For example “self-harm” or “procedure details”. Readers choose whether to open the post."


class PostFields:
    body = TextAreaField(
        "Your post",
        filters=[_text],
        validators=[TextRules(POST_BODY)],
        description=(
            "Markdown works: **bold**, *italic*, > quote, - lists. "
            "To mention someone, type @ and the start of their name."
        ),
    )
    content_warning = StringField(
        "Content warning", filters=[_one_line], validators=[TextRules(CONTENT_WARNING)], description=CW_HINT
    )


class ThreadForm(PostFields, FlaskForm):
    title = StringField("Title", filters=[_one_line], validators=[TextRules(TITLE)], description=TITLE_HINT)


class ReplyForm(PostFields, FlaskForm):
    pass


class EditPostForm(PostFields, FlaskForm):
    # Only an opening post shows its title; the service refuses an empty one there.
    title = StringField(
        "Title", filters=[_one_line], validators=[Optional(), TextRules(TITLE)], description=TITLE_HINT
    )


class GroupForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[_one_line],
        validators=[InputRequired(message="Give the group a name."), Length(max=100)],
    )
    slug = StringField(
        "Web address",
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
        validators=[
            InputRequired(message="Give the group a web address."),
            Length(min=2, max=60),
            Regexp(r"^[a-z0-9-]+$", message="Use only a-z, 0-9 and -."),
            NoneOf(["manage"], message="That web address is reserved."),
        ],
        description="Shown in links, for example crps in /groups/crps/.",
    )
    description = TextAreaField("Description", filters=[_text], validators=[Optional(), Length(max=500)])
    visibility = RadioField("Who can read it", choices=choices(VISIBILITIES.items()), default="members")
    position = IntegerField(
        "Order",
        default=0,
        validators=[NumberRange(min=0, max=10_000)],
        description="Groups are listed from the lowest number.",
    )
