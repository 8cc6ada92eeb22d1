"""The scales a diary entry records, each with its name, range and anchor words, stored with
every entry (`DiaryEntry.scales`), so an entry keeps its meaning if a scale ever changes.

The core is the PEG (Krebs EE et al., "Development and initial validation of the PEG, a
three-item scale assessing pain intensity and interference", J Gen Intern Med 2009;24:733-8):
average pain in the past week — here, today — and how much pain interfered with enjoyment of
life and with general activity, each 0–10; the PEG score is the mean of the three.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Scale:
    field: str  # the DiaryEntry column
    name: str  # as the member reads it
    low: int
    high: int
    low_words: str
    high_words: str

    def as_stored(self) -> dict:
        return asdict(self)


PEG_PAIN = Scale("pain_average", "Average pain today", 0, 10, "No pain", "Pain as bad as you can imagine")
PEG_ENJOYMENT = Scale(
    "enjoyment_interference",
    "How much pain got in the way of enjoying life",
    0,
    10,
    "Does not interfere",
    "Completely interferes",
)
PEG_ACTIVITY = Scale(
    "activity_interference",
    "How much pain got in the way of your general activity",
    0,
    10,
    "Does not interfere",
    "Completely interferes",
)
PAIN_NOW = Scale("pain_now", "Pain right now", 0, 10, "No pain", "Pain as bad as you can imagine")
PAIN_WORST = Scale("pain_worst", "Worst pain today", 0, 10, "No pain", "Pain as bad as you can imagine")
MOOD = Scale("mood", "Mood", 1, 5, "Very low", "Very good")
SLEEP_QUALITY = Scale("sleep_quality", "How well you slept", 1, 5, "Very badly", "Very well")

PEG = (PEG_PAIN, PEG_ENJOYMENT, PEG_ACTIVITY)
SCALES = PEG + (PAIN_NOW, PAIN_WORST, MOOD, SLEEP_QUALITY)
BY_FIELD = {scale.field: scale for scale in SCALES}
SLEEP_HOURS_MAX = 24

# Offered as suggestions; members add their own words.
QUALITIES = (
    "aching",
    "burning",
    "stabbing",
    "electric",
    "throbbing",
    "shooting",
    "tingling",
    "cramping",
    "pressing",
)
TRIGGER_SUGGESTIONS = (
    "poor sleep",
    "weather",
    "stress",
    "long sitting",
    "long standing",
    "activity",
    "cold",
    "period",
    "medication change",
)
HELPER_SUGGESTIONS = (
    "rest",
    "heat",
    "cold pack",
    "gentle movement",
    "pacing",
    "distraction",
    "company",
    "a bath",
)
# Body areas for the list and the SVG map (ids are stable; names are what members read).
BODY_AREAS = {
    "head": "Head",
    "neck": "Neck",
    "shoulder-left": "Left shoulder",
    "shoulder-right": "Right shoulder",
    "arm-left": "Left arm",
    "arm-right": "Right arm",
    "hand-left": "Left hand and wrist",
    "hand-right": "Right hand and wrist",
    "chest": "Chest",
    "abdomen": "Abdomen",
    "upper-back": "Upper back",
    "lower-back": "Lower back",
    "hip-left": "Left hip",
    "hip-right": "Right hip",
    "leg-left": "Left leg",
    "leg-right": "Right leg",
    "knee-left": "Left knee",
    "knee-right": "Right knee",
    "foot-left": "Left foot and ankle",
    "foot-right": "Right foot and ankle",
    "all-over": "All over",
}


def peg_score(entry) -> float | None:
    """The mean of the three PEG items, when all three are there (else None: a partial
    entry has no PEG score, never a made-up one)."""
    values = [getattr(entry, scale.field) for scale in PEG]
    if any(value is None for value in values):
        return None
    return sum(values) / 3


def stored_scales() -> dict:
    return {scale.field: scale.as_stored() for scale in SCALES}
