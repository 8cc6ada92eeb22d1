"""Forms for accounts. Field names are part of INTERFACES.md; keep them."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from community.accounts.models import RELATIONSHIPS, TEXT_SIZES, THEMES
from community.accounts.passwords import password_problem
from community.content import normalise_text
from community.names import reserved_name_problem, strip_invisible
from community.text import BIO, TextRules
from community.times import time_zone_names

USERNAME_PATTERN = r"^[A-Za-z0-9_-]+$"


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _text(value):
    return normalise_text(value) if isinstance(value, str) else value


def new_password_fields():
    """A password and its confirmation, made where a form declares them, so they take
    their place in the form's order (and in its error summary) after the fields above."""
    password = PasswordField(
        "Password",
        validators=[InputRequired(message="Choose a password.")],
        description="At least 12 characters. A few words you will remember works well.",
    )
    confirm = PasswordField(
        "Type the password again",
        validators=[
            InputRequired(message="Type the password again."),
            EqualTo("password", message="The two passwords are not the same."),
        ],
    )
    return password, confirm


def not_reserved(form, field):
    """Names that could pass for staff are kept for staff (the rule: community.names)."""
    problem = reserved_name_problem(field.data)
    if problem:
        raise ValidationError(problem)


class NewPasswordMixin:
    def validate_password(self, field):
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class RegistrationForm(NewPasswordMixin, FlaskForm):
    username = StringField(
        "Username",
        filters=[_strip],
        validators=[
            InputRequired(message="Choose a username."),
            Length(min=3, max=30, message="Use 3 to 30 characters."),
            Regexp(USERNAME_PATTERN, message="Use only letters, numbers, _ and -."),
            not_reserved,
        ],
        description="3 to 30 letters, numbers, _ or -. Shown to others; it need not be your real name.",
    )
    email = EmailField(
        "Email",
        filters=[_strip],
        validators=[
            InputRequired(message="Enter your email address."),
            Length(max=254),
            Email(message="Enter an email address like name@example.com.", check_deliverability=False),
        ],
        description="Only used to reset your password. Never shown to anyone.",
    )
    password, confirm = new_password_fields()
    accept_guidelines = BooleanField(
        "I have read the community guidelines. I understand this is peer support, not medical advice.",
        validators=[DataRequired(message="Please read and accept the community guidelines to join.")],
    )


class PickGroupsForm(FlaskForm):
    """The first step after joining. Nothing is required (an empty choice is a skip), and a
    group that closed since the page was shown is passed over, not refused: the forums'
    join rule decides each one (community.forums.welcome.join_groups)."""

    groups = SelectMultipleField("Pick your groups", choices=[], validate_choice=False)


class LoginForm(FlaskForm):
    login = StringField(
        "Username or email",
        filters=[_strip],
        validators=[
            InputRequired(message="Enter your username or email."),
            Length(max=254, message="That is longer than any username or email here."),
        ],
    )
    password = PasswordField("Password", validators=[InputRequired(message="Enter your password.")])
    remember = BooleanField("Keep me signed in on this device")


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[InputRequired(message="Enter your current password.")]
    )
    password, confirm = new_password_fields()


class ResetRequestForm(FlaskForm):
    email = EmailField(
        "Email",
        filters=[_strip],
        validators=[
            InputRequired(message="Enter your email address."),
            Email(message="Enter an email address like name@example.com.", check_deliverability=False),
        ],
    )


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    password, confirm = new_password_fields()


class SettingsForm(FlaskForm):
    display_name = StringField(
        "Display name",
        filters=[strip_invisible],
        validators=[Optional(), Length(max=50), not_reserved],
        description="Optional. Shown instead of your username.",
    )
    pronouns = StringField(
        "Pronouns",
        filters=[strip_invisible],
        validators=[Optional(), Length(max=30), not_reserved],  # shown as "(…)" beside the name
        description="Optional, for example she/her or they/them.",
    )
    relationship = RadioField(
        "About me",
        choices=choices([("", "I'd rather not say"), *RELATIONSHIPS.items()]),
        default="",
        validate_choice=True,
    )
    conditions = StringField(
        "Conditions",
        filters=[_text],
        validators=[Optional(), Length(max=200)],
        description="Optional. Separate them with commas, for example CRPS, migraine.",
    )
    bio = TextAreaField(
        "About you",
        filters=[_text],
        validators=[TextRules(BIO)],
        description=f"Optional, up to {BIO.max_length:,} characters. Markdown works.",
    )
    theme = RadioField("Colours", choices=choices(THEMES.items()), default="system")
    text_size = RadioField("Text size", choices=choices(TEXT_SIZES.items()), default="normal")
    time_zone = SelectField(
        "Time zone",
        choices=lambda: [("", "Follow my device"), *((z, z.replace("_", " ")) for z in time_zone_names())],
        default="",
        description="The clock the site's times are shown on, for example beside each post.",
    )


class DeleteAccountForm(FlaskForm):
    posts = RadioField(
        "Your posts and chat messages",
        choices=choices(
            [
                ("erase", "Erase them. Threads you started with others' replies stay, without your words."),
                ("keep", "Keep them for others to read, shown as written by “Former member”."),
            ]
        ),
        validators=[
            InputRequired(message="Please choose what happens to your posts and chat messages."),
            AnyOf(["erase", "keep"], message="Please choose what happens to your posts and chat messages."),
        ],
        validate_choice=False,
    )
    password = PasswordField(
        "Your password",
        validators=[InputRequired(message="Enter your password to delete your account.")],
        description="We ask again so nobody else can delete your account from a device left signed in.",
    )
