"""The kinds of notification: each feature registers its own, with the words to show in
templates/notifications/kinds/<name>.html and the label for its setting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    setting_label: str  # "When someone mentions me with @"
    default_on: bool = True
    can_turn_off: bool = True  # moderation outcomes, for instance, always arrive
    # For a kind that counts things which can go away (replies that are later removed): given
    # one member's notifications of this kind, {notification id: how many are still there}.
    # The list shows that rather than the count stored when the notification was written.
    live_count: Callable[[list], dict[int, int]] | None = None

    @property
    def template(self) -> str:
        return f"notifications/kinds/{self.name}.html"


KINDS: dict[str, Kind] = {}


def register_kind(
    name: str, setting_label: str, default_on: bool = True, can_turn_off: bool = True, live_count=None
) -> Kind:
    kind = Kind(name, setting_label, default_on, can_turn_off, live_count)
    if KINDS.get(name, kind) != kind:
        raise ValueError(f"Two notification kinds are called {name!r}")
    KINDS[name] = kind
    return kind
