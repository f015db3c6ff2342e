"""Conversations: the ChatKit Store (threads, items, attachments, feedback) in SQL."""
