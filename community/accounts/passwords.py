"""Password rules: long enough, and not one of the most common passwords.

The common list is zxcvbn's 30,000 most-used passwords (from real breaches), so we do
not maintain a list of our own. No composition rules, as NIST SP 800-63B advises.
"""

from __future__ import annotations

from functools import lru_cache

MIN_LENGTH = 12
MAX_LENGTH = 256


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str) -> str | None:
    """A sentence a person can act on, or None when the password is fine."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters. A few words together works well."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.lower() in common_passwords():
        return "That password is one of the most common ones. Please choose another."
    return None
