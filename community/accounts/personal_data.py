"""What each feature holds about a member, for /settings/data. Each feature registers its own
part (the files it adds to the download, and how its records are scrubbed and erased when an
account is deleted), so accounts, which every feature builds on, never imports a feature: the
download (data_rights) and the deletion (account_deletion) ask the registered parts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from community.accounts.account_deletion import Erasure
    from community.accounts.models import User


@dataclass(frozen=True)
class PersonalData:
    name: str  # the feature: "forums"
    # Lowest first: where its files are listed, and when its records are scrubbed and erased.
    order: int
    # The files it adds to the download, each with what it holds in words (the README and
    # /settings/data list them). A part may also add keys to another part's JSON object
    # (forums adds "groups" to profile.json) without declaring that file.
    files: dict[str, str] = field(default_factory=dict)
    # {file name: rows (written as JSON) or text (written as it is)}: only the member's own.
    export: Callable[[User], dict[str, object]] | None = None
    # Deleting the account, first step: every part's scrub runs before any part erases, so
    # each still finds what is the member's and their names: take their names and words out of
    # others' records.
    scrub: Callable[[Erasure], None] | None = None
    # Then every part's erase: delete what is only theirs, let go of what others' records
    # point at (erasure.keep_posts says whether what they wrote stays, as "Former member").
    erase: Callable[[Erasure], None] | None = None


PARTS: dict[str, PersonalData] = {}
# Every file in the download and what it holds, in the parts' order: kept whole as parts register.
FILES: dict[str, str] = {}


def register_personal_data(part: PersonalData) -> PersonalData:
    """Add (or, on a module's second import, replace) a feature's part."""
    for name in part.files:
        owner = next((p.name for p in PARTS.values() if name in p.files and p.name != part.name), None)
        if owner:
            raise ValueError(f"{part.name} and {owner} both describe {name!r}")
    PARTS[part.name] = part
    FILES.clear()
    for each in parts():
        FILES.update(each.files)
    return part


def parts() -> list[PersonalData]:
    return sorted(PARTS.values(), key=lambda part: (part.order, part.name))
