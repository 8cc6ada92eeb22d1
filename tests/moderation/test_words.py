"""Watched words: matching, the checks on new patterns, time limits, CSV and the starter lists."""

from __future__ import annotations

import logging
import random
import time

import pytest

from community.moderation import words
from community.moderation.starter_lists import STARTER_LISTS
from community.moderation.words import (
    ACTIONS,
    MATCH_TYPES,
    Hit,
    Matcher,
    Rule,
    from_csv,
    problem_with,
    to_csv,
)


def hits(pattern: str, text: str, match_type: str = "word", whole_word: bool = True) -> list[str]:
    return [hit.text for hit in Matcher([Rule(pattern, match_type, whole_word=whole_word)]).scan(text)]


def starter(key: str) -> Matcher:
    return Matcher(STARTER_LISTS[key][1])


def test_choices_are_in_order():
    assert list(ACTIONS) == ["block", "hold", "flag", "crisis", "crisis_hold"]
    assert list(MATCH_TYPES) == ["word", "wildcard", "regex"]


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        ("spam", "This is SPAM, sorry", ["SPAM"]),
        ("kill myself", "I want to kill   myself\ntoday", ["kill   myself"]),
        ("kill myself", "I want to kill\nmyself", ["kill\nmyself"]),
        ("can't go on", "I can’t go on", ["can’t go on"]),  # a curly apostrophe in the text
        ("can’t go on", "I CAN'T GO ON", ["CAN'T GO ON"]),  # and in the pattern
        ("self-harm", "thoughts of self‑harm", ["self‑harm"]),  # a non-breaking hyphen
        ("straße", "STRASSE", ["STRASSE"]),  # casefolded, not only lowered
        ("oxy", "ｏｘｙ for you", ["ｏｘｙ"]),  # full-width letters fold by NFKC
        ("café", "a cafe\u0301 nearby", ["cafe\u0301"]),  # a combining accent composes
        ("ﬁne", "all fine here", ["fine"]),  # a ligature in the pattern
        ("pain", "ﬁne PAIN ßß", ["PAIN"]),  # folding changes the length before the hit
        ("strasse", "Die STRAẞE hier", ["STRAẞE"]),  # and inside it: the member's own letters
        ("fine now", "all ﬁne now", ["ﬁne now"]),
        ("spam", "ham and eggs", []),
    ],
)
def test_words_fold_case_apostrophes_and_spaces(pattern, text, found):
    assert hits(pattern, text) == found


def test_whole_word_or_inside_words():
    assert hits("oxy", "oxycodone") == []
    assert hits("oxy", "oxycodone", whole_word=False) == ["oxy"]
    assert hits("oxy", "I take oxy.") == ["oxy"]
    assert hits("ass", "a class assignment") == []
    # Punctuation at either end of a phrase still works: no \b needed beside it.
    assert hits("@dealer", "ask @dealer now") == ["@dealer"]
    assert hits("$$$", "cheap $$$ here") == ["$$$"]


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        ("oxy*", "Oxycodone again", ["Oxycodone"]),
        ("oxy*", "oxy alone", ["oxy"]),  # zero characters
        ("*codone", "hydrocodone and oxycodone", ["hydrocodone"]),
        ("p*s", "percs", ["percs"]),
        ("oxy*", "my oxy codone", ["oxy"]),  # a star never crosses a space
        ("buy * online", "buy percs online", ["buy percs online"]),
        ("buy * online", "buy online", []),  # a lone star is one word
        ("a.b*", "axbc a.bc", ["a.bc"]),  # other characters are literal
        ("oxy*", "toxycodone", []),
    ],
)
def test_wildcards(pattern, text, found):
    assert hits(pattern, text, "wildcard") == found


def test_regex_rules():
    assert hits(r"p[e3]rc[o0]\w*", "PERC0CET please", "regex") == ["PERC0CET"]
    assert hits(r"\d{3}-\d{4}", "call 555-1234", "regex") == ["555-1234"]
    assert hits(r"cat", "concatenate", "regex") == []
    assert hits(r"cat", "concatenate", "regex", whole_word=False) == ["cat"]
    assert hits(r"\S+@\S+", "mail ME@x.org", "regex") == ["ME@x.org"]
    assert hits(r"can't", "I can’t", "regex") == ["can’t"]


def test_one_hit_per_rule_in_the_order_of_the_rules():
    rules = [Rule("b", "word"), Rule("a", "word"), Rule("a b", "word"), Rule("x\\w", "regex"), Rule("zz")]
    found = Matcher(rules).scan("a b a b xy")
    assert [hit.rule for hit in found] == rules[:4]
    assert [hit.text for hit in found] == ["b", "a", "a b", "xy"]


