"""Forms for moderation: members' flags and safety settings, and the moderators' tools."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from community.accounts.forms import choices
from community.content import normalise_text
from community.moderation import words
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


# Watched words -----------------------------------------------------------------------------

WORD_NOTE_MAX = 200  # WatchedWord.note


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class WatchedWordForm(FlaskForm):
    # Checked in the view with words.problem_with, which says what is wrong in plain words.
    pattern = StringField(
        "Word, phrase or pattern",
        filters=[_strip],
        description="Capital letters, curly apostrophes and extra spaces make no difference.",
    )
    match_type = SelectField(
        "How it matches",
        choices=choices(words.MATCH_TYPES.items()),
        default="word",
        description="A * stands for any letters inside one word. Regular expressions are checked for "
        "speed before they are saved.",
    )
    action = SelectField("What happens", choices=choices(words.ACTIONS.items()), default="hold")
    whole_word = BooleanField(
        "Whole words only",
        default=True,
        description="Untick to match inside longer words too: “oxy” would then match “oxycodone”.",
    )
    note = StringField(
        "Note for admins (optional)",
        filters=[_strip],
        validators=[
            Length(max=WORD_NOTE_MAX, message=f"Please keep the note to {WORD_NOTE_MAX} characters or fewer.")
        ],
        description="Why the rule is here, or what it should and should not catch.",
    )


class WordImportForm(FlaskForm):
    file = FileField(
        "CSV file",
        render_kw={"accept": ".csv,text/csv"},
        description="Saved as “CSV UTF-8”, with the column names on the first line: "
        + ",".join(words.CSV_COLUMNS)
        + ". Only the pattern column is needed.",
    )
    rows = TextAreaField(
        "Or paste the rows",
        description="The same columns, the line of column names first. Use this or a file, not both.",
    )
