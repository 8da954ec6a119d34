"""Signals core sends for the apps above it to act on (core imports none of them)."""

from django.dispatch import Signal

# Sent by `returnhome restore` after the database was replaced from a backup, inside a
# transaction, with `connection`: the app that keeps derived tables (the report facts) makes them
# consistent again. Not sent when migrations are left to apply (they derive their own).
database_restored = Signal()

# Sent by `core.db.bulk_write` (imports) inside a transaction, with `connection`: derived tables
# kept by triggers may stop deriving row by row ...
bulk_write_started = Signal()
# ... and derive once, set based, what the writes since touched, before the transaction commits.
bulk_write_ending = Signal()