def test_hit_text_is_at_most_100_characters():
    [hit] = Matcher([Rule("a+", "regex")]).scan("a" * 500)
    assert hit == Hit(Rule("a+", "regex"), "a" * 100)


def test_actions_and_empty_text():
    matcher = Matcher([Rule("sell", action="hold"), Rule("sad*", "wildcard", "crisis")])
    assert matcher.actions("I sell things, sadly") == {"hold", "crisis"}
    assert matcher.actions("") == set()
    assert matcher.scan(None) == []


def test_a_rule_that_does_not_compile_is_left_out(caplog):
    matcher = Matcher([Rule("(unclosed", "regex"), Rule("ok", "word"), Rule("x", "no such type")])
    assert [hit.text for hit in matcher.scan("ok (unclosed x")] == ["ok"]
    assert "(unclosed" in caplog.text


@pytest.mark.parametrize(
    ("pattern", "match_type", "says"),
    [
        ("", "word", "Please enter"),
        ("   ", "regex", "Please enter"),
        ("x" * 301, "word", "at most 300"),
        ("*", "wildcard", "only of *"),
        ("* **", "wildcard", "only of *"),
        ("*", "word", "only of *"),
        ("(a", "regex", "does not compile: missing )"),
        ("a)", "regex", "does not compile"),
        ("[z-a]", "regex", "does not compile: bad character range"),
        ("a{2,1}", "regex", "does not compile: min repeat greater than max repeat"),
        (".*", "regex", "matches any text"),
        ("a*", "regex", "matches any text"),
        (r"\b", "regex", "matches any text"),
        ("pain|", "regex", "matches any text"),
        (".", "regex", "almost every post"),
        ("(a+)+$", "regex", "too long"),
        ("(x+x+)+y", "regex", "too long"),
        (r"(\w+\s?)+$", "regex", "too long"),
        (r"(\d+)+$", "regex", "too long"),
        (r"([a-zA-Z]+)*@", "regex", "too long"),  # needs an @ in the text before it stalls
        (r"(?:\w{1,50}){1,50}z", "regex", "too long"),
        (r"(?:(?:(?:a|b)*)*)*c", "regex", "too long"),
        ("(?:a{1000}){1000}", "regex", "counted repeats"),  # would take seconds and a gigabyte to compile
        ("a{65535}", "regex", "counted repeats"),
        ("pain", "spelling", "Please choose"),
    ],
)
def test_problem_with_refuses(pattern, match_type, says):
    problem = problem_with(pattern, match_type)
    assert problem and says in problem
    assert problem.endswith(".")


@pytest.mark.parametrize(
    ("pattern", "match_type"),
    [
        ("oxy", "word"),
        ("can't go on", "word"),
        ("oxy*", "wildcard"),
        ("*codone", "wildcard"),
        ("x" * 300, "word"),
        (r"\w+codone", "regex"),
        (r"p[e3]rc[o0]\w*", "regex"),
        (r"(?:buy|sell)\s+\w+", "regex"),
        (r"\d{3}-\d{4}", "regex"),
        (r"[{]{5}\p{L}{3}", "regex"),
    ],
)
def test_problem_with_accepts(pattern, match_type):
    assert problem_with(pattern, match_type) is None


def test_a_slow_pattern_from_old_data_is_cut_short(caplog):
    matcher = Matcher([Rule("(a+)+$", "regex"), Rule("aaa", "word", whole_word=False)])
    began = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger=words.__name__):
        found = matcher.scan("a" * 20_000 + "!")
    assert time.perf_counter() - began < 0.3
    assert [hit.rule.pattern for hit in found] == ["aaa"]
    assert "(a+)+$" in caplog.text


def test_a_huge_repeat_from_old_data_is_left_out(caplog):
    matcher = Matcher([Rule("(?:a{5000}){5000}", "regex"), Rule("ok")])
    assert [hit.text for hit in matcher.scan("ok")] == ["ok"]
    assert "counted repeats are too large" in caplog.text


def test_the_scan_budget_skips_the_rest(caplog, monkeypatch):
    monkeypatch.setattr(words, "SCAN_BUDGET", 0.03)
    slow = [Rule(f"(a+)+(?:{n})?$", "regex") for n in range(10)]
    matcher = Matcher([*slow, Rule("never", "regex")])
    began = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger=words.__name__):
        assert matcher.scan("a" * 20_000 + "!") == []
    assert time.perf_counter() - began < 0.2
    assert "time was spent" in caplog.text and "'never'" in caplog.text


