"""Watched words: the matching engine behind moderators' word lists (no database, no Flask).

Text and word patterns are compared folded: NFKC, casefolded, curly apostrophes and Unicode
hyphens made plain, so "Can’t go on" meets the rule "can't go on". A space in a word or
wildcard pattern stands for any run of whitespace, which is the same as collapsing the text's
whitespace but keeps one character of folded text for each character written in the common
case; Hit.text is then cut from the original text. When folding changes the length (ß, a
ligature, a decomposed accent), positions are mapped back word by word, and grapheme by
grapheme inside such a word, so Hit.text is always the member's own writing.

Every search has a timeout and a scan has an overall budget: a moderator's regular expression
that backtracks badly costs one warning in the log, never a stalled post.
"""

from __future__ import annotations

import bisect
import csv
import io
import logging
import random
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import regex

log = logging.getLogger(__name__)

ACTIONS = {
    "block": "Block (refuse the text)",
    "hold": "Hold for review",
    "flag": "Publish and flag for review",
    "crisis": "Crisis, tier 1: publish, show support, alert moderators",
    "crisis_hold": "Crisis, tier 2: hold, show support, alert moderators",
}
MATCH_TYPES = {"word": "Word or phrase", "wildcard": "With * wildcards", "regex": "Regular expression"}

REGEX_TIMEOUT = 0.02  # seconds one rule may search one text
SCAN_BUDGET = 0.1  # seconds for all the rules on one text; rules left when it is spent are skipped
PROBE_TIMEOUT = 0.05  # seconds a new pattern may take on each adversarial text before it is refused
MAX_PATTERN_LENGTH = 300
MAX_CSV_ROWS = 5_000
CSV_CHECK_BUDGET = 10.0  # seconds from_csv may spend checking patterns (a few ms each, 50 ms for a slow one)
HIT_TEXT_LENGTH = 100
# A * stands for at most this many word characters: no drug name is longer, and a bound keeps
# a pattern with several stars from backtracking without end.
WILDCARD_LENGTH = 50
# regex writes out a repeated letter in full when it compiles, so (?:a{2000}){2000} takes
# seconds and a gigabyte: counted repeats, multiplied through their groups, stay under this.
MAX_REPEATS = 10_000
CSV_COLUMNS = ("pattern", "match_type", "action", "whole_word", "note")

# Apostrophes and hyphens as phones and word processors type them. Replaced one by one:
# str.translate with a table costs a millisecond on a long post, these a few microseconds.
_PLAIN = [(char, "'") for char in "\u2018\u2019\u201b\u02bc\u2032\u00b4`"] + [
    ("\u2010", "-"),
    ("\u2011", "-"),
]
_NOT_ASCII = regex.compile(r"\S*[^\x00-\x7f]\S*")  # a word with any non-ASCII in it
_GRAPHEME = regex.compile(r"\X")
_COUNT = regex.compile(r"\{(\d*)(?:,(\d*))?\}")
_ESCAPE_WITH_BRACES = regex.compile(r"\\[pPNxuU]\{[^}]*\}|\\.", regex.DOTALL)
_CHARACTER_SET = regex.compile(r"\[\^?\]?(?:\\.|[^\]])*\]", regex.DOTALL)


@dataclass(frozen=True)
class Rule:
    pattern: str
    match_type: str = "word"  # a key of MATCH_TYPES
    action: str = "flag"  # a key of ACTIONS
    whole_word: bool = True
    note: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Hit:
    rule: Rule
    text: str  # the words that matched, as the member wrote them (at most HIT_TEXT_LENGTH characters)


def fold(text: str) -> str:
    """Text as rules compare it: plain apostrophes and hyphens, NFKC, casefolded."""
    return unicodedata.normalize("NFKC", _plain(text)).casefold()


def _plain(text: str) -> str:
    for char, plain in _PLAIN:
        if char in text:
            text = text.replace(char, plain)
    return text


