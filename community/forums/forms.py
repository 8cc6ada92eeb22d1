"""Forms for threads, replies, edits, groups and notification settings."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NoneOf, NumberRange, Optional, Regexp

from community.accounts.forms import choices
from community.content import normalise_text
from community.forums.models import VISIBILITIES
from community.names import strip_invisible


def _text(value):
    return normalise_text(value) if isinstance(value, str) else value


def _one_line(value):
    return strip_invisible(value) if isinstance(value, str) else value


CW_HINT = "Optional. For example “self-harm” or “procedure details”. Readers choose whether to open the post."


class PostFields:
    body = TextAreaField("Your post", filters=[_text], validators=[
        InputRequired(message="Please write something before posting."),
        Length(max=20_000, message="A post can be at most 20,000 characters."),
    ], description="Markdown works: **bold**, *italic*, > quote, - lists. Mention someone with @username.")
    content_warning = StringField("Content warning", filters=[_one_line],
                                  validators=[Optional(), Length(max=100, message="Keep the warning under 100 characters.")],
                                  description=CW_HINT)


class ThreadForm(PostFields, FlaskForm):
    title = StringField("Title", filters=[_one_line], validators=[
        InputRequired(message="Please give your thread a title."),
        Length(min=5, max=150, message="A title needs 5 to 150 characters."),
    ])


class ReplyForm(PostFields, FlaskForm):
    pass


class EditPostForm(PostFields, FlaskForm):
    title = StringField("Title", filters=[_one_line], validators=[
        Optional(), Length(min=5, max=150, message="A title needs 5 to 150 characters."),
    ])


class GroupForm(FlaskForm):
    name = StringField("Name", filters=[_one_line], validators=[InputRequired(message="Give the group a name."),
                                                                 Length(max=100)])
    slug = StringField("Web address", filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
                       validators=[InputRequired(message="Give the group a web address."), Length(min=2, max=60),
                                   Regexp(r"^[a-z0-9-]+$", message="Use only a-z, 0-9 and -."),
                                   NoneOf(["manage"], message="That web address is reserved.")],
                       description="Shown in links, for example crps in /groups/crps/.")
    description = TextAreaField("Description", filters=[_text], validators=[Optional(), Length(max=500)])
    visibility = RadioField("Who can read it", choices=choices(VISIBILITIES.items()), default="members")
    position = IntegerField("Order", default=0, validators=[NumberRange(min=0, max=10_000)],
                            description="Groups are listed from the lowest number.")


class NotificationSettingsForm(FlaskForm):
    mentions = BooleanField("When someone mentions me with @")
    replies = BooleanField("When someone replies in a thread I watch")
    reactions = BooleanField("When someone reacts to my post (at most one a day for each post)")
