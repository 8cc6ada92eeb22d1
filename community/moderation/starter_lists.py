"""The starter word lists a moderator can switch on (seeded by `flask seed`, off until a
moderator turns a list on): medication selling and sourcing, contact details, crisis words
and crisis methods. Each list is a title and its rules, for the matching engine in words.py."""

from __future__ import annotations

from community.moderation.words import Rule

# Medicines for the selling and sourcing rules, never matched alone: members rightly talk about
# what they are prescribed. Words that are also everyday things ("bars", "subs") are left out.
_MEDICINES = (
    r"(?:oxy\w*|roxy\w*|roxies|percs?|perc[o0]cets?|xanax|xans|norcos?|dilaudid|fent\w*|opana|suboxone"
    r"|addy|adderall|tramadol|gaba\w*|pregabalin|lyrica|morphine|codeine|pills?|meds|painkillers?)"
)
_STREET_NAMES = r"(?:oxys?|roxys?|roxies|percs|xans|zans|fent|fetty|addys|addies)"


def _rules(action: str, *rules: tuple[str, str, str]) -> list[Rule]:
    return [Rule(pattern, match_type, action, note=note) for match_type, pattern, note in rules]


STARTER_LISTS: dict[str, tuple[str, list[Rule]]] = {
    "medication": (
        "Selling or sourcing medication",
        _rules(
            "hold",
            (
                "regex",
                rf"(?:sell|selling|sold)\s+(?:(?:my|some|your|extra|spare|leftover)\s+){{0,2}}{_MEDICINES}",
                "Offering to sell medication.",
            ),
            (
                "regex",
                rf"(?:buy|buying|bought)\s+your\s+(?:extra\s+|spare\s+|leftover\s+)?{_MEDICINES}",
                "Buying someone else's medication (not buying your own).",
            ),
            (
                "regex",
                rf"(?:buy|buying|bought)\s+(?:some\s+|any\s+)?{_STREET_NAMES}",
                "Buying medication by its street names.",
            ),
            ("regex", rf"{_MEDICINES}\s+for\s+sale", "Medication offered for sale."),
            (
                "regex",
                r"no\s+(?:prescription|script|rx)\s+(?:needed|required|necessary)",
                "Wording of illegal online pharmacies.",
            ),
            (
                "regex",
                r"(?<!(?:n't|not)\s)(?:buy|order)\s+(?:\w+\s+){1,3}?without\s+(?:a\s+)?(?:prescription|script|rx)",
                'Buying without a prescription; "you can\'t buy it without a prescription" is left alone.',
            ),
            (
                "regex",
                rf"(?:(?:dm|pm|message|text|inbox|hit)\s+me(?:\s+up)?|hmu)\s+(?:for|if\s+you\s+(?:want|need))"
                rf"\s+(?:some\s+|any\s+)?{_MEDICINES}",
                "Inviting private messages for medication.",
            ),
            (
                "regex",
                rf"(?:i|we)\s+(?:can\s+|will\s+)?(?:ship|post|mail|deliver)\s+(?:the\s+|your\s+|some\s+)?{_MEDICINES}",
                "Offering to send medication.",
            ),
            (
                "regex",
                r"discre(?:et|te)\s+(?:shipping|delivery|packaging)|(?:ships?|shipping|delivery)\s+worldwide",
                "Mail-order wording of drug sellers.",
            ),
            ("regex", rf"plug\s+for\s+(?:some\s+|any\s+)?{_MEDICINES}", '"Plug" is slang for a dealer.'),
        )
        + [
            Rule(
                r"(?<!\w)(?:wickr|telegram|whatsapp|snapchat|kik)\s*(?:me\b|:|@|id\b)",
                "regex",
                "hold",
                whole_word=False,
                note="Sellers move buyers to private messaging apps.",
            ),
        ],
    ),
    "contact": (
        "Phone numbers and email addresses in public posts",
        _rules(
            "flag",
            (
                "regex",
                r"(?<![\w+/=#@.\-])(?!\d{4}-\d\d-\d\d(?!\d)|\d\d?[./-]\d\d?[./-](?:19|20)\d\d(?!\d))"
                r"(?=[+(]?\d(?:[ .\-()]{0,2}\d){9})(?:\+\d{1,3}[ .\-]?)?(?:\(\d{1,5}\)[ .\-]?)?\d{1,15}"
                r"(?:[ .\-]\d{2,12}){0,6}(?![\w+:]|[ .\-]?\d)",
                "A phone number, 10 digits or more (not 988, 116 123, dates or doses).",
            ),
            ("regex", r"(?<![\w.+\-])[\w.+\-]++@[\w\-]++(?:\.[\w\-]++)+", "An email address."),
            (
                "regex",
                r"(?:[\[(]\s*at\s*[\])]|\bat\b)\s*[\w\-]+\s*(?:[\[(]\s*dot\s*[\])]|\s+dot\s+)\s*"
                r"(?:com|net|org|co|uk|ca|au|ie|nz|de|fr|io)",
                "An email address written out, name [at] example [dot] com (the hit starts at the [at]).",
            ),
        ),
    ),
    "crisis": (
        "Crisis: thoughts of suicide or self-harm (tier 1)",
        _rules(
            "crisis",
            ("regex", r"(?:want(?:s|ed)?\s+to|wanna|ready\s+to)\s+die", "Wanting to die."),
            (
                "regex",
                r"wish\s+i\s+(?:was|were)\s+dead|wish\s+i\s+(?:could\s+)?(?:never|didn't|did\s+not)\s+wake\s+up",
                "Wishing to be dead.",
            ),
            ("regex", r"kill(?:ing)?\s+myself", "Thinking of ending one's life."),
            ("regex", r"end(?:ing)?\s+(?:it\s+all|my\s+(?:own\s+)?life)", "Thinking of ending one's life."),
            ("regex", r"tak(?:e|ing)\s+my\s+own\s+life", "Thinking of ending one's life."),
            (
                "regex",
                r"suicid\w*(?!\s+disease)",
                "A mention of suicide: often someone asking for help, so a moderator checks in. Not CRPS's "
                "nickname, “the suicide disease”, which members use all the time.",
            ),
            (
                "regex",
                r"no\s+(?:reason|point)\s+(?:to|in)\s+(?:live|living|going\s+on|carrying\s+on)",
                "Losing reasons to live.",
            ),
            ("regex", r"better\s+off\s+(?:dead|without\s+me)", "Feeling a burden."),
            (
                "regex",
                r"(?:nobody|no\s+one|no-one)\s+would\s+(?:even\s+)?(?:miss|notice)\s+(?:me|if\s+i\s+(?:was|were)\s+gone)",
                "Feeling a burden.",
            ),
            (
                "regex",
                r"(?:can't|cannot|can\s+not)\s+go\s+on(?:\s+(?:like\s+this|living|any\s*more|any\s+longer)|(?!\s*[\w(]))",
                '"I can\'t go on", but not "can\'t go on holiday".',
            ),
            (
                "regex",
                r"(?:don't|do\s+not)\s+want\s+to\s+(?:be\s+here\s+any\s*more|live\s+any\s*more|exist|wake\s+up)",
                "Not wanting to live.",
            ),
            (
                "regex",
                r"overdos(?:e|ed|ing)\s+on\s+purpose|(?:deliberately|intentionally|purposely)\s+overdos\w*",
                "An overdose on purpose.",
            ),
            (
                "regex",
                r"(?:want(?:ed)?\s+to|wanna|urges?\s+to|going\s+to|thinking\s+(?:about|of))\s+"
                r"(?:hurt(?:ing)?|harm(?:ing)?|cut(?:ting)?)\s+myself",
                'Wanting to hurt oneself (not "I hurt myself lifting").',
            ),
            ("regex", r"self[\s-]*harm\w*", "Self-harm, in any spelling."),
        ),
    ),
    "crisis_method": (
        "Crisis: method detail or encouragement (tier 2)",
        _rules(
            "crisis_hold",
            (
                "regex",
                r"how\s+(?:many|much)\s+(?:[\w.]+\s+){0,4}?(?:(?<!(?:have|has|got|need|needs)\s)to\s+(?:die|overdose|od)"
                r"|(?:would|will|to)\s+kill\s+(?:me|myself|someone|a\s+person)|(?:would|will)\s+be\s+(?:fatal|lethal))",
                'Asking how much medication would kill (not "how many more have to die").',
            ),
            ("regex", r"(?:lethal|fatal|deadly)\s+(?:dose|dosage|amount)s?", "Naming a dose that kills."),
            (
                "regex",
                r"(?:best|easiest|quickest|fastest|surest|painless|least\s+painful|quiet(?:est)?|peaceful)\s+"
                r"(?:ways?|methods?)\s+(?:to|of)\s+(?:die|dying|kill(?:ing)?\s+(?:myself|yourself|oneself)"
                r"|end(?:ing)?\s+(?:it|it\s+all|my\s+life)|suicide|commit\w*\s+suicide)",
                "Asking for a way to die.",
            ),
            (
                "regex",
                r"how\s+(?:to|do\s+i|do\s+you|can\s+i|could\s+i|should\s+i)\s+(?:kill|off|hang)\s+(?:myself|yourself|oneself)"
                r"|how\s+(?:to|do\s+i|can\s+i)\s+end\s+(?:it\s+all|my\s+life)",
                "Asking how to end a life.",
            ),
            (
                "regex",
                r"(?:going\s+to|gonna|will|i'll)\s+(?:overdose|od|swallow\s+(?:them\s+all|the\s+(?:whole|entire)\s+bottle))",
                "Saying they will overdose: a plan, not only a thought.",
            ),
            (
                "regex",
                r"(?:should|go|just|please|pls|plz)\s+(?:go\s+)?(?:kill|hang|off)\s+yourself",
                "Telling someone to kill themselves.",
            ),
            ("word", "kys", '"Kill yourself": abuse aimed at a member.'),
            (
                "regex",
                r"(?:nobody|no\s+one|no-one)\s+(?:would|will|is\s+going\s+to)\s+(?:even\s+)?miss\s+you"
                r"|(?:world|everyone|we)\s+(?:would\s+be|will\s+be|are|is)\s+better\s+off\s+without\s+you"
                r"|(?:hope|wish)\s+you\s+(?:die|were\s+dead|was\s+dead)|you\s+should\s+(?:just\s+)?die",
                "Telling a member they would not be missed, or should die.",
            ),
        ),
    ),
}
