"""Reminder delivery: the dispatcher (exactly once), channels (page, Web Push, ntfy, email,
webhook), per-user channel settings and the calendar feed."""
