"""Data protection duties for a council's children's records (docs/privacy.md).

- `records.py`: where a child's personal data is held — every model, how to find the rows about
  one child, which of their fields are personal. Subject access and erasure both read it, and a
  test fails when a model about a child is missing from it.
- `subject_access.py`: everything held about one child, and who read it, as JSON and PDF
  (`returnhome subject-access`).
- `retention.py`: the council's retention rule and the records past it (the review queue).
- `services.py`: erasing a child's personal data, keeping a record longer.
- `views.py`: the retention review queue, its erase and keep-longer pages.

The top layer (beside `demo`): it may import every other app, and nothing imports it.
"""
