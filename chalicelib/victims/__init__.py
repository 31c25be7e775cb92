"""Victims and witnesses: register, sign in, read the case, sign out, reset a password."""
