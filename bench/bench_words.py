"""Watched words: what Matcher.scan costs on the longest post against a full set of rules.

A 20,000-character post (the most a post may hold) built from the write benchmark's Markdown
blocks, with its apostrophes made curly as phones type them, is scanned against 200 rules:
the four starter lists plus generated words, wildcards and regular expressions, to make about
150 words and wildcards and 50 regular expressions. The baseline is one `re.search` for one
word over the same post, the least any scan could cost. A second row compares the word rules
compiled as one alternation with the same rules searched one by one, as Matcher does.
"""

from __future__ import annotations

import random
import re

from bench import Note, Options, Row, Target, percentile, timings_ms
from bench.data import MEMBERS, markdown_post

TARGET_MS = 50.0
BODY_CHARS = 20_000
RULES = 200
WORD_RULES = 150  # of the 200; the rest are regular expressions

_SYLLABLES = "ka lo mi ra te su no vi pe da zo ru fe li ta mo ne si".split()
_REGEXES = [
    r"(?:{a}|{b})\s+\w+",
    r"{a}\d{{2,}}",
    r"\b{a}\w*\s+{b}\b",
    r"(?:{a}|{b}|{c})[\s.-]*\d+",
    r"{a}(?:\s+\w+){{0,3}}\s+{b}",
    r"[{a0}{b0}]{a}{b}",
]


def _made_up(rng: random.Random) -> str:
    """A word that will not be in the post, so every rule searches the whole of it."""
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 4)))


def build_rules(rng: random.Random):
    from community.moderation.starter_lists import STARTER_LISTS
    from community.moderation.words import Rule

    rules = [rule for _, starter_rules in STARTER_LISTS.values() for rule in starter_rules]
    words = sum(rule.match_type != "regex" for rule in rules)
    while words < WORD_RULES:
        words += 1
        kind = rng.choice(["word", "word", "phrase", "prefix", "suffix"])
        if kind == "word":
            rules.append(Rule(_made_up(rng)))
        elif kind == "phrase":
            rules.append(Rule(f"{_made_up(rng)} {_made_up(rng)}"))
        else:
            pattern = f"{_made_up(rng)}*" if kind == "prefix" else f"*{_made_up(rng)}"
            rules.append(Rule(pattern, "wildcard", whole_word=rng.random() < 0.7))
    while len(rules) < RULES:
        a, b, c = _made_up(rng), _made_up(rng), _made_up(rng)
        source = rng.choice(_REGEXES).format(a=a, b=b, c=c, a0=a[0], b0=b[0])
        rules.append(Rule(source, "regex", whole_word=rng.random() < 0.5))
    return rules


def long_post(rng: random.Random) -> str:
    body = markdown_post(rng, BODY_CHARS + 2_000, MEMBERS).replace("'", "\u2019")
    return body[:BODY_CHARS]


def run(options: Options):
    import regex

    from community.moderation.words import Matcher, _compile, problem_with

    rng = random.Random(7)
    rules = build_rules(rng)
    refused = [rule.pattern for rule in rules if problem_with(rule.pattern, rule.match_type)]
    body = long_post(rng)
    matcher = Matcher(rules)
    rounds = 5 if options.quick else 200

    matcher.scan(body)  # warm-up: the first search of each pattern builds its tables
    scans = timings_ms(lambda: matcher.scan(body), rounds)
    one_word = re.compile(r"\bketamine\b", re.IGNORECASE)  # not in the post: the search reads all of it
    baseline = timings_ms(lambda: one_word.search(body), rounds)
    ascii_body = body.replace("\u2019", "'")
    ascii_scans = timings_ms(lambda: matcher.scan(ascii_body), rounds)
    # "ß" and a ligature fold to more characters, so positions are mapped back piece by piece.
    longer_body = body.replace("street", "stra\u00dfe").replace("fi", "\ufb01")[:BODY_CHARS]
    longer_scans = timings_ms(lambda: matcher.scan(longer_body), rounds)

    word_rules = [rule for rule in rules if rule.match_type != "regex"]
    separate = [_compile(rule) for rule in word_rules]
    alternation = regex.compile("|".join(f"({_compile(rule).pattern})" for rule in word_rules))
    folded = body.casefold()
    one_by_one = timings_ms(lambda: [pattern.search(folded) for pattern in separate], max(3, rounds // 20))
    as_one = timings_ms(lambda: alternation.search(folded), max(3, rounds // 20))

    regexes = len(rules) - len(word_rules)
    name = f"words: scan {len(body):,} chars, {len(rules)} rules"
    target = Target(TARGET_MS, at_least=False, on="figure")
    yield Row(f"{name}, p50 vs 1 re.search", percentile(scans, 0.5), "ms", percentile(baseline, 0.5), target)
    yield Row(f"{name}, max of {rounds}", max(scans), "ms", max(baseline), target)
    yield Row(
        f"words: {len(word_rules)} word rules as 1 alternation vs 1 by 1",
        percentile(as_one, 0.5),
        "ms",
        percentile(one_by_one, 0.5),
    )
    yield from _whole_intake(options, rules, body, rounds)
    yield Note(
        f"Watched words: {len(word_rules)} words and wildcards, {regexes} regular expressions, "
        f"{len(body):,} characters, {rounds} scans",
        [
            f"curly apostrophes (as measured): p50 {percentile(scans, 0.5):.2f} ms, "
            f"p95 {percentile(scans, 0.95):.2f} ms, max {max(scans):.2f} ms",
            f"plain ASCII: p50 {percentile(ascii_scans, 0.5):.2f} ms, max {max(ascii_scans):.2f} ms",
            f"folding changes the length (ß, ligatures): p50 {percentile(longer_scans, 0.5):.2f} ms, "
            f"max {max(longer_scans):.2f} ms",
            f"hits on the post: {len(matcher.scan(body))}; rules problem_with would refuse: {len(refused)}",
            f"word rules searched 1 by 1: p50 {percentile(one_by_one, 0.5):.2f} ms; as 1 alternation "
            f"{percentile(as_one, 0.5):.2f} ms",
            f"the baseline, 1 re.search for 1 word: p50 {percentile(baseline, 0.5) * 1000:.1f} µs",
        ]
        + [f"refused: {pattern}" for pattern in refused[:5]],
    )


def _whole_intake(options: Options, rules, body: str, rounds: int):
    """Posting as the site does it: the text intake (length, the watched-word screen with its
    version check in the database, Markdown, bleach) on the 20,000-character post, with the
    200 rules stored as an admin would store them, against the same intake with no rules."""
    from bench.data import create_schema, database_url, dispose, make_app
    from community.extensions import db
    from community.moderation.models import WatchedWord
    from community.text import POST_BODY, accept_text

    app = make_app(database_url("sqlite", options.workdir, "words"), options.workdir)
    create_schema(app)
    try:
        with app.app_context():
            accept_text(body, POST_BODY)
            without = timings_ms(lambda: accept_text(body, POST_BODY), rounds)
            for rule in rules:
                db.session.add(
                    WatchedWord(
                        pattern=rule.pattern,
                        match_type=rule.match_type,
                        action=rule.action,
                        whole_word=rule.whole_word,
                    )
                )
            db.session.commit()
            accept_text(body, POST_BODY)  # builds and keeps the matcher, as the first post would
            screened = timings_ms(lambda: accept_text(body, POST_BODY), rounds)
    finally:
        dispose(app)
    yield Row(
        f"words: post {len(body):,} chars through the intake, {len(rules)} rules vs none",
        percentile(screened, 0.5),
        "ms",
        percentile(without, 0.5),
        Target(TARGET_MS, at_least=False, on="figure"),
    )
