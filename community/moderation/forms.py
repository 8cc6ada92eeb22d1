"""Forms for moderation: members' flags and safety settings, and the moderators' tools."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from community.accounts.forms import choices
from community.content import normalise_text
from community.moderation.blocking import MAX_MUTED_WORDS
from community.moderation.flags import NOTE_MAX
from community.moderation.models import FLAG_REASONS


def _text(value):
    return normalise_text(value) if isinstance(value, str) else value


# Members ---------------------------------------------------------------------------------


class FlagForm(FlaskForm):
    # "Note needed for 'other'" is the service's rule (flags.flag), so it is said once, there.
    reason = RadioField(
        "Why are you flagging it?",
        choices=choices(FLAG_REASONS.items()),
        validators=[InputRequired(message="Please choose a reason.")],
    )
    note = TextAreaField(
        "Anything the moderators should know",
        filters=[_text],
        validators=[Length(max=NOTE_MAX, message=f"Please keep the note to {NOTE_MAX} characters or fewer.")],
        description=(
            f"Needed only if you chose “Something else”; optional otherwise. Up to {NOTE_MAX} characters."
        ),
    )


# A muted word or phrase is at most 60 characters (blocking.clean_words) plus its line break.
MUTED_WORDS_TEXT_MAX = MAX_MUTED_WORDS * 62


class MutedWordsForm(FlaskForm):
    words = TextAreaField(
        "Muted words",
        filters=[_text],
        validators=[
            Length(
                max=MUTED_WORDS_TEXT_MAX,
                message=f"That is more than fits in {MAX_MUTED_WORDS} words or phrases.",
            )
        ],
        description=(
            f"One word or phrase a line, up to {MAX_MUTED_WORDS}. Posts containing these words are "
            "collapsed for you, with a button to show them. Nobody else is affected."
        ),
    )