def test_csv_round_trip():
    rules = [
        Rule("kill myself", "word", "crisis", True, "tier 1"),
        Rule('say "hi", then go', "wildcard", "hold", False, "quotes, commas\nand a line break"),
        Rule(r"p[e3]rc\w*", "regex", "block", True, ""),
    ]
    text = to_csv(rules)
    assert text.splitlines()[0] == "pattern,match_type,action,whole_word,note"
    assert from_csv(text) == (rules, [])


def test_csv_defaults_labels_and_bad_rows():
    text = "\ufeffPattern,Whole_Word,Action,Extra\n" + "\n".join(
        [
            "oxy,,,",  # line 2: defaults
            "percs,no,Hold for review,",  # line 3: an action's label
            "   ,yes,flag,",  # line 4: empty
            "spam,maybe,flag,",  # line 5
            "spam,yes,shout,",  # line 6
            "",  # line 7: blank lines are skipped
            "ok,1,CRISIS,x",  # line 8
        ]
    )
    rules, problems = from_csv(text)
    assert rules == [Rule("oxy"), Rule("percs", action="hold", whole_word=False), Rule("ok", action="crisis")]
    assert problems == [
        "Line 4: Please enter a word, phrase or pattern.",
        "Line 5: The whole_word column must be true or false (yes or no, 1 or 0).",
        "Line 6: The action must be one of block, hold, flag, crisis, crisis_hold.",
    ]


def test_csv_checks_each_pattern():
    rules, problems = from_csv("pattern,match_type\n(a+)+$,regex\n(a,regex\noxy*,wildcard\nx,shape\n")
    assert rules == [Rule("oxy*", "wildcard")]
    assert problems[0].startswith("Line 2: That pattern takes too long")
    assert problems[1] == "Line 3: That regular expression does not compile: missing )."
    assert problems[2].startswith("Line 5: The match type must be one of word, wildcard, regex")


@pytest.mark.parametrize(
    "blob",
    ["", "   \n", "oxy\npercs\n", "\x00\x01\x02 binary", '{"json": true}', None, "a,b\n1,2\n", '"pattern\n'],
)
def test_csv_without_a_header_gives_one_problem(blob):
    rules, problems = from_csv(blob)
    assert rules == [] and len(problems) == 1


def test_csv_never_raises_on_odd_input():
    huge_field = "pattern\n" + '"' + "x" * 200_000 + '"\n' + "oxy\n"
    rules, problems = from_csv(huge_field)
    assert rules == [Rule("oxy")] and len(problems) == 1
    rules, problems = from_csv('pattern,note\n"a\x00b",ok\n"unterminated\n')
    assert problems == [] or all(problem.startswith("Line ") for problem in problems)


def test_csv_stops_checking_when_its_time_is_spent(monkeypatch):
    monkeypatch.setattr(words, "CSV_CHECK_BUDGET", 0.04)
    rules, problems = from_csv("pattern,match_type\nok,word\n(a+)+$,regex\n(b+)+$,regex\nfine,word\n")
    assert rules == [Rule("ok")]
    assert problems[0].startswith("Line 3: That pattern takes too long")
    assert problems[1].startswith("Line 4: Checking the patterns took too long")
    assert len(problems) == 2


def test_csv_reads_at_most_5000_rows():
    rules, problems = from_csv("pattern\n" + "".join(f"word{n}\n" for n in range(5_010)))
    assert len(rules) == 5_000
    assert problems == ["Line 5002: Only the first 5,000 rules are read."]