class _Folded:
    """The folded text, and the way back from its positions to the original's."""

    def __init__(self, original: str):
        self.original = original
        self.segments: list[tuple[int, int, int, bool]] = []  # folded start, original start, end, linear
        if original.isascii():
            self.text = original.lower()
            return
        plain = _plain(original)
        if plain.isascii():  # curly apostrophes were all
            self.text = plain.lower()
            return
        if unicodedata.is_normalized("NFKC", plain):
            folded = plain.casefold()
            if len(folded) == len(plain):  # casefold never shortens: one character for each
                self.text = folded
                return
        self.text = self._fold_in_pieces(plain)
        self.starts = [segment[0] for segment in self.segments]

    def _fold_in_pieces(self, plain: str) -> str:
        self._pieces: list[str] = []
        self._length = 0
        done = 0
        for chunk in _NOT_ASCII.finditer(plain):  # the runs between are ASCII: lowered, one for one
            self._add(plain[done : chunk.start()].lower(), done, chunk.start(), True)
            folded = fold(chunk.group())
            if len(folded) == len(chunk.group()):
                self._add(folded, chunk.start(), chunk.end(), True)
            else:
                for grapheme in _GRAPHEME.finditer(plain, chunk.start(), chunk.end()):
                    self._add(fold(grapheme.group()), grapheme.start(), grapheme.end(), False)
            done = chunk.end()
        self._add(plain[done:].lower(), done, len(plain), True)
        return "".join(self._pieces)

    def _add(self, folded: str, start: int, end: int, linear: bool) -> None:
        if start < end:
            self.segments.append((self._length, start, end, linear))
            self._pieces.append(folded)
            self._length += len(folded)

    def words(self, start: int, end: int) -> str:
        """The original text behind the folded text's [start, end)."""
        if self.segments:
            start, end = self._original(start, at_end=False), self._original(max(start, end - 1), at_end=True)
        return self.original[start:end][:HIT_TEXT_LENGTH]

    def _original(self, position: int, at_end: bool) -> int:
        index = max(0, bisect.bisect_right(self.starts, position) - 1)
        folded_start, start, end, linear = self.segments[index]
        if linear:
            return min(end, start + position - folded_start + at_end)
        return end if at_end else start


def _word_source(pattern: str, wildcard: bool) -> str:
    words = []
    for word in fold(pattern).split():
        if not wildcard:
            words.append(regex.escape(word))
        elif word.strip("*") == "":
            words.append(rf"\w{{1,{WILDCARD_LENGTH}}}")  # a lone * is one word: spaces are collapsed
        else:
            parts = [regex.escape(part) for part in regex.sub(r"\*+", "*", word).split("*")]
            words.append(rf"\w{{0,{WILDCARD_LENGTH}}}".join(parts))
    return r"\s+".join(words)


def _repeats(source: str) -> int:
    """Roughly how many pieces a regular expression compiles to: each counted repeat, {n} or
    {n,m}, multiplies the letter or group before it."""
    frames: list[list[int]] = [[]]
    at = 0
    while at < len(source):
        found = _ESCAPE_WITH_BRACES.match(source, at) or _CHARACTER_SET.match(source, at)
        count = _COUNT.match(source, at)
        if found:
            frames[-1].append(1)
            at = found.end()
            continue
        if count and frames[-1] and (count.group(1) or count.group(2)):
            frames[-1][-1] *= max(int(number or 0) for number in count.groups())
            at = count.end()
            continue
        if source[at] == "(":
            frames.append([])
        elif source[at] == ")" and len(frames) > 1:
            inner = frames.pop()
            frames[-1].append(max(1, sum(inner)))
        else:
            frames[-1].append(1)
        at += 1
    return sum(sum(frame) for frame in frames)


def _compile(rule: Rule) -> regex.Pattern:
    """The rule as one compiled pattern, to search folded text. Raises regex.error."""
    if rule.match_type == "regex":
        source = rule.pattern
        # The text is casefolded already, so a pattern that is its own casefold (no capitals,
        # no \S or \W) matches the same without IGNORECASE, which makes regex search 2-5x slower.
        flags = regex.V0 | regex.UNICODE | (0 if source == source.casefold() else regex.IGNORECASE)
    elif rule.match_type in ("word", "wildcard"):
        source, flags = _word_source(rule.pattern, rule.match_type == "wildcard"), regex.V0 | regex.UNICODE
    else:
        raise regex.error(f"unknown match type {rule.match_type!r}")
    if rule.match_type == "regex" and _repeats(source) > MAX_REPEATS:
        raise regex.error("its counted repeats are too large")
    if rule.whole_word:
        source = rf"(?<!\w)(?:{source})(?!\w)"
    return regex.compile(source, flags)


