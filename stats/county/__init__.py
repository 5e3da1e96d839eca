"""The county roll-up (build.py): every account's report counts side by side, and the county totals;
the quarterly check (inspection.py).

Nothing is imported here, so that `govpost --help` can name the formats without loading SQLAlchemy."""
