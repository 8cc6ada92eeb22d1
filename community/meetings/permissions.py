"""Who may see a meeting, plan meetings, host one, and say whether they are going."""

from __future__ import annotations

from community.accounts import standing
from community.chat.permissions import can_read_room
from community.meetings.models import Meeting
from community.permissions import rule
from community.security import has_role


@rule("read_meeting")
def can_read_meeting(user, meeting: Meeting) -> bool:
    """A meeting is as open as its room: whoever may read the room may see when it meets."""
    return can_read_room(user, meeting.room)


@rule("manage_meetings")
def can_manage_meetings(user) -> bool:
    """Moderators (and admins) plan meetings, change them and choose their host."""
    return has_role(user, "moderator") and standing.may_write(user)


def may_host(user, room) -> bool:
    """Who can be made a host: a member in good standing who may read the room."""
    return standing.may_write(user) and can_read_room(user, room)


@rule("host_meeting")
def can_host_meeting(user, meeting: Meeting) -> bool:
    """The host starts and ends the meeting and pins a message; a moderator may stand in."""
    if not may_host(user, meeting.room):
        return False
    return meeting.host_id == user.id or can_manage_meetings(user)


@rule("rsvp_meeting")
def can_rsvp(user, meeting: Meeting) -> bool:
    """Saying you're going writes nothing others read, so a silenced member may still."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and standing.is_active_member(user)
        and can_read_meeting(user, meeting)
    )
