"""The one intake for member text: each kind's limits and words, the checks, then the HTML.

Forms ask TextRules(kind) and services ask accept_text(text, kind); both measure with
measure(), so a page and a service cannot disagree about what fits. Markdown becomes HTML
in community.content; this module decides what is taken and says why when it is not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from wtforms.validators import StopValidation

from community.content import TextRefused, check_cost, normalise_text, plain_text, render_with_mentions
from community.names import strip_invisible


@dataclass(frozen=True)
class TextKind:
    """One kind of member text. Messages may name {min} and {max}, filled in from the limits,
    so each limit is written once. `too_short` falls back to `empty`."""

    name: str
    label: str
    min_length: int
    max_length: int
    markdown: bool  # Markdown (a post, a bio) or one line (a title, a warning)
    too_long: str
    empty: str = ""
    too_short: str = ""
    # Whether the TEXT_SCREENS (moderation's watched words and crisis phrases) read it. Text
    # only its writer ever reads (a diary note) is not screened: nothing of it may reach the
    # review queue, and nobody is protected by refusing a word in it.
    screened: bool = True

    @property
    def required(self) -> bool:
        return self.min_length > 0

    def clean(self, text: str | None) -> str:
        """The text as stored: Markdown keeps its shape; one line loses what a reader cannot see."""
        return normalise_text(text) if self.markdown else strip_invisible(text)

    def message(self, problem: str) -> str:
        """The words for `problem` ("empty", "too_short" or "too_long"), limits filled in."""
        template = getattr(self, problem) or self.empty
        return template.format(min=self.min_length, max=self.max_length)


POST_BODY = TextKind(
    "post_body",
    "Post",
    1,
    20_000,
    markdown=True,
    empty="Please write something before posting.",
    too_long="A post can be at most {max:,} characters.",
)
TITLE = TextKind(
    "title",
    "Title",
    5,
    150,
    markdown=False,
    empty="A title needs {min} to {max} characters.",
    too_long="A title needs {min} to {max} characters.",
)
CONTENT_WARNING = TextKind(
    "content_warning",
    "Content warning",
    0,
    100,
    markdown=False,
    too_long="Keep the warning under {max} characters.",
)
BIO = TextKind(
    "bio",
    "About you",
    0,
    2_000,
    markdown=True,
    too_long="Please keep “About you” to {max:,} characters or fewer.",
)
CHAT_MESSAGE = TextKind(
    "chat_message",
    "Message",
    1,
    2_000,
    markdown=True,
    empty="Please write a message before sending.",
    too_long="A message can be at most {max:,} characters.",
)
DIARY_NOTE = TextKind(
    "diary_note",
    "Note",
    0,
    5_000,
    markdown=True,
    too_long="A diary note can be at most {max:,} characters.",
    screened=False,  # private: moderation never reads it
)

KINDS: dict[str, TextKind] = {
    kind.name: kind for kind in (POST_BODY, TITLE, CONTENT_WARNING, BIO, CHAT_MESSAGE, DIARY_NOTE)
}

DISPLAY_NAME = TextKind(
    "display_name",
    "Display name",
    0,
    50,
    markdown=False,
    too_long="Please keep your display name to {max} characters or fewer.",
)

KINDS[DISPLAY_NAME.name] = DISPLAY_NAME

# Screens every accepted text passes, in order, after its length and before any HTML is
# made. Each is called as screen(source, kind) and either refuses by raising TextRefused
# with words for the member, or returns what it noticed: a collection of verdicts ("hold",
# "flag", "crisis", "crisis_hold") that the feature storing the text hands to moderation.
# Moderation's watched words and crisis phrases register here (community.moderation), so
# every kind of text on every path meets them.
TEXT_SCREENS: list[Callable[[str, TextKind], Iterable[str]]] = []


@dataclass(frozen=True)
class Accepted:
    """Text that passed: `source` as stored, its sanitised `html` ('' for one-line kinds),
    `plain` words for the search index and snippets, the @mentions that became links
    (lower-cased name -> username), and the screens' verdicts (see TEXT_SCREENS)."""

    source: str
    html: str
    plain: str
    mentions: dict[str, str]
    verdicts: frozenset[str] = frozenset()


def measure(text: str | None, kind: TextKind) -> str:
    """The text as stored, if its length fits the kind; otherwise TextRefused with its words.

    Lengths count the cleaned text: a title of five zero-width spaces is empty, as a reader
    would see it."""
    source = kind.clean(text)
    # Nothing a reader could see. What shows in the first words shows in the whole (a
    # character stays or goes by itself and its neighbours), so a long text is rarely read twice.
    if kind.required and not (strip_invisible(source[:80]) or strip_invisible(source)):
        raise TextRefused(kind.message("empty"))
    if len(source) < kind.min_length:
        raise TextRefused(kind.message("too_short"))
    if len(source) > kind.max_length:
        raise TextRefused(kind.message("too_long"))
    return source


MentionLookup = Mapping[str, str] | Callable[[str], Mapping[str, str]]


def accept_text(text: str | None, kind: TextKind, mentions: MentionLookup | None = None) -> Accepted:
    """Take member text of `kind`, or raise TextRefused saying what to change.

    `mentions` maps the lower-cased @names that belong to members to their usernames, or is
    a function that looks them up in the source; it is called only once every check has
    passed, so refused text costs no query. One-line kinds have no HTML and no mentions.
    """
    source = measure(text, kind)
    verdicts = screen(source, kind)
    check_cost(source)
    if not kind.markdown:
        return Accepted(source, "", source, {}, verdicts)
    if callable(mentions):
        mentions = mentions(source)
    html, linked = render_with_mentions(source, mentions)
    return Accepted(source, html, plain_text(html), linked, verdicts)


def screen(source: str, kind: TextKind) -> frozenset[str]:
    """Every screen's verdicts on text already measured; TextRefused when one refuses it."""
    if not source or not kind.screened:
        return frozenset()
    verdicts: set[str] = set()
    for check in TEXT_SCREENS:
        verdicts.update(check(source, kind))
    return frozenset(verdicts)


class TextRules:
    """A WTForms validator: the kind's length rules and words, measured as accept_text does.

    Place it where Length and InputRequired were; it sets the same field flags, so a page
    still marks a required field required."""

    def __init__(self, kind: TextKind):
        self.kind = kind
        self.field_flags = {"required": True} if kind.required else {"optional": True}
        self.field_flags["maxlength"] = kind.max_length
        if kind.min_length > 1:
            self.field_flags["minlength"] = kind.min_length

    def __call__(self, form, field) -> None:
        # field.data, after the filters, is what the view hands the service, which measures it again.
        try:
            measure(field.data if isinstance(field.data, str) else None, self.kind)
        except TextRefused as refused:
            raise StopValidation(str(refused)) from refused
