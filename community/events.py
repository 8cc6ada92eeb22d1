"""Named domain events, sent only after the unit of work commits (see unit_of_work.py).

Senders queue them with unit_of_work.after_commit(event, **ids); receivers connect with
@event.connect and do what leaves the process: mail, Socket.IO emits, moderators' feeds.
"""

from blinker import Namespace

_events = Namespace()

# Accounts
reset_link_requested = _events.signal("reset-link-requested")  # email, base_url

# Forums
post_created = _events.signal("post-created")  # post_id, thread_id, author_id, first (bool)
post_edited = _events.signal("post-edited")  # post_id, thread_id, editor_id
post_removed = _events.signal("post-removed")  # post_id, thread_id
member_joined_group = _events.signal("member-joined-group")  # user_id, group_id
member_left_group = _events.signal("member-left-group")  # user_id, group_id
# Sent in the transaction, not after it: features that keep something per group (a chat
# room) add it in the same unit of work.
group_saved = _events.signal("group-saved")  # group_id

# Moderation
crisis_alert = _events.signal("crisis-alert")  # item_id, url: online moderators hear of it (chat)
member_suspended = _events.signal("member-suspended")  # user_id: their open sockets close
member_silenced = _events.signal("member-silenced")  # user_id, until (ISO 8601 or None)
sessions_ended = _events.signal("sessions-ended")  # user_id, session_ids: sign-outs, new password, suspension

# Chat (sent after commit; the chat package emits them to sockets, across processes with Redis)
chat_message = _events.signal("chat-message")  # room_id, message (the protocol's message object)
chat_message_updated = _events.signal("chat-message-updated")  # room_id, message
chat_notice = _events.signal("chat-notice")  # user_id, kind ("muted", "referred"), room_id, until
chat_room_changed = _events.signal("chat-room-changed")  # room_id, slug, locked
meeting_changed = _events.signal("meeting-changed")  # room_id, meeting (meetings.services.meeting_json)