# The starter lists. Positives must hit their own list; ordinary posts of a pain community must
# hit nothing in the medication and contact lists, and not the crisis lists either.
POSITIVES = {
    "medication": [
        "selling my oxys, message me",
        "Selling some percocets cheap",
        "sold my spare xanax last week, got more",
        "I'll buy your leftover painkillers",
        "anyone buying percs?",
        "Oxycodone for sale",
        "No prescription needed!",
        "Buy Oxycontin online without a prescription",
        "DM me for pills",
        "hmu for percs",
        "message me if you need meds",
        "We ship pills anywhere",
        "discreet shipping, ships worldwide",
        "I have a plug for oxy",
        "Telegram: @pharmaguy",
        "wickr me",
    ],
    "contact": [
        "call me on 555-123-4567",
        "(555) 123-4567",
        "+1 555 123 4567",
        "+44 20 7946 0958",
        "07700 900123",
        "+33 1 23 45 67 89",
        "ring 5551234567 tonight",
        "write to river.stone+cg@example.co.uk",
        "river [at] example [dot] com",
    ],
    "crisis": [
        "I just want to die",
        "i wanna die",
        "I wish I was dead",
        "I wish I were dead",
        "I keep thinking about killing myself",
        "I'm going to kill myself",
        "I want to end it all",
        "thinking of ending my life",
        "I might take my own life",
        "I feel suicidal tonight",
        "suicide has crossed my mind",
        "there's no reason to live",
        "they'd be better off without me",
        "I'd be better off dead",
        "I can’t go on",
        "I cannot go on like this anymore",
        "I want to overdose on purpose",
        "I want to hurt myself",
        "I've been self harming again",
        "self-harm",
        "I don't want to wake up",
        "nobody would miss me",
    ],
    "crisis_method": [
        "how many pills to die",
        "how many oxycodone to overdose",
        "how much morphine would kill me",
        "what's a lethal dose of gabapentin",
        "is that a fatal dose",
        "best way to kill myself",
        "painless way to die",
        "how to kill yourself",
        "you should kill yourself",
        "go kill yourself",
        "kys",
        "nobody would miss you",
        "I'm going to overdose tonight",
    ],
}
ORDINARY = [
    "My doctor switched me from oxycodone to tapentadol",
    "I take gabapentin 300 mg three times a day",
    "Call 988 if you need to talk",
    "Samaritans: 116 123",
    "Lifeline Australia is 13 11 14",
    "It was 2024-11-26 at 10:30",
    "The appointment is 2024-11-26 10:30",
    "Seen on 26.11.2024 at 10.30",
    "I'm selling my old TENS unit",
    "I've been on fentanyl patches for 3 years",
    "I can't afford to buy my meds this month",
    "You can't buy codeine without a prescription here any more",
    "I had to buy some painkillers at the shop",
    "The pharmacy will post my meds on Friday",
    "message me if you need to talk",
    "The plug on my heating pad broke",
    "Pain 7/10 today, took 10 mg at 8:00 and 5 mg at 14:00",
    "My pain scores this week: 7 8 6 9 7 8 8 5 6 7",
    "I hurt myself lifting the shopping",
    "Physio is killing me but it helps",
    "I can't go on holiday this year",
    "How many more patients have to die before they listen?",
    "I'm taking my life back one day at a time",
    "Does anyone have tips for sleep during a flare?",
    "Ask me at @river_stone",
    "I paid $40 for a month of pregabalin",
    "I looked at my notes dot by dot",
]


@pytest.mark.parametrize(("key", "text"), [(key, text) for key, texts in POSITIVES.items() for text in texts])
def test_starter_lists_find_their_examples(key, text):
    assert starter(key).scan(text), text


@pytest.mark.parametrize("text", ORDINARY)
def test_starter_lists_leave_ordinary_posts_alone(text):
    for key in STARTER_LISTS:
        assert starter(key).scan(text) == [], (key, text)


def test_starter_lists_are_valid_and_explained():
    assert list(STARTER_LISTS) == ["medication", "contact", "crisis", "crisis_method"]
    expected = {"medication": "hold", "contact": "flag", "crisis": "crisis", "crisis_method": "crisis_hold"}
    for key, (title, rules) in STARTER_LISTS.items():
        assert title and rules
        for rule in rules:
            assert rule.action == expected[key]
            assert rule.note, rule.pattern
            assert problem_with(rule.pattern, rule.match_type) is None, rule.pattern


def test_starter_lists_never_match_a_medicine_alone():
    names = "oxycodone oxy percocet xanax norco dilaudid fentanyl opana suboxone adderall tramadol"
    names += " gabapentin pregabalin lyrica morphine codeine pills meds painkillers tapentadol"
    for name in names.split():
        assert starter("medication").scan(f"I take {name}. My {name} helps.") == [], name


def test_hit_text_shows_what_the_member_wrote():
    [hit] = starter("crisis").scan("Honestly I CAN’T GO ON.")
    assert hit.text == "CAN’T GO ON"
    assert hit.rule.action == "crisis"


def test_200_rules_on_a_long_post_finish_quickly():
    """A sanity check only; the 50 ms target is measured by bench/bench_words.py."""
    rng = random.Random(3)
    rules = [rule for _, list_rules in STARTER_LISTS.values() for rule in list_rules]
    while len(rules) < 150:
        rules.append(Rule(f"word{len(rules)}* phrase", "wildcard" if len(rules) % 3 else "word"))
    while len(rules) < 200:
        rules.append(Rule(rf"(?:alpha|beta{len(rules)})\s+\d+", "regex"))
    vocabulary = "pain flare sleep gabapentin tired can’t Straße café 988 oxycodone today the a".split()
    body = " ".join(rng.choice(vocabulary) for _ in range(4_000))[:20_000]
    matcher = Matcher(rules)
    began = time.perf_counter()
    matcher.scan(body)
    assert time.perf_counter() - began < 1.0
