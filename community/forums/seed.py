"""The groups every Common Ground site starts with, and demo threads for a new site."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from community.extensions import db
from community.forums.models import Group, Thread

# slug, name, description, visibility. Members only unless there is a reason to be public:
# health stories stay inside the community.
GROUPS = [
    (
        "introductions",
        "Introductions",
        "New here? Say hello and tell us as much or as little as you like.",
        "members",
    ),
    (
        "intractable-pain",
        "Living with intractable pain",
        "The everyday reality of pain that stays despite treatment.",
        "members",
    ),
    ("crps", "CRPS", "Complex regional pain syndrome: flares, treatments, and getting through.", "members"),
    (
        "back-pain",
        "Back pain and failed back surgery syndrome",
        "Chronic back pain, and life after spinal surgery that did not help.",
        "members",
    ),
    (
        "neuropathic-pain",
        "Neuropathic pain",
        "Burning, shooting and electric nerve pain, whatever its cause.",
        "members",
    ),
    (
        "cancer-pain",
        "Cancer pain",
        "Pain from cancer and its treatment, for patients and those beside them.",
        "members",
    ),
    (
        "autoimmune-pain",
        "Autoimmune and inflammatory pain",
        "Pain with rheumatoid arthritis, lupus, and other autoimmune conditions.",
        "members",
    ),
    (
        "unknown-cause",
        "Pain with no known cause",
        "When tests come back clear but the pain is real.",
        "members",
    ),
    (
        "treatments",
        "Treatments and procedures",
        "Medication, nerve blocks, spinal cord stimulation, physical therapy: experiences, not advice.",
        "members",
    ),
    (
        "coping",
        "Coping, mindfulness and mental health",
        "Pacing, mindfulness, low mood and anxiety, and what helps.",
        "members",
    ),
    ("sleep-fatigue", "Sleep and fatigue", "Bad nights, exhaustion and brain fog.", "members"),
    (
        "caregivers",
        "Caregivers, family and friends",
        "For the people who care for someone in pain.",
        "members",
    ),
    (
        "work-advocacy",
        "Work, benefits and advocacy",
        "Work, disability benefits, and speaking up for better pain care.",
        "public",
    ),
    (
        "good-days",
        "Good days and off topic",
        "Small wins, pets, gardens, books: life beyond pain.",
        "members",
    ),
]


def seed_groups() -> Iterator[str]:
    existing = set(db.session.scalars(select(Group.slug)))
    added = 0
    for position, (slug, name, description, visibility) in enumerate(GROUPS, start=1):
        if slug not in existing:
            db.session.add(
                Group(
                    slug=slug,
                    name=name,
                    description=description,
                    visibility=visibility,
                    position=position * 10,
                )
            )
            added += 1
    yield f"Groups: {added} added, {len(GROUPS) - added} already there."


def seed_demo_threads(members: dict) -> Iterator[str]:
    """A few conversations so a new site does not look empty; only on an empty forum."""
    from community.forums import groups as forum_groups
    from community.forums import services

    if db.session.scalar(select(func.count()).select_from(Thread)):
        yield "Demo threads skipped: the forum already has threads."
        return
    groups = {g.slug: g for g in db.session.scalars(select(Group))}
    for slug in ("introductions", "crps", "sleep-fatigue", "caregivers"):
        for user in members.values():
            forum_groups.join_group(user, groups[slug])
    hello = services.create_thread(
        members["maria_crps"],
        groups["introductions"],
        "Hello from a fellow CRPS warrior",
        "I've had CRPS in my left foot since 2019. Some days are a 4, some days a 9.\n\n"
        "I'm here to find people who *get it*. Looking forward to knowing you all.",
    )
    services.create_reply(
        members["jon_back"],
        hello,
        "Welcome @maria_crps! Glad you found us. "
        "The **sleep and fatigue** group helped me a lot in my first months.",
    )
    sleep = services.create_thread(
        members["jon_back"],
        groups["sleep-fatigue"],
        "What helps you get back to sleep at 3am?",
        "Pain wakes me most nights. What do you do when you can't get back to sleep?\n\n"
        "- I've tried a heat pad\n- audiobooks help a bit",
    )
    services.create_reply(
        members["ade_cares"],
        sleep,
        "My partner uses a body pillow and slow breathing. It doesn't fix it, but it helps her rest.",
    )
    services.create_thread(
        members["ade_cares"],
        groups["caregivers"],
        "Looking after yourself while caring",
        "How do you keep going when the person you love is hurting every day?",
        content_warning="low mood",
    )
    yield "Added 3 demo threads."
