"""Names and one-line text members choose: invisible characters removed, staff-like names kept for staff."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from community.content import normalise_text

RESERVED_MESSAGE = "That name is kept for the site's own staff. Please choose another."

# Bidi controls (U+061C, U+200E/F, U+202A-E, U+2066-9) reorder what is shown, so "Sam" can
# display as something else; the rest are zero-width or blank (ZWSP, joiners, word joiner,
# invisible operators, BOM, Mongolian vowel separator, soft hyphen, combining grapheme
# joiner, Hangul fillers) and let a title or a name look empty or look like another.
# Also every other format character (Unicode category Cf: tags, musical-notation controls…)
# and blanks that are letters or symbols by category (braille blank, Khmer inherent vowels).
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u2800\u3164\ufeff\ufff9-\ufffb\uffa0"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)
_ZWJ = "\u200d"


def _joins_emoji(text: str, at: int) -> bool:
    """A joiner between two emoji builds one picture (woman + wheelchair: 👩‍🦽); it stays."""
    before, after = text[at - 1 : at], text[at + 1 : at + 2]
    return (
        bool(before)
        and bool(after)
        and unicodedata.category(after) == "So"
        and (before == "\ufe0f" or unicodedata.category(before) in {"So", "Sk"})
    )


def _drop(match: re.Match) -> str:
    if match.group() == _ZWJ and _joins_emoji(match.string, match.start()):
        return _ZWJ
    return ""


def strip_invisible(text: str | None) -> str:
    """One-line text as stored (names, pronouns, titles, warnings): no control, bidi or
    zero-width characters, runs of whitespace as one space, nothing at either end."""
    return " ".join(_INVISIBLE.sub(_drop, normalise_text(text)).split())


# Reserved names: the rule is in is_reserved's docstring -----------------------------------

_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "|": "l", "!": "i"}
)
# Letters that NFKD does not split into a base letter and an accent.
_UNDECOMPOSED = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "ħ": "h",
        "ı": "i",
        "þ": "th",
    }
)
_CAMEL = "\x01"
_WORD = re.compile(rf"(?:[^\W\d_]|{_CAMEL})+")


@cache
def _latin_lookalikes() -> dict[str, str]:
    """Each non-ASCII character that the confusables data likens to ASCII letters or
    digits (Cyrillic о to o, Greek Ι to l), and those letters."""
    from confusable_homoglyphs.confusables import confusables_data  # read on the first check, not at start-up

    table: dict[str, str] = {}
    for char, homoglyphs in confusables_data.items():
        if char.isascii():
            continue
        for homoglyph in homoglyphs:
            glyph = homoglyph["c"].strip("\u200e\u200f")  # right-to-left glyphs come wrapped in marks
            if glyph.isascii() and glyph.isalnum():
                table[char] = glyph
                break
    return table


def _skeleton(word: str) -> str:
    """Only a-z, with the lookalikes inside ASCII made one: l is read as i, "rn" as m."""
    word = re.sub("[^a-z]", "", word).replace("l", "i")
    return word.replace("rn", "m")


def _words(name: str) -> list[list[str]]:
    """The folded name as words, each a list of its camel-case parts (see is_reserved)."""
    lookalikes = _latin_lookalikes()
    text = unicodedata.normalize("NFKC", strip_invisible(name))
    text = "".join(lookalikes.get(char, char) for char in text).translate(_UNDECOMPOSED)
    text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    text = "".join(
        _CAMEL + char if prev.islower() and char.isupper() else char
        for prev, char in zip(" " + text, text, strict=False)
    )
    words: list[list[str]] = []
    letters = ""
    for match in _WORD.finditer(text.translate(_LEET).casefold()):
        parts = [part for part in map(_skeleton, match.group().split(_CAMEL)) if part]
        if len("".join(parts)) == 1:
            letters += parts[0]
            continue
        if letters:
            words.append([letters])
            letters = ""
        if parts:
            words.append(parts)
    if letters:
        words.append([letters])
    return words


def _stems(*stems: str) -> tuple[str, ...]:
    """Stems folded like names, so "helpdesk" is compared as the skeleton "heipdesk"."""
    return tuple(_skeleton(stem) for stem in stems)


_CONTAINED = _stems("admin", "moderat", "sysop")
_WHOLE_WORDS = _stems("mod", "mods", "staff", "support", "official", "officials")
_WHOLE_NAMES = _stems("root", "system", "team", "teams")
_PHRASES = _stems("commonground", "helpdesk")
_INNOCENT = _stems("badminton")


def is_reserved(name: str | None) -> bool:
    """True when a name could pass for the site's own staff.

    The name is folded first: NFKC; characters that imitate Latin letters or digits
    (Cyrillic о, Greek Ι, fullwidth and mathematical letters) replaced by what they imitate,
    from the confusable-homoglyphs data; accents dropped; leetspeak read as letters (0→o
    1→i 3→e 4→a 5→s 7→t @→a $→s |→l !→i); case folded; and, as Unicode's confusable
    skeleton does, l read as i (so I, l, 1 and | are one letter) and "rn" read as m. Then
    it is cut into words at anything that is not a letter, a word is also cut where a
    small letter meets a capital ("SiteMod" is "site" + "mod"), everything but a-z is
    dropped, and a run of one-letter words is read as one word ("A.D.M.I.N" is "admin").

    It is reserved when:
    - a word contains admin, moderat(or, ion) or sysop ("dem0_admin", "ADM1N", "m0derator",
      "Mødérator", "Moderation Team"); ø, æ, ß and the like are read as o, ae, ss first;
      "badminton" is the everyday word holding "admin", so it is let through;
    - a word, or a camel-case part of one, is exactly mod, mods, staff, support, official
      or officials ("Robin (mod)", "SiteMod"). Short stems count only as whole words, so
      "Modesty", "Edmond" and "supporter" are fine;
    - the whole name is root, system, team or teams ("R00T"). These are everyday words in
      names ("Joe Root", "Team Spoonie", "Rootsy"), so only alone do they look like staff;
    - the words run together contain commonground or helpdesk ("Cоmmon Ground Team").
    Words are not run together for the first rule, so "Chad Minogue" is not "admin".
    """
    words = _words(name or "")
    joined = "".join("".join(parts) for parts in words)
    if joined in _WHOLE_NAMES or any(phrase in joined for phrase in _PHRASES):
        return True
    for parts in words:
        word = "".join(parts)
        for innocent in _INNOCENT:
            word = word.replace(innocent, " ")
        if any(stem in word for stem in _CONTAINED):
            return True
        if any(part in _WHOLE_WORDS for part in {word, *parts}):
            return True
    return False


def reserved_name_problem(name: str | None) -> str | None:
    """The message for a name kept for staff, or None when the name is free to use."""
    return RESERVED_MESSAGE if is_reserved(name) else None