class Matcher:
    """Rules compiled once, to scan many texts; a rule that no longer compiles is left out, with a warning.

    Each rule is its own compiled pattern: regex finds a pattern's literal words with a fast
    string search, while one alternation of many rules is tried branch by branch at every
    position. 150 word rules as one alternation took 80 times as long on a long post as the
    same rules one by one (bench/bench_words.py prints both).
    """

    def __init__(self, rules: Iterable[Rule]):
        self.rules = tuple(rules)
        self._compiled: list[tuple[int, regex.Pattern]] = []
        for index, rule in enumerate(self.rules):
            try:
                self._compiled.append((index, _compile(rule)))
            except Exception as error:  # old data must not stop posting
                log.warning("Watched word %r left out: it does not compile (%s)", rule.pattern, error)
        # Words and wildcards first: they are cheap, so a spent budget only ever skips regexes.
        self._compiled.sort(key=lambda item: self.rules[item[0]].match_type == "regex")

    def scan(self, text: str) -> list[Hit]:
        """At most one Hit per rule that matches `text`, in the order of the rules.

        Never raises and never runs long: a rule that times out, or that the spent budget
        skips, finds nothing and is named in a warning in the log."""
        folded = _Folded(text or "")
        began = time.perf_counter()
        found: dict[int, Hit] = {}
        skipped = []
        for index, pattern in self._compiled:
            rule = self.rules[index]
            remaining = SCAN_BUDGET - (time.perf_counter() - began)
            if remaining <= 0:
                skipped.append(rule.pattern)
                continue
            try:
                # concurrent: the GIL is let go while regex searches, so a long post's scan does
                # not hold up the server's other threads.
                match = pattern.search(folded.text, timeout=min(REGEX_TIMEOUT, remaining), concurrent=True)
            except TimeoutError:
                log.warning("Watched word %r timed out on %d characters", rule.pattern, len(folded.text))
                continue
            if match:
                found[index] = Hit(rule, folded.words(*match.span()))
        if skipped:
            log.warning("Watched words skipped, the scan's time was spent: %s", ", ".join(map(repr, skipped)))
        return [found[index] for index in sorted(found)]

    def actions(self, text: str) -> set[str]:
        """The actions of the rules that match `text`."""
        return {hit.rule.action for hit in self.scan(text)}


_TOO_SLOW = "That pattern takes too long to check on long posts; please simplify it."
_EVERYDAY = ("ok", "thanks!", "sleep was bad last night.", "12 mg")  # folded already


def _probes() -> tuple[str, ...]:
    """Long runs that a backtracking pattern tries every way to split, each ending in a character
    that no pattern expects, so that the match fails only at the very end."""
    rng = random.Random(20)
    words = ["pain", "flare", "sleep", "a", "the", "I", "can't", "10mg", "ok,", "x", "(so)", "tired."]
    everyday = " ".join(rng.choice(words) for _ in range(4_000))[:20_000]
    return tuple(
        text + _END for text in ("a" * 30_000, "aaaa " * 6_000, "1" * 5_000, "a1 " * 6_000, everyday)
    )


_END = "\x00"
_PROBES = _probes()


