"""Notifications: the emails (invitation, reset, alert), sent exactly once from the cases stream."""
