"""Signals core sends for the apps above it to act on (core imports none of them)."""

from django.dispatch import Signal

# Sent by `returnhome restore` after the database was replaced from a backup, inside a
# transaction, with `connection`: the app that keeps derived tables (the report facts) makes them
# consistent again. Not sent when migrations are left to apply (they derive their own).
database_restored = Signal()

# Sent by `core.db.bulk_write` (imports) inside a transaction, with `connection` and
# `reports_children` (whether the writer reports every child it touches): derived tables kept by
# triggers stop deriving row by row (noting what the writes touch, or, when the writer reports
# it, doing nothing at all) ...
bulk_write_started = Signal()
# ... and derive once, set based, what the writes since touched, before the transaction commits;
# with `children`: the ids the writer reported (None when it did not report them).
bulk_write_ending = Signal()