def _too_slow(pattern: regex.Pattern, source: str) -> bool:
    r"""Whether the pattern times out on text built to make backtracking explode.

    Each probe is tried twice, the second time followed by every character of the pattern:
    regex gives up at once on a text that lacks a character the pattern needs, so ([a-z]+)*@
    would pass on probes without an @, yet stall on a long word with an @ somewhere after it.
    """
    own = "".join(dict.fromkeys(source.casefold()))
    letters = [char for char in own if char.isalnum()][:8]
    probes = [*_PROBES, *(char * 20_000 + _END for char in letters)]
    if letters:
        probes.append("".join(letters) * (20_000 // len(letters)) + _END)
    try:
        for probe in probes:
            pattern.search(probe, timeout=PROBE_TIMEOUT)
            pattern.search(probe + own, timeout=PROBE_TIMEOUT)
    except TimeoutError:
        return True
    return False


def _matches_empty(pattern: regex.Pattern) -> bool:
    try:
        for sample in ("", " ", "a", *_EVERYDAY):
            if any(match.start() == match.end() for match in pattern.finditer(sample, timeout=PROBE_TIMEOUT)):
                return True
    except TimeoutError:
        return False  # the probe for slow patterns says so in words
    return False


def problem_with(pattern: str, match_type: str) -> str | None:
    """None when the pattern may be saved; else a plain sentence for the admin saying what is wrong."""
    if match_type not in MATCH_TYPES:
        return (
            "Please choose how the pattern should match: a word or phrase, wildcards or a regular expression."
        )
    if not pattern or not pattern.strip():
        return "Please enter a word, phrase or pattern."
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"A pattern can be at most {MAX_PATTERN_LENGTH} characters."
    if match_type != "regex" and not fold(pattern).replace("*", "").strip():
        return "A pattern made only of * would match every post; please add some letters."
    if match_type == "regex" and _repeats(pattern) > MAX_REPEATS:
        return "That pattern's counted repeats, such as {1000}, add up to too many; please use smaller ones."
    try:
        compiled = _compile(Rule(pattern, match_type, whole_word=False))
    except (regex.error, RecursionError) as error:
        reason = getattr(error, "msg", None) or "it is too deeply nested"
        return f"That regular expression does not compile: {reason}."
    if _matches_empty(compiled):
        return (
            "That pattern matches any text, even an empty post; please make it need at least one character."
        )
    if all(compiled.search(sample, timeout=PROBE_TIMEOUT) for sample in _EVERYDAY):
        return "That pattern would match almost every post; please make it more specific."
    if match_type != "word" and _too_slow(compiled, pattern):
        return _TOO_SLOW
    return None


def to_csv(rules: Iterable[Rule]) -> str:
    """The rules as CSV with a header row, for from_csv or a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for rule in rules:
        writer.writerow([rule.pattern, rule.match_type, rule.action, str(rule.whole_word).lower(), rule.note])
    return out.getvalue()


_YES_NO = dict.fromkeys(("true", "yes", "y", "1"), True) | dict.fromkeys(("false", "no", "n", "0"), False)


def _choice(value: str, choices: dict[str, str], default: str) -> str | None:
    """A key of `choices` from its key or its label, any case; None when it is neither."""
    value = value.strip().casefold()
    if not value:
        return default
    for key, label in choices.items():
        if value in (key, label.casefold()):
            return key
    return None


def _rule_from_row(cells: dict[str, str]) -> tuple[Rule | None, str]:
    pattern = cells.get("pattern", "")
    match_type = _choice(cells.get("match_type", ""), MATCH_TYPES, "word")
    if match_type is None:
        return None, f"the match type must be one of {', '.join(MATCH_TYPES)}."
    action = _choice(cells.get("action", ""), ACTIONS, "flag")
    if action is None:
        return None, f"the action must be one of {', '.join(ACTIONS)}."
    whole_word = _YES_NO.get(cells.get("whole_word", "").strip().casefold() or "true")
    if whole_word is None:
        return None, "the whole_word column must be true or false (yes or no, 1 or 0)."
    problem = problem_with(pattern, match_type)
    if problem:
        return None, problem
    return Rule(pattern, match_type, action, whole_word, cells.get("note", "").strip()), ""


def from_csv(text: str) -> tuple[list[Rule], list[str]]:
    """Rules from CSV with a header row, and a "Line 4: …" sentence for each row left out. Never raises."""
    if not isinstance(text, str) or not text.strip():
        return [], ["The file is empty."]
    began = time.perf_counter()
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header: list[str] = []
    rules: list[Rule] = []
    problems: list[str] = []
    rows = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(f"Line {reader.line_num}: This line could not be read as CSV ({error}).")
            rows += 1
            if rows > MAX_CSV_ROWS:
                break
            continue
        if not any(cell.strip() for cell in row):
            continue
        if not header:
            header = [cell.strip().casefold() for cell in row]
            if "pattern" not in header:
                return [], [
                    "The first line must name the columns, with at least a pattern column: "
                    f"{','.join(CSV_COLUMNS)}."
                ]
            continue
        rows += 1
        if rows > MAX_CSV_ROWS:
            problems.append(f"Line {reader.line_num}: Only the first {MAX_CSV_ROWS:,} rules are read.")
            break
        if time.perf_counter() - began > CSV_CHECK_BUDGET:
            problems.append(
                f"Line {reader.line_num}: Checking the patterns took too long, so this line and the ones "
                "after it were not read; please import them as a second file."
            )
            break
        rule, problem = _rule_from_row(dict(zip(header, row, strict=False)))
        if rule:
            rules.append(rule)
        else:
            problems.append(f"Line {reader.line_num}: {problem[0].upper()}{problem[1:]}")
    if not header:
        return [], [f"The first line must name the columns: {','.join(CSV_COLUMNS)}."]
    if not rows:
        problems.append("The file has no rules under its first line.")
    return rules, problems
