"""Retention: each force keeps a closed case for its own period, then erases it."""
