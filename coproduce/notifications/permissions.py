"""Who may change contact choices, read messages sent and set a programme's timings."""

import rules

from coproduce.participants.permissions import (
    is_anonymised,
    is_partnership_manager,
    is_the_participant,
    is_their_keyworker,
    manages_their_area,
)

# The participant themself, or the people working with them (with them, on the page).
rules.add_perm(
    "notifications.change_contact_preference",
    (is_the_participant | is_their_keyworker | manages_their_area) & ~is_anonymised,
)
rules.add_perm("notifications.view_messages_of", is_the_participant | is_their_keyworker | manages_their_area)
rules.add_perm("notifications.view_message_log", is_partnership_manager)
rules.add_perm("notifications.change_message_settings", is_partnership_manager)
